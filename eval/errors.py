"""The evaluator's one error type, so the command can turn bad input into a message instead of a traceback."""

from __future__ import annotations


class EvaluationInputError(ValueError):
    """Bad evaluator input (gold set, documents, predictions or model): the message says what and where."""

"""Classifiers: each turns an article's sentences into :class:`~attribution.results.Prediction` objects (label,
probabilities and, for classifiers that find them, source and cue spans relative to each sentence)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attribution.results import Prediction
from attribution.segment import Sentence


class Classifier(Protocol):
    """What the pipeline needs of a classifier: a name and prediction over whole articles.

    The pipeline passes one article per call, so that each record depends on its own article only; a
    classifier batches the sentences (or windows) of that article itself.
    """

    name: str

    def predict_articles(self, articles: Sequence[tuple[str, Sequence[Sentence]]]) -> list[list[Prediction]]:
        """For each ``(original_text, sentences)``, one prediction per sentence, in order."""
        ...

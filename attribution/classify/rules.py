"""The rules baseline: reporting cues, hearsay markers and anonymity signals, per LABELS.md.

Transparent and fast; every model is compared with it. Its probabilities are
fixed confidences per decision path (not calibrated), so that its output has
the same shape as a model's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, LABELS, REPORTED_CLAIM
from attribution.lexicon import load_tracker_phrases
from attribution.results import Prediction
from attribution.segment import Sentence
from attribution.sources import Attribution, find_attribution

#: How sure each decision path is; the rest of the mass is spread over the other labels.
CONFIDENCE = {"marker": 0.9, "source": 0.85, "context": 0.7, "hearsay": 0.75, "quote": 0.65, "default": 0.8}
_NON_ATTRIBUTION = re.compile(
    r"\b(declined|refused|did not respond|didn't respond|could not be reached|not immediately respond|"
    r"no comment|did not return)\b",
    re.IGNORECASE,
)
_OPEN_QUOTES = re.compile(r"[\"“”]")


def _probs(label: str, confidence: float) -> dict[str, float]:
    rest = (1.0 - confidence) / (len(LABELS) - 1)
    return {name: (confidence if name == label else rest) for name in LABELS}


class RulesClassifier:
    """Label sentences from cues and markers, resolving pronoun sources from the preceding sentences."""

    name = "rules"

    def __init__(self, extra_anonymity_phrases: Sequence[str] = ()):
        self.extra_phrases = tuple(p.lower() for p in extra_anonymity_phrases)

    @classmethod
    def with_tracker_phrases(cls, data_dir: str | Path | None) -> RulesClassifier:
        """A rules classifier that also uses the anonymous-source tracker's phrases, if the data is there."""
        return cls(load_tracker_phrases(data_dir) if data_dir else ())

    def predict_articles(self, articles: Sequence[tuple[str, Sequence[Sentence]]]) -> list[list[Prediction]]:
        return [self.predict_article(text, sentences) for text, sentences in articles]

    def predict_article(self, text: str, sentences: Sequence[Sentence]) -> list[Prediction]:
        predictions: list[Prediction] = []
        last_attributed: str | None = None  # label of the latest sentence with a typed source
        quote_open = False
        for sentence in sentences:
            found = find_attribution(sentence.text)
            label, path = self._decide(sentence.text, found, last_attributed, quote_open)
            if found and found.source_type in ("named", "anonymous") or path == "marker":
                last_attributed = label
            quotes = len(_OPEN_QUOTES.findall(sentence.text))
            quote_open = (quote_open ^ (quotes % 2 == 1)) if quotes else quote_open
            predictions.append(self._prediction(sentence, found, label, path))
        return predictions

    def _decide(
        self, text: str, found: Attribution | None, last_attributed: str | None, quote_open: bool
    ) -> tuple[str, str]:
        lowered = text.lower()
        has_extra = any(phrase in lowered for phrase in self.extra_phrases)
        if found is None and not has_extra:
            if quote_open and last_attributed:
                return last_attributed, "quote"  # later sentence of a multi-sentence quote (rule 3)
            return DIRECT_FACT, "default"
        if has_extra or (found and found.anonymity_marker):
            return ANONYMOUS_SOURCE_QUOTE, "marker"
        assert found is not None
        if found.cue is not None and _NON_ATTRIBUTION.search(text) and found.source_type != "anonymous":
            return DIRECT_FACT, "default"  # "declined to comment": a speech act as an event (rule 5)
        if found.source_type == "anonymous":
            return ANONYMOUS_SOURCE_QUOTE, "source"
        if found.source_type in ("pronoun", "back_reference"):
            if last_attributed:
                return last_attributed, "context"
            return REPORTED_CLAIM, "context"
        if found.source_type == "named":
            return REPORTED_CLAIM, "source"
        if found.hearsay_marker is not None:
            return REPORTED_CLAIM, "hearsay"
        return DIRECT_FACT, "default"

    @staticmethod
    def _prediction(sentence: Sentence, found: Attribution | None, label: str, path: str) -> Prediction:
        """The label, its fixed-confidence probabilities, and source and cue spans relative to the sentence (the
        analyzer's attribute stage makes them article offsets and types the source)."""
        source = cue = None
        if found is not None and label != DIRECT_FACT:
            if found.source is not None:
                source = (found.source.start, found.source.end)
            marker = found.cue or found.hearsay_marker
            if marker is not None:
                cue = (marker.start, marker.end)
        return Prediction(label, _probs(label, CONFIDENCE[path]), source, cue)

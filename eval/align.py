"""Alignment: give each gold unit the prediction that covers it, whatever the system's segmentation.

* A gold content unit takes the label of the predicted sentence that overlaps it most
  (ties: the earlier sentence); a unit no prediction overlaps is ``missed``.
* A content unit whose normalised text already occurred as a content unit earlier in the
  same document (a scraped page printing its body twice) is marked a duplicate and not scored.
* A gold ``boilerplate`` unit is *leaked* when one predicted sentence overlaps more than half
  of its characters: the cleaning step let it through to classification.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from attribution.eval.gold import GoldSet, GoldUnit
from attribution.eval.predictions import Predictions, PredSentence

#: The predicted "label" of a gold unit that no predicted sentence overlaps.
MISSED = "missed"


@dataclass(frozen=True)
class AlignedUnit:
    """A gold unit with the predicted sentence matched to it (``None`` when missed)."""

    gold: GoldUnit
    predicted: PredSentence | None
    duplicate_of: str | None = None  # unit_id of the earlier unit with the same text

    @property
    def label(self) -> str:
        """The predicted label, or ``missed``."""
        return self.predicted.label if self.predicted else MISSED

    @property
    def scored(self) -> bool:
        return self.gold.is_content and self.duplicate_of is None

    @property
    def leaked(self) -> bool:
        """For a boilerplate unit: a prediction covers more than half of it."""
        if self.gold.is_content or self.predicted is None:
            return False
        return overlap(self.gold.start, self.gold.end, self.predicted) * 2 > self.gold.end - self.gold.start


@dataclass
class DocAlignment:
    """One document's aligned units (text order) and the system's own sentences for it."""

    doc_id: str
    units: list[AlignedUnit]
    predicted: list[PredSentence]
    in_predictions: bool

    @property
    def scored(self) -> list[AlignedUnit]:
        return [unit for unit in self.units if unit.scored]


def normalise(text: str) -> str:
    """Text compared for repeats: Unicode-normalised, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def overlap(start: int, end: int, sentence: PredSentence) -> int:
    """Characters ``[start, end)`` shares with a predicted sentence."""
    return max(0, min(end, sentence.end) - max(start, sentence.start))


def _best(unit: GoldUnit, sentences: list[PredSentence]) -> PredSentence | None:
    best, best_overlap = None, 0
    for sentence in sentences:
        if sentence.start >= unit.end:
            break
        shared = overlap(unit.start, unit.end, sentence)
        if shared > best_overlap:
            best, best_overlap = sentence, shared
    return best


def align_document(doc_id: str, text: str, units: list[GoldUnit], sentences: list[PredSentence] | None) -> DocAlignment:
    """Align one document; ``sentences is None`` means the system gave nothing for it (all units missed)."""
    seen: dict[str, str] = {}
    aligned = []
    for unit in units:
        duplicate_of = None
        if unit.is_content:
            key = normalise(text[unit.start : unit.end])
            duplicate_of = seen.get(key)
            seen.setdefault(key, unit.unit_id)
        aligned.append(AlignedUnit(unit, _best(unit, sentences or []), duplicate_of))
    return DocAlignment(doc_id, aligned, list(sentences or []), sentences is not None)


def align(gold: GoldSet, predictions: Predictions) -> list[DocAlignment]:
    """Every gold document aligned with the system's (checked, offset-sorted) sentences, in gold order."""
    units = gold.units_by_doc()
    return [
        align_document(doc_id, text, units[doc_id], predictions.by_doc.get(doc_id))
        for doc_id, text in gold.texts.items()
    ]

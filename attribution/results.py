"""Result types of the pipeline and their flat record forms (what ``score`` writes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from attribution.extras import require_train
from attribution.labels import LABELS


@dataclass(frozen=True)
class Prediction:
    """A classifier's output for one sentence: its label, the probability of every label and, for classifiers
    that tag them, the source and cue spans as offsets RELATIVE TO THE SENTENCE (``sentence.text[s:e]``).

    The analyzer's attribute stage alone turns them into article offsets, trims them and types the source.
    """

    label: str
    probs: dict[str, float]
    source: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None


def label_counts(sentences: Iterable[SentenceResult]) -> dict[str, int]:
    """Sentences per label, every label present (the one count the profile, records and HTML report show)."""
    counts = dict.fromkeys(LABELS, 0)
    for s in sentences:
        counts[s.label] = counts.get(s.label, 0) + 1
    return counts


@dataclass
class SentenceResult:
    """One labelled sentence: ``text == original[start:end]``; source and cue likewise index the original."""

    doc_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    label: str
    probs: dict[str, float]
    source: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    source_type: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "sent_idx": self.sent_idx,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "probs": {label: round(self.probs.get(label, 0.0), 6) for label in LABELS},
            "source": self.source,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "source_type": self.source_type,
            "cue": self.cue,
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
        }


@dataclass
class ArticleResult:
    """Everything the analyzer says about one article."""

    doc_id: str
    status: str  # "ok" or "error"
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    sentences: list[SentenceResult] = field(default_factory=list)
    cleaning: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    #: The input as decoded, which every offset indexes (not written to records; reports use it).
    text: str = field(default="", repr=False)
    #: Problems met but survived (invalid bytes replaced, mojibake repaired, not English, ...).
    warnings: list[str] = field(default_factory=list)
    #: Mojibake repairs: offsets in the input as read and in ``text`` (see attribution.repair).
    repairs: list[dict[str, Any]] = field(default_factory=list)
    #: Sentences per label: the document's counts (shared with its profile); counted here when not given.
    counts: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = label_counts(self.sentences)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_record(self) -> dict[str, Any]:
        """The article record: status, counts per label, cleaning report, profile and metadata."""
        return {
            "doc_id": self.doc_id,
            "status": self.status,
            "error": self.error,
            "n_sentences": len(self.sentences),
            "counts": {label: self.counts.get(label, 0) for label in LABELS},
            "profile": self.profile,
            "cleaning": self.cleaning,
            "warnings": self.warnings,
            "repairs": self.repairs,
            "metadata": self.metadata,
        }

    def sentence_records(self) -> list[dict[str, Any]]:
        return [s.to_record() for s in self.sentences]


def to_dataframe(results: Iterable[ArticleResult], level: str = "sentences"):
    """A pandas DataFrame of sentence records (``level="sentences"``) or article records (``"articles"``)."""
    import pandas as pd

    return pd.DataFrame(_records(results, level))


def to_dataset(results: Iterable[ArticleResult], level: str = "sentences"):
    """A ``datasets.Dataset`` of sentence or article records (nested fields kept as JSON strings)."""
    import json

    require_train("to_dataset", ("datasets",))
    from datasets import Dataset

    rows = []
    for record in _records(results, level):
        rows.append({k: json.dumps(v) if isinstance(v, dict) else v for k, v in record.items()})
    return Dataset.from_list(rows)


def _records(results: Iterable[ArticleResult], level: str) -> list[dict[str, Any]]:
    if level == "sentences":
        return [record for result in results for record in result.sentence_records()]
    if level == "articles":
        return [result.to_record() for result in results]
    raise ValueError(f"level must be 'sentences' or 'articles', not {level!r}")

"""The document that flows through the analyzer's stages, each stage filling in its part.

One :class:`Document` per article goes ``ingest → clean → segment → classify → attribute → profile → write``
(see :mod:`attribution.stages`). It is the input document of :mod:`attribution.ingest` (id, text as decoded,
metadata, read error, warnings, repairs) plus what the stages add:

- ``content`` and ``cleaning``: the cleaner's content spans of the text and its report (clean);
- ``sentences``: the sentences, offsets into ``text`` (segment);
- ``predictions``: one :class:`~attribution.results.Prediction` per sentence, spans relative to the sentence
  (classify);
- ``attributions``: per sentence, the source and cue as article offsets, trimmed, and the source's type;
  ``hearsay`` (per sentence, whether it carries a hearsay marker) and ``antecedents`` (per sentence, the index of
  the named source's sentence a pronoun source refers to) (attribute);
- ``profile``: the article's sourcing profile (profile).

A document with ``error`` set skips every later stage but ``write``, which turns it into an error record.
The sentence results and the label counts are built once, on first use, and shared by the profile, the
article record and the HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from attribution import ingest
from attribution.results import Prediction, SentenceResult, label_counts
from attribution.segment import Sentence


@dataclass(frozen=True)
class Attributed:
    """The attribute stage's reading of one sentence: source and cue as trimmed article spans, the source's type.

    Its fields are :class:`~attribution.results.SentenceResult`'s span fields, by name: a sentence result is built
    from it field for field."""

    source: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    source_type: str | None = None


@dataclass
class Document(ingest.Document):
    """One article on its way through the stages (see the module docstring for which stage fills what)."""

    content: list[tuple[int, int]] | None = None
    cleaning: dict[str, Any] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    predictions: list[Prediction] | None = None
    attributions: list[Attributed] | None = None
    hearsay: list[bool] | None = None
    antecedents: list[int | None] | None = None
    profile: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: ingest.Document) -> Document:
        """A fresh pipeline document for an input document (the input is left as it was: stages fill the copy)."""
        return cls(doc.doc_id, doc.text, doc.metadata, doc.error, list(doc.warnings), list(doc.repairs))

    @cached_property
    def sentence_results(self) -> list[SentenceResult]:
        """The sentence results: labels from classify, spans and types from attribute (none if it was off).

        Built once, on first use (by the profile stage, else by write), after classify and attribute ran.
        """
        if self.predictions is None:
            return []
        attributions = self.attributions or [Attributed()] * len(self.sentences)
        return [
            SentenceResult(self.doc_id, s.idx, s.start, s.end, s.text, pred.label, pred.probs, **vars(a))
            for s, pred, a in zip(self.sentences, self.predictions, attributions, strict=True)
        ]

    @cached_property
    def counts(self) -> dict[str, int]:
        """Sentences per label, counted once and shared by the profile, the article record and the HTML report."""
        return label_counts(self.sentence_results)

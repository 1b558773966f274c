"""The analyzer's named stages, each with one contract on the :class:`~attribution.document.Document`.

========== ==================================================================================================
stage      contract
========== ==================================================================================================
ingest     ``(item, n, text_key, id_key) -> Document``: a text, a ``{"id", "text", ...}`` mapping or an input
           :class:`attribution.ingest.Document` becomes a fresh pipeline document (the input is not changed)
clean      ``Document -> Document``: sets ``content`` (the article's paragraphs as spans of ``text``; ``None``
           reads every line) and ``cleaning`` (the report of what was removed); never edits ``text``;
           :func:`clean_with_detector` in its place adds the learned detector to the cleaning rules
segment    ``Document -> Document``: sets ``sentences`` from ``content``; adds the not-English warning; a
           document without sentences gets ``error`` set
classify   a :class:`~attribution.classify.Classifier` (called one article at a time) or ``Document ->
           Document``: sets ``predictions``, one per sentence, label, probabilities and spans relative to the
           sentence
attribute  ``Document -> Document``: the one place that turns the classifier's spans into article offsets,
           trims them, types the source (:func:`attribution.source_types.type_source`), marks hearsay and links
           pronoun sources to the named source they stand for (``attributions``, ``hearsay``, ``antecedents``)
profile    ``Document -> Document``: sets ``profile`` from the counts, sources and marks of the document
write      ``Document -> ArticleResult``: the result whose records ``attribution score`` writes
========== ==================================================================================================

``clean``, ``attribute`` and ``profile`` may be switched off: without clean every line is content and the
cleaning report is empty; without attribute the records have no source, cue or source type, and the profile
no sources or hearsay; without profile the article record's profile is ``{}`` (its counts stay). A document
with ``error`` set skips every stage but ``write``.

The clean and segment stages run in worker processes when the analyzer has workers: a replacement for either
must then be picklable (a function defined at a module's top level, or an instance of a top-level class).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attribution.classify import Classifier
from attribution.clean import clean as clean_text
from attribution.document import Attributed, Document
from attribution.ingest import Document as InputDocument
from attribution.ingest import make_document
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, REPORTED_CLAIM
from attribution.language import language_warning
from attribution.lexicon import HEARSAY_MARKERS
from attribution.profile import build_profile
from attribution.results import ArticleResult, Prediction, SentenceResult
from attribution.segment import Sentence
from attribution.segment import segment as segment_text
from attribution.source_types import type_source
from attribution.sources import find_phrase

#: The stages in the order they run.
STAGE_NAMES: tuple[str, ...] = ("ingest", "clean", "segment", "classify", "attribute", "profile", "write")
#: Stages that may be switched off (the others are what makes a result at all).
OPTIONAL_STAGES: frozenset[str] = frozenset({"clean", "attribute", "profile"})
#: Stages run in worker processes when the analyzer has workers (so they must pickle).
WORKER_STAGES: tuple[str, ...] = ("clean", "segment")


def ingest(item: Any, n: int = 0, text_key: str = "text", id_key: str = "id") -> Document:
    """A pipeline document for one input: a text (id ``doc-<n>``), a mapping or an input document."""
    if isinstance(item, InputDocument):
        return Document.of(item)
    if isinstance(item, str):
        return Document.of(make_document(f"doc-{n}", item))
    if isinstance(item, Mapping):
        meta = {k: v for k, v in item.items() if k not in (text_key, id_key)}
        return Document.of(make_document(str(item.get(id_key, f"doc-{n}")), item.get(text_key), meta))
    raise TypeError(f"expected a text, a mapping or a Document, got {type(item).__name__}")


def clean(doc: Document) -> Document:
    """Find the article content (:func:`attribution.clean.clean`): content spans and the cleaning report."""
    cleaned = clean_text(doc.text)
    doc.content, doc.cleaning = cleaned.content, cleaned.report()
    return doc


def clean_rules_only(doc: Document) -> Document:
    """The clean stage with the cleaning rules and the duplicate check alone (what :func:`clean` does by default;
    kept as a name for code written when the detector was on by default)."""
    cleaned = clean_text(doc.text, detector=False)
    doc.content, doc.cleaning = cleaned.content, cleaned.report()
    return doc


def clean_with_detector(doc: Document) -> Document:
    """The clean stage with the learned boilerplate detector after the rules (``attribution score --detector``);
    opt-in, because on pages unlike its training pages it removes content too (README, Cleaning)."""
    cleaned = clean_text(doc.text, detector=True)
    doc.content, doc.cleaning = cleaned.content, cleaned.report()
    return doc


def segment(doc: Document) -> Document:
    """Split the content into sentences; an article with none left is an error; warn when it is not English."""
    doc.sentences = segment_text(doc.text, doc.content)
    if not doc.sentences:
        doc.error = "no article content left after cleaning"
        return doc
    warning = language_warning(" ".join(s.text for s in doc.sentences[:40]))
    if warning:
        doc.warnings.append(warning)
    return doc


class Classify:
    """The classify stage around a classifier: one article per call, so each record depends on its own article
    only (the classifier batches that article's sentences or windows itself)."""

    def __init__(self, classifier: Classifier):
        self.classifier = classifier

    @property
    def name(self) -> str:
        return self.classifier.name

    def __call__(self, doc: Document) -> Document:
        (doc.predictions,) = self.classifier.predict_articles([(doc.text, doc.sentences)])
        return doc


_SPAN_EDGE = " \t\n,;:"


def trim_span(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """A span of ``text`` trimmed of edge spaces and clause punctuation ("A senior official," → …); ``None`` when
    nothing is left (or no span was given)."""
    if span is None:
        return None
    start, end = span
    while start < end and text[start] in _SPAN_EDGE:
        start += 1
    while end > start and text[end - 1] in _SPAN_EDGE:
        end -= 1
    return (start, end) if end > start else None


def _span_text(text: str, span: tuple[int, int] | None) -> tuple[str | None, int | None, int | None]:
    """The span's text and offsets, trimmed by :func:`trim_span`."""
    trimmed = trim_span(text, span)
    if trimmed is None:
        return None, None, None
    return text[trimmed[0] : trimmed[1]], *trimmed


def _in_article(sentence: Sentence, span: tuple[int, int] | None) -> tuple[int, int] | None:
    return None if span is None else (sentence.start + span[0], sentence.start + span[1])


def attribute_sentence(text: str, sentence: Sentence, prediction: Prediction) -> Attributed:
    """One sentence's source and cue: the classifier's sentence-relative spans as trimmed article spans, the
    source typed by :func:`attribution.source_types.type_source`."""
    source, source_start, source_end = _span_text(text, _in_article(sentence, prediction.source))
    cue, cue_start, cue_end = _span_text(text, _in_article(sentence, prediction.cue))
    return Attributed(source, source_start, source_end, cue, cue_start, cue_end,
                      type_source(source) if source else None)


def has_hearsay(sentence_text: str) -> bool:
    """Whether a sentence carries a hearsay marker ("reportedly", "is said to", ...; LABELS.md rule 4), found as
    the extractor finds it."""
    return find_phrase(sentence_text, HEARSAY_MARKERS) is not None


def pronoun_antecedents(sentences: list[SentenceResult]) -> list[int | None]:
    """Per sentence, for a reported claim with a pronoun source ("he said"), the index of the latest sentence
    whose named source it stands for; ``None`` elsewhere, and when an anonymous source came in between."""
    antecedents: list[int | None] = []
    last: int | None = None
    for i, s in enumerate(sentences):
        antecedent = None
        if s.source:
            if s.label == ANONYMOUS_SOURCE_QUOTE:
                last = None  # a later "he said" may refer to this unnamed source: credit no named one
            elif s.label == REPORTED_CLAIM and s.source_type == "pronoun":
                antecedent = last
            elif s.label == REPORTED_CLAIM and s.source_type == "named":
                last = i
        antecedents.append(antecedent)
    return antecedents


def attribute(doc: Document) -> Document:
    """Article spans, source types, hearsay marks and pronoun antecedents of the classified sentences."""
    assert doc.predictions is not None, "the attribute stage needs the classify stage's predictions"
    doc.attributions = [attribute_sentence(doc.text, s, p)
                        for s, p in zip(doc.sentences, doc.predictions, strict=True)]
    doc.hearsay = [has_hearsay(s.text) for s in doc.sentences]
    doc.antecedents = pronoun_antecedents(doc.sentence_results)
    return doc


def profile(doc: Document) -> Document:
    """The sourcing profile (:func:`attribution.profile.build_profile`) from the document's counts and marks."""
    doc.profile = build_profile(doc.sentence_results, doc.cleaning, counts=doc.counts,
                                hearsay=doc.hearsay or [False] * len(doc.sentences),
                                antecedents=doc.antecedents or [None] * len(doc.sentences))
    return doc


def write(doc: Document) -> ArticleResult:
    """The article's result (its records are what ``attribution score`` writes); an error result for an error."""
    carried = {"metadata": doc.metadata, "text": doc.text, "warnings": doc.warnings, "repairs": doc.repairs}
    if doc.error:
        return ArticleResult(doc.doc_id, "error", doc.error, cleaning=doc.cleaning, **carried)
    return ArticleResult(doc.doc_id, "ok", None, sentences=doc.sentence_results, cleaning=doc.cleaning,
                         profile=doc.profile, counts=doc.counts, **carried)


def default_stages(classifier: Classifier) -> dict[str, Any]:
    """The standard stages around ``classifier``, by name, in running order."""
    return {"ingest": ingest, "clean": clean, "segment": segment, "classify": Classify(classifier),
            "attribute": attribute, "profile": profile, "write": write}


def run_stages(doc: Document, stages: list[tuple[str, Any]]) -> Document:
    """Run ``doc`` through ``(name, stage)`` pairs (write excluded), stopping at the first error."""
    for _, stage in stages:
        if doc.error:
            break
        doc = stage(doc)
    return doc

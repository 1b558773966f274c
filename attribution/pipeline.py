"""The analyzer: ingest → clean → segment → classify → profile, for one article or a stream of them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from attribution.classify import Classifier
from attribution.clean import clean
from attribution.ingest import Document, make_document
from attribution.model import MODEL_CONFIG_FILE
from attribution.profile import build_profile
from attribution.results import ArticleResult, Prediction, SentenceResult
from attribution.segment import Sentence, segment

#: The model ``load()`` and ``attribution score`` use when none is named: the fine-tuned model shipped
#: inside the package (half-precision safetensors, see its README.md model card).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"
DEFAULT_MODEL = "default"

ArticleInput = str | Mapping[str, Any] | Document


class Analyzer:
    """Runs the whole pipeline with one classifier. Stateless between articles; safe to reuse."""

    def __init__(self, classifier: Classifier, batch_size: int = 32):
        self.classifier = classifier
        self.batch_size = batch_size

    @property
    def model_name(self) -> str:
        return self.classifier.name

    def analyze(self, text: str, doc_id: str = "doc", metadata: Mapping[str, Any] | None = None) -> ArticleResult:
        """Analyze one article given as text."""
        return next(self.analyze_many([make_document(doc_id, text, metadata)]))

    def analyze_many(
        self, items: Iterable[ArticleInput], text_key: str = "text", id_key: str = "id"
    ) -> Iterator[ArticleResult]:
        """Analyze a stream of texts, ``{"id", "text", ...}`` records or documents, yielding results in order.

        Articles are classified in batches of ``batch_size``, so memory stays bounded
        whatever the length of the stream.
        """
        documents = (_as_document(item, n, text_key, id_key) for n, item in enumerate(items))
        while batch := list(itertools.islice(documents, self.batch_size)):
            yield from self._analyze_batch(batch)

    def _analyze_batch(self, documents: list[Document]) -> list[ArticleResult]:
        """Clean and segment each document, classify the batch in one call, assemble results in input order."""
        prepared = [_prepare(doc) for doc in documents]
        todo = [p for p in prepared if not isinstance(p, ArticleResult)]
        predictions = iter(self.classifier.predict_articles([(doc.text, sents) for doc, _, sents in todo]))
        return [item if isinstance(item, ArticleResult) else _assemble(*item, next(predictions)) for item in prepared]


def _as_document(item: ArticleInput, n: int, text_key: str, id_key: str) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return make_document(f"doc-{n}", item)
    if isinstance(item, Mapping):
        meta = {k: v for k, v in item.items() if k not in (text_key, id_key)}
        return make_document(str(item.get(id_key, f"doc-{n}")), item.get(text_key), meta)
    raise TypeError(f"expected a text, a mapping or a Document, got {type(item).__name__}")


def _prepare(doc: Document) -> tuple[Document, dict[str, Any], list[Sentence]] | ArticleResult:
    if doc.error:
        return ArticleResult(doc.doc_id, "error", doc.error, doc.metadata)
    cleaned = clean(doc.text)
    report = cleaned.report()
    sentences = segment(doc.text, cleaned.content)
    if not sentences:
        return ArticleResult(doc.doc_id, "error", "no article content left after cleaning", doc.metadata,
                             cleaning=report)
    return doc, report, sentences


def _span_text(text: str, span: tuple[int, int] | None) -> tuple[str | None, int | None, int | None]:
    if span is None:
        return None, None, None
    return text[span[0] : span[1]], span[0], span[1]


def _assemble(
    doc: Document, report: dict[str, Any], sentences: list[Sentence], predictions: list[Prediction]
) -> ArticleResult:
    results = []
    for sentence, pred in zip(sentences, predictions, strict=True):
        source, source_start, source_end = _span_text(doc.text, pred.source)
        cue, cue_start, cue_end = _span_text(doc.text, pred.cue)
        results.append(
            SentenceResult(
                doc.doc_id, sentence.idx, sentence.start, sentence.end, sentence.text, pred.label, pred.probs,
                source, source_start, source_end, cue, cue_start, cue_end, pred.source_type,
            )
        )
    return ArticleResult(doc.doc_id, "ok", None, doc.metadata, results, report, build_profile(results, report))


def load(
    model: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    batch_size: int = 32,
    quantize: str | None = None,
) -> Analyzer:
    """An analyzer for ``model``: ``None`` or ``"default"`` for the shipped model, ``"rules"`` for the
    baseline, or a model directory.

    ``data_dir`` (optional) lets the rules baseline add the anonymous-source
    tracker's phrases from the shared data; ``quantize="int8"`` runs a trained
    model with dynamic int8 quantization.
    """
    if quantize not in (None, "none", "fp32", "int8"):
        raise ValueError(f"unknown quantization {quantize!r}; use int8 or none")
    name = str(model) if model is not None else DEFAULT_MODEL
    if name == DEFAULT_MODEL:
        if not (DEFAULT_MODEL_DIR / MODEL_CONFIG_FILE).is_file():
            raise FileNotFoundError(f"the default model is missing from {DEFAULT_MODEL_DIR}: reinstall the package, "
                                    "or use model 'rules' or a model directory")
        name = str(DEFAULT_MODEL_DIR)
    if name == "rules":
        from attribution.classify.rules import RulesClassifier

        return Analyzer(RulesClassifier.with_tracker_phrases(data_dir), batch_size)
    path = Path(name)
    settings_path = path / MODEL_CONFIG_FILE
    if not settings_path.is_file():
        raise FileNotFoundError(f"model {name!r} not found: use 'rules' or a model directory from attribution train")
    design = json.loads(settings_path.read_text(encoding="utf-8")).get("design", "window")
    if design == "tfidf":
        from attribution.model.tfidf import TfidfClassifier

        return Analyzer(TfidfClassifier.from_pretrained(path), batch_size)
    if design == "pair":
        from attribution.model.pair import PairClassifier

        return Analyzer(PairClassifier.from_pretrained(path, quantize), batch_size)
    from attribution.model.classifier import WindowClassifier

    return Analyzer(WindowClassifier.from_pretrained(path, quantize), batch_size)

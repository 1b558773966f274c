"""The analyzer: ingest → clean → segment → classify → profile, for one article or a stream of them."""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import signal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from attribution.classify import Classifier
from attribution.clean import clean
from attribution.ingest import Document, make_document
from attribution.language import language_warning
from attribution.model import MODEL_CONFIG_FILE, saved_design
from attribution.profile import build_profile
from attribution.results import ArticleResult, Prediction, SentenceResult
from attribution.segment import Sentence, segment
from attribution.sources import type_source

#: The model ``load()`` and ``attribution score`` use when none is named: the fine-tuned model shipped
#: inside the package (half-precision safetensors, see its README.md model card).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"
DEFAULT_MODEL = "default"

ArticleInput = str | Mapping[str, Any] | Document
#: A cleaned and segmented document (with its cleaning report), or the error result it ends in.
Prepared = tuple[Document, dict[str, Any], list[Sentence]] | ArticleResult


class Analyzer:
    """Runs the whole pipeline with one classifier. Holds no state between articles; safe to reuse.

    ``workers`` > 0 cleans and segments in that many worker processes while the
    model classifies the previous batch, so the model does not wait for text.
    At most two batches of articles are held at any time, whatever the input size.
    """

    def __init__(self, classifier: Classifier, batch_size: int = 32, workers: int = 0):
        _check_settings(batch_size, workers)
        self.classifier = classifier
        self.batch_size = batch_size
        self.workers = workers

    @property
    def model_name(self) -> str:
        return self.classifier.name

    def analyze(self, text: str, doc_id: str = "doc", metadata: Mapping[str, Any] | None = None) -> ArticleResult:
        """Analyze one article given as text."""
        return self.analyze_batch([make_document(doc_id, text, metadata)])[0]

    def analyze_batch(self, items: Sequence[ArticleInput], text_key: str = "text",
                      id_key: str = "id") -> list[ArticleResult]:
        """Analyze a list of articles in one call (in this process, ``batch_size`` at a time); results in order."""
        documents = [_as_document(item, n, text_key, id_key) for n, item in enumerate(items)]
        results: list[ArticleResult] = []
        for b in range(0, len(documents), self.batch_size):
            results.extend(self._classify([prepare(doc) for doc in documents[b : b + self.batch_size]]))
        return results

    def analyze_many(
        self, items: Iterable[ArticleInput], text_key: str = "text", id_key: str = "id"
    ) -> Iterator[ArticleResult]:
        """Analyze a stream of texts, ``{"id", "text", ...}`` records or documents, yielding results in order.

        The stream is read lazily, ``batch_size`` articles at a time, so memory stays
        bounded whatever the length of the stream.
        """
        documents = (_as_document(item, n, text_key, id_key) for n, item in enumerate(items))
        for prepared in self._prepared_batches(documents):
            yield from self._classify(prepared)

    def _prepared_batches(self, documents: Iterator[Document]) -> Iterator[list[Prepared]]:
        """Cleaned and segmented batches, in order; with workers, batch n+1 is prepared while n is classified.

        With workers, a worker that dies (killed, out of memory, crashed) ends the stream with
        :class:`WorkerDied`; when the stream stops early (an exception such as a Ctrl-C
        :class:`~attribution.interrupt.Interrupted`, or the caller closing it), the workers are stopped at once
        instead of finishing the batches in hand.
        """
        if self.workers == 0:
            while batch := list(itertools.islice(documents, self.batch_size)):
                yield [prepare(doc) for doc in batch]
            return
        chunksize = max(1, self.batch_size // (4 * self.workers))
        pool = _WorkerPool(self.workers)
        try:
            pending = None
            while True:
                batch = list(itertools.islice(documents, self.batch_size))
                submitted = pool.submit(batch, chunksize) if batch else None
                if pending is not None:
                    yield pool.results(pending)
                if submitted is None:
                    break
                pending = submitted
        except BaseException:  # interrupted, a worker died, or the caller stopped early (GeneratorExit)
            pool.stop()
            raise
        pool.close()

    def _classify(self, prepared: list[Prepared]) -> Iterator[ArticleResult]:
        """Classify the prepared articles of a batch one article per call, yielding each result when it is done.

        One article per call keeps every record a function of its own article only (the classifiers batch
        within the article), so outputs are byte-identical whatever the batch size, worker count or resume
        point, and a progress bar moves article by article.
        """
        for item in prepared:
            if isinstance(item, ArticleResult):
                yield item
                continue
            doc, report, sentences = item
            (predictions,) = self.classifier.predict_articles([(doc.text, sentences)])
            yield _assemble(doc, report, sentences, predictions)


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory, crashed): the run cannot go on."""


#: Signals held back while workers are started, so that a worker never starts with Python's default SIGINT handler
#: live (a Ctrl-C then would print a KeyboardInterrupt traceback from its start-up); the worker ignores SIGINT
#: and lets the held-back signals through once its initializer runs. The parent's own handlers see them on unblock.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _worker_init() -> None:
    """Worker start-up: ignore Ctrl-C (the terminal sends it to every process in the group; the parent decides)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)


def _prepare_chunk(docs: list[Document]) -> list[Prepared]:
    return [prepare(doc) for doc in docs]


class _WorkerPool:
    """Worker processes (spawned: no fork of a process holding torch threads) preparing batches in chunks.

    ``concurrent.futures`` rather than ``multiprocessing.Pool``: a worker that dies marks the pool broken and
    every pending result raises, where ``Pool`` waits forever for the dead worker's results.
    """

    def __init__(self, workers: int):
        self._executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init)

    def submit(self, batch: list[Document], chunksize: int) -> list[Future]:
        """Queue one batch, in chunks; workers are started here, on demand, with SIGINT and SIGTERM held back."""
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        try:
            return [self._executor.submit(_prepare_chunk, batch[i : i + chunksize])
                    for i in range(0, len(batch), chunksize)]
        except BrokenProcessPool as exc:
            raise _worker_died() from exc
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def results(self, futures: list[Future]) -> list[Prepared]:
        """The batch's prepared articles in input order (waits for them)."""
        try:
            return [prepared for future in futures for prepared in future.result()]
        except BrokenProcessPool as exc:
            raise _worker_died() from exc

    def close(self) -> None:
        """Let the workers exit once their (finished) work is collected."""
        self._executor.shutdown(wait=True)

    def stop(self) -> None:
        """Drop the queued work and end the workers now, without waiting for the chunks they are preparing."""
        processes = list((self._executor._processes or {}).values())  # no public way to end running workers
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()  # SIGKILL: a worker still starting holds SIGTERM back (see _HELD_SIGNALS)


def _worker_died() -> WorkerDied:
    return WorkerDied("a worker process ended abruptly (killed, out of memory or crashed) while cleaning and "
                      "segmenting articles; the articles finished so far are in the outputs")


def _check_settings(batch_size: int, workers: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if workers < 0:
        raise ValueError(f"workers must be 0 (in this process) or more, got {workers}")


def _as_document(item: ArticleInput, n: int, text_key: str, id_key: str) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return make_document(f"doc-{n}", item)
    if isinstance(item, Mapping):
        meta = {k: v for k, v in item.items() if k not in (text_key, id_key)}
        return make_document(str(item.get(id_key, f"doc-{n}")), item.get(text_key), meta)
    raise TypeError(f"expected a text, a mapping or a Document, got {type(item).__name__}")


def prepare(doc: Document) -> Prepared:
    """Clean and segment one document (pure; runs in worker processes), or its error result."""
    carried = {"metadata": doc.metadata, "text": doc.text, "warnings": doc.warnings, "repairs": doc.repairs}
    if doc.error:
        return ArticleResult(doc.doc_id, "error", doc.error, **carried)
    cleaned = clean(doc.text)
    report = cleaned.report()
    sentences = segment(doc.text, cleaned.content)
    if not sentences:
        return ArticleResult(doc.doc_id, "error", "no article content left after cleaning", cleaning=report,
                             **carried)
    warning = language_warning(" ".join(s.text for s in sentences[:40]))
    if warning:
        doc = dataclasses.replace(doc, warnings=[*doc.warnings, warning])  # the caller's document stays as it was
    return doc, report, sentences


_SPAN_EDGE = " \t\n,;:"


def _span_text(text: str, span: tuple[int, int] | None) -> tuple[str | None, int | None, int | None]:
    """The span's text and offsets, trimmed of edge spaces and clause punctuation ("A senior official," → …)."""
    if span is None:
        return None, None, None
    start, end = span
    while start < end and text[start] in _SPAN_EDGE:
        start += 1
    while end > start and text[end - 1] in _SPAN_EDGE:
        end -= 1
    if start == end:
        return None, None, None
    return text[start:end], start, end


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
                source, source_start, source_end, cue, cue_start, cue_end,
                pred.source_type or (type_source(source) if source else None),
            )
        )
    return ArticleResult(doc.doc_id, "ok", None, doc.metadata, results, report, build_profile(results, report),
                         text=doc.text, warnings=doc.warnings, repairs=doc.repairs)


def load(
    model: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    batch_size: int = 32,
    quantize: str | None = None,
    workers: int = 0,
    compile: bool = False,
) -> Analyzer:
    """An analyzer for ``model``: ``None`` or ``"default"`` for the shipped model, ``"rules"`` for the
    baseline, or a model directory.

    ``data_dir`` (optional) lets the rules baseline add the anonymous-source
    tracker's phrases from the shared data; ``quantize="int8"`` runs a trained
    model with dynamic int8 quantization; ``workers`` > 0 cleans and segments in
    that many processes (see :class:`Analyzer`); ``compile=True`` runs a windowed
    model through ``torch.compile`` (faster for long runs, slow to start).
    """
    if quantize not in (None, "none", "fp32", "int8"):
        raise ValueError(f"unknown quantization {quantize!r}; use int8 or none")
    _check_settings(batch_size, workers)
    name = str(model) if model is not None else DEFAULT_MODEL
    classifier = _load_classifier(name, data_dir, quantize)
    if compile:
        if not hasattr(classifier, "compile"):
            raise ValueError(f"compile applies to the windowed models, not to {classifier.name!r}")
        classifier.compile()
    if name == DEFAULT_MODEL:
        classifier.name = DEFAULT_MODEL  # reports say "default", not a path inside site-packages
    return Analyzer(classifier, batch_size, workers)


def _load_classifier(name: str, data_dir: str | Path | None, quantize: str | None) -> Classifier:
    if name == DEFAULT_MODEL:
        if not (DEFAULT_MODEL_DIR / MODEL_CONFIG_FILE).is_file():
            raise FileNotFoundError(f"the default model is missing from {DEFAULT_MODEL_DIR}: reinstall the package, "
                                    "or use model 'rules' or a model directory")
        name = str(DEFAULT_MODEL_DIR)
    if name == "rules":
        from attribution.classify.rules import RulesClassifier

        return RulesClassifier.with_tracker_phrases(data_dir)
    path = Path(name)
    if saved_design(path) is None:
        raise FileNotFoundError(f"model {name!r} not found: use 'rules' or a model directory from attribution train")
    from attribution.model.saved import SavedModel

    return SavedModel.load(path, quantize).classifier()  # the window, pair or TF-IDF classifier its design names

"""The analyzer: one :class:`~attribution.document.Document` per article through named stages, for one article
or a stream of them.

The stages (see :mod:`attribution.stages` for each one's contract) are ``ingest → clean → segment → classify →
attribute → profile → write``. As spaCy's ``Language`` lists and swaps its components, an analyzer lists its
stages, replaces one and switches one off::

    analyzer = attribution.load("rules", disable=["profile"])
    analyzer.stage_names                  # ['ingest', 'clean', 'segment', 'classify', 'attribute', ...]
    analyzer.replace_stage("clean", my_cleaner)        # Document -> Document, sets content and cleaning
    analyzer.replace_stage("classify", my_classifier)  # a Classifier, or Document -> Document
    analyzer.disable_stage("attribute")
"""

from __future__ import annotations

import itertools
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from attribution import stages as _stages
from attribution.classify import Classifier
from attribution.document import Document
from attribution.ingest import Document as InputDocument
from attribution.ingest import make_document
from attribution.model import MODEL_CONFIG_FILE, saved_design
from attribution.results import ArticleResult

#: The model ``load()`` and ``attribution score`` use when none is named: the fine-tuned model shipped
#: inside the package (half-precision safetensors, see its README.md model card).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"
DEFAULT_MODEL = "default"

#: The inference backends ``load()`` and ``attribution score --backend`` take: ``torch``; ``onnx`` (ONNX Runtime,
#: the ``[onnx]`` extra; pair-design models); ``auto``, ONNX Runtime where the extra is installed and the model is a
#: pair model, else PyTorch, without a warning.
BACKEND_CHOICES = ("torch", "onnx", "auto")

#: The backend used when none is named.
DEFAULT_BACKEND = "torch"

ArticleInput = str | Mapping[str, Any] | InputDocument
#: The stages run in worker processes (clean, segment), as ``(name, stage)`` pairs: pickled to the workers.
WorkerSteps = tuple[tuple[str, Callable[[Document], Document]], ...]


class Analyzer:
    """Runs every article through the named stages. Holds no state between articles; safe to reuse.

    ``stage_names`` lists the stages in running order; :meth:`replace_stage` swaps one (a custom cleaner, a
    custom classifier), :meth:`disable_stage` / :meth:`enable_stage` switch the optional ones (clean, attribute,
    profile) off and on again, as ``disable=[...]`` does at construction or in :func:`load`.

    ``workers`` > 0 cleans and segments in that many worker processes while the
    model classifies the previous batch, so the model does not wait for text.
    At most two batches of articles are held at any time, whatever the input size.
    """

    def __init__(self, classifier: Classifier, batch_size: int = 32, workers: int = 0, *,
                 disable: Iterable[str] = ()):
        _check_settings(batch_size, workers)
        self._stages: dict[str, Any] = _stages.default_stages(classifier)
        self._disabled: set[str] = set()
        for name in disable:
            self.disable_stage(name)
        self.batch_size = batch_size
        self.workers = workers

    @property
    def stage_names(self) -> list[str]:
        """Every stage, in running order (switched-off ones included; see :attr:`disabled`)."""
        return list(self._stages)

    @property
    def disabled(self) -> list[str]:
        """The stages switched off, in running order."""
        return [name for name in self._stages if name in self._disabled]

    def get_stage(self, name: str) -> Any:
        """The stage called ``name`` (for classify, a :class:`~attribution.stages.Classify` around the classifier
        unless it was replaced by a function)."""
        self._check_name(name)
        return self._stages[name]

    def replace_stage(self, name: str, stage: Any) -> Any:
        """Put ``stage`` in the place of stage ``name``; returns the stage it replaces.

        ``stage`` keeps the contract of the stage it replaces (see :mod:`attribution.stages`): most take a
        :class:`~attribution.document.Document` and return it, filled in. For ``classify`` it may also be a
        :class:`~attribution.classify.Classifier` (anything with ``name`` and ``predict_articles``), run one
        article per call. With workers, a clean or segment stage must be picklable (a top-level function).
        """
        self._check_name(name)
        if name == "classify" and hasattr(stage, "predict_articles"):
            stage = _stages.Classify(stage)
        elif not callable(stage):
            raise TypeError(f"a {name} stage must be callable, got {type(stage).__name__}")
        previous, self._stages[name] = self._stages[name], stage
        return previous

    def disable_stage(self, name: str) -> None:
        """Switch stage ``name`` off (clean, attribute or profile; see :mod:`attribution.stages` for what the
        records then hold)."""
        self._check_name(name)
        if name not in _stages.OPTIONAL_STAGES:
            raise ValueError(f"stage {name!r} cannot be switched off; these can: "
                             f"{', '.join(n for n in self._stages if n in _stages.OPTIONAL_STAGES)}")
        self._disabled.add(name)

    def enable_stage(self, name: str) -> None:
        """Switch stage ``name`` on again."""
        self._check_name(name)
        self._disabled.discard(name)

    def _check_name(self, name: str) -> None:
        if name not in self._stages:
            raise KeyError(f"no stage {name!r}; the stages are {', '.join(self._stages)}")

    @property
    def classifier(self) -> Classifier | None:
        """The classify stage's classifier (``None`` when classify was replaced by a plain function)."""
        return getattr(self._stages["classify"], "classifier", None)

    @classifier.setter
    def classifier(self, classifier: Classifier) -> None:
        self.replace_stage("classify", classifier)

    @property
    def model_name(self) -> str:
        stage = self._stages["classify"]
        return getattr(stage, "name", None) or getattr(stage, "__name__", type(stage).__name__)

    def analyze(self, text: str, doc_id: str = "doc", metadata: Mapping[str, Any] | None = None) -> ArticleResult:
        """Analyze one article given as text."""
        return self.analyze_batch([make_document(doc_id, text, metadata)])[0]

    def analyze_batch(self, items: Sequence[ArticleInput], text_key: str = "text",
                      id_key: str = "id") -> list[ArticleResult]:
        """Analyze a list of articles in one call (in this process, ``batch_size`` at a time); results in order."""
        documents = [self._ingest(item, n, text_key, id_key) for n, item in enumerate(items)]
        steps = self._worker_steps()
        results: list[ArticleResult] = []
        for b in range(0, len(documents), self.batch_size):
            results.extend(self._finish(_prepare_chunk(steps, documents[b : b + self.batch_size])))
        return results

    def analyze_many(
        self, items: Iterable[ArticleInput], text_key: str = "text", id_key: str = "id"
    ) -> Iterator[ArticleResult]:
        """Analyze a stream of texts, ``{"id", "text", ...}`` records or documents, yielding results in order.

        The stream is read lazily, ``batch_size`` articles at a time, so memory stays
        bounded whatever the length of the stream.
        """
        documents = (self._ingest(item, n, text_key, id_key) for n, item in enumerate(items))
        for prepared in self._prepared_batches(documents):
            yield from self._finish(prepared)

    def _ingest(self, item: ArticleInput, n: int, text_key: str, id_key: str) -> Document:
        return self._stages["ingest"](item, n, text_key, id_key)

    def _worker_steps(self) -> WorkerSteps:
        return tuple((name, self._stages[name]) for name in _stages.WORKER_STAGES if name not in self._disabled)

    def _prepared_batches(self, documents: Iterator[Document]) -> Iterator[list[Document]]:
        """Cleaned and segmented batches, in order; with workers, batch n+1 is prepared while n is classified.

        With workers, a worker that dies (killed, out of memory, crashed) ends the stream with
        :class:`WorkerDied`; when the stream stops early (an exception such as a Ctrl-C
        :class:`~attribution.interrupt.Interrupted`, or the caller closing it), the workers are stopped at once
        instead of finishing the batches in hand.
        """
        steps = self._worker_steps()
        if self.workers == 0:
            while batch := list(itertools.islice(documents, self.batch_size)):
                yield _prepare_chunk(steps, batch)
            return
        chunksize = max(1, self.batch_size // (4 * self.workers))
        pool = _WorkerPool(self.workers)
        try:
            pending = None
            while True:
                batch = list(itertools.islice(documents, self.batch_size))
                submitted = pool.submit(steps, batch, chunksize) if batch else None
                if pending is not None:
                    yield pool.results(pending)
                if submitted is None:
                    break
                pending = submitted
        except BaseException:  # interrupted, a worker died, or the caller stopped early (GeneratorExit)
            pool.stop()
            raise
        pool.close()

    def _finish(self, prepared: list[Document]) -> Iterator[ArticleResult]:
        """Run the prepared documents of a batch through classify, attribute, profile and write, one article at a
        time, yielding each result when it is done.

        One article per call keeps every record a function of its own article only (the classifiers batch
        within the article), so outputs are byte-identical whatever the batch size, worker count or resume
        point, and a progress bar moves article by article.
        """
        steps = [(name, self._stages[name]) for name in ("classify", "attribute", "profile")
                 if name not in self._disabled]
        write = self._stages["write"]
        for doc in prepared:
            yield write(_stages.run_stages(doc, steps))


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


def _prepare_chunk(steps: WorkerSteps, docs: list[Document]) -> list[Document]:
    """Clean and segment documents (the worker stages; runs in worker processes, so everything here pickles)."""
    return [_stages.run_stages(doc, list(steps)) for doc in docs]


class _WorkerPool:
    """Worker processes (spawned: no fork of a process holding torch threads) preparing batches in chunks.

    ``concurrent.futures`` rather than ``multiprocessing.Pool``: a worker that dies marks the pool broken and
    every pending result raises, where ``Pool`` waits forever for the dead worker's results.
    """

    def __init__(self, workers: int):
        self._executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init)

    def submit(self, steps: WorkerSteps, batch: list[Document], chunksize: int) -> list[Future]:
        """Queue one batch, in chunks; workers are started here, on demand, with SIGINT and SIGTERM held back."""
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        try:
            return [self._executor.submit(_prepare_chunk, steps, batch[i : i + chunksize])
                    for i in range(0, len(batch), chunksize)]
        except BrokenProcessPool as exc:
            raise _worker_died() from exc
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def results(self, futures: list[Future]) -> list[Document]:
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
        manager = getattr(self._executor, "_executor_manager_thread", None)
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()  # SIGKILL: a worker still starting holds SIGTERM back (see _HELD_SIGNALS)
        if manager is not None:
            # Let the executor's manager thread see the dead workers and close its wake-up pipe now: left running,
            # it can close the pipe while the interpreter's exit hook writes to it ("Bad file descriptor" traceback
            # on stderr after a SIGTERM, seen once in CI).
            manager.join(timeout=10)


def _worker_died() -> WorkerDied:
    return WorkerDied("a worker process ended abruptly (killed, out of memory or crashed) while cleaning and "
                      "segmenting articles; the articles finished so far are in the outputs")


def _check_settings(batch_size: int, workers: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if workers < 0:
        raise ValueError(f"workers must be 0 (in this process) or more, got {workers}")


def load(
    model: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    batch_size: int = 32,
    quantize: str | None = None,
    workers: int = 0,
    compile: bool = False,
    disable: Iterable[str] = (),
    backend: str | None = None,
) -> Analyzer:
    """An analyzer for ``model``: ``None`` or ``"default"`` for the shipped model, ``"rules"`` for the
    baseline, or a model directory.

    ``data_dir`` (optional) lets the rules baseline add the anonymous-source
    tracker's phrases from the shared data; ``quantize="int8"`` runs a trained
    model with dynamic int8 quantization; ``workers`` > 0 cleans and segments in
    that many processes (see :class:`Analyzer`); ``compile=True`` runs a windowed
    model through ``torch.compile`` (faster for long runs, slow to start); ``disable`` names stages to switch
    off (clean, attribute, profile; see :class:`Analyzer` for listing and replacing stages).

    ``backend`` runs a pair model (the default model is one) on ``"torch"`` or on ``"onnx"`` (ONNX Runtime, with
    the ``[onnx]`` extra: its graph is built on first use and cached, see :mod:`attribution.model.onnx_backend`;
    without the extra, or with a broken graph, a warning and PyTorch); ``None`` is :data:`DEFAULT_BACKEND`.
    """
    if quantize not in (None, "none", "fp32", "int8"):
        raise ValueError(f"unknown quantization {quantize!r}; use int8 or none")
    backend = DEFAULT_BACKEND if backend is None else backend
    if backend not in BACKEND_CHOICES:
        raise ValueError(f"unknown backend {backend!r}; use {', '.join(BACKEND_CHOICES)}")
    _check_settings(batch_size, workers)
    name = str(model) if model is not None else DEFAULT_MODEL
    classifier = _load_classifier(name, data_dir, quantize, backend)
    if compile:
        if not hasattr(classifier, "compile"):
            raise ValueError(f"compile applies to the windowed models, not to {classifier.name!r}")
        classifier.compile()
    if name == DEFAULT_MODEL:
        classifier.name = DEFAULT_MODEL  # reports say "default", not a path inside site-packages
    return Analyzer(classifier, batch_size, workers, disable=disable)


def _load_classifier(name: str, data_dir: str | Path | None, quantize: str | None,
                     backend: str = "torch") -> Classifier:
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

    # the window, pair or TF-IDF classifier its design names
    return SavedModel.load(path, quantize, backend=backend).classifier()

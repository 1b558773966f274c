"""Scoring on Ray: a Ray Dataset of articles into sentence and article Datasets, and ``attribution score --engine ray``.

Two entry points, both loading the model once per actor (Ray's long-lived worker processes), never per batch:

- :func:`score_dataset` takes a Ray Dataset of article rows (``id``, ``text`` and, optionally, a ``metadata`` dict
  or JSON string; other columns are metadata too) and returns ``(sentences, articles)``, two Ray Datasets of the
  records ``attribution score`` writes, in the typed layout of :mod:`attribution.arrow` (``metadata`` as a JSON
  string). Every article is scored once: one ``map_batches`` pass with an actor class (``concurrency`` actors)
  produces one row per article, carrying its sentences as a list column; that is materialized in Ray's object
  store, and the two outputs are cut from it (and materialized too, in the input's order).
- :class:`RayAnalyzer` stands in for a local :class:`~attribution.pipeline.Analyzer` in
  :func:`attribution.run.score_run`: the command line reads the inputs as a local run does, ships batches of
  up to 8 documents to the actors (at most two batches per actor in flight, so memory stays bounded) and writes the
  results in input order as they come back. The outputs are therefore the local run's, record for record, and
  ``--resume``, interrupts, the HTML report and the summary behave as they do locally.

Ray is an optional dependency (``pip install 'attribution[ray]'``), imported only when one of these runs.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from attribution.extras import MissingExtraError
from attribution.ingest import Document as InputDocument
from attribution.pipeline import DEFAULT_MODEL, DEFAULT_MODEL_DIR, ArticleInput, WorkerDied
from attribution.results import ArticleResult

#: Most articles :class:`RayAnalyzer` sends an actor in one call.
CALL_SIZE = 8
#: The version the ``[ray]`` extra pins (keep in step with pyproject.toml).
RAY_REQUIREMENT = "ray[data]==2.60.0"


def require_ray(feature: str = "the Ray engine"):
    """The ``ray`` module, or :class:`~attribution.extras.MissingExtraError` naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is part of the extra)
    except ImportError as exc:
        raise MissingExtraError(f"{feature} needs Ray ({exc.name or 'ray'} not installed): "
                                "pip install 'attribution[ray]'") from None
    return ray


def check_model(model: str | Path | None) -> None:
    """Refuse a model that does not exist before a cluster is started (a worker would fail far less clearly)."""
    from attribution.model import MODEL_CONFIG_FILE, saved_design

    name = str(model) if model is not None else DEFAULT_MODEL
    if name == "rules":
        return
    if name == DEFAULT_MODEL:
        if not (DEFAULT_MODEL_DIR / MODEL_CONFIG_FILE).is_file():
            raise FileNotFoundError(f"the default model is missing from {DEFAULT_MODEL_DIR}: reinstall the package")
        return
    if saved_design(Path(name)) is None:
        raise FileNotFoundError(f"model {name!r} not found: use 'rules' or a model directory from attribution train")


def _load(settings: dict[str, Any]):
    """The analyzer an actor holds: loaded once, in the actor's process, with torch held to the actor's CPUs."""
    from attribution.pipeline import load

    threads = settings.pop("threads", None)
    if threads:
        import torch

        torch.set_num_threads(threads)
    return load(**settings)


class _ArticleRows:
    """The actor class of :func:`score_dataset`: a batch of article rows into one row per article, the article
    record's columns plus ``sentences``, the list of its sentence records."""

    def __init__(self, settings: dict[str, Any], text_key: str, id_key: str):
        from attribution.batch import BatchScorer

        self.scorer = BatchScorer(text_key=text_key, id_key=id_key)
        self.scorer._analyzer = _load(dict(settings))

    def __call__(self, batch):
        import pyarrow as pa

        from attribution.arrow import records_table, sentence_schema
        from attribution.batch import batch_rows, unpack_metadata

        rows, _ = batch_rows(batch)
        rows = [unpack_metadata(row, self.scorer.text_key, self.scorer.id_key) for row in rows]
        results = self.scorer.analyzer.analyze_batch(rows, text_key=self.scorer.text_key, id_key=self.scorer.id_key)
        articles = records_table([result.to_record() for result in results], "articles", metadata="json")
        sentences = pa.array([result.sentence_records() for result in results],
                             type=pa.list_(pa.struct(list(sentence_schema()))))
        return articles.append_column("sentences", sentences)


def _sentence_rows(batch):
    """The sentence records of a batch of article rows (see :class:`_ArticleRows`), in article order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from attribution.arrow import sentence_schema

    flat = pc.list_flatten(batch.column("sentences"))
    if isinstance(flat, pa.ChunkedArray):
        flat = flat.combine_chunks() if flat.num_chunks else pa.array([], type=flat.type)
    return pa.Table.from_struct_array(flat).cast(sentence_schema())


def score_dataset(
    dataset,
    model: str | Path | None = None,
    *,
    concurrency: int = 1,
    num_cpus: float = 1,
    batch_size: int = 32,
    quantize: str | None = None,
    data_dir: str | Path | None = None,
    text_key: str = "text",
    id_key: str = "id",
    preserve_order: bool = True,
):
    """Score a Ray Dataset of article rows once; return ``(sentences, articles)`` Ray Datasets of records.

    ``concurrency`` actors (``num_cpus`` each) load ``model`` once each and score ``batch_size`` articles a call.
    ``preserve_order`` (default) keeps the articles in the input's order, and the sentences in their articles'
    order, as a local run writes them; ``False`` lets Ray hand out blocks as they finish. Every input row gets one
    article record (``status`` ``error`` for a row that cannot be scored, as locally). Both outputs are
    materialized: held in Ray's object store (spilled to disk when it is full) until they are dropped.
    """
    require_ray("score_dataset")
    check_model(model)
    settings = {"model": model, "batch_size": batch_size, "quantize": quantize, "data_dir": data_dir,
                "threads": max(1, int(num_cpus))}

    def run(lazy):  # each derived Dataset holds its own copy of the context: order is set there, not globally
        if preserve_order:
            lazy.context.execution_options.preserve_order = True
        return lazy.materialize()

    scored = run(dataset.map_batches(
        _ArticleRows, fn_constructor_args=(settings, text_key, id_key), concurrency=concurrency,
        num_cpus=num_cpus, batch_size=batch_size, batch_format="pyarrow",
    ))
    # both cut in order from the scored rows, which are freed once both are materialized
    sentences = run(scored.map_batches(_sentence_rows, batch_format="pyarrow", batch_size=None))
    articles = run(scored.drop_columns(["sentences"]))
    return sentences, articles


#: Seconds to wait for a cluster's head to accept a connection before saying there is none.
CONNECT_TIMEOUT_S = 10


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise :class:`ConnectionError` when nothing accepts a connection at a ``HOST:PORT`` address (``ray.init``
    itself retries such an address for minutes before it gives up); other address forms (``auto``,
    ``ray://...``) are left to Ray."""
    host, _, port = address.rpartition(":")
    if "://" in address or not port.isdigit():
        return
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ConnectionError(f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one with "
                              "`ray start --head`, or leave out --address for a local one") from None


def start(address: str | None = None, num_cpus: int | None = None, *, quiet: bool = False) -> None:
    """Connect to the Ray cluster at ``address``, or start a local one with ``num_cpus`` (default: every core).

    Ray's own start-up lines are held to warnings (``quiet``: errors); the actors' output is not relayed."""
    ray = require_ray()
    if ray.is_initialized():
        return
    level = logging.ERROR if quiet else logging.WARNING
    logging.getLogger("ray").setLevel(level)
    if address:
        check_reachable(address)
        ray.init(address=address, log_to_driver=False, logging_level=level)
    else:
        ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                 logging_level=level)


class _Scorer:
    """The actor of :class:`RayAnalyzer`: documents (pickled) in, article results (pickled) out."""

    def __init__(self, settings: dict[str, Any]):
        self.analyzer = _load(dict(settings))

    def model_name(self) -> str:
        return self.analyzer.model_name

    def score(self, payload: bytes) -> bytes:
        documents = pickle.loads(payload)
        return pickle.dumps(self.analyzer.analyze_batch(documents), protocol=pickle.HIGHEST_PROTOCOL)


class RayAnalyzer:
    """An analyzer whose articles are scored by ``actors`` Ray actors, one model each; see the module docstring.

    Results come back in input order and equal a local analyzer's, record for record. ``close()`` ends the
    actors (the cluster itself is left running for whoever started it).
    """

    def __init__(self, model: str | Path | None = None, *, actors: int | None = None, batch_size: int = 32,
                 quantize: str | None = None, data_dir: str | Path | None = None, compile: bool = False,
                 address: str | None = None, num_cpus: int | None = None, cpus_per_actor: float | None = None,
                 quiet: bool = False):
        ray = require_ray()
        check_model(model)
        if actors is not None and actors < 1:
            raise ValueError(f"actors must be at least 1, got {actors}")
        start(address, num_cpus, quiet=quiet)
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        self.batch_size = batch_size
        #: Articles sent in one call: few, so that the actors finish together at the end of a run (records do not
        #: depend on it: the model runs one article at a time).
        self.call_size = min(batch_size, CALL_SIZE)
        self.actors = actors or max(1, cluster_cpus)
        if cpus_per_actor is None:  # share the cluster's CPUs out; torch uses as many threads as its actor has
            cpus_per_actor = max(1, cluster_cpus // self.actors) if self.actors <= cluster_cpus else \
                cluster_cpus / self.actors
        settings = {"model": model, "batch_size": batch_size, "quantize": quantize, "data_dir": data_dir,
                    "compile": compile, "threads": max(1, int(cpus_per_actor))}
        remote = ray.remote(num_cpus=cpus_per_actor, max_restarts=0)(_Scorer)
        self._ray = ray
        self._workers = [remote.remote(settings) for _ in range(self.actors)]
        try:
            self.model_name = ray.get(self._workers[0].model_name.remote())  # the first load's errors surface here
        except ray.exceptions.RayActorError as exc:
            self.close()
            raise WorkerDied(f"a Ray actor could not load the model: {exc}") from None

    def analyze_many(self, items: Iterable[ArticleInput], text_key: str = "text",
                     id_key: str = "id") -> Iterator[ArticleResult]:
        """Score a stream of documents, ``call_size`` a call, at most two calls per actor in flight; in order."""
        from attribution import stages

        ray = self._ray
        pending: deque = deque()
        free = deque(self._workers * 2)  # two slots per actor: one running, one queued behind it
        batch: list[InputDocument] = []
        n = 0

        def submit(docs: list[InputDocument]) -> None:
            worker = free.popleft()
            pending.append((worker, worker.score.remote(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))))

        def collect() -> list[ArticleResult]:
            worker, ref = pending.popleft()
            free.append(worker)
            try:
                return pickle.loads(ray.get(ref))
            except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError) as exc:
                raise WorkerDied(f"a Ray actor ended abruptly (killed, out of memory or crashed): {exc}; the "
                                 "articles finished so far are in the outputs") from None

        for item in items:
            doc = stages.ingest(item, n, text_key, id_key)  # a text or row as a local analyzer reads it
            n += 1
            batch.append(InputDocument(doc.doc_id, doc.text, doc.metadata, doc.error, doc.warnings, doc.repairs))
            if len(batch) == self.call_size:
                if not free:
                    yield from collect()
                submit(batch)
                batch = []
        if batch:
            if not free:
                yield from collect()
            submit(batch)
        while pending:  # an interruption leaves the work in flight to close(), which ends the actors
            yield from collect()

    def analyze_batch(self, items: list[ArticleInput], text_key: str = "text",
                      id_key: str = "id") -> list[ArticleResult]:
        return list(self.analyze_many(items, text_key, id_key))

    def close(self) -> None:
        for worker in self._workers:
            self._ray.kill(worker)
        self._workers = []

    def __enter__(self) -> RayAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

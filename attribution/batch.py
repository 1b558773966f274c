"""The scoring core as a function of a batch: articles in, records out, no global state.

This is the seam for running the analyzer on many machines. A distributed engine
(Spark ``mapPartitions``, Ray Data ``map_batches``, Dask ``map_partitions``, or
``datasets.Dataset.map(batched=True)`` on one machine) ships a :class:`BatchScorer`
to each worker; the scorer loads its model once, on its first batch, and then
maps every batch of article rows to sentence and article records. The records are
exactly what ``attribution score`` writes, so outputs of a distributed run and of
the command line can be mixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attribution.pipeline import Analyzer, load


def score_batch(
    analyzer: Analyzer, rows: Sequence[Mapping[str, Any] | str], text_key: str = "text", id_key: str = "id"
) -> dict[str, list[dict[str, Any]]]:
    """Score a batch of article rows: ``{"sentences": [...], "articles": [...]}``, in input order.

    Every row gets exactly one article record (``status`` ``ok`` or ``error``);
    other keys of a row travel as the article's metadata.
    """
    results = analyzer.analyze_batch(list(rows), text_key=text_key, id_key=id_key)
    return {
        "sentences": [record for result in results for record in result.sentence_records()],
        "articles": [result.to_record() for result in results],
    }


class BatchScorer:
    """A picklable callable mapping batches of article rows to records; the model loads on first use.

    >>> scorer = BatchScorer("rules")
    >>> out = scorer([{"id": "a", "text": "Officials said the talks stalled."}])
    >>> out["sentences"][0]["label"]
    'anonymous_source_quote'

    ``columnar=True`` takes and returns column dicts (``{"id": [...], "text": [...]}``),
    the batch shape of Ray Data and ``datasets``.
    """

    def __init__(self, model: str | Path | None = None, *, quantize: str | None = None, batch_size: int = 32,
                 text_key: str = "text", id_key: str = "id", columnar: bool = False, backend: str | None = None):
        self.model = model
        self.quantize = quantize
        self.backend = backend  # as load()'s: torch, onnx, auto, or None for the default
        self.batch_size = batch_size
        self.text_key = text_key
        self.id_key = id_key
        self.columnar = columnar
        self._analyzer: Analyzer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_analyzer": None}  # ship settings, not a loaded model

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = load(self.model, batch_size=self.batch_size, quantize=self.quantize,
                                  backend=self.backend)
        return self._analyzer

    def __call__(self, batch: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]]) -> dict[str, Any]:
        if self.columnar:
            if not isinstance(batch, Mapping):
                raise TypeError("a columnar scorer takes a dict of columns")
            rows = _rows(batch)
            records = score_batch(self.analyzer, rows, self.text_key, self.id_key)
            return {kind: _columns(items) for kind, items in records.items()}
        if isinstance(batch, Mapping):
            raise TypeError("a row scorer takes a list of rows; use columnar=True for a dict of columns")
        return score_batch(self.analyzer, batch, self.text_key, self.id_key)


def _rows(columns: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    return [{key: values[i] for key, values in columns.items()} for i in range(n)]


def _columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return {key: [record.get(key) for record in records] for key in keys}

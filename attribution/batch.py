"""The scoring core as a function of a batch: articles in, records out, no global state.

This is the seam for running the analyzer on many machines. A distributed engine
(Spark ``mapPartitions``, Ray Data ``map_batches``, Dask ``map_partitions``, or
``datasets.Dataset.map(batched=True)`` on one machine) ships a :class:`BatchScorer`
to each worker; the scorer loads its model once, on its first batch, and then
maps every batch of article rows to sentence or article records. The records are
exactly what ``attribution score`` writes, so outputs of a distributed run and of
the command line can be mixed.

``BatchScorer(model, output="sentences")`` (or ``"articles"``) returns one record kind in the typed layout of
:mod:`attribution.arrow`: a ``pyarrow.Table`` for a batch of columns (what Ray Data's ``map_batches`` and
``datasets.Dataset.map(batched=True)`` take back), a pandas DataFrame for a DataFrame, a list of records for a
list of rows. ``metadata`` is a JSON string there (its keys differ from row to row, and an engine wants one schema
for all batches); :mod:`attribution.ray_engine` scores a Ray Dataset once into both record kinds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attribution.arrow import KINDS
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

    >>> scorer = BatchScorer("rules", output="sentences")
    >>> scorer([{"id": "a", "text": "Officials said the talks stalled."}])[0]["label"]
    'anonymous_source_quote'

    ``output`` chooses the record kind (see the module docstring for the batch types it takes and returns)::

        ray_dataset.map_batches(BatchScorer("rules", output="articles"), batch_format="pyarrow")
        hf_dataset.map(BatchScorer("rules", output="sentences"), batched=True, remove_columns=hf_dataset.column_names)

    A row's ``metadata`` (a dict, or a JSON object string) and its other columns become the article's metadata.
    Without ``output`` (the earlier interface), a call returns both kinds, ``{"sentences": ..., "articles": ...}``;
    ``columnar=True`` then takes and returns column dicts. That nests two tables in one batch, which neither Ray
    Data nor ``datasets`` can take: give ``output`` for them.
    """

    def __init__(self, model: str | Path | None = None, *, quantize: str | None = None, batch_size: int = 32,
                 text_key: str = "text", id_key: str = "id", columnar: bool = False, output: str | None = None,
                 data_dir: str | Path | None = None, backend: str | None = None):
        if output is not None and output not in KINDS:
            raise ValueError(f"output must be one of {', '.join(KINDS)}, not {output!r}")
        self.model = model
        self.quantize = quantize
        self.backend = backend  # as load()'s: torch, onnx, auto, or None for the default
        self.batch_size = batch_size
        self.text_key = text_key
        self.id_key = id_key
        self.columnar = columnar
        self.output = output
        self.data_dir = data_dir
        self._analyzer: Analyzer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_analyzer": None}  # ship settings, not a loaded model

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({"output": None, "data_dir": None, **state})  # scorers pickled before these settings

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = load(self.model, batch_size=self.batch_size, quantize=self.quantize,
                                  data_dir=self.data_dir, backend=self.backend)
        return self._analyzer

    def __call__(self, batch: Any) -> Any:
        if self.output is not None:
            return self._typed(batch)
        if self.columnar:
            if not isinstance(batch, Mapping):
                raise TypeError("a columnar scorer takes a dict of columns")
            rows = _rows(batch)
            records = score_batch(self.analyzer, rows, self.text_key, self.id_key)
            return {kind: _columns(items) for kind, items in records.items()}
        if isinstance(batch, Mapping):
            raise TypeError("a row scorer takes a list of rows; give output='sentences' or 'articles' (or "
                            "columnar=True) for a dict of columns")
        return score_batch(self.analyzer, batch, self.text_key, self.id_key)

    def _typed(self, batch: Any) -> Any:
        """One record kind for a batch of any shape, in the shape engines take back."""
        from attribution.arrow import records_table

        rows, shape = batch_rows(batch)
        rows = [unpack_metadata(row, self.text_key, self.id_key) for row in rows]
        records = score_batch(self.analyzer, rows, self.text_key, self.id_key)[self.output]
        if shape == "rows":
            return records
        table = records_table(records, self.output, metadata="json", maps=False)
        return table.to_pandas() if shape == "pandas" else table


def batch_rows(batch: Any) -> tuple[list[dict[str, Any]], str]:
    """The rows of a batch and its shape: ``"rows"`` (a list of mappings), ``"pandas"`` (a DataFrame) or
    ``"columns"`` (a pyarrow Table or RecordBatch, or a mapping of columns: a dict, Ray's numpy batch, a
    ``datasets`` LazyBatch). Values come back as plain Python objects (numpy scalars and arrays unwrapped)."""
    if hasattr(batch, "to_pylist") and hasattr(batch, "schema"):  # pyarrow Table / RecordBatch
        return batch.to_pylist(), "columns"
    if hasattr(batch, "to_dict") and hasattr(batch, "iloc"):  # pandas DataFrame
        return [{key: _plain(value) for key, value in row.items()} for row in batch.to_dict("records")], "pandas"
    if isinstance(batch, Mapping):
        return [{key: _plain(value) for key, value in row.items()} for row in _rows(batch)], "columns"
    return [dict(row) for row in batch], "rows"


def _plain(value: Any) -> Any:
    """numpy scalars and arrays (Ray's numpy batches, pandas cells) as Python values."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return value.tolist()
    return value


def unpack_metadata(row: Mapping[str, Any], text_key: str = "text", id_key: str = "id") -> dict[str, Any]:
    """A row whose ``metadata`` column (a dict, or a JSON object string) is spread into its other columns, as the
    article's metadata; its own columns win over a metadata key of the same name. A ``metadata`` that is neither
    stays a column of that name."""
    metadata = row.get("metadata")
    if isinstance(metadata, str):
        try:
            parsed = json.loads(metadata)
        except json.JSONDecodeError:
            parsed = None
        metadata = parsed if isinstance(parsed, dict) else metadata
    if not isinstance(metadata, Mapping):
        return dict(row)
    rest = {key: value for key, value in row.items() if key != "metadata"}
    spread = {key: value for key, value in metadata.items() if key not in rest and value is not None}
    head = {key: rest.pop(key) for key in (id_key, text_key) if key in rest}
    return {**head, **spread, **rest}


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

"""Write: stream records to JSONL, CSV or Parquet (stdout for JSONL/CSV when no path is given).

Records are written as they come, so a long run holds only the current batch.
``write_many`` writes one article's records in a single call and flushes them, so
a killed run leaves whole articles (and at most one truncated last line, which
``attribution score --resume`` cuts off); ``append=True`` continues a JSONL file.
CSV and Parquet are flat: nested fields (``probs``, ``profile``, ``cleaning``,
``metadata``) become JSON strings, and ``probs`` also one ``prob_<label>`` column
per label.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Any

from attribution.labels import LABELS

FORMATS = ("jsonl", "csv", "parquet")


def infer_format(path: str | Path | None, explicit: str | None) -> str:
    """The output format: the explicit one, else from the file suffix, else JSONL."""
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return suffix if suffix in FORMATS else "jsonl"


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if key == "probs" and isinstance(value, dict):
            for label in LABELS:
                flat[f"prob_{label}"] = value.get(label)
        if isinstance(value, (dict, list)):
            flat[key] = json.dumps(value, ensure_ascii=False)
        else:
            flat[key] = value
    return flat


_INT_COLUMNS = {"sent_idx", "start", "end", "source_start", "source_end", "cue_start", "cue_end", "n_sentences"}


def _column_type(name: str):
    """Parquet column types are fixed up front, so a first batch of nulls cannot fix a wrong type."""
    import pyarrow as pa

    if name in _INT_COLUMNS:
        return pa.int64()
    if name.startswith("prob_"):
        return pa.float64()
    return pa.string()


class RecordWriter:
    """A streaming writer for one output; use as a context manager."""

    def __init__(self, path: str | Path | None, fmt: str | None = None, parquet_batch: int = 2048,
                 append: bool = False):
        self.path = Path(path) if path else None
        self.format = infer_format(path, fmt)
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; use one of {', '.join(FORMATS)}")
        if append and self.format != "jsonl":
            raise ValueError(f"only JSONL output can be appended to (resumed), not {self.format}")
        self.append = append
        if self.format == "parquet" and self.path is None:
            raise ValueError("parquet output needs a file path (--output / --articles)")
        self._handle: IO[str] | None = None
        self._csv: csv.DictWriter | None = None
        self._buffer: list[dict[str, Any]] = []
        self._parquet = None
        self._parquet_batch = parquet_batch
        self.count = 0

    def __enter__(self) -> RecordWriter:
        if self.format != "parquet":
            if self.path is None:
                self._handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a" if self.append else "w", encoding="utf-8", newline="")
        return self

    def write(self, record: dict[str, Any]) -> None:
        self.count += 1
        if self.format == "jsonl":
            assert self._handle is not None
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.format == "csv":
            flat = _flatten(record)
            if self._csv is None:
                assert self._handle is not None
                self._csv = csv.DictWriter(self._handle, fieldnames=list(flat), extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerow(flat)
        else:
            self._buffer.append(_flatten(record))
            if len(self._buffer) >= self._parquet_batch:
                self._flush_parquet()

    def write_many(self, records: list[dict[str, Any]]) -> None:
        """Write records (one article's) together and push them to the file."""
        if self.format == "jsonl":
            assert self._handle is not None
            self.count += len(records)
            self._handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        else:
            for record in records:
                self.write(record)
        self.flush()

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer:
            return
        if self._parquet is None:
            fields = [pa.field(name, _column_type(name)) for name in self._buffer[0]]
            self._schema = pa.schema(fields)
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        rows = [
            {f.name: (str(row.get(f.name)) if f.type == pa.string() and row.get(f.name) is not None
                      and not isinstance(row.get(f.name), str) else row.get(f.name)) for f in self._schema}
            for row in self._buffer
        ]
        self._parquet.write_table(pa.Table.from_pylist(rows, schema=self._schema))
        self._buffer = []

    def __exit__(self, *exc: object) -> None:
        if self.format == "parquet":
            self._flush_parquet()
            if self._parquet is not None:
                self._parquet.close()
        elif self._handle is not None:
            self._handle.flush()
            if self.path is not None:
                self._handle.close()
            else:
                self._handle.detach()

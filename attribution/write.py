"""Write: stream records to JSONL, CSV or Parquet (stdout for JSONL/CSV when no path is given).

Records are written as they come, so a long run holds only the current batch.
``write_many`` writes one article's records in a single call and flushes them, so
a killed run leaves whole articles (and at most one truncated last line, which
``attribution score --resume`` cuts off); ``append=True`` continues a JSONL file.
CSV is flat: nested fields (``probs``, ``profile``, ``cleaning``, ``metadata``) become JSON strings, and
``probs`` also one ``prob_<label>`` column per label. Parquet is typed (:mod:`attribution.arrow`): ``probs`` and
``counts`` are structs, the profile and cleaning report structs of lists and maps, and ``metadata`` a struct whose
values keep their types. Sentence records stream to the file in row groups; article records, whose metadata keys
are known only once every article is in, are held as Arrow tables and written when the file closes (Parquet
outputs cannot be resumed either way). Files of the old layout (JSON strings) are still read by ``summarize``
and ``evaluate``.

CSV is made safe to open in a spreadsheet: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (which Excel, LibreOffice and Google Sheets would run as a formula, e.g. ``=HYPERLINK(...)`` taken
from an article's text or id) is written with a single quote ``'`` in front (:func:`csv_safe`, the OWASP "CSV
injection" advice). Only string cells are changed: numbers (a probability, an offset) stay numbers. A CSV cell
therefore may differ from the record's value by that leading quote; JSONL and Parquet keep every value raw.

A write that fails (a full disk, a vanished folder) raises an ``OSError`` naming the output file.
:func:`check_output_file` and :func:`check_output_folder` find an unusable output location before anything is
opened (:class:`OutputError`), and :func:`write_file_atomic` writes whole files (HTML pages, summary tables and
plots) through a temporary file that replaces the target, so a kill leaves the old file or the new one, and a
symbolic link planted at the target is replaced rather than followed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from attribution.labels import LABELS

FORMATS = ("jsonl", "csv", "parquet")

#: First characters that make a spreadsheet read a cell as a formula (OWASP: ``=``, ``+``, ``-``, ``@``, tab, CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputError(ValueError):
    """An output location that cannot be used (or would overwrite an input or another output).

    Raised before any file is opened; the message is ``<path>: <problem>``.
    """


def csv_safe(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is a string a spreadsheet would run as a formula; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _named(exc: OSError, path: Path, *, always: bool = False) -> OSError:
    """``exc`` naming ``path`` (a failed write on an open file names no file); ``always``: even if it names one."""
    if (exc.filename is not None and not always) or isinstance(exc, BrokenPipeError):
        return exc
    named = OSError(exc.errno, exc.strerror or str(exc), str(path))  # the errno picks the subclass
    named.__cause__ = exc
    return named


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and not path.is_symlink() and path != path.parent:
        path = path.parent
    return path


def _check_creatable(path: Path) -> None:
    """``path`` does not exist: its nearest existing ancestor must be a writable folder (folders are created)."""
    ancestor = _nearest_existing(path.parent)
    if ancestor.is_symlink() and not ancestor.exists():
        raise OutputError(f"{ancestor}: is a broken symbolic link (in the path of {path})")
    if not ancestor.is_dir():
        raise OutputError(f"{ancestor}: is not a folder, so {path} cannot be created in it")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"{ancestor}: folder is not writable (for {path})")


def check_output_file(path: str | Path) -> None:
    """Refuse an output file that cannot be written: a folder, a file without write permission, or one whose
    folder cannot be created or written. Touches nothing."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise OutputError(f"{path}: file is not writable")
    else:
        _check_creatable(path)


def check_output_folder(path: str | Path, files: Iterable[str] = (), folders: Iterable[str] = ()) -> None:
    """Refuse an output folder that cannot be used: a file, not writable, not creatable; or holding a folder
    where one of its ``files`` goes, or something other than a real folder (a file, a symbolic link) where one of
    its ``folders`` goes. Touches nothing."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a folder")
    if not path.exists():
        _check_creatable(path)
        return
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: folder is not writable")
    for name in files:
        if (path / name).is_dir() and not (path / name).is_symlink():
            raise OutputError(f"{path / name}: is a folder, not a file")
    for name in folders:
        sub = path / name
        if sub.is_symlink():
            raise OutputError(f"{sub}: is a symbolic link; not writing through it (remove it or use another folder)")
        if sub.exists() and not sub.is_dir():
            raise OutputError(f"{sub}: is a file, not a folder")
        if sub.is_dir() and not os.access(sub, os.W_OK | os.X_OK):
            raise OutputError(f"{sub}: folder is not writable")


def write_file_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole: into a new temporary file in the same folder, then
    ``os.replace``. A kill leaves the old file or the new one, never a part, and a symbolic link at ``path`` is
    replaced by the file, not followed (the temporary file is created exclusively, without following links)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8", errors="replace")
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        raise _named(exc, path, always=True) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _named(exc, path, always=True) from exc
        raise
    return path


def open_append_nofollow(path: str | Path) -> IO[str]:
    """``path`` opened for appending text (created if missing), refusing to follow a symbolic link there."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o666), "a", encoding="utf-8")


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


def _record_kind(record: dict[str, Any]) -> str | None:
    """``"articles"`` or ``"sentences"`` for this tool's records (by their keys), else ``None``."""
    if "status" in record and "counts" in record:
        return "articles"
    if "sent_idx" in record and "label" in record:
        return "sentences"
    return None


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
        self._held: list[Any] = []  # article tables, written on closing
        self._schema = None
        self._parquet_batch = parquet_batch
        self.count = 0

    @contextmanager
    def _naming_errors(self) -> Iterator[None]:
        """An ``OSError`` of a write (``ENOSPC`` names no file) re-raised naming this output's path."""
        try:
            yield
        except OSError as exc:
            if self.path is None:
                raise
            raise _named(exc, self.path) from exc

    def __enter__(self) -> RecordWriter:
        if self.format == "parquet":
            with self._naming_errors():
                self.path.parent.mkdir(parents=True, exist_ok=True)  # the file itself is opened on the first flush
        elif self.path is None:
            self._handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        else:
            with self._naming_errors():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a" if self.append else "w", encoding="utf-8", newline="")
        return self

    def write(self, record: dict[str, Any]) -> None:
        with self._naming_errors():
            self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        self.count += 1
        if self.format == "jsonl":
            assert self._handle is not None
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.format == "csv":
            flat = {key: csv_safe(value) for key, value in _flatten(record).items()}
            if self._csv is None:
                assert self._handle is not None
                self._csv = csv.DictWriter(self._handle, fieldnames=list(flat), extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerow(flat)
        else:
            self._buffer.append(record)
            if len(self._buffer) >= self._parquet_batch:
                self._flush_parquet()

    def write_many(self, records: list[dict[str, Any]]) -> None:
        """Write records (one article's) together and push them to the file."""
        with self._naming_errors():
            if self.format == "jsonl":
                assert self._handle is not None
                self.count += len(records)
                self._handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            else:
                for record in records:
                    self._write(record)
            if self._handle is not None:
                self._handle.flush()

    def flush(self) -> None:
        if self._handle is not None:
            with self._naming_errors():
                self._handle.flush()

    def _flush_parquet(self, closing: bool = False) -> None:
        """Sentence records go to the file batch by batch; article records are kept (as compact Arrow tables) to
        be written on closing, with one metadata struct for the whole file; records of other kinds are written
        flat, as strings."""
        import pyarrow.parquet as pq

        from attribution.arrow import records_table, unify_metadata

        if self._buffer:
            kind = _record_kind(self._buffer[0])
            if kind == "articles":
                self._held.append(records_table(self._buffer, "articles"))
            else:
                table = records_table(self._buffer, "sentences") if kind == "sentences" else self._flat_table()
                if self._parquet is None:
                    self._parquet = pq.ParquetWriter(self.path, table.schema)
                self._parquet.write_table(table)
            self._buffer = []
        if closing and self._held:
            tables, self._held = unify_metadata(self._held), []
            self._parquet = pq.ParquetWriter(self.path, tables[0].schema)
            for table in tables:
                self._parquet.write_table(table)

    def _flat_table(self):
        """Records other than sentence and article records: flat columns, nested values as JSON strings."""
        import pyarrow as pa

        rows = [_flatten(record) for record in self._buffer]
        if self._schema is None:
            self._schema = pa.schema([pa.field(name, _column_type(name)) for name in rows[0]])
        return pa.Table.from_pylist([
            {f.name: (str(row.get(f.name)) if f.type == pa.string() and row.get(f.name) is not None
                      and not isinstance(row.get(f.name), str) else row.get(f.name)) for f in self._schema}
            for row in rows
        ], schema=self._schema)

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            with self._naming_errors():
                self._close()
        except OSError:
            if exc_type is None:
                raise
            # an error is already on its way out (often the same full disk, failing the final flush again)

    def _close(self) -> None:
        if self.format == "parquet":
            try:
                self._flush_parquet(closing=True)
            finally:
                if self._parquet is not None:
                    self._parquet.close()
        elif self._handle is not None:
            if self.path is not None:
                self._handle.close()  # flushes; closes the file even when the flush fails
            else:
                self._handle.flush()
                self._handle.detach()

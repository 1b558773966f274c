"""Ingest: turn paths (text files, directories, JSONL / CSV / Parquet tables) into documents.

Ingest never drops an input. A file or row that cannot be read becomes a
:class:`Document` with ``error`` set, so the run goes on and the article record
says what went wrong. The text kept is the input exactly as decoded: every
offset the pipeline reports indexes into ``Document.text``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + TABLE_SUFFIXES

#: A scraper's header line, e.g. `` date 2025-04-29 403`` (leading space included).
HEADER_LINE = re.compile(r"^[ \t]*date[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?:[ \t]+(?P<status>\d{3}))?[ \t]*$")


@dataclass
class Document:
    """One input article: its id, the original text as decoded, metadata, and any read error."""

    doc_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class InputError(ValueError):
    """A problem with the inputs as a whole (missing path, unsupported type); stops the run."""


def parse_header(text: str) -> dict[str, Any]:
    """Read a scraper header line (date and HTTP status) from the first line of ``text``, if any."""
    first_line = text.split("\n", 1)[0].rstrip("\r")
    match = HEADER_LINE.match(first_line)
    if not match:
        return {}
    meta: dict[str, Any] = {"date": match["date"]}
    if match["status"]:
        meta["http_status"] = int(match["status"])
    return meta


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes as UTF-8; return ``(text, None)`` or ``(None, error message)``."""
    if not data.strip():
        return None, "empty input: no text"
    if b"\x00" in data[:8192]:
        return None, "binary input: contains NUL bytes, not a text file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        return None, f"not valid UTF-8: byte 0x{bad} at offset {exc.start} ({exc.reason})"
    return text, None


def make_document(doc_id: str, text: Any, metadata: Mapping[str, Any] | None = None) -> Document:
    """Build a document from a raw value, flagging missing or empty text instead of raising."""
    meta = dict(metadata or {})
    if text is None or (isinstance(text, float) and text != text):  # None or NaN from a table
        return Document(doc_id, "", meta, error="no text: the text field is missing or null")
    if isinstance(text, bytes):
        decoded, error = decode_bytes(text)
        if error:
            return Document(doc_id, "", meta, error=error)
        text = decoded
    if not isinstance(text, str):
        return Document(doc_id, "", meta, error=f"no text: expected a string, got {type(text).__name__}")
    if not text.strip():
        return Document(doc_id, text, meta, error="empty input: no text")
    meta = {**parse_header(text), **meta}
    return Document(doc_id, text, meta)


def read_text_file(path: Path, doc_id: str | None = None) -> Document:
    """Read one ``.txt`` file; unreadable, empty, binary or non-UTF-8 files become error documents."""
    doc_id = doc_id or path.stem
    meta = {"path": str(path)}
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Document(doc_id, "", meta, error=f"unreadable file: {exc.strerror or exc}")
    text, error = decode_bytes(data)
    if error:
        return Document(doc_id, "", meta, error=error)
    return make_document(doc_id, text, meta)


def _row_documents(
    rows: Iterable[Mapping[str, Any]], source: Path, id_column: str, text_column: str
) -> Iterator[Document]:
    for n, row in enumerate(rows, start=1):
        raw_id = row.get(id_column)
        doc_id = str(raw_id) if raw_id not in (None, "") else f"{source.stem}:{n}"
        meta = {k: v for k, v in row.items() if k not in (id_column, text_column, "__error__") and _is_scalar(v)}
        meta["path"] = str(source)
        meta["row"] = n
        if "__error__" in row:  # a JSONL line that could not be read
            yield Document(doc_id, "", meta, error=row["__error__"])
        elif text_column not in row:
            yield Document(doc_id, "", meta, error=f"no text: row has no {text_column!r} field")
        else:
            yield make_document(doc_id, row[text_column], meta)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _jsonl_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                row = {"__error__": f"line {line_no}: invalid JSON ({exc.msg})"}
            if not isinstance(row, dict):
                row = {"__error__": f"line {line_no}: expected a JSON object"}
            yield row


def _arrow_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    """Stream rows of a CSV or Parquet file in batches, so memory stays flat."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(path).iter_batches(batch_size=1024)
    else:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        # Every column stays a string: ids like "007" must not become integers.
        names = pacsv.open_csv(path).schema.names
        options = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
        batches = pacsv.open_csv(path, convert_options=options)
    for batch in batches:
        yield from batch.to_pylist()


def _table_columns_error(path: Path, id_column: str, text_column: str) -> str | None:
    """Check the table's header for the text column before streaming its rows."""
    if path.suffix == ".jsonl":
        return None  # JSON lines have no header; a row without the column is flagged row by row
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        columns = pq.ParquetFile(path).schema_arrow.names
    else:
        import pyarrow.csv as pacsv

        columns = pacsv.open_csv(path).schema.names
    if text_column not in columns:
        return f"column {text_column!r} not found in {path.name} (columns: {', '.join(columns)})"
    return None


def read_table(path: Path, id_column: str = "id", text_column: str = "text") -> Iterator[Document]:
    """Stream the documents of a JSONL, CSV or Parquet table, one per row."""
    try:
        error = _table_columns_error(path, id_column, text_column)
        if error:
            yield Document(path.stem, "", {"path": str(path)}, error=error)
            return
        rows = _jsonl_rows(path) if path.suffix == ".jsonl" else _arrow_rows(path)
        yield from _row_documents(rows, path, id_column, text_column)
    except (OSError, ValueError) as exc:  # unreadable or malformed table as a whole
        yield Document(path.stem, "", {"path": str(path)}, error=f"unreadable table: {exc}")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield input files: files as given, directories searched recursively for supported types, sorted."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            yield from found
        elif path.exists():
            yield path
        else:
            raise InputError(f"no such file or directory: {path}")


def iter_documents(
    paths: Iterable[str | Path], id_column: str = "id", text_column: str = "text"
) -> Iterator[Document]:
    """Stream documents from files, directories and tables. Ids repeated across files get a ``~N`` suffix."""
    seen: dict[str, int] = {}
    for path in expand_paths(paths):
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            docs: Iterable[Document] = read_table(path, id_column, text_column)
        elif suffix in TEXT_SUFFIXES or path.is_file():
            docs = [read_text_file(path)]
        for doc in docs:
            count = seen.get(doc.doc_id, 0)
            seen[doc.doc_id] = count + 1
            if count:
                doc.metadata["original_doc_id"] = doc.doc_id
                doc.doc_id = f"{doc.doc_id}~{count + 1}"
            yield doc

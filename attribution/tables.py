"""Table rows for ingest: JSONL, CSV and Parquet read row by row, so that a bad row costs only its own record.

Each reader yields :class:`Row` objects: the row's cells, or the reason it could not be read, and where it is
(file and row, with the line number for text tables). Rows stream, so memory stays flat whatever the table's
size. Text tables are decoded by their byte-order mark (UTF-8 without one); invalid bytes in a row become
U+FFFD plus a warning for that row, never a failure of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: Byte-order marks and the codec each selects; UTF-32 first, since its little-endian mark starts with UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def sniff_bom(head: bytes) -> tuple[str, str, int]:
    """``(codec, name, length of the mark)`` for bytes that start with a byte-order mark; UTF-8 otherwise."""
    for bom, codec, name in BOMS:
        if head.startswith(bom):
            return codec, name, len(bom)
    return "utf-8", "UTF-8", 0


#: Decoding error handler that marks each undecodable sequence with one lone surrogate carrying its first byte.
#: A strict decode of UTF-8, -16 or -32 never yields a lone surrogate, so every one in the text is such a mark.
MARK_ERRORS = "attribution-mark"
_MARKED = re.compile("[\udc00-\udcff]")


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return chr(0xDC00 + exc.object[exc.start]), exc.end


codecs.register_error(MARK_ERRORS, _mark)


def unmark(text: str) -> tuple[str, int, int | None]:
    """Replace the marks of undecodable sequences with U+FFFD: ``(text, how many, first sequence's first byte)``."""
    first = _MARKED.search(text)
    if first is None:
        return text, 0, None
    text, count = _MARKED.subn("\ufffd", text)
    return text, count, ord(first.group()) - 0xDC00


def invalid_bytes_warning(where: str, encoding: str, count: int, first: int | None) -> str:
    plural = "s" if count != 1 else ""
    return (f"invalid {encoding} {where}: {count} undecodable byte sequence{plural} replaced with U+FFFD "
            f"(first: 0x{first or 0:02x})")


def open_text(handle: IO[bytes], newline: str) -> tuple[io.TextIOWrapper, str]:
    """Wrap a binary stream as text decoded by its byte-order mark, undecodable bytes marked (see :func:`unmark`).

    Returns the stream and the encoding's name. Detach the wrapper (not close it) to keep ``handle`` open.
    """
    head = handle.read(4)
    codec, name, skip = sniff_bom(head)
    handle.seek(skip - len(head), io.SEEK_CUR)
    return io.TextIOWrapper(handle, encoding=codec, errors=MARK_ERRORS, newline=newline), name


@dataclass
class Row:
    """One table row: its number (1-based, blank lines not counted), where it is, its cells or why it is unreadable."""

    n: int
    where: str
    cells: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0][:200]


def jsonl_rows(handle: IO[bytes], name: str) -> Iterator[Row]:
    """Rows of JSON lines from a binary stream; a line that is not a JSON object is an error row."""
    text, encoding = open_text(handle, newline="\n")
    try:
        n = 0
        for line_no, line in enumerate(text, start=1):
            if not line.strip():
                continue
            n += 1
            where = f"{name} line {line_no}"
            line, bad, first = unmark(line)
            warnings = [invalid_bytes_warning(f"on line {line_no} of {name}", encoding, bad, first)] if bad else []
            try:
                cells = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Row(n, where, error=f"{where}: invalid JSON ({exc.msg})", warnings=warnings)
                continue
            except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting deeper than Python's stack
                yield Row(n, where, error=f"{where}: unreadable JSON ({_json_problem(exc)})", warnings=warnings)
                continue
            if not isinstance(cells, dict):
                yield Row(n, where, error=f"{where}: expected a JSON object", warnings=warnings)
                continue
            yield Row(n, where, cells, warnings=warnings)
    finally:
        text.detach()


def jsonl_file_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as handle:
        yield from jsonl_rows(handle, path.name)


def all_json_objects(handle: IO[bytes]) -> bool:
    """Whether every non-blank line of a binary stream is a JSON object (and there is at least one); rewinds it."""
    text, _ = open_text(handle, newline="\n")
    found = False
    try:
        for line in text:
            if not line.strip():
                continue
            try:
                if not isinstance(json.loads(unmark(line)[0]), dict):
                    return False
            except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
                return False
            found = True
        return found
    finally:
        text.detach()
        handle.seek(0)


class _Lines:
    """A line iterator that counts the lines handed out and notes when its source runs dry."""

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.count = 0
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            line = next(self.source)
        except StopIteration:
            self.exhausted = True
            raise
        self.count += 1
        return line


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (its first record); ``ValueError`` when it has none."""
    with path.open("rb") as handle:
        text, _ = open_text(handle, newline="")
        try:
            header = next(csv.reader(text), None)
        finally:
            text.detach()
    if not header:
        raise ValueError(f"{path.name} is empty: no header row")
    return [unmark(name)[0] for name in header]


def csv_rows(path: Path, field_limit: int) -> Iterator[Row]:
    """Rows of a CSV file with a header line, every cell a string (empty cells ``None``), one row at a time.

    Quoted cells may hold line breaks. A row with more or fewer cells than the header, a row the csv module
    refuses, and a quoted cell never closed (it swallows the rest of the file) are error rows; the rows after
    them are read on. ``field_limit`` bounds a cell's length, and so the memory one row can take.
    """
    csv.field_size_limit(max(csv.field_size_limit(), field_limit))
    name = path.name
    with path.open("rb") as handle:
        text, encoding = open_text(handle, newline="")
        lines = _Lines(iter(text))
        reader = csv.reader(lines)
        try:
            header = [unmark(column)[0] for column in next(reader, None) or []]
            n = 0
            while True:
                start = lines.count + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    n += 1
                    where = f"{name} row {n} (line {start})"
                    yield Row(n, where, error=f"{where}: unreadable CSV row ({exc})")
                    continue
                if not cells:  # a blank line
                    continue
                n += 1
                end = lines.count
                where = f"{name} row {n} (line {start})"
                if lines.exhausted:  # the reader ran into the end of the file inside a quoted cell
                    yield Row(n, where, error=f"{where}: a quoted cell is never closed (it runs to the end of the "
                                              f"file, line {end})")
                    return
                if len(cells) != len(header):
                    yield Row(n, where, error=f"{where}: {len(cells)} cells, but the header has {len(header)} "
                                              "columns")
                    continue
                warnings: list[str] = []
                bad, first = 0, None
                values: dict[str, Any] = {}
                for column, cell in zip(header, cells, strict=True):
                    cell, count, byte = unmark(cell)
                    if count and first is None:
                        first = byte
                    bad += count
                    values[column] = cell if cell != "" else None
                if bad:
                    warnings.append(invalid_bytes_warning(f"in {where}", encoding, bad, first))
                yield Row(n, where, values, warnings=warnings)
        finally:
            text.detach()


def parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).schema_arrow.names


def parquet_rows(path: Path) -> Iterator[Row]:
    """Rows of a Parquet file, read in batches so memory stays flat."""
    import pyarrow.parquet as pq

    n = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
        for cells in batch.to_pylist():
            n += 1
            yield Row(n, f"{path.name} row {n}", cells)

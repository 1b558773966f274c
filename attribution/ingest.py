"""Ingest: turn paths (text files, directories, JSONL / CSV / Parquet tables, ``-`` for stdin) into documents.

Ingest never drops an input. A file or row that cannot be read becomes a
:class:`Document` with ``error`` set, so the run goes on and the article record
says what went wrong; every row of a table gets its own record (see
:mod:`attribution.tables`). Text is UTF-8 unless a byte-order mark says UTF-16
or UTF-32. Every offset the pipeline reports indexes ``Document.text``:
the input as decoded, except that mojibake is repaired (each repair reported with
offsets before and after, see :mod:`attribution.repair`) and HTML is reduced to
its article text (see :mod:`attribution.html_input`). Invalid UTF-8 bytes become
U+FFFD and a warning; inputs longer than ``max_chars`` are refused per article.
"""

from __future__ import annotations

import csv
import datetime
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from attribution.html_input import HTML_SUFFIXES, extract_article
from attribution.repair import repair_mojibake
from attribution.tables import (
    MARK_ERRORS,
    Row,
    all_json_objects,
    csv_header,
    csv_rows,
    jsonl_file_rows,
    jsonl_rows,
    parquet_columns,
    parquet_rows,
    sniff_bom,
    unmark,
)

TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + TABLE_SUFFIXES
#: Longest article text analysed (characters); longer inputs get an error record (``--max-chars``).
MAX_CHARS = 2_000_000
#: Longest HTML page read (characters) before extraction.
MAX_HTML_CHARS = 20_000_000

#: A scraper's header line, e.g. `` date 2025-04-29 403`` (leading space included).
HEADER_LINE = re.compile(r"^[ \t]*date[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?:[ \t]+(?P<status>\d{3}))?[ \t]*$")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: Any) -> Any:
    """Lone UTF-16 surrogates (legal in JSON escapes, unencodable in UTF-8) become U+FFFD, one for one."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


@dataclass
class Document:
    """One input article: its id, the original text as decoded, metadata, and any read error."""

    doc_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Ids and metadata come from file names, table cells and JSON escapes; none may stop a writer later.
        self.doc_id = _no_surrogates(self.doc_id)
        self.metadata = {_no_surrogates(k): _no_surrogates(v) for k, v in self.metadata.items()}


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


def _decode(data: bytes) -> tuple[str | None, str | None, list[str], bool]:
    """:func:`decode_bytes`, and whether a byte-order mark chose the encoding."""
    if not data.strip():
        return None, "empty input: no text", [], False
    codec, name, skip = sniff_bom(data[:4])
    if not skip and b"\x00" in data[:8192]:  # UTF-16 or -32 without a mark is not guessed at
        return None, "binary input: contains NUL bytes, not a text file", [], False
    body = data[skip:]
    warnings = []
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        text, bad, _ = unmark(body.decode(codec, errors=MARK_ERRORS))
        warnings.append(f"invalid {name}: {bad} undecodable byte sequence{'s' if bad != 1 else ''} replaced with "
                        f"U+FFFD (first at byte {skip + exc.start}: 0x{body[exc.start : exc.start + 1].hex()}, "
                        f"{exc.reason})")
    if not text.strip():
        return None, "empty input: no text", [], False
    if "\x00" in text[:8192]:
        return None, f"binary input: contains NUL characters after a {name} byte-order mark", [], False
    return text, None, warnings, bool(skip)


def decode_bytes(data: bytes) -> tuple[str | None, str | None, list[str]]:
    """Decode input bytes: ``(text, error, warnings)``.

    UTF-8 unless a byte-order mark says UTF-8, UTF-16 or UTF-32 (little- or big-endian); the mark is dropped.
    Invalid bytes are replaced with U+FFFD and flagged, not fatal; empty inputs and binary ones (NUL bytes
    without a byte-order mark) are errors.
    """
    text, error, warnings, _ = _decode(data)
    return text, error, warnings


def make_document(doc_id: str, text: Any, metadata: Mapping[str, Any] | None = None, *, html: bool = False,
                  max_chars: int = MAX_CHARS) -> Document:
    """Build a document from a raw value, flagging missing, empty or oversized text instead of raising.

    ``html=True`` reduces an HTML page to its article text first.
    """
    meta = dict(metadata or {})
    warnings: list[str] = []
    if text is None or (isinstance(text, float) and text != text):  # None or NaN from a table
        return Document(doc_id, "", meta, error="no text: the text field is missing or null")
    if isinstance(text, bytes):
        decoded, error, warnings = decode_bytes(text)
        if error:
            return Document(doc_id, "", meta, error=error)
        text = decoded
    if not isinstance(text, str):
        return Document(doc_id, "", meta, error=f"no text: expected a string, got {type(text).__name__}")
    if not text.strip():
        return Document(doc_id, text, meta, error="empty input: no text", warnings=warnings)
    if _SURROGATE.search(text):
        count = len(_SURROGATE.findall(text))
        text = _no_surrogates(text)
        warnings.append(f"{count} lone surrogate code point{'s' if count != 1 else ''} replaced with U+FFFD")
    if html:
        if len(text) > MAX_HTML_CHARS:
            return Document(doc_id, "", meta, error=f"HTML too long: {len(text):,} characters "
                            f"(limit {MAX_HTML_CHARS:,})", warnings=warnings)
        text, html_meta = extract_article(text)
        meta.update(html_meta)
        meta["extracted_from"] = "html"
        if text is None:
            return Document(doc_id, "", meta, error="no article text found in the HTML", warnings=warnings)
    if len(text) > max_chars:
        return Document(doc_id, "", meta, error=f"input too long: {len(text):,} characters (limit {max_chars:,}; "
                        "raise it with --max-chars)", warnings=warnings)
    text, repairs = repair_mojibake(text)
    if repairs:
        example = repairs[0]
        warnings.append(f"repaired mojibake in {len(repairs)} word{'s' if len(repairs) != 1 else ''} "
                        f"(e.g. {example.before!r} → {example.after!r}); offsets index the repaired text")
    meta = {**parse_header(text), **meta}
    return Document(doc_id, text, meta, warnings=warnings, repairs=[r.to_dict() for r in repairs])


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a meta tag (within its first 4 KB), if Python knows it."""
    import codecs

    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def read_text_file(path: Path, doc_id: str | None = None, max_chars: int = MAX_CHARS) -> Document:
    """Read one ``.txt`` or ``.html`` file; unreadable, empty or binary files become error documents."""
    doc_id = doc_id or path.stem
    meta = {"path": str(path)}
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Document(doc_id, "", meta, error=f"unreadable file: {exc.strerror or exc}")
    return _bytes_document(data, doc_id, meta, html=path.suffix.lower() in HTML_SUFFIXES, max_chars=max_chars)


def _bytes_document(data: bytes, doc_id: str, meta: dict[str, Any], *, html: bool, max_chars: int) -> Document:
    """A document from a whole input's bytes (a file, or standard input read as one text)."""
    text, error, warnings, by_bom = _decode(data)
    if error:
        return Document(doc_id, "", meta, error=error)
    if html and warnings and not by_bom:  # not UTF-8: use the page's declared charset if it names one
        declared = _declared_charset(data)
        if declared:
            text, warnings = data.decode(declared, errors="replace"), [f"decoded as {declared}, the page's charset"]
    doc = make_document(doc_id, text, meta, html=html, max_chars=max_chars)
    doc.warnings[:0] = warnings
    return doc


#: A document not built yet: its id, and the call that builds it (decoding, HTML extraction, repair). Ids come
#: first so that a resumed run can skip finished articles without that work.
Pending = tuple[str, Callable[[], Document]]


#: Errors that leave a table unreadable from some point on (cannot be opened, a batch that fails, an I/O error).
_TABLE_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, TypeError, NotImplementedError, EOFError,
                                              csv.Error)


def _table_errors(suffix: str) -> tuple[type[Exception], ...]:
    if suffix != ".parquet":
        return _TABLE_ERRORS
    from pyarrow.lib import ArrowException

    return (*_TABLE_ERRORS, ArrowException)


def _row_document(row: Row, doc_id: str, source: str, id_column: str, text_column: str, html: bool,
                  max_chars: int) -> Document:
    meta = {k: _metadata_value(v) for k, v in row.cells.items()
            if k not in (id_column, text_column) and _is_scalar(_metadata_value(v))}
    meta["path"] = source
    meta["row"] = row.n
    if row.error is not None:  # a row that could not be read
        doc = Document(doc_id, "", meta, error=row.error)
    elif text_column not in row.cells:
        doc = Document(doc_id, "", meta, error=f"no text: row has no {text_column!r} field")
    else:
        doc = make_document(doc_id, row.cells[text_column], meta, html=html, max_chars=max_chars)
    doc.warnings[:0] = row.warnings
    return doc


def _row_items(rows: Iterable[Row], stem: str, source: str, id_column: str, text_column: str, html: bool,
               max_chars: int) -> Iterator[Pending]:
    """One pending document per row; a row without an id (or unreadable) is ``<stem>:<row number>``."""
    for row in rows:
        raw_id = row.cells.get(id_column)
        doc_id = str(raw_id) if raw_id not in (None, "") else f"{stem}:{row.n}"
        yield doc_id, partial(_row_document, row, doc_id, source, id_column, text_column, html, max_chars)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _metadata_value(value: Any) -> Any:
    """Table values kept as metadata: scalars as they are, dates and timestamps as ISO strings."""
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _table_items(path: Path, id_column: str, text_column: str, html_column: str | None,
                 max_chars: int) -> Iterator[Pending]:
    """The rows of a table as pending documents, one per row whatever goes wrong in other rows.

    A table whose header lacks the text column, or that cannot be opened at all, is one error record (id: the
    file's stem). If reading fails part-way (a Parquet batch, an I/O error), the rows read so far keep their
    records and one error record ``<stem>:<next row>`` stands for the rest.
    """
    column = html_column or text_column
    suffix = path.suffix.lower()
    meta = {"path": str(path)}
    last = 0
    try:
        if suffix == ".jsonl":  # JSON lines have no header; a row without the column is flagged row by row
            rows: Iterator[Row] = jsonl_file_rows(path)
        else:
            columns = parquet_columns(path) if suffix == ".parquet" else csv_header(path)
            if column not in columns:
                error = f"column {column!r} not found in {path.name} (columns: {', '.join(columns)})"
                yield path.stem, partial(Document, path.stem, "", meta, error=error)
                return
            rows = parquet_rows(path) if suffix == ".parquet" else csv_rows(path, max(max_chars, MAX_HTML_CHARS) + 1)
        for row in rows:
            last = row.n
            yield from _row_items([row], path.stem, str(path), id_column, column, html_column is not None, max_chars)
    except _table_errors(suffix) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__  # one line, whatever the library wrote
        if not last:  # unreadable table as a whole
            yield path.stem, partial(Document, path.stem, "", meta, error=f"unreadable table: {reason}")
        else:
            n = last + 1
            doc_id = f"{path.stem}:{n}"
            yield doc_id, partial(Document, doc_id, "", {**meta, "row": n},
                                  error=f"unreadable table from row {n} of {path.name} on: {reason}")


def read_table(path: Path, id_column: str = "id", text_column: str = "text", html_column: str | None = None,
               max_chars: int = MAX_CHARS) -> Iterator[Document]:
    """Stream the documents of a JSONL, CSV or Parquet table, one per row.

    With ``html_column`` the text is read from that column and reduced from HTML to article text.
    """
    for _, build in _table_items(path, id_column, text_column, html_column, max_chars):
        yield build()


#: The path that means standard input.
STDIN = "-"
#: Standard input's name in records (``metadata["path"]``) and messages; its id when read as one text.
STDIN_NAME = "<stdin>"
STDIN_ID = "stdin"


class StdinPath(type(Path())):  # type: ignore[misc]
    """``-`` given as an input: standard input. A file named ``-`` is given as ``./-``."""


def _stdin_items(id_column: str, text_column: str, html_column: str | None, max_chars: int) -> Iterator[Pending]:
    """Standard input: JSONL rows if every non-blank line is a JSON object, otherwise one text article ``stdin``.

    Which of the two shows only at the end, so the input is first copied to a temporary file (memory stays
    flat for rows). Its bytes are decoded as a file's are: byte-order mark, invalid bytes as U+FFFD and a warning.
    """
    with tempfile.TemporaryFile() as spool:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            shutil.copyfileobj(buffer, spool)
        elif stream is not None:  # a text stream with no bytes underneath
            spool.write(stream.read().encode("utf-8", errors="surrogatepass"))
        spool.seek(0)
        if all_json_objects(spool):
            column = html_column or text_column
            yield from _row_items(jsonl_rows(spool, STDIN_NAME), STDIN_ID, STDIN_NAME, id_column, column,
                                  html_column is not None, max_chars)
        else:
            yield STDIN_ID, partial(_bytes_document, spool.read(), STDIN_ID, {"path": STDIN_NAME}, html=False,
                                    max_chars=max_chars)


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield input files: files as given, directories searched recursively for supported types, sorted.

    ``-`` (the string, or a :class:`StdinPath`) is standard input, yielded as a :class:`StdinPath`; it may be
    given once.
    """
    stdin = False
    for raw in paths:
        if isinstance(raw, StdinPath) or (isinstance(raw, str) and raw == STDIN):
            if stdin:
                raise InputError("- (standard input) may be given only once")
            stdin = True
            yield StdinPath(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            yield from found
        elif path.exists():
            yield path
        else:
            raise InputError(f"no such file or directory: {path}")


def iter_documents(
    paths: Iterable[str | Path], id_column: str = "id", text_column: str = "text", *,
    html_column: str | None = None, max_chars: int = MAX_CHARS,
    skip: Container[str] = frozenset(), on_skip: Callable[[str], None] | None = None,
) -> Iterator[Document]:
    """Stream documents from files, directories, tables and standard input (``-``), with ids unique in the run.

    A document's id is its file's stem, or its row's id cell (``<stem>:<row>`` without one). The rule that
    keeps final ids unique: an id not given yet in this run is kept as it is; an id already given (whether as
    an input's own id or as a renamed one) becomes ``<id>~N`` with the smallest N >= 2 not given yet (counting
    on from the last N given to that id), and keeps its own id in ``metadata["original_doc_id"]``. So ``x, x,
    x~2`` become ``x, x~2, x~2~2``. The same inputs in the same order always give the same ids, which is what
    ``--resume`` keys on.

    Documents whose final id is in ``skip`` (a resumed run's finished articles) are passed over before they
    are read or built; ``on_skip`` is called with each such id.
    """
    if max_chars < 1:
        raise InputError(f"max_chars must be positive, got {max_chars}")
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    for path in expand_paths(paths):
        if isinstance(path, StdinPath):
            items: Iterable[Pending] = _stdin_items(id_column, text_column, html_column, max_chars)
        elif path.suffix.lower() in TABLE_SUFFIXES:
            items = _table_items(path, id_column, text_column, html_column, max_chars)
        else:  # .txt, .html, or any file named explicitly
            items = [(path.stem, partial(read_text_file, path, max_chars=max_chars))]
        for raw_id, build in items:
            raw_id = _no_surrogates(raw_id)  # the id the Document will carry (file names and cells can hold them)
            doc_id = raw_id
            if doc_id in taken:
                n = next_suffix.get(raw_id, 2)
                while f"{raw_id}~{n}" in taken:
                    n += 1
                next_suffix[raw_id] = n + 1
                doc_id = f"{raw_id}~{n}"
            taken.add(doc_id)
            if doc_id in skip:
                if on_skip is not None:
                    on_skip(doc_id)
                continue
            doc = build()
            if doc_id != raw_id:
                doc.metadata["original_doc_id"] = doc.doc_id
            doc.doc_id = doc_id
            yield doc

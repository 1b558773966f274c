"""Ingest: turn paths (text files, directories, JSONL / CSV / Parquet tables) into documents.

Ingest never drops an input. A file or row that cannot be read becomes a
:class:`Document` with ``error`` set, so the run goes on and the article record
says what went wrong. Every offset the pipeline reports indexes ``Document.text``:
the input as decoded, except that mojibake is repaired (each repair reported with
offsets before and after, see :mod:`attribution.repair`) and HTML is reduced to
its article text (see :mod:`attribution.html_input`). Invalid UTF-8 bytes become
U+FFFD and a warning; inputs longer than ``max_chars`` are refused per article.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from attribution.html_input import HTML_SUFFIXES, extract_article
from attribution.repair import repair_mojibake

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


def decode_bytes(data: bytes) -> tuple[str | None, str | None, list[str]]:
    """Decode input bytes as UTF-8: ``(text, error, warnings)``.

    Invalid bytes are replaced with U+FFFD and flagged, not fatal; empty and binary
    (NUL-containing) inputs are errors.
    """
    if not data.strip():
        return None, "empty input: no text", []
    if b"\x00" in data[:8192]:
        return None, "binary input: contains NUL bytes, not a text file", []
    try:
        return data.decode("utf-8-sig"), None, []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        bad = text.count("\ufffd")
        warning = (f"invalid UTF-8: {bad} undecodable byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD "
                   f"(first at byte {exc.start}: 0x{data[exc.start : exc.start + 1].hex()}, {exc.reason})")
        return text, None, [warning]


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
    html = path.suffix.lower() in HTML_SUFFIXES
    text, error, warnings = decode_bytes(data)
    if error:
        return Document(doc_id, "", meta, error=error)
    if html and warnings:  # not UTF-8: use the page's declared charset if it names one
        declared = _declared_charset(data)
        if declared:
            text, warnings = data.decode(declared, errors="replace"), [f"decoded as {declared}, the page's charset"]
    doc = make_document(doc_id, text, meta, html=html, max_chars=max_chars)
    doc.warnings[:0] = warnings
    return doc


#: A document not built yet: its id, and the call that builds it (decoding, HTML extraction, repair). Ids come
#: first so that a resumed run can skip finished articles without that work.
Pending = tuple[str, Callable[[], Document]]


def _row_document(row: Mapping[str, Any], n: int, doc_id: str, source: Path, id_column: str, text_column: str,
                  html: bool, max_chars: int) -> Document:
    internal = (id_column, text_column, "__error__", "__warning__")
    meta = {k: _metadata_value(v) for k, v in row.items() if k not in internal and _is_scalar(_metadata_value(v))}
    meta["path"] = str(source)
    meta["row"] = n
    if "__error__" in row:  # a JSONL line that could not be read
        return Document(doc_id, "", meta, error=row["__error__"])
    if text_column not in row:
        return Document(doc_id, "", meta, error=f"no text: row has no {text_column!r} field")
    doc = make_document(doc_id, row[text_column], meta, html=html, max_chars=max_chars)
    if "__warning__" in row:
        doc.warnings.insert(0, row["__warning__"])
    return doc


def _row_items(
    rows: Iterable[Mapping[str, Any]], source: Path, id_column: str, text_column: str, html: bool, max_chars: int
) -> Iterator[Pending]:
    for n, row in enumerate(rows, start=1):
        raw_id = row.get(id_column)
        doc_id = str(raw_id) if raw_id not in (None, "") else f"{source.stem}:{n}"
        yield doc_id, partial(_row_document, row, n, doc_id, source, id_column, text_column, html, max_chars)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _metadata_value(value: Any) -> Any:
    """Table values kept as metadata: scalars as they are, dates and timestamps as ISO strings."""
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _jsonl_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            warning = None
            try:
                line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                line = raw.decode("utf-8", errors="replace")
                warning = f"invalid UTF-8 on line {line_no} of {path.name} replaced with U+FFFD ({exc.reason})"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                row = {"__error__": f"line {line_no}: invalid JSON ({exc.msg})"}
            if not isinstance(row, dict):
                row = {"__error__": f"line {line_no}: expected a JSON object"}
            if warning:
                row["__warning__"] = warning
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


def _table_items(path: Path, id_column: str, text_column: str, html_column: str | None,
                 max_chars: int) -> Iterator[Pending]:
    column = html_column or text_column
    try:
        error = _table_columns_error(path, id_column, column)
        if error:
            yield path.stem, partial(Document, path.stem, "", {"path": str(path)}, error=error)
            return
        rows = _jsonl_rows(path) if path.suffix == ".jsonl" else _arrow_rows(path)
        yield from _row_items(rows, path, id_column, column, html_column is not None, max_chars)
    except (OSError, ValueError) as exc:  # unreadable or malformed table as a whole
        yield path.stem, partial(Document, path.stem, "", {"path": str(path)}, error=f"unreadable table: {exc}")


def read_table(path: Path, id_column: str = "id", text_column: str = "text", html_column: str | None = None,
               max_chars: int = MAX_CHARS) -> Iterator[Document]:
    """Stream the documents of a JSONL, CSV or Parquet table, one per row.

    With ``html_column`` the text is read from that column and reduced from HTML to article text.
    """
    for _, build in _table_items(path, id_column, text_column, html_column, max_chars):
        yield build()


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
    paths: Iterable[str | Path], id_column: str = "id", text_column: str = "text", *,
    html_column: str | None = None, max_chars: int = MAX_CHARS,
    skip: Container[str] = frozenset(), on_skip: Callable[[str], None] | None = None,
) -> Iterator[Document]:
    """Stream documents from files, directories and tables. Ids repeated across files get a ``~N`` suffix.

    Documents whose final id is in ``skip`` (a resumed run's finished articles) are passed over before they
    are read or built; ``on_skip`` is called with each such id.
    """
    if max_chars < 1:
        raise InputError(f"max_chars must be positive, got {max_chars}")
    seen: dict[str, int] = {}
    for path in expand_paths(paths):
        if path.suffix.lower() in TABLE_SUFFIXES:
            items: Iterable[Pending] = _table_items(path, id_column, text_column, html_column, max_chars)
        else:  # .txt, .html, or any file named explicitly
            items = [(path.stem, partial(read_text_file, path, max_chars=max_chars))]
        for raw_id, build in items:
            raw_id = _no_surrogates(raw_id)  # the id the Document will carry (file names and cells can hold them)
            count = seen.get(raw_id, 0)
            seen[raw_id] = count + 1
            doc_id = f"{raw_id}~{count + 1}" if count else raw_id
            if doc_id in skip:
                if on_skip is not None:
                    on_skip(doc_id)
                continue
            doc = build()
            if count:
                doc.metadata["original_doc_id"] = doc.doc_id
            doc.doc_id = doc_id
            yield doc

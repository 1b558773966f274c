"""Read text from the shared research corpora by stand-off locator.

The corpora in the data directory are research-use data owned by others: the
repository never holds their text. Annotations the project makes on them
(the hand-labelled evaluation set, the labels made to the spec) store a
*locator* (file inside the data directory, and for record files the record's
key and field) plus character offsets; :func:`load_text` joins the text back.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR_ENV = "ATTRIBUTION_DATA_DIR"
DEFAULT_DATA_DIR = Path("..") / "shared" / "data"
_MARK = "\u0001"


class DataMissingError(FileNotFoundError):
    """The data directory, or a file or record a locator points to, is not there."""


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The data directory: the argument, else ``$ATTRIBUTION_DATA_DIR``, else ``../shared/data``."""
    chosen = Path(data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
    if not chosen.is_dir():
        raise DataMissingError(
            f"data directory {chosen} not found: pass --data-dir or set {DATA_DIR_ENV} "
            "to the folder holding polnear/, bbc_news/, journ_sourcing_gt/ ..."
        )
    return chosen


@lru_cache(maxsize=8)
def _lines(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@lru_cache(maxsize=8)
def _records(path: Path, key: str) -> dict[Any, dict]:
    return {record[key]: record for record in _lines(path)}


def load_text(locator: dict[str, Any], data_dir: str | Path | None = None) -> str:
    """The text a locator points to.

    ``{"file": "polnear/dev/text/x.txt"}`` reads a text file;
    ``{"file": "bbc_news/….jsonl.gz", "key": "id", "value": "politics/012", "field": "text"}``
    reads one record's field; an optional ``"item"`` index and ``"item_field"`` step into
    a list inside the record (the Wikinews scraped source pages); ``"line": n`` instead of a key takes the
    n-th record of a file whose records have no unique key, and ``"clean": "snippet"`` joins the plain text
    of a search snippet (:func:`clean_snippet`).
    """
    root = resolve_data_dir(data_dir)
    path = root / locator["file"]
    if not path.exists():
        raise DataMissingError(f"{path} not found in the data directory {root}")
    if "key" not in locator and "line" not in locator:
        return path.read_text(encoding="utf-8")
    if "line" in locator:  # records without a unique key (tracker snippets): the record's position in the file
        rows = _lines(path)
        if not 0 <= locator["line"] < len(rows):
            raise DataMissingError(f"no record at line {locator['line']} of {path}")
        record = rows[locator["line"]]
    else:
        records = _records(path, locator["key"])
        if locator["value"] not in records:
            raise DataMissingError(f"no record with {locator['key']}={locator['value']!r} in {path}")
        record = records[locator["value"]]
    value: Any = record[locator["field"]]
    if "item" in locator:
        value = value[locator["item"]][locator["item_field"]]
    if locator.get("clean") == "snippet":
        value = clean_snippet(value)[0]
    elif locator.get("clean"):
        raise ValueError(f"unknown cleaning {locator['clean']!r} in locator")
    return value


def clean_snippet(content: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain search-snippet text and the offsets of its highlighted (``<b>``) parts.

    The tracker's snippets carry ``<b>``, ``<br>``, entities and truncation marks; the converter and the
    stand-off labels on snippets (``"clean": "snippet"`` in a locator) both index this plain text.
    """
    text = content.replace("<b>", _MARK).replace("</b>", _MARK)
    text = re.sub(r"<br\s*/?>\s*", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    text = re.sub(r"^\s*\.\.\.\s*|\s*\.\.\.\s*$", "", text)
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    text = re.sub(r" +([.,;:])", r"\1", text)
    highlights = []
    out: list[str] = []
    open_at = None
    for ch in text:
        if ch == _MARK:
            if open_at is None:
                open_at = len(out)
            else:
                highlights.append((open_at, len(out)))
                open_at = None
            continue
        out.append(ch)
    return "".join(out), highlights


def text_fingerprint(text: str) -> str:
    """A short hash of a text, stored beside stand-off annotations to detect a changed corpus."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

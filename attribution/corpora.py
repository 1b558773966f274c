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
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR_ENV = "ATTRIBUTION_DATA_DIR"
DEFAULT_DATA_DIR = Path("..") / "shared" / "data"


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
def _records(path: Path, key: str) -> dict[Any, dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return {json.loads(line)[key]: json.loads(line) for line in handle if line.strip()}


def load_text(locator: dict[str, Any], data_dir: str | Path | None = None) -> str:
    """The text a locator points to.

    ``{"file": "polnear/dev/text/x.txt"}`` reads a text file;
    ``{"file": "bbc_news/….jsonl.gz", "key": "id", "value": "politics/012", "field": "text"}``
    reads one record's field; an optional ``"item"`` index and ``"item_field"`` step into
    a list inside the record (the Wikinews scraped source pages).
    """
    root = resolve_data_dir(data_dir)
    path = root / locator["file"]
    if not path.exists():
        raise DataMissingError(f"{path} not found in the data directory {root}")
    if "key" not in locator:
        return path.read_text(encoding="utf-8")
    records = _records(path, locator["key"])
    if locator["value"] not in records:
        raise DataMissingError(f"no record with {locator['key']}={locator['value']!r} in {path}")
    value: Any = records[locator["value"]][locator["field"]]
    if "item" in locator:
        value = value[locator["item"]][locator["item_field"]]
    return value


def text_fingerprint(text: str) -> str:
    """A short hash of a text, stored beside stand-off annotations to detect a changed corpus."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

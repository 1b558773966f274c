"""Researchers' own labelled data: JSONL or CSV sentence records, or whole articles with labelled sentences.

Sentence records need a document id, the sentence's order in its article, its
text and its label (column names mappable); article records carry
``{"doc_id": ..., "sentences": [{"text": ..., "label": ...}, ...]}``. Every
problem (missing file or column, empty file, unknown label) is a
:class:`UserDataError` naming the file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.jsonl import iter_json_objects
from attribution.labels import LABELS


class UserDataError(ValueError):
    """A user training file that cannot be used, with what and where."""


@dataclass(frozen=True)
class Columns:
    """Which columns hold what, in the user's files."""

    doc_id: str = "doc_id"
    order: str = "sent_idx"
    text: str = "text"
    label: str = "label"


DEFAULT_COLUMNS = Columns()


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.exists():
        raise UserDataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
    if suffix in (".jsonl", ".json"):
        return list(iter_json_objects(path, UserDataError))
    raise UserDataError(f"{path}: unsupported file type {suffix!r}; use .jsonl or .csv")


def _label(value: Any, where: str) -> str:
    label = str(value).strip() if value is not None else ""
    if label not in LABELS:
        raise UserDataError(f"{where}: unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label


def read_user_file(path: str | Path, columns: Columns = DEFAULT_COLUMNS) -> list[dict[str, Any]]:
    """Sentence records (doc_id, sent_idx, text, label, empty spans) from one user file."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise UserDataError(f"{path}: the file has no records")
    records: list[dict[str, Any]] = []
    for n, row in rows:
        where = f"{path}:{n}"
        if "sentences" in row:  # a whole article
            doc_id = str(row.get(columns.doc_id) or row.get("id") or f"{path.stem}:{n}")
            if not isinstance(row["sentences"], list) or not row["sentences"]:
                raise UserDataError(f"{where}: 'sentences' must be a non-empty list")
            for i, sentence in enumerate(row["sentences"]):
                if not isinstance(sentence, dict) or not str(sentence.get(columns.text) or "").strip():
                    raise UserDataError(f"{where}: sentence {i} has no {columns.text!r}")
                records.append(_record(doc_id, i, sentence[columns.text], _label(sentence.get(columns.label),
                                                                                  f"{where} sentence {i}")))
            continue
        missing = [c for c in (columns.doc_id, columns.order, columns.text, columns.label) if c not in row]
        if missing:
            raise UserDataError(
                f"{where}: missing column(s) {', '.join(missing)} (found: {', '.join(row)}); "
                "map them with --doc-id-column / --order-column / --text-column / --label-column"
            )
        text = str(row[columns.text] or "")
        if not text.strip():
            raise UserDataError(f"{where}: empty {columns.text!r}")
        try:
            order = int(row[columns.order])
        except (TypeError, ValueError) as exc:
            raise UserDataError(f"{where}: {columns.order!r} must be an integer, got {row[columns.order]!r}") from exc
        records.append(_record(str(row[columns.doc_id]), order, text, _label(row[columns.label], where)))
    return records


def _record(doc_id: str, order: int, text: str, label: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "sent_idx": order, "text": text, "label": label, "source_spans": [],
            "cue_spans": [], "corpus": "user"}


def read_user_files(paths: list[str], columns: Columns = DEFAULT_COLUMNS) -> list[dict[str, Any]]:
    return [record for path in paths for record in read_user_file(path, columns)]

"""Researchers' own labelled data: JSONL or CSV sentence records, whole articles with labelled sentences, or
Label Studio's JSON export.

Sentence records need a document id, the sentence's order in its article, its
text and its label (column names mappable); article records carry
``{"doc_id": ..., "sentences": [{"text": ..., "label": ...}, ...]}``. Every
problem (missing file or column, empty file, unknown label) is a
:class:`UserDataError` naming the file and line.

doccano's JSONL export of a sequence-labelling project (``{"text": ..., "label": [[start, end, label], ...]}``,
or ``"entities"`` with ``start_offset`` / ``end_offset`` / ``label``) is read the same way, one article a line.

A ``.json`` file holding a list of tasks (objects with ``data``), as Label Studio exports a project labelled
with the interface ``attribution annotate --label-config`` writes, is read as such (see
:func:`read_label_studio`): each labelled sentence span becomes a sentence record, its Source and Cue spans
kept as offsets relative to the sentence. Problems name the file and the task id.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.annotate import CUE, SOURCE
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
    """Sentence records (doc_id, sent_idx, text, label, source and cue spans: empty unless the file has them)
    from one user file: sentence or article records, a doccano JSONL or a Label Studio JSON export."""
    path = Path(path)
    tasks = _label_studio_tasks(path)
    if tasks is not None:
        return read_label_studio(path, tasks)
    rows = _rows(path)
    if not rows:
        raise UserDataError(f"{path}: the file has no records")
    records: list[dict[str, Any]] = []
    for n, row in rows:
        where = f"{path}:{n}"
        if _is_doccano(row):  # a doccano sequence-labelling export line: an article with labelled spans
            doc_id = str(row.get(columns.doc_id) or row.get("id") or f"{path.stem}:{n}")
            records.extend(_task_records(row["text"], doc_id, _doccano_results(row, where), where))
            continue
        if "sentences" in row:  # a whole article
            doc_id = str(row.get(columns.doc_id) or row.get("id") or f"{path.stem}:{n}")
            if not isinstance(row["sentences"], list) or not row["sentences"]:
                raise UserDataError(f"{where}: 'sentences' must be a non-empty list")
            for i, sentence in enumerate(row["sentences"]):
                if not isinstance(sentence, dict) or not str(sentence.get(columns.text) or "").strip():
                    raise UserDataError(f"{where}: sentence {i} has no {columns.text!r}")
                records.append(_record(doc_id, i, sentence[columns.text],
                                       _label(sentence.get(columns.label), f"{where} sentence {i}"), sentence,
                                       f"{where} sentence {i}"))
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
        records.append(_record(str(row[columns.doc_id]), order, text, _label(row[columns.label], where), row, where))
    if not records:
        raise UserDataError(f"{path}: no line has a labelled sentence")
    return records


def _record(doc_id: str, order: int, text: str, label: str, row: dict[str, Any] | None = None,
            where: str = "") -> dict[str, Any]:
    """One sentence record; ``row``'s optional ``source`` and ``cue`` fields give its spans (see :func:`_spans`)."""
    row = row or {}
    return {"doc_id": doc_id, "sent_idx": order, "text": text, "label": label,
            "source_spans": _spans(row.get("source"), text, f"{where} source"),
            "cue_spans": _spans(row.get("cue"), text, f"{where} cue"), "corpus": "user"}


def _spans(value: Any, text: str, where: str) -> list[list[int]]:
    """Spans of a sentence's ``source`` or ``cue`` field, as ``[start, end]`` offsets into the sentence.

    The field may be the mention as a string (its first occurrence in the sentence), a ``[start, end]`` pair,
    or a list of either (a source named in two places); empty or missing means none. A string not in the
    sentence, or offsets outside it, is an error naming the line, not a silently dropped span."""
    if value is None or value == "" or value == []:
        return []
    items = value if isinstance(value, list) and not _is_pair(value) else [value]
    spans = []
    for item in items:
        if isinstance(item, str):
            start = text.find(item.strip())
            if not item.strip() or start < 0:
                raise UserDataError(f"{where}: {item!r} is not in the sentence")
            spans.append([start, start + len(item.strip())])
        elif _is_pair(item) and 0 <= item[0] < item[1] <= len(text):
            spans.append([int(item[0]), int(item[1])])
        else:
            raise UserDataError(f"{where}: expected the mention as text or [start, end] offsets inside the "
                                f"sentence (0 to {len(text)}), got {item!r}")
    return spans


def _is_pair(value: Any) -> bool:
    return (isinstance(value, list | tuple) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value))


def read_user_files(paths: list[str], columns: Columns = DEFAULT_COLUMNS) -> list[dict[str, Any]]:
    return [record for path in paths for record in read_user_file(path, columns)]


#: The span labels of the labelling interface (attribution.annotate's Source and Cue), and the record field of each.
SPAN_FIELDS = {SOURCE: "source_spans", CUE: "cue_spans"}


def _label_studio_tasks(path: Path) -> list[dict[str, Any]] | None:
    """The tasks of a Label Studio JSON export (a list of objects with ``data``), else None (another format)."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        loaded = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # JSON Lines, or not JSON at all: the JSONL reader says what is wrong
    if isinstance(loaded, dict) and "data" in loaded:
        loaded = [loaded]  # one task
    if isinstance(loaded, list) and loaded and all(isinstance(t, dict) and "data" in t for t in loaded):
        return loaded
    if isinstance(loaded, list):  # JSON-MIN or another tool's list: no task data to read offsets against
        raise UserDataError(f"{path}: a JSON list, but not of Label Studio tasks (objects with 'data'); export the "
                            "project as JSON (not JSON-MIN), or give one JSON record a line")
    return None


def _latest_annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    """The task's latest annotation that was not cancelled (skipped), by update time, then list order."""
    kept = [(str(a.get("updated_at") or a.get("created_at") or ""), n, a)
            for n, a in enumerate(task.get("annotations") or [])
            if isinstance(a, dict) and not a.get("was_cancelled")]
    return max(kept, key=lambda item: item[:2])[2] if kept else None


def _utf16_to_index(text: str, units: int) -> int | None:
    """The character index at ``units`` UTF-16 code units into ``text`` (how older Label Studio versions count
    offsets past an emoji), or None if it falls inside a character."""
    count = 0
    for i, char in enumerate(text):
        if count == units:
            return i
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            return None
    return len(text) if count == units else None


def _offsets(text: str, value: dict[str, Any], where: str) -> tuple[int, int]:
    """A result's span in ``text``: its start/end as characters, or as UTF-16 units when only that matches its
    ``text``; trimmed of surrounding whitespace."""
    start, end, quoted = value.get("start"), value.get("end"), value.get("text")
    if not isinstance(start, int) or not isinstance(end, int):
        raise UserDataError(f"{where}: a span without integer start and end offsets: {value!r}")
    candidates = [(start, end)]
    if any(ord(char) > 0xFFFF for char in text):
        candidates.append((_utf16_to_index(text, start), _utf16_to_index(text, end)))
    for s, e in candidates:
        if s is not None and e is not None and 0 <= s < e <= len(text) and (quoted is None or text[s:e] == quoted):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                return s, e
            raise UserDataError(f"{where}: the span {start}:{end} holds only whitespace")
    raise UserDataError(f"{where}: the span {start}:{end} {quoted!r} does not match the task's text "
                        f"(found {text[start:end]!r}); was the text changed after import?")


def read_label_studio(path: str | Path, tasks: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Sentence records from a Label Studio JSON export: per task, its latest annotation that was not cancelled.

    Each span labelled with a sentence label is a sentence, taken as annotated (whether or not it is a
    sentence of the segmenter), in text order; each Source / Cue span goes to the sentence holding it, as
    offsets relative to the sentence. Tasks without an annotation are passed over. Overlapping sentence spans, one
    span with two labels, an unknown label, a Source or Cue outside every labelled sentence and offsets that do
    not match the text are errors naming the task.
    """
    path = Path(path)
    tasks = _label_studio_tasks(path) if tasks is None else tasks
    if tasks is None:
        raise UserDataError(f"{path}: not a Label Studio JSON export (a list of tasks with 'data')")
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, task in enumerate(tasks):
        task_id = task.get("id", n)
        where = f"{path}: task {task_id}"
        annotation = _latest_annotation(task)
        if annotation is None:
            continue
        data = task["data"] if isinstance(task["data"], dict) else {}
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise UserDataError(f"{where}: no article text in data['text']")
        doc_id = str(data.get("doc_id") or f"task-{task_id}")
        if doc_id in seen:  # the same article imported twice: keep both, apart
            doc_id = f"{doc_id}~task-{task_id}"
        seen.add(doc_id)
        records.extend(_task_records(text, doc_id, annotation.get("result") or [], where))
    if not records:
        raise UserDataError(f"{path}: no task has a labelled sentence; label the tasks in Label Studio, then "
                            "export them as JSON")
    return records


def _task_records(text: str, doc_id: str, results: list[Any], where: str) -> list[dict[str, Any]]:
    sentences: dict[tuple[int, int], str] = {}
    spans: list[tuple[int, int, str]] = []
    for item in results:
        if not isinstance(item, dict) or item.get("type") != "labels":
            continue  # relations, comments and other result types carry no sentence label
        value = item.get("value") or {}
        labels = value.get("labels") or []
        start, end = _offsets(text, value, where)
        for label in labels:
            if label in SPAN_FIELDS:
                spans.append((start, end, label))
            elif label in LABELS:
                other = sentences.setdefault((start, end), label)
                if other != label:
                    raise UserDataError(f"{where}: the sentence {text[start:end]!r} is labelled both {other} "
                                        f"and {label}")
            else:
                raise UserDataError(f"{where}: unknown label {label!r} on {text[start:end]!r}; expected one of "
                                    f"{', '.join(LABELS + tuple(SPAN_FIELDS))}")
    ordered = sorted(sentences.items())
    for ((s1, e1), first), ((s2, e2), second) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise UserDataError(f"{where}: the sentence spans {text[s1:e1]!r} ({first}) and {text[s2:e2]!r} "
                                f"({second}) overlap; label each sentence once")
    records = [_record(doc_id, i, text[s:e], label) for i, ((s, e), label) in enumerate(ordered)]
    for start, end, label in sorted(spans):
        holder = next((i for i, ((s, e), _) in enumerate(ordered) if s <= start and end <= e), None)
        if holder is None:
            raise UserDataError(f"{where}: the {label} span {text[start:end]!r} ({start}:{end}) lies in no "
                                "labelled sentence")
        offset = ordered[holder][0][0]
        records[holder][SPAN_FIELDS[label]].append([start - offset, end - offset])
    return records


def _is_doccano(row: dict[str, Any]) -> bool:
    return isinstance(row.get("text"), str) and (isinstance(row.get("label"), list)
                                                  or isinstance(row.get("entities"), list))


def _doccano_results(row: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """doccano's spans as Label Studio ``labels`` results (character offsets, no quoted text)."""
    results = []
    for span in row["entities"] if isinstance(row.get("entities"), list) else row["label"]:
        if isinstance(span, dict) and {"start_offset", "end_offset", "label"} <= span.keys():
            start, end, label = span["start_offset"], span["end_offset"], span["label"]
        elif isinstance(span, list | tuple) and len(span) == 3:
            start, end, label = span
        else:
            raise UserDataError(f"{where}: {span!r} is not a [start, end, label] span")
        results.append({"type": "labels", "value": {"start": start, "end": end, "labels": [label]}})
    return results

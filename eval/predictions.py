"""A system's sentence predictions: read from ``attribution score`` output or made by running a model.

Files may be JSONL, CSV or Parquet with at least ``doc_id``, ``start``, ``end``, ``label``
(``source_start``/``source_end``, or a ``source`` mention, are used for source matching).
Every problem is raised as :class:`EvaluationInputError` naming the file and line (row).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from attribution.eval.errors import EvaluationInputError
from attribution.eval.gold import GoldSet, Span, read_jsonl

from attribution.labels import LABELS

REQUIRED_COLUMNS = ("doc_id", "start", "end", "label")


@dataclass(frozen=True)
class PredSentence:
    """One predicted sentence of a document; ``where`` locates it in its input, for messages."""

    start: int
    end: int
    label: str
    source: Span | None = None
    source_text: str | None = None
    where: str = ""


@dataclass
class Predictions:
    """One system's output: sentences per document (text order); ``failed`` docs the system could not label."""

    name: str
    origin: str
    by_doc: dict[str, list[PredSentence]]
    failed: dict[str, str] = field(default_factory=dict)


def _int(value: Any, column: str, where: str, required: bool) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        if required:
            raise EvaluationInputError(f"{where}: missing value for '{column}'")
        return None
    try:
        number = float(value) if isinstance(value, str) else value
        if isinstance(number, bool) or int(number) != number:
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        raise EvaluationInputError(f"{where}: '{column}' must be a whole number, not {value!r}") from None


def _sentence(row: Mapping[str, Any], where: str) -> tuple[str, PredSentence]:
    missing = [column for column in REQUIRED_COLUMNS if column not in row]
    if missing:
        raise EvaluationInputError(f"{where}: missing column(s) {', '.join(missing)}")
    if row["doc_id"] is None or row["doc_id"] == "":
        raise EvaluationInputError(f"{where}: missing value for 'doc_id'")
    label = row["label"]
    if label not in LABELS:
        raise EvaluationInputError(f"{where}: unknown label {label!r}; expected one of {', '.join(LABELS)}")
    start = _int(row["start"], "start", where, True)
    end = _int(row["end"], "end", where, True)
    source_start = _int(row.get("source_start"), "source_start", where, False)
    source_end = _int(row.get("source_end"), "source_end", where, False)
    source = (source_start, source_end) if source_start is not None and source_end is not None else None
    source_text = row.get("source") or None
    return str(row["doc_id"]), PredSentence(start, end, label, source, source_text, where)


def _rows(path: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(location, row) pairs of a prediction file, whatever its format; checks the columns up front."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        for line_no, record in read_jsonl(path):
            yield f"{path}:{line_no}", record
        return
    if not path.is_file():
        raise EvaluationInputError(f"{path}: file not found")
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_columns(path, reader.fieldnames or [])
            for line_no, row in enumerate(reader, 2):
                yield f"{path}:{line_no}", row
        return
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for unreadable files
            raise EvaluationInputError(f"{path}: not a readable Parquet file ({exc})") from None
        _check_columns(path, table.column_names)
        for n, row in enumerate(table.to_pylist()):
            yield f"{path} row {n}", row
        return
    raise EvaluationInputError(f"{path}: unsupported prediction file type; use .jsonl, .csv or .parquet")


def _check_columns(path: Path, columns: Iterable[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in set(columns)]
    if missing:
        raise EvaluationInputError(f"{path}: missing column(s) {', '.join(missing)}")


def predictions_from_records(
    rows: Iterable[tuple[str, Mapping[str, Any]]] | Iterable[Mapping[str, Any]], name: str, origin: str = ""
) -> Predictions:
    """Predictions from sentence records (dicts, or (location, dict) pairs); sentences sorted by offset."""
    by_doc: dict[str, list[PredSentence]] = {}
    for n, item in enumerate(rows):
        where, row = item if isinstance(item, tuple) else (f"{name} record {n + 1}", item)
        doc_id, sentence = _sentence(row, where)
        by_doc.setdefault(doc_id, []).append(sentence)
    for sentences in by_doc.values():
        sentences.sort(key=lambda s: (s.start, s.end))
    return Predictions(name, origin or name, by_doc)


def read_predictions(path: str | Path, name: str | None = None) -> Predictions:
    """A prediction file in the format ``attribution score`` writes (JSONL, CSV or Parquet)."""
    path = Path(path)
    return predictions_from_records(_rows(path), name or path.stem, f"file {path}")


def check_predictions(predictions: Predictions, gold: GoldSet) -> Predictions:
    """Reject doc_ids not in gold, spans outside the text and overlapping sentences; locate text-only sources.

    Documents the gold set left out on purpose (``gold.excluded``: other labelling rounds) are dropped, so one
    prediction file over the whole set can be scored round by round.
    """
    if gold.excluded:
        by_doc = {d: s for d, s in predictions.by_doc.items() if d not in gold.excluded}
        predictions = replace(predictions, by_doc=by_doc, failed={
            d: e for d, e in predictions.failed.items() if d not in gold.excluded})
    unknown = [doc_id for doc_id in predictions.by_doc if doc_id not in gold.texts]
    if unknown:
        first = predictions.by_doc[unknown[0]][0].where
        shown = ", ".join(repr(d) for d in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise EvaluationInputError(
            f"{predictions.name}: {len(unknown)} doc_id(s) not in the gold set {gold.name}: {shown} "
            f"(first at {first}); score only the gold documents"
        )
    checked: dict[str, list[PredSentence]] = {}
    for doc_id, sentences in predictions.by_doc.items():
        text = gold.texts[doc_id]
        for sentence in sentences:
            if not 0 <= sentence.start < sentence.end <= len(text):
                raise EvaluationInputError(
                    f"{sentence.where}: span {sentence.start}..{sentence.end} is not inside the "
                    f"{len(text)}-char text of {doc_id}"
                )
        for before, after in zip(sentences, sentences[1:], strict=False):
            if after.start < before.end:
                raise EvaluationInputError(
                    f"{predictions.name}: overlapping predictions in {doc_id}: {before.start}..{before.end} "
                    f"({before.where}) and {after.start}..{after.end} ({after.where})"
                )
        checked[doc_id] = [_locate_source(s, text) for s in sentences]
    return replace(predictions, by_doc=checked)


def _locate_source(sentence: PredSentence, text: str) -> PredSentence:
    """A sentence whose source is given only as text gets the span of its first occurrence in the sentence."""
    if sentence.source is not None or not sentence.source_text:
        return sentence
    found = text.find(sentence.source_text, sentence.start, sentence.end)
    return sentence if found < 0 else replace(sentence, source=(found, found + len(sentence.source_text)))


def run_model(gold: GoldSet, model: str, data_dir: str | Path | None = None, quiet: bool = True) -> Predictions:
    """Run ``attribution.load(model)`` over every gold document's raw text (cleaning included)."""
    import attribution

    try:
        analyzer = attribution.load(model, data_dir=data_dir)
    except (FileNotFoundError, NotImplementedError, OSError) as exc:
        raise EvaluationInputError(f"model {model!r} cannot be loaded: {exc}") from None
    if not quiet:
        print(f"running model '{analyzer.model_name}' over {len(gold.texts)} gold documents", file=sys.stderr)
    by_doc: dict[str, list[PredSentence]] = {}
    failed: dict[str, str] = {}
    records = ({"id": doc_id, "text": text} for doc_id, text in gold.texts.items())
    for result in analyzer.analyze_many(records):
        if not result.ok:
            failed[result.doc_id] = result.error or "unknown error"
        by_doc[result.doc_id] = [
            PredSentence(
                s.start, s.end, s.label,
                (s.source_start, s.source_end) if s.source_start is not None and s.source_end is not None else None,
                s.source, f"{model}: {result.doc_id} sentence {s.sent_idx}",
            )
            for s in result.sentences
        ]
    return Predictions(model if model == "rules" else Path(model).name, f"model {model}", by_doc, failed)

"""Gold sets: hand-labelled units (stand-off character spans) joined with the texts they index.

Two on-disk forms are read (both documented in ``eval/gold/README.md``):

* the project's own set, ``eval/gold/documents.jsonl`` + ``eval/gold/units.jsonl``: documents
  point into the shared research corpora by *locator* (the repository never holds corpus text)
  and carry the text's length and fingerprint, so a missing or changed corpus fails loudly;
* any other set as ``UNITS.jsonl`` (``doc_id``, ``start``, ``end``, ``label``; optional ``source``,
  ``cue``, ``text``) plus ``DOCS.jsonl`` (``doc_id``, ``text``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.eval.errors import EvaluationInputError

from attribution.corpora import load_text, resolve_data_dir, text_fingerprint
from attribution.jsonl import iter_json_objects
from attribution.labels import BOILERPLATE, LABELS

#: The project's hand-labelled set.
DEFAULT_GOLD_DIR = Path(__file__).resolve().parent / "gold"
GOLD_LABELS = LABELS + (BOILERPLATE,)

Span = tuple[int, int]

#: doc-id prefixes of the shared corpora and the kind of text each is (the ``corpus`` of their documents)
KIND_PREFIXES = {"polnear": "polnear", "journ": "journ_sourcing_gt", "bbc": "bbc_news", "wikinews": "wikinewssum",
                 "tracker": "anonymous_source_tracker"}


def kind_of(doc_id: str) -> str:
    """The kind of text of a document without a ``corpus`` field: its doc-id prefix, else ``other``."""
    return KIND_PREFIXES.get(str(doc_id).split(":", 1)[0], "other")


@dataclass(frozen=True)
class GoldUnit:
    """One hand-labelled unit: a sentence (or boilerplate line) of ``doc_id`` at ``[start, end)``."""

    doc_id: str
    unit_id: str
    start: int
    end: int
    label: str
    source: Span | None = None
    cue: Span | None = None

    @property
    def is_content(self) -> bool:
        return self.label != BOILERPLATE


@dataclass
class GoldSet:
    """Texts by doc_id and their units in document order; ``name`` says where the set came from."""

    name: str
    texts: dict[str, str]
    units: list[GoldUnit]
    #: documents of the same set left out by a round selection: predictions for them are ignored, not errors
    excluded: frozenset[str] = frozenset()
    #: the kind of text (corpus) of each document, for the per-kind table; see :func:`kind_of`
    kinds: dict[str, str] | None = None

    def kind(self, doc_id: str) -> str:
        return (self.kinds or {}).get(doc_id) or kind_of(doc_id)

    def units_by_doc(self) -> dict[str, list[GoldUnit]]:
        """Units grouped per document (every document present, possibly with no units), in text order."""
        grouped: dict[str, list[GoldUnit]] = {doc_id: [] for doc_id in self.texts}
        for unit in self.units:
            grouped[unit.doc_id].append(unit)
        return grouped


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line of a JSONL file; bad JSON names the line."""
    return iter_json_objects(path, EvaluationInputError)


def _span(record: Mapping[str, Any], name: str, text: str, unit: Span, where: str) -> Span | None:
    """A source/cue span: ``<name>_start``/``<name>_end`` offsets, else ``<name>`` text found inside the unit."""
    start, end = record.get(f"{name}_start"), record.get(f"{name}_end")
    if start is not None and end is not None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise EvaluationInputError(f"{where}: {name}_start/{name}_end {start}/{end} out of the text")
        return start, end
    mention = record.get(name)
    if not mention:
        return None
    found = text.find(mention, unit[0], unit[1])
    if found < 0:
        raise EvaluationInputError(f"{where}: {name} {mention!r} does not occur inside the unit's text")
    return found, found + len(mention)


def _unit(record: Mapping[str, Any], texts: Mapping[str, str], n: int, where: str) -> GoldUnit:
    missing = [key for key in ("doc_id", "start", "end", "label") if record.get(key) is None]
    if missing:
        raise EvaluationInputError(f"{where}: missing {', '.join(missing)}")
    doc_id, start, end, label = str(record["doc_id"]), record["start"], record["end"], record["label"]
    if doc_id not in texts:
        raise EvaluationInputError(f"{where}: doc_id {doc_id!r} has no document text")
    if label not in GOLD_LABELS:
        raise EvaluationInputError(f"{where}: unknown label {label!r}; expected one of {', '.join(GOLD_LABELS)}")
    text = texts[doc_id]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise EvaluationInputError(f"{where}: span {start}..{end} is not inside the {len(text)}-char text")
    expected = record.get("text")
    if expected is not None and " ".join(expected.split()) != " ".join(text[start:end].split()):
        raise EvaluationInputError(f"{where}: 'text' differs from the document text at {start}..{end}")
    return GoldUnit(
        doc_id, str(record.get("unit_id") or f"u{n:04d}"), start, end, label,
        _span(record, "source", text, (start, end), where), _span(record, "cue", text, (start, end), where),
    )


def gold_from_records(
    texts: Mapping[str, str], units: Iterable[Mapping[str, Any]], name: str = "gold", where: str = "gold unit"
) -> GoldSet:
    """A gold set from texts by doc_id and unit records (the ``--gold`` format); checks every unit."""
    texts = dict(texts)
    parsed = [_unit(record, texts, n, f"{where} {n + 1}") for n, record in enumerate(units)]
    return _checked(GoldSet(name, texts, parsed))


def _checked(gold: GoldSet) -> GoldSet:
    """Sort units into document order (documents as given, units by offset); reject overlaps and empty sets."""
    order = {doc_id: i for i, doc_id in enumerate(gold.texts)}
    gold.units.sort(key=lambda u: (order[u.doc_id], u.start))
    for doc_id, units in gold.units_by_doc().items():
        for before, after in zip(units, units[1:], strict=False):
            if after.start < before.end:
                raise EvaluationInputError(
                    f"{gold.name}: units {before.unit_id} and {after.unit_id} of {doc_id} overlap"
                )
    if not any(unit.is_content for unit in gold.units):
        raise EvaluationInputError(f"{gold.name}: no content units to score")
    return gold


def load_gold_files(units_path: str | Path, docs_path: str | Path) -> GoldSet:
    """A gold set in the generic format: ``--gold UNITS.jsonl`` and ``--docs DOCS.jsonl``."""
    docs_path, units_path = Path(docs_path), Path(units_path)
    texts: dict[str, str] = {}
    for line_no, record in read_jsonl(docs_path):
        if not isinstance(record.get("doc_id"), (str, int)) or not isinstance(record.get("text"), str):
            raise EvaluationInputError(f"{docs_path}:{line_no}: needs 'doc_id' and a string 'text'")
        if str(record["doc_id"]) in texts:
            raise EvaluationInputError(f"{docs_path}:{line_no}: doc_id {record['doc_id']!r} repeated")
        texts[str(record["doc_id"])] = record["text"]
    parsed = [_unit(record, texts, n, f"{units_path}:{line_no}")
              for n, (line_no, record) in enumerate(read_jsonl(units_path))]
    return _checked(GoldSet(str(units_path), texts, parsed))


def load_default_gold(data_dir: str | Path | None = None, gold_dir: str | Path = DEFAULT_GOLD_DIR,
                      rounds: Iterable[int] | None = None, split: str | None = None) -> GoldSet:
    """The project's hand-labelled set, its texts joined from the shared corpora and checked unchanged.

    ``rounds`` keeps only the documents of those labelling rounds (a document without ``"round"`` is of
    round 1), so that figures published for an earlier, smaller set can be reproduced. ``split`` keeps only
    the documents marked with that ``"split"`` (the spec labels' ``selection`` set, :func:`load_selection`);
    the others are left out entirely.
    """
    gold_dir = Path(gold_dir)
    root = resolve_data_dir(data_dir)
    keep = None if rounds is None else {int(r) for r in rounds}
    texts: dict[str, str] = {}
    kinds: dict[str, str] = {}
    excluded: set[str] = set()
    outside: set[str] = set()
    for line_no, doc in read_jsonl(gold_dir / "documents.jsonl"):
        if split is not None and doc.get("split", "spec") != split:
            outside.add(str(doc.get("doc_id")))
            continue
        if keep is not None and int(doc.get("round", 1)) not in keep:
            excluded.add(str(doc.get("doc_id")))
            continue
        where = f"{gold_dir / 'documents.jsonl'}:{line_no} ({doc.get('doc_id')})"
        missing = [key for key in ("doc_id", "locator", "chars", "sha256_16") if doc.get(key) is None]
        if missing:
            raise EvaluationInputError(f"{where}: missing {', '.join(missing)}")
        try:
            text = load_text(doc["locator"], root)
        except (KeyError, TypeError, IndexError) as exc:
            raise EvaluationInputError(f"{where}: the locator does not fit the corpus file ({exc!r})") from None
        if len(text) != doc["chars"] or text_fingerprint(text) != doc["sha256_16"]:
            raise EvaluationInputError(
                f"{where}: the corpus text differs from the one labelled ({len(text)} chars, fingerprint "
                f"{text_fingerprint(text)}; expected {doc['chars']}, {doc['sha256_16']}): is {root} the right "
                "data directory?"
            )
        texts[doc["doc_id"]] = text
        kinds[doc["doc_id"]] = doc.get("corpus") or kind_of(doc["doc_id"])
    if not texts:
        what = f"split {split!r}" if split is not None else f"round(s) {sorted(keep or ())}"
        raise EvaluationInputError(f"{gold_dir}: no documents of {what}")
    units_path = gold_dir / "units.jsonl"
    parsed = [_unit(record, texts, n, f"{units_path}:{line_no}")
              for n, (line_no, record) in enumerate(read_jsonl(units_path))
              if record.get("doc_id") not in excluded | outside]  # a unit of no document still fails in _unit
    name = "eval/gold" if gold_dir == DEFAULT_GOLD_DIR else str(gold_dir)
    if split is not None:
        name = f"{split} set ({name})"
    if keep is not None:
        name += " round " + "+".join(str(r) for r in sorted(keep))
    return _checked(GoldSet(name, texts, parsed, frozenset(excluded), kinds))


def load_selection(data_dir: str | Path | None = None) -> GoldSet:
    """The selection set: spec-labelled documents held out from all training, for choosing recipes per kind."""
    from attribution.training.spec import SPEC_DIR

    selection = load_default_gold(data_dir, SPEC_DIR, split="selection")
    selection.name = "selection set (training/spec_labels)"
    return selection

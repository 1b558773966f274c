"""Labels made directly to the spec: stand-off files in the evaluation-gold format, joined to the corpora.

``training/spec_labels/documents.jsonl`` (doc_id, corpus, locator, chars, sha256_16) and
``training/spec_labels/units.jsonl`` (doc_id, unit_id, start, end, label, source_start/end,
cue_start/end: absolute offsets into the located text) have exactly the format of ``eval/gold``.
The text is joined back with :func:`attribution.corpora.load_text`; a changed corpus (fingerprint
mismatch) or a unit whose offsets fall outside the text is an error, never silently skipped.
Boilerplate units are not sentences to label (LABELS.md rule 11): they are left out and counted.

A document marked ``"split": "selection"`` belongs to the selection set (chosen by
:func:`attribution.training.label_packets.choose_selection`): held out from every training split and used to
choose recipes, thresholds and checkpoints per kind of text, in place of the converter-labelled ``dev``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from attribution.training.records import Provenance, SentenceRecord

from attribution.corpora import load_text, text_fingerprint
from attribution.labels import BOILERPLATE, check_label

SPEC_DIR = Path(__file__).parent / "spec_labels"


@dataclass
class StandOff:
    documents: dict[str, dict]
    units: list[dict]


def read_standoff(directory: Path) -> StandOff | None:
    """The stand-off documents and units in ``directory``, or ``None`` if the files are not there."""
    docs_path, units_path = directory / "documents.jsonl", directory / "units.jsonl"
    if not (docs_path.exists() and units_path.exists()):
        return None
    documents = {}
    for line in docs_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            documents[record["doc_id"]] = record
    units = [json.loads(line) for line in units_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return StandOff(documents, units)


def document_rounds(spec_dir: Path) -> dict[str, int]:
    """The labelling round of each spec document (1 where not given)."""
    standoff = read_standoff(spec_dir)
    return {doc_id: int(doc.get("round", 1)) for doc_id, doc in (standoff.documents if standoff else {}).items()}


def document_splits(spec_dir: Path) -> dict[str, str]:
    """The split of each spec document: ``selection`` where documents.jsonl says so, else ``spec``."""
    standoff = read_standoff(spec_dir)
    return {doc_id: doc.get("split", "spec") for doc_id, doc in (standoff.documents if standoff else {}).items()}


def doc_ids(directory: Path) -> set[str]:
    standoff = read_standoff(directory)
    return set(standoff.documents) if standoff else set()


def _relative(start: int | None, end: int | None, unit_start: int) -> list[list[int]]:
    if start is None or end is None:
        return []
    return [[start - unit_start, end - unit_start]]


def document_units(directory: Path, data_dir: Path | str | None) -> Iterator[tuple[str, dict, str, list[dict]]]:
    """``(doc_id, document, text, units)`` per labelled document, text joined from the data directory and checked
    against its fingerprint (a changed corpus would shift every offset)."""
    standoff = read_standoff(directory)
    if standoff is None:
        return
    by_doc: dict[str, list[dict]] = {}
    for unit in standoff.units:
        by_doc.setdefault(unit["doc_id"], []).append(unit)
    for doc_id, units in by_doc.items():
        if doc_id not in standoff.documents:
            raise ValueError(f"{directory}: unit of {doc_id} has no entry in documents.jsonl")
        document = standoff.documents[doc_id]
        text = load_text(document["locator"], data_dir)
        if document.get("sha256_16") and text_fingerprint(text) != document["sha256_16"]:
            raise ValueError(f"{doc_id}: the corpus text changed (fingerprint mismatch); offsets are invalid")
        yield doc_id, document, text, units


def load_units(directory: Path, data_dir: Path | str | None, *, corpus_tag: str = "spec",
               counts: dict | None = None) -> Iterator[SentenceRecord]:
    """One record per non-boilerplate unit, text joined from the data directory, in file order."""
    for doc_id, document, text, units in document_units(directory, data_dir):
        content = [u for u in units if u["label"] != BOILERPLATE]
        if counts is not None:
            counts["boilerplate"] = counts.get("boilerplate", 0) + len(units) - len(content)
        for idx, unit in enumerate(content):
            start, end = unit["start"], unit["end"]
            if not 0 <= start < end <= len(text):
                raise ValueError(f"{doc_id} {unit.get('unit_id')}: offsets {start}-{end} outside the text")
            check_label(unit["label"])
            yield SentenceRecord(
                doc_id=doc_id, corpus=f"{corpus_tag}:{document.get('corpus', '')}", sent_idx=idx, start=start,
                end=end, text=text[start:end], label=unit["label"],
                source_spans=_relative(unit.get("source_start"), unit.get("source_end"), start),
                cue_spans=_relative(unit.get("cue_start"), unit.get("cue_end"), start),
                prev_text=text[content[idx - 1]["start"] : content[idx - 1]["end"]] if idx else "",
                next_text=text[content[idx + 1]["start"] : content[idx + 1]["end"]] if idx + 1 < len(content) else "",
                n_sentences=len(content),
                provenance=Provenance((directory / "units.jsonl").as_posix(), [str(unit.get("unit_id", ""))],
                                      "hand label to the spec", unit.get("note", "") or ""),
            )

"""Build the training DatasetDict from the shared corpora (``attribution prepare-data``).

Splits: ``train`` (PolNeAR train + sourcing stories hashed to train), ``dev`` (PolNeAR dev + the other
stories), ``weak`` (anonymous-source-tracker snippets, weak positives only), and ``spec`` (hand labels
made to the spec, when ``training/spec_labels`` holds them, plus ``spec_round1``/``spec_round2``: the same
records by labelling round), and ``selection`` (spec documents held out from all training, for choosing
recipes and checkpoints per kind of text). Evaluation-set documents are dropped from
everything; spec-labelled documents are dropped from the converted splits (their hand labels supersede).
Output is deterministic: records are sorted by (doc_id, sent_idx) within each split.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from attribution.training import journ, polnear, tracker
from attribution.training.records import SentenceRecord
from attribution.training.spec import SPEC_DIR, doc_ids, document_rounds, document_splits, load_units
from attribution.training.splits import GOLD_DIR, check_disjoint, gold_doc_ids, story_split

Progress = Callable[[str], None]


def _features():
    from datasets import Features, Sequence, Value

    return Features({
        "doc_id": Value("string"), "corpus": Value("string"), "sent_idx": Value("int32"),
        "start": Value("int32"), "end": Value("int32"), "text": Value("string"), "label": Value("string"),
        "source_spans": Sequence(Sequence(Value("int32"))), "cue_spans": Sequence(Sequence(Value("int32"))),
        "prev_text": Value("string"), "next_text": Value("string"), "n_sentences": Value("int32"),
        "provenance": {"file": Value("string"), "relation_ids": Sequence(Value("string")),
                       "rule": Value("string"), "detail": Value("string")},
        "weak": Value("bool"),
    })


def collect(data_dir: Path, *, gold_dir: Path = GOLD_DIR, spec_dir: Path = SPEC_DIR,
            progress: Progress = lambda _: None) -> tuple[dict[str, list[SentenceRecord]], dict]:
    """All records by split, plus a report (counts, journ match rate, dropped documents)."""
    held_out = gold_doc_ids(gold_dir)
    spec_docs = doc_ids(spec_dir)
    exclude = held_out | spec_docs
    splits: dict[str, list[SentenceRecord]] = {"train": [], "dev": [], "weak": []}
    report: dict = {"held_out_documents": len(held_out), "spec_documents": len(spec_docs)}
    for split in polnear.SPLITS:
        progress(f"polnear {split}: converting")
        splits[split].extend(polnear.convert_split(data_dir, split, exclude=exclude, progress=progress))
    progress("journ_sourcing_gt: matching statements")
    pieces = matched = 0
    stories: dict[str, dict] = {}
    for story in journ.convert(data_dir, exclude=exclude):
        split = story_split(story.doc_id)
        splits[split].extend(story.records)
        pieces += story.pieces
        matched += story.pieces_matched
        stories[story.doc_id] = {"split": split, "complete": story.complete, "statements": story.statements,
                                 "unmatched_cued": story.unmatched_cued, "cued": story.cued}
    report["journ"] = {"statement_pieces": pieces, "matched": matched,
                       "match_rate": round(matched / max(pieces, 1), 4), "stories": stories}
    progress("anonymous_source_tracker: weak positives")
    splits["weak"].extend(tracker.convert(data_dir, exclude=exclude))
    if spec_docs:
        counts: dict = {}
        kinds = document_splits(spec_dir)
        hand = list(load_units(spec_dir, data_dir, counts=counts))
        splits["spec"] = [r for r in hand if kinds[r.doc_id] == "spec"]
        selection = [r for r in hand if kinds[r.doc_id] == "selection"]
        if selection:
            splits["selection"] = selection
        report["spec_boilerplate_units_excluded"] = counts.get("boilerplate", 0)
        report["span_coverage"] = span_coverage(hand, kinds)
        progress(f"spec: {len(splits['spec'])} hand-labelled units from {spec_dir}, "
                 f"selection: {len(selection)} (held out from training)")
    else:
        progress(f"spec: no hand labels at {spec_dir}/{{documents,units}}.jsonl; the spec split is absent")
    for records in splits.values():
        records.sort(key=lambda r: (r.doc_id, r.sent_idx))
    check_disjoint({k: (r.doc_id for r in v) for k, v in splits.items()}, held_out)
    if "spec" in splits:  # views of the spec split by labelling round (train on 1, select on 2): no further split
        rounds = document_rounds(spec_dir)
        for n in sorted(set(rounds.values())):
            view = [r for r in splits["spec"] if rounds[r.doc_id] == n]
            if view:
                splits[f"spec_round{n}"] = view
    report["counts"] = count_table(splits)
    return splits, report


def span_coverage(records: list[SentenceRecord], kinds: dict[str, str]) -> dict[str, dict[str, dict[str, int]]]:
    """split → corpus → attributed units, and how many carry a source span and a cue span."""
    table: dict[str, dict[str, Counter]] = {}
    for record in records:
        if record.label == "direct_fact":
            continue
        row = table.setdefault(kinds[record.doc_id], {}).setdefault(record.corpus, Counter())
        row["attributed"] += 1
        row["with_source"] += bool(record.source_spans)
        row["with_cue"] += bool(record.cue_spans)
    return {split: {corpus: dict(c) for corpus, c in sorted(rows.items())} for split, rows in sorted(table.items())}


def count_table(splits: dict[str, list[SentenceRecord]]) -> dict[str, dict[str, dict[str, int]]]:
    """split → corpus → label → sentences."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for split, records in splits.items():
        per: dict[str, Counter] = {}
        for record in records:
            per.setdefault(record.corpus, Counter())[record.label] += 1
        table[split] = {corpus: dict(sorted(c.items())) for corpus, c in sorted(per.items())}
    return table


def prepare(data_dir: Path, out: Path, *, progress: Progress = lambda _: None, **kwargs) -> dict:
    """Convert, write a ``datasets.DatasetDict`` to ``out`` with ``save_to_disk``; returns the report."""
    from datasets import Dataset, DatasetDict
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()

    splits, report = collect(data_dir, progress=progress, **kwargs)
    features = _features()
    dataset = DatasetDict({
        name: Dataset.from_list([r.to_dict() for r in records], features=features)
        for name, records in splits.items()
    })
    progress(f"writing {out}")
    dataset.save_to_disk(str(out))
    (Path(out) / "prepare_report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    return report

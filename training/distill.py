"""Teacher probabilities over unlabelled news text: the soft targets of distillation
(``python -m attribution.training.distill``).

The teacher (by default the shipped model) scores articles nobody labelled, through the same clean, segment and
classify stages a user's run takes; each sentence becomes a training record whose ``teacher_probs`` are the
teacher's probabilities over the labels (its ``label`` the most probable one, kept for counts only: the student
trains on the probabilities, see :func:`attribution.training.train.soft_cross_entropy`). The records are added as
a ``distill`` split to a copy of a prepared dataset.

Unlabelled here means: not in the evaluation set, not labelled to the spec (so neither the spec training split nor
the selection set), and for BBC not an exact duplicate of such an article (the corpus's ``duplicate_group``). Only
BBC News articles are left unlabelled in any number: every sourcing story, every English Wikinews source page and
the tracker snippets the spec rounds left are labelled or too few, and PolNeAR's train texts carry gold spans.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from attribution.training.spec import SPEC_DIR, doc_ids
from attribution.training.splits import GOLD_DIR, gold_doc_ids

from attribution.corpora import _lines
from attribution.labels import LABELS

BBC_FILE = "bbc_news/bbc_news_articles.jsonl.gz"
SPLIT = "distill"
Progress = Callable[[str], None]


def _hash_order(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def unlabelled_bbc(data_dir: Path, exclude: set[str]) -> Iterator[dict]:
    """BBC articles outside ``exclude`` (doc ids ``bbc:<id>``) and outside their duplicate groups, in a fixed
    hash order (so a cap on sentences takes the same articles every time, across all five topics)."""
    rows = _lines(Path(data_dir) / BBC_FILE)
    taken_groups = {row.get("duplicate_group") or row["id"] for row in rows if f"bbc:{row['id']}" in exclude}
    for row in sorted(rows, key=lambda r: _hash_order(r["id"])):
        group = row.get("duplicate_group") or row["id"]
        if f"bbc:{row['id']}" in exclude or group in taken_groups:
            continue
        taken_groups.add(group)  # one article per duplicate group
        yield {"id": f"bbc:{row['id']}", "text": row["text"], "corpus": "bbc_news"}


def teacher_records(data_dir: Path, teacher: str = "default", max_sentences: int = 20000, *,
                    gold_dir: Path = GOLD_DIR, spec_dir: Path = SPEC_DIR, batch_size: int = 16,
                    progress: Progress = lambda _: None) -> list[dict]:
    """Records (prepared-dataset fields plus ``teacher_probs``) of whole unlabelled articles, until
    ``max_sentences``, labelled by ``teacher`` (a model name or directory, as ``attribution score --model``)."""
    import attribution

    analyzer = attribution.load(teacher, batch_size=batch_size)
    exclude = gold_doc_ids(gold_dir) | doc_ids(spec_dir)
    records: list[dict] = []
    started = time.perf_counter()
    for result in analyzer.analyze_many(unlabelled_bbc(data_dir, exclude)):
        if result.error or not result.sentences:
            continue
        n = len(result.sentences)
        for s in result.sentences:
            records.append({
                "doc_id": s.doc_id, "corpus": "distill:bbc_news", "sent_idx": s.sent_idx, "start": s.start,
                "end": s.end, "text": s.text, "label": s.label, "source_spans": [], "cue_spans": [],
                "prev_text": result.sentences[s.sent_idx - 1].text if s.sent_idx else "",
                "next_text": result.sentences[s.sent_idx + 1].text if s.sent_idx + 1 < n else "",
                "n_sentences": n,
                "provenance": {"file": BBC_FILE, "relation_ids": [], "rule": "teacher", "detail": teacher},
                "weak": False, "teacher_probs": [float(s.probs[label]) for label in LABELS]})
        if len(records) >= max_sentences:
            break
        if len(records) // 2000 != (len(records) - n) // 2000:
            rate = len(records) / max(time.perf_counter() - started, 1e-9)
            progress(f"teacher: {len(records)} sentences ({rate:.0f}/s)")
    records.sort(key=lambda r: (r["doc_id"], r["sent_idx"]))
    return records


def add_distill_split(dataset_dir: Path, out: Path, records: list[dict]) -> dict:
    """Write a copy of the prepared dataset at ``dataset_dir`` to ``out`` with the ``distill`` split added; the
    other splits are unchanged (their features stay theirs). Returns the split's report."""
    from datasets import Dataset, DatasetDict, Sequence, Value, load_from_disk

    data = load_from_disk(str(dataset_dir))
    features = data[next(iter(data))].features.copy()
    features["teacher_probs"] = Sequence(Value("float32"))
    splits = {name: data[name] for name in data if name != SPLIT}
    splits[SPLIT] = Dataset.from_list(records, features=features)
    DatasetDict(splits).save_to_disk(str(out))
    report = {"sentences": len(records), "articles": len({r["doc_id"] for r in records}),
              "teacher_labels": dict(Counter(r["label"] for r in records))}
    (Path(out) / "distill_report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    source = Path(dataset_dir) / "prepare_report.json"
    if source.is_file():
        (Path(out) / "prepare_report.json").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    from attribution.corpora import resolve_data_dir

    parser = argparse.ArgumentParser(prog="python -m attribution.training.distill", description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="data/prepared", help="prepared dataset to copy (prepare-data --out)")
    parser.add_argument("--out", default="data/prepared_distill", help="where the copy with the distill split goes")
    parser.add_argument("--teacher", default="default", help="teacher model: 'default' or a model directory")
    parser.add_argument("--max-sentences", type=int, default=20000, help="stop after this many sentences")
    parser.add_argument("--data-dir", default=None, help="the shared corpora (default ../shared/data)")
    args = parser.parse_args(argv)
    if Path(args.out).resolve() == Path(args.dataset).resolve():
        parser.error("--out must differ from --dataset (the dataset is read while the copy is written)")
    data_dir = resolve_data_dir(args.data_dir)
    records = teacher_records(data_dir, args.teacher, args.max_sentences, progress=print)
    report = add_distill_split(Path(args.dataset), Path(args.out), records)
    print(f"wrote {args.out}: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

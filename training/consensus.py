"""Consensus filter for converted labels: keep a sentence where two readers that never saw the corpus
annotation give the converter's label.

The converter labels PolNeAR and the sourcing stories from their annotations, and is 82-85% right against
labels made to the spec (docs/data.md); its errors are PolNeAR's broader notion of attribution, not
noise a rule can remove. Two readings that do not depend on those annotations:

- the rules baseline (:class:`attribution.classify.rules.RulesClassifier`), from the sentence text alone;
- a *reader model* trained only on hand labels made to the spec (``training/configs/consensus_reader.json``:
  spec round 1), never on converted labels, so its agreement with the converter on a converted document
  is not a memory of the converter's label.

A converted sentence is kept (``consensus``) when the rules give the same label and the reader model's
most probable label is the same with at least ``min_prob``; the others are *disputed*. Nothing is
dropped: ``attribution filter-data`` writes the kept sentences as the split and the disputed ones as
``<split>_disputed``, and every vote to ``consensus.jsonl`` in the output folder (offsets and labels,
no text), so a training config chooses which to use and the effect can be measured.
``python -m attribution.training.check_spec --consensus DIR`` measures the filter on spec-labelled documents.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from attribution.training.features import Record, rebuilt_articles

from attribution.classify import Classifier
from attribution.classify.rules import RulesClassifier
from attribution.labels import LABELS

#: Corpora whose labels come from a converter, and so are filtered; hand labels (spec) and the weak
#: tracker snippets pass through untouched.
CONVERTED_CORPORA = ("polnear", "journ_sourcing_gt")
DISPUTED_SUFFIX = "_disputed"
VOTES_FILE = "consensus.jsonl"
SUMMARY_FILE = "consensus.json"


@dataclass(frozen=True)
class Votes:
    """What the two independent readers say of one converted sentence."""

    converted: str
    rules: str
    model: str
    model_prob: float

    def agree(self, min_prob: float) -> bool:
        return self.rules == self.converted == self.model and self.model_prob >= min_prob


def vote(records: Sequence[Record], model: Classifier, *, rules: Classifier | None = None, batch: int = 16,
         progress: Callable[[str], None] | None = None) -> dict[tuple[str, int, int], Votes]:
    """The readers' votes on every record, keyed by (doc_id, start, end)."""
    rules = rules or RulesClassifier()
    keys = Counter((r["doc_id"], r["start"], r["end"]) for r in records)
    repeated = [key for key, n in keys.items() if n > 1]
    if repeated:
        raise ValueError(f"{len(repeated)} sentences appear more than once, e.g. {repeated[0]}")
    grouped, rebuilt = rebuilt_articles(records)
    votes: dict[tuple[str, int, int], Votes] = {}
    for b in range(0, len(rebuilt), batch):
        chunk = rebuilt[b : b + batch]
        for article, by_rules, by_model in zip(grouped[b : b + batch], rules.predict_articles(chunk),
                                               model.predict_articles(chunk), strict=True):
            for record, r, m in zip(article, by_rules, by_model, strict=True):
                votes[(record["doc_id"], record["start"], record["end"])] = Votes(
                    record["label"], r.label, m.label, float(m.probs[m.label]))
        if progress:
            progress(f"consensus: {min(b + batch, len(rebuilt))}/{len(rebuilt)} articles")
    return votes


def converted_training(model_dir: str | Path) -> list[str]:
    """The converted splits a saved model was trained on, itself or through the model it continued from
    (``init_from``): a reader that learned the converter's labels would confirm them from memory.

    A model whose training cannot be told (no ``training_config.json``, a missing ``init_from``) is an
    error; ``rules`` reads no labels at all. The dev split only picks the best epoch, and is not counted.
    """
    from attribution.training.train import split_name

    if str(model_dir) == "rules":
        return []
    if not Path(model_dir).is_dir():
        raise ValueError(f"reader model {model_dir} not found: give a model folder from attribution train")
    path = Path(model_dir) / "training_config.json"
    if not path.exists():
        raise ValueError(f"{model_dir} has no training_config.json: cannot tell whether the reader model "
                         "learned converted labels")
    config = json.loads(path.read_text(encoding="utf-8"))
    stages = [] if config.get("train_files") else (config.get("stages") or [config.get("train_splits", [])])
    found = {name for name in (split_name(e) for stage in stages for e in stage)
             if name in ("train", "dev") or name.endswith(DISPUTED_SUFFIX)}
    if config.get("init_from"):
        from attribution.training.config import resolve_model_dir

        parent = resolve_model_dir(config["init_from"])  # "default": the shipped default model
        if not parent.is_dir():
            raise ValueError(f"{model_dir} continued from {config['init_from']}, which is not here: cannot tell "
                             "whether the reader model learned converted labels")
        found |= set(converted_training(parent))
    return sorted(found)


def check_reader(model_dir: str | Path) -> None:
    """Refuse a reader model that learned converted labels: its agreement would not be independent."""
    learned = converted_training(model_dir)
    if learned:
        raise ValueError(f"the reader model {model_dir} was trained on converted labels ({', '.join(learned)}), so "
                         "its agreement is not independent; train one on spec labels only "
                         "(training/configs/consensus_reader.json)")


def summarize(votes: Sequence[Votes], min_prob: float) -> dict[str, dict[str, int]]:
    """Kept and disputed counts per converted label."""
    kept, disputed = Counter(), Counter()
    for v in votes:
        (kept if v.agree(min_prob) else disputed)[v.converted] += 1
    return {label: {"kept": kept[label], "disputed": disputed[label]} for label in LABELS}


def filter_dataset(dataset_dir: str | Path, model_dir: str | Path, out_dir: str | Path, *,
                   splits: Sequence[str] = ("train",), min_prob: float = 0.5, batch: int = 16,
                   progress: Callable[[str], None] | None = None) -> dict:
    """Write ``dataset_dir`` to ``out_dir`` with each of ``splits`` split into its consensus sentences
    (same name) and the rest (``<split>_disputed``); other splits are copied unchanged."""
    if not 0.0 <= min_prob <= 1.0:
        raise ValueError(f"min_prob must be within [0, 1], got {min_prob}")
    if len(set(splits)) != len(splits):
        raise ValueError(f"a split is named twice in {list(splits)}")
    if Path(out_dir).resolve() == Path(dataset_dir).resolve():
        raise ValueError("the output folder must differ from the dataset it filters")
    from datasets import DatasetDict, load_from_disk
    from datasets.utils.logging import disable_progress_bar

    import attribution

    disable_progress_bar()  # progress comes through ``progress``, one line per batch of articles

    source = load_from_disk(str(dataset_dir))
    unknown = [s for s in splits if s not in source]
    if unknown:
        raise ValueError(f"no split {unknown} in {dataset_dir}; it has {sorted(source)}")
    clashes = [s + DISPUTED_SUFFIX for s in splits if s + DISPUTED_SUFFIX in source]
    if clashes:
        raise ValueError(f"{dataset_dir} already has {clashes}: filter the unfiltered dataset")
    check_reader(model_dir)
    model = attribution.load(model_dir).classifier
    out = dict(source)
    summary = {"model": str(model_dir), "min_prob": min_prob, "rules": "attribution.classify.rules",
               "corpora": list(CONVERTED_CORPORA), "splits": {}}
    lines = []
    for split in splits:
        records = [dict(r) for r in source[split]]
        converted = [r for r in records if r["corpus"] in CONVERTED_CORPORA]
        votes = vote(converted, model, batch=batch, progress=progress)
        keep = [r["corpus"] not in CONVERTED_CORPORA or votes[(r["doc_id"], r["start"], r["end"])].agree(min_prob)
                for r in records]
        out[split] = source[split].select([i for i, k in enumerate(keep) if k])
        out[split + DISPUTED_SUFFIX] = source[split].select([i for i, k in enumerate(keep) if not k])
        summary["splits"][split] = summarize(list(votes.values()), min_prob)
        for (doc_id, start, end), v in votes.items():
            lines.append(json.dumps({"split": split, "doc_id": doc_id, "start": start, "end": end, **asdict(v),
                                     "kept": v.agree(min_prob)}))
    out_dir = Path(out_dir)
    # one shard per split: datasets writes no shard for an empty split and then cannot load the folder
    DatasetDict(out).save_to_disk(str(out_dir), num_shards={name: 1 for name in out})
    report = Path(dataset_dir) / "prepare_report.json"
    if report.exists():
        (out_dir / report.name).write_text(report.read_text(encoding="utf-8"), encoding="utf-8")
    (out_dir / VOTES_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (out_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary

"""Measure a saved model beside the baselines and write the numbers into its metrics and model card.

Dev: the prepared dataset's dev split (or ``--dev-split``, e.g. ``spec_round2``), sentence by sentence as
segmented for it (each article's sentences in order, so the windowed model sees
its context). Gold: the project's hand-labelled set, scored by the evaluator
(`eval`) from the raw corpus text, cleaning included, with bootstrap intervals.

    python -m attribution.training.model_report MODEL_DIR [--dataset data/prepared] [--baseline rules --baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from attribution.training.config import portable_path
from attribution.training.features import Record, rebuilt_articles
from attribution.training.save import write_model_card

from attribution.labels import LABELS


def dev_metrics(model: str, records: list[Record], batch: int = 16) -> dict[str, Any]:
    """Per-label precision / recall / F1 and macro-F1 on dev records, with the sentences/s it ran at."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    import attribution

    classifier = attribution.load(model).classifier
    grouped, articles = rebuilt_articles(records)
    gold = [r["label"] for article in grouped for r in article]
    started = time.perf_counter()
    predicted = []
    for b in range(0, len(articles), batch):
        for article in classifier.predict_articles(articles[b : b + batch]):
            predicted.extend(p.label for p in article)
    elapsed = time.perf_counter() - started
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=list(LABELS), zero_division=0)
    return {
        "per_label": {label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                              "support": int(s[i])} for i, label in enumerate(LABELS)},
        "macro_f1": float(f1_score(gold, predicted, labels=list(LABELS), average="macro", zero_division=0)),
        "sentences": len(gold),
        "sentences_per_second": len(gold) / elapsed if elapsed else None,
    }


def gold_metrics(models: dict[str, str], data_dir: str | None = None) -> dict[str, dict[str, Any]]:
    """Every system on the hand-labelled evaluation set, through the evaluator (paired against the first):
    ``{"selection": the selection set (when the spec labels have one), "gold": all rounds, "gold_round1": the
    first round only}``, each with its per-kind table, from one run of each model per set."""
    from attribution.eval.errors import EvaluationInputError
    from attribution.eval.evaluate import evaluate
    from attribution.eval.gold import load_default_gold, load_selection
    from attribution.eval.predictions import run_model

    gold = load_default_gold(data_dir)
    predictions = [run_model(gold, path, data_dir) for path in models.values()]
    sets = [("gold", gold, predictions), ("gold_round1", load_default_gold(data_dir, rounds=[1]), predictions)]
    try:
        selection = load_selection(data_dir)
    except EvaluationInputError:  # no selection set in these spec labels
        pass
    else:
        sets.insert(0, ("selection", selection, [run_model(selection, path, data_dir) for path in models.values()]))
    blocks = {}
    for block, subset, predicted in sets:
        report = evaluate(subset, predicted)
        out: dict[str, Any] = {}
        for name, system in zip(models, report["systems"], strict=True):
            m = system["metrics"]
            out[name] = {"per_label": {k: {x: v[x] for x in ("precision", "recall", "f1", "support")}
                                       for k, v in m["per_label"].items()},
                         "macro_f1": m["macro_f1"], "macro_f1_ci": m.get("macro_f1_ci"),
                         "anonymous_share_mae": m["anonymous_share"]["mae"],
                         "source_overlap_f1": m["source_match"]["overlap_f1"],
                         "boilerplate_leak_rate": m["boilerplate"]["leak_rate"],
                         "per_kind": m["per_kind"]}
        out["_comparisons"] = report.get("comparisons", [])
        blocks[block] = out
    return blocks


def report(model_dir: str, dataset: str | None, baselines: list[str], data_dir: str | None = None,
           max_dev: int | None = None, dev_split: str = "dev") -> dict[str, Any]:
    model_dir = str(model_dir)
    systems = {"this model": model_dir, **{Path(b).name if b != "rules" else "rules": b for b in baselines}}
    metrics_path = Path(model_dir) / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    if dataset:
        from attribution.training.train import _cap
        from datasets import load_from_disk

        data = load_from_disk(dataset)
        if dev_split not in data:
            raise SystemExit(f"{dataset} has no split {dev_split!r} (it has {', '.join(data)})")
        records = _cap(list(data[dev_split]), max_dev, seed=13)
        block = "dev" if dev_split == "dev" else f"dev:{dev_split}"
        metrics[block] = {name: dev_metrics(path, records) for name, path in systems.items()}
        metrics[block]["_dataset"] = portable_path(str(dataset))  # named on the card; no machine path
    metrics.update(gold_metrics(systems, data_dir))  # all rounds, and round 1: the set earlier cards used
    metrics_path.write_text(json.dumps(metrics, indent=2, default=float) + "\n", encoding="utf-8")
    write_model_card(model_dir)
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir")
    parser.add_argument("--dataset", default="data/prepared")
    parser.add_argument("--baseline", action="append", default=[], help="'rules' or a model directory (repeat)")
    parser.add_argument("--data-dir")
    parser.add_argument("--max-dev", type=int)
    parser.add_argument("--dev-split", default="dev",
                        help="dataset split to score as dev (e.g. spec_round2 for a model trained on spec_round1)")
    args = parser.parse_args(argv)
    metrics = report(args.model_dir, args.dataset, args.baseline, args.data_dir, args.max_dev, args.dev_split)
    for block in ("dev", f"dev:{args.dev_split}", "gold", "gold_round1"):
        for name, figures in metrics.get(block, {}).items():
            if not name.startswith("_"):
                f1s = " ".join(f"{k[:4]}={v['f1']:.3f}" for k, v in figures["per_label"].items())
                print(f"{block:11} {name:28} macro-F1 {figures['macro_f1']:.3f}  {f1s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

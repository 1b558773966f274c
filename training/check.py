"""Score the converter against the hand check: ``python -m attribution.training.check PREPARED_DATASET [--blind]``.

``training/checks/converter_check.jsonl`` holds stand-off hand labels (doc_id, start, end, my_label,
note) of sentences from documents not used for training (PolNeAR dev, dev sourcing stories). This joins
each to the label the converter gives it now and reports accuracy per converted label. A sentence the
converter no longer emits counts as ``dropped``: right when the hand label is ``boilerplate``.
``--blind`` scores against the second, blind labelling of the same sentences
(``training/checks/converter_check_blind.jsonl``).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CHECKS = Path(__file__).parent / "checks" / "converter_check.jsonl"
#: The second, blind check of the same sentences (``blind_label``: labelled without seeing the converter).
BLIND_CHECKS = Path(__file__).parent / "checks" / "converter_check_blind.jsonl"


def score(converted: dict[tuple[str, int, int], str], checks: list[dict]) -> dict:
    per: dict[str, Counter] = {}
    errors = []
    for row in checks:
        label = converted.get((row["doc_id"], row["start"], row["end"]), "dropped")
        counts = per.setdefault(label, Counter())
        counts["n"] += 1
        right = label == row["my_label"] or (label == "dropped" and row["my_label"] == "boilerplate")
        counts["ok"] += right
        if not right:
            errors.append({**row, "converted_now": label})
    labelled = {k: v for k, v in per.items() if k != "dropped"}
    n = sum(v["n"] for v in labelled.values())
    ok = sum(v["ok"] for v in labelled.values())
    return {
        "per_label": {k: {"n": v["n"], "correct": v["ok"], "accuracy": round(v["ok"] / v["n"], 3)}
                      for k, v in sorted(per.items())},
        "overall": {"n": n, "correct": ok, "accuracy": round(ok / max(n, 1), 3)},
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    from datasets import load_from_disk

    args = list(argv if argv is not None else sys.argv[1:])
    blind = "--blind" in args
    args = [a for a in args if a != "--blind"]
    if len(args) != 1:
        print("usage: python -m attribution.training.check PREPARED_DATASET [--blind]", file=sys.stderr)
        return 2
    dataset = load_from_disk(args[0])
    converted = {(r["doc_id"], r["start"], r["end"]): r["label"] for split in dataset for r in dataset[split]}
    path = BLIND_CHECKS if blind else CHECKS
    checks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if blind:  # same format as the first check: the blind label is the label to match
        checks = [{**row, "my_label": row["blind_label"], "note": ""} for row in checks]
    result = score(converted, checks)
    print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    for error in result["errors"]:
        print(f"{error['converted_now']:>24} → {error['my_label']:<24} {error['doc_id']} {error['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

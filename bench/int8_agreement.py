"""Label agreement of the int8-quantized default model with fp32 on the prepared dev split.

    python bench/int8_agreement.py [--dataset data/prepared] [--model attribution/models/default]
"""

from __future__ import annotations

import argparse

import attribution
from training.features import group_articles
from training.model_report import _articles


def labels(model: str, quantize: str | None, articles) -> list[str]:
    classifier = attribution.load(model, quantize=quantize).classifier
    out: list[str] = []
    for b in range(0, len(articles), 16):
        for article in classifier.predict_articles(articles[b : b + 16]):
            out.extend(p.label for p in article)
    return out


def main() -> None:
    from datasets import load_from_disk

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default="data/prepared")
    parser.add_argument("--model", default="default")
    args = parser.parse_args()
    records = [r for article in group_articles(load_from_disk(args.dataset)["dev"]) for r in article]
    articles = _articles(records)
    full, int8 = labels(args.model, None, articles), labels(args.model, "int8", articles)
    same = sum(a == b for a, b in zip(full, int8, strict=True))
    print(f"int8 vs fp32 label agreement on {len(full)} dev sentences: {same / len(full):.2%} ({same}/{len(full)})")


if __name__ == "__main__":
    main()

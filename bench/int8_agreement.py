"""Label agreement of the int8-quantized default model with fp32, on the prepared dev split or on articles.

    python bench/int8_agreement.py [--dataset data/prepared] [--model default]
    python bench/int8_agreement.py --inputs examples/        # any files `attribution score` reads

Prints the share of sentence labels int8 gives as fp32 does (the issue bars opt-in int8 below 99.5%).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import attribution
from attribution.segment import Sentence

Article = tuple[str, Sequence[Sentence]]


def labels(model: str, quantize: str | None, articles: list[Article]) -> list[str]:
    classifier = attribution.load(model, quantize=quantize).classifier
    return [p.label for article in classifier.predict_articles(articles) for p in article]


def dev_articles(dataset: str) -> list[Article]:
    """The dev split's articles, sentence by sentence as segmented for it."""
    from attribution.training.features import rebuilt_articles
    from datasets import load_from_disk

    _, articles = rebuilt_articles(list(load_from_disk(dataset)["dev"]))
    return articles


def input_articles(paths: list[str]) -> list[Article]:
    """Articles read, cleaned and segmented as `attribution score` does."""
    from attribution import stages
    from attribution.ingest import iter_documents

    articles = []
    for doc in iter_documents(paths):
        prepared = stages.run_stages(stages.ingest(doc), [("clean", stages.clean), ("segment", stages.segment)])
        if not prepared.error:  # error articles have no sentences to compare
            articles.append((prepared.text, prepared.sentences))
    return articles


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="data/prepared", help="prepared dataset whose dev split is compared")
    parser.add_argument("--inputs", nargs="+", metavar="PATH", help="compare on these articles instead")
    parser.add_argument("--model", default="default")
    args = parser.parse_args(argv)
    articles = input_articles(args.inputs) if args.inputs else dev_articles(args.dataset)
    where = f"{len(articles)} articles from {' '.join(args.inputs)}" if args.inputs else f"{args.dataset} dev"
    full, int8 = labels(args.model, None, articles), labels(args.model, "int8", articles)
    same = sum(a == b for a, b in zip(full, int8, strict=True))
    print(f"int8 vs fp32 label agreement on {len(full)} sentences ({where}): {same / len(full):.2%} "
          f"({same}/{len(full)})")


if __name__ == "__main__":
    main()

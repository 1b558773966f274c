"""Label agreement of the default model's faster variants with fp32 PyTorch, on the prepared dev split or on articles.

    python bench/int8_agreement.py [--dataset data/prepared] [--model default]
    python bench/int8_agreement.py --inputs examples/        # any files `attribution score` reads

Prints the share of sentence labels PyTorch's dynamic int8 gives as fp32 PyTorch does (the issue bars opt-in int8
below 99.5%) and, with the [onnx] extra, the same for ONNX Runtime fp32 and int8 (their graphs built and cached on
first use), with the largest difference of a probability.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import attribution
from attribution.segment import Sentence

Article = tuple[str, Sequence[Sentence]]


def predictions(model: str, quantize: str | None, articles: list[Article], backend: str = "torch") -> list:
    classifier = attribution.load(model, quantize=quantize, backend=backend).classifier
    return [p for article in classifier.predict_articles(articles) for p in article]


def labels(model: str, quantize: str | None, articles: list[Article], backend: str = "torch") -> list[str]:
    return [p.label for p in predictions(model, quantize, articles, backend)]


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
    from attribution.model.onnx_backend import onnx_available

    full = predictions(args.model, None, articles)
    variants = [("int8", "torch", "int8")]
    if onnx_available():
        variants += [("onnx fp32", "onnx", None), ("onnx int8", "onnx", "int8")]
    for name, backend, quantize in variants:
        other = predictions(args.model, quantize, articles, backend)
        same = sum(a.label == b.label for a, b in zip(full, other, strict=True))
        spread = max((abs(a.probs[k] - b.probs[k]) for a, b in zip(full, other, strict=True) for k in a.probs),
                     default=0.0)
        print(f"{name} vs fp32 label agreement on {len(full)} sentences ({where}): {same / len(full):.2%} "
              f"({same}/{len(full)}); largest probability difference {spread:.2g}", flush=True)
    if not onnx_available():
        print("onnx rows left out: the [onnx] extra is not installed")


if __name__ == "__main__":
    main()

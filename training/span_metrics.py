"""Source and cue spans of a model against PolNeAR's gold spans: ``python -m attribution.training.span_metrics``.

On the PolNeAR sentences of a prepared split (``dev`` by default: the corpus authors' Source and Cue spans, moved
to the project's span convention by the converter), each model labels the articles (rebuilt from the records, as
training sees them) and its source and cue spans are compared with the gold ones:

- ``source_exact`` / ``cue_exact``: on the sentences gold and model both call attributed and whose gold span lies in
  the sentence, the share where the model's span equals a gold span (both trimmed of edge spaces and clause
  punctuation by :func:`attribution.stages.trim_span`, as the attribute stage trims them);
- ``source_overlap`` / ``cue_overlap``: the share where it overlaps one;
- ``no_source``: among the sentences the model calls attributed whose gold source lies in the sentence, the share
  given no source at all;
- ``cue_in_quote``: of the wrong cues, how many lie inside a quotation of the sentence.

Figures only are printed (and ``--out`` writes them as JSON), never the corpus text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attribution.training.features import rebuilt_articles

from attribution.labels import DIRECT_FACT
from attribution.stages import trim_span

_QUOTE = re.compile(r"[\"“”][^\"“”]+[\"“”]")


def _trim(text: str, span: Sequence[int] | None) -> tuple[int, int] | None:
    return None if span is None else trim_span(text, (int(span[0]), int(span[1])))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(records: Sequence[dict], predictions: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The figures of the module docstring from per-article ``records`` (grouped, in sentence order) and one
    prediction (``label``, sentence-relative ``source`` and ``cue``) per record."""
    counts = {k: 0 for k in ("both_attributed", "source_units", "source_exact", "source_overlap", "cue_units",
                             "cue_exact", "cue_overlap", "called_with_gold_source", "no_source", "wrong_cues",
                             "cue_in_quote")}
    for record, prediction in zip(records, predictions, strict=True):
        text = record["text"]
        gold_sources = [s for s in (_trim(text, g) for g in record.get("source_spans") or []) if s]
        gold_cues = [s for s in (_trim(text, g) for g in record.get("cue_spans") or []) if s]
        called = prediction.label != DIRECT_FACT
        source, cue = _trim(text, prediction.source), _trim(text, prediction.cue)
        if called and gold_sources:
            counts["called_with_gold_source"] += 1
            counts["no_source"] += source is None
        if not called or record["label"] == DIRECT_FACT:
            continue
        counts["both_attributed"] += 1
        if gold_sources:
            counts["source_units"] += 1
            counts["source_exact"] += source in gold_sources
            counts["source_overlap"] += source is not None and any(_overlaps(source, g) for g in gold_sources)
        if gold_cues:
            counts["cue_units"] += 1
            right = cue in gold_cues
            counts["cue_exact"] += right
            counts["cue_overlap"] += cue is not None and any(_overlaps(cue, g) for g in gold_cues)
            if not right and cue is not None:
                counts["wrong_cues"] += 1
                counts["cue_in_quote"] += any(m.start() <= cue[0] and cue[1] <= m.end()
                                              for m in _QUOTE.finditer(text))
    share = lambda k, n: round(counts[k] / counts[n], 4) if counts[n] else None  # noqa: E731
    return {**counts,
            "source_exact_share": share("source_exact", "source_units"),
            "source_overlap_share": share("source_overlap", "source_units"),
            "cue_exact_share": share("cue_exact", "cue_units"),
            "cue_overlap_share": share("cue_overlap", "cue_units"),
            "no_source_share": share("no_source", "called_with_gold_source")}


def model_spans(model: str, records: Sequence[dict], batch: int = 16) -> dict[str, Any]:
    """:func:`score_spans` of ``model`` (a name or directory, as ``attribution score --model``) on ``records``."""
    import attribution

    classifier = attribution.load(model).classifier
    grouped, rebuilt = rebuilt_articles(records)
    ordered = [r for article in grouped for r in article]
    predictions = []
    for start in range(0, len(rebuilt), batch):
        for article in classifier.predict_articles(rebuilt[start : start + batch]):
            predictions.extend(article)
    return score_spans(ordered, predictions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attribution.training.span_metrics",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", required=True, help="model name or directory (repeatable)")
    parser.add_argument("--dataset", default="data/prepared", help="prepared dataset (attribution prepare-data)")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--out", default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    from datasets import load_from_disk

    records = [r for r in load_from_disk(args.dataset)[args.split] if str(r["doc_id"]).startswith("polnear:")]
    if not records:
        print(f"no PolNeAR records in split {args.split!r} of {args.dataset}", file=sys.stderr)
        return 2
    results = {}
    for model in args.model:
        results[model] = figures = model_spans(model, records)
        print(f"{model}: source exact {figures['source_exact_share']} (overlap {figures['source_overlap_share']}) "
              f"on {figures['source_units']}; cue exact {figures['cue_exact_share']} (overlap "
              f"{figures['cue_overlap_share']}) on {figures['cue_units']}; no source {figures['no_source_share']} "
              f"of {figures['called_with_gold_source']}; wrong cues inside a quotation {figures['cue_in_quote']} "
              f"of {figures['wrong_cues']}")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``attribution annotate``: articles as Label Studio tasks, pre-annotated by a model, for correction.

Each task's ``data`` holds the article text (``text``, the text every offset indexes) and its id (``doc_id``),
plus the model's uncertainty (``mean_margin``, ``min_margin``) so Label Studio's data manager can sort by it.
Its one ``predictions`` entry holds, per sentence, a ``labels`` result over the article text with the
sentence's label and the model's probability for it, and the sentence's source and cue as ``Source`` /
``Cue`` spans (see :data:`SENTENCE_CONTROL`, :data:`SPAN_CONTROL`). :func:`label_config` is the matching
labelling interface. Offsets are Python character (code point) offsets, as current Label Studio versions
store them; :mod:`attribution.training.user_data` reads the export back (UTF-16 offsets from older versions
too).

``--select`` chooses which articles to send: ``uncertain`` (the smallest margin between the top two
probabilities, averaged over the article's sentences or their minimum), ``random`` (seeded) or ``stratified``
(the same share from every predicted label mix, so articles with anonymous quotes are not crowded out).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from attribution.labels import LABELS
from attribution.results import ArticleResult
from attribution.summary import at_least

#: Names of the labelling interface's tags: results' ``from_name`` and ``to_name``.
TEXT_NAME = "text"
SENTENCE_CONTROL = "sentence"
SPAN_CONTROL = "attribution"
SOURCE = "Source"
CUE = "Cue"
SPAN_LABELS: tuple[str, ...] = (SOURCE, CUE)
SELECTIONS = ("all", "uncertain", "random", "stratified")
#: Colours of the labels in the interface (a label not listed gets Label Studio's own).
_COLOURS = {"direct_fact": "#9ecae1", "reported_claim": "#fdae6b", "anonymous_source_quote": "#e377c2",
            SOURCE: "#2ca02c", CUE: "#d62728"}


def label_config() -> str:
    """The labelling interface: the three sentence labels and the Source / Cue spans over the article text."""
    def labels(name: str, values: Iterable[str]) -> str:
        inner = "".join(f"\n    <Label value={quoteattr(v)} background={quoteattr(_COLOURS[v])}/>" for v in values)
        return f'  <Labels name="{name}" toName="{TEXT_NAME}">{inner}\n  </Labels>\n'

    return (f'<View>\n  <Header value="Sentence labels"/>\n{labels(SENTENCE_CONTROL, LABELS)}'
            f'  <Header value="Source and cue of an attributed sentence"/>\n{labels(SPAN_CONTROL, SPAN_LABELS)}'
            f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>\n</View>\n')


def margin(probs: dict[str, float]) -> float:
    """The gap between the two most probable labels: small means the model hesitates."""
    top = sorted((probs.get(label, 0.0) for label in LABELS), reverse=True)
    return top[0] - top[1]


def _span(result_id: str, control: str, label: str, start: int, end: int, text: str, score: float) -> dict[str, Any]:
    return {"id": result_id, "from_name": control, "to_name": TEXT_NAME, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
            "score": round(score, 6)}


def to_task(result: ArticleResult, model_version: str) -> dict[str, Any]:
    """One Label Studio task for a scored article (its sentences pre-annotated)."""
    text, items = result.text, []
    for s in result.sentences:
        score = s.probs.get(s.label, 0.0)
        items.append(_span(f"s{s.sent_idx}", SENTENCE_CONTROL, s.label, s.start, s.end, text, score))
        for label, start, end in ((SOURCE, s.source_start, s.source_end), (CUE, s.cue_start, s.cue_end)):
            if start is not None and end is not None and end > start:
                items.append(_span(f"s{s.sent_idx}-{label.lower()}", SPAN_CONTROL, label, start, end, text, score))
    margins = [margin(s.probs) for s in result.sentences]
    confidence = sum(s.probs.get(s.label, 0.0) for s in result.sentences) / len(result.sentences)
    return {
        "data": {TEXT_NAME: text, "doc_id": result.doc_id, "mean_margin": round(sum(margins) / len(margins), 6),
                 "min_margin": round(min(margins), 6), "predicted": _mix(result)},
        "predictions": [{"model_version": model_version, "score": round(confidence, 6), "result": items}],
    }


def _mix(result: ArticleResult) -> str:
    """The predicted label mix: the labels the article's sentences carry, in label order (the stratum)."""
    present = {s.label for s in result.sentences}
    return "+".join(label for label in LABELS if label in present)


def select(tasks: list[dict[str, Any]], how: str, n: int | None, seed: int = 0,
           by: str = "mean") -> list[dict[str, Any]]:
    """``n`` of the tasks chosen ``how`` (see the module docstring); all of them for ``all`` or ``n`` >= their
    number (uncertain and stratified still put them in their order)."""
    if how == "all":
        return list(tasks)
    if how not in SELECTIONS:
        raise ValueError(f"unknown selection {how!r}; use one of {', '.join(SELECTIONS)}")
    n = len(tasks) if n is None else n
    rng = random.Random(seed)
    if how == "uncertain":
        key = f"{by}_margin"
        return sorted(tasks, key=lambda t: (t["data"][key], t["data"]["doc_id"]))[:n]
    if how == "random":
        return rng.sample(tasks, min(n, len(tasks)))
    strata: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        strata.setdefault(task["data"]["predicted"], []).append(task)
    queues = [rng.sample(group, len(group)) for _, group in sorted(strata.items())]
    chosen: list[dict[str, Any]] = []
    while len(chosen) < n and any(queues):  # round robin: every mix gets its turn until it runs out
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(queue.pop(0))
    return chosen


def annotate(results: Iterable[ArticleResult], model_version: str, how: str = "all", n: int | None = None,
             seed: int = 0, by: str = "mean", on_skip=None) -> list[dict[str, Any]]:
    """Label Studio tasks for the scored articles that have sentences, selected (see :func:`select`)."""
    tasks = []
    for result in results:
        if not result.ok or not result.sentences:
            if on_skip is not None:
                on_skip(result.doc_id, result.error or "no sentence")
            continue
        tasks.append(to_task(result, model_version))
    return select(tasks, how, n, seed, by)


def _check_outputs(inputs: Iterable[str], out: Path, config: Path | None) -> None:
    """Before anything is read: each output's folder exists, no output is an input (it would be overwritten)
    and the tasks and the interface are not one file."""
    from attribution.run import same_file
    from attribution.write import OutputError

    outputs = [("--out", out)] + ([("--label-config", config)] if config is not None else [])
    for option, path in outputs:
        if not path.parent.is_dir():
            raise FileNotFoundError(f"{path}: the folder {path.parent} does not exist")
        for raw in inputs:
            if raw != "-" and not Path(raw).is_dir() and same_file(Path(raw), path):
                raise OutputError(f"{raw}: is an input and also the {option} file, which would overwrite it")
    if config is not None and same_file(out, config):
        raise OutputError(f"{out}: is both the --out and the --label-config file")


def run_annotate(args: argparse.Namespace) -> int:
    """Write articles as Label Studio tasks, pre-annotated by the model, for labelling and correction."""
    from attribution.ingest import iter_documents
    from attribution.pipeline import DEFAULT_MODEL, load
    from attribution.write import write_file_atomic

    if args.n is not None and args.select == "all":
        raise ValueError("--n needs --select uncertain, random or stratified")
    if args.select != "all" and args.n is None:
        raise ValueError(f"--select {args.select} needs --n N (how many articles to send)")
    out = Path(args.out)
    config = Path(args.label_config) if args.label_config else None
    _check_outputs(args.paths, out, config)
    model = args.model or DEFAULT_MODEL
    if model != "rules" and (args.quiet or not sys.stderr.isatty()):
        from attribution.progress import quiet_model_loading

        quiet_model_loading(warnings=not args.quiet)  # transformers' "Loading weights" bar, as score does
    analyzer = load(model)
    documents = iter_documents(args.paths, id_column=args.id_column, text_column=args.text_column)
    skipped: list[str] = []
    version = model if model in (DEFAULT_MODEL, "rules") else Path(model).name  # a name, not this machine's path
    tasks = annotate(analyzer.analyze_many(documents), version, args.select, args.n, args.seed, args.by,
                     on_skip=lambda doc_id, why: skipped.append(doc_id))
    if not tasks:
        print("attribution annotate: no article with sentences was found", file=sys.stderr)
        return 1
    write_file_atomic(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    if config is not None:
        write_file_atomic(config, label_config())
    if not args.quiet:
        note = f" ({len(skipped)} without sentences or unreadable left out)" if skipped else ""
        print(f"wrote {len(tasks)} task{'s' if len(tasks) != 1 else ''} to {out}{note}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("annotate", help="write Label Studio tasks pre-annotated by a model",
                              description=run_annotate.__doc__)
    p.add_argument("paths", nargs="+", help="articles: .txt/.html files, directories, .jsonl/.csv/.parquet tables")
    p.add_argument("--out", required=True, help="Label Studio tasks JSON to write (import it into the project)")
    p.add_argument("--label-config", metavar="XML", help="also write the matching labelling interface here")
    p.add_argument("--model", default=None, help="'default' (the shipped model), 'rules' or a model directory")
    p.add_argument("--select", choices=SELECTIONS, default="all",
                   help="which articles to send: uncertain (smallest margin between the top two probabilities), "
                        "random, stratified (by predicted label mix); default: all")
    p.add_argument("--n", type=at_least(1), help="how many articles --select sends")
    p.add_argument("--by", choices=("mean", "min"), default="mean",
                   help="--select uncertain ranks articles by their sentences' mean or smallest margin")
    p.add_argument("--seed", type=int, default=0, help="seed of --select random and stratified (default: 0)")
    p.add_argument("--id-column", default="id", help="id column of table inputs (default: id)")
    p.add_argument("--text-column", default="text", help="text column of table inputs (default: text)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    p.set_defaults(func=run_annotate)

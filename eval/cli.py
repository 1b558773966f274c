"""``attribution evaluate``: score systems against a gold set from the command line.

Systems are given by ``--pred FILE`` and ``--model rules|DIR`` in any mix; they are scored in
the order given, and every system after the first is compared with the first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from attribution.eval.errors import EvaluationInputError

from attribution.extras import require_train
from attribution.summary import DEFAULT_RESAMPLES, DEFAULT_SEED

if TYPE_CHECKING:  # the evaluator's modules (scikit-learn among them) load when the command runs, not before
    from attribution.eval.gold import GoldSet
    from attribution.eval.predictions import Predictions


def _system(kind: str):
    return lambda value: (kind, value)


def load_gold(args: argparse.Namespace) -> GoldSet:
    """``--gold`` with ``--docs``, the selection set (``--set selection``), else the project's hand-labelled set
    joined with the shared data."""
    from attribution.eval.gold import load_default_gold, load_gold_files

    if bool(args.gold) != bool(args.docs):
        raise EvaluationInputError("--gold UNITS.jsonl and --docs DOCS.jsonl go together")
    if args.set == "selection":
        if args.gold or args.round:
            raise EvaluationInputError("--set selection is the spec labels' selection set: no --gold or --round")
        from attribution.eval.gold import load_selection

        return load_selection(args.data_dir)
    if args.gold:
        if args.round:
            raise EvaluationInputError("--round selects documents of the project's gold set, not of --gold")
        return load_gold_files(args.gold, args.docs)
    return load_default_gold(args.data_dir, rounds=args.round or None)


def load_systems(args: argparse.Namespace, gold: GoldSet) -> list[Predictions]:
    """Read every ``--pred`` and run every ``--model``, in the order given on the command line."""
    from attribution.eval.predictions import read_predictions, run_model

    if not args.systems:
        raise EvaluationInputError("nothing to score: give --pred FILE and/or --model rules|default|DIR")
    data_dir = args.data_dir
    if data_dir is None and not args.gold:
        from attribution.corpora import resolve_data_dir

        data_dir = resolve_data_dir(None)  # the rules baseline then uses the tracker's phrases too
    systems = []
    for kind, value in args.systems:
        if kind == "pred":
            systems.append(read_predictions(value))
        else:
            systems.append(run_model(gold, value, data_dir=data_dir, quiet=args.quiet))
    return systems


def run_evaluate(args: argparse.Namespace) -> int:
    """Score sentence labels against a hand-labelled gold set, with bootstrap intervals and a report."""
    require_train("attribution evaluate", ("sklearn",))
    from attribution.eval.evaluate import evaluate
    from attribution.eval.report import write_json, write_report
    from attribution.eval.table import format_table

    from attribution.corpora import DataMissingError

    try:
        gold = load_gold(args)
        report = evaluate(gold, load_systems(args, gold), resamples=args.bootstrap, seed=args.seed)
    except (EvaluationInputError, DataMissingError) as exc:
        print(f"attribution evaluate: error: {exc}", file=sys.stderr)
        return 2
    print(format_table(report))
    if args.json:
        path = write_json(report, args.json)
        if not args.quiet:
            print(f"wrote {path}", file=sys.stderr)
    if args.report:
        written = write_report(report, gold, args.report)
        if not args.quiet:
            print(f"wrote {len(written)} files to {Path(args.report)} (error lists quote corpus text: "
                  "keep them out of the repository)", file=sys.stderr)
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand to the ``attribution`` command."""
    p = subparsers.add_parser("evaluate", help="score sentence labels against a hand-labelled set",
                              description=run_evaluate.__doc__)
    p.add_argument("--pred", dest="systems", action="append", type=_system("pred"), metavar="FILE",
                   help="predictions as written by 'attribution score' (.jsonl/.csv/.parquet); repeatable")
    p.add_argument("--model", dest="systems", action="append", type=_system("model"), metavar="rules|default|DIR",
                   help="run this model over the gold documents and score it; repeatable")
    p.add_argument("--gold", metavar="UNITS.jsonl",
                   help="another gold set: units {doc_id, start, end, label} (default: the project's eval/gold)")
    p.add_argument("--docs", metavar="DOCS.jsonl", help="texts of that gold set: {doc_id, text}")
    p.add_argument("--set", choices=("gold", "selection"), default="gold",
                   help="the project's set to score on: gold (eval/gold, the final check; default) or selection "
                        "(spec documents held out from training, for choosing recipes and checkpoints)")
    p.add_argument("--round", type=int, action="append", metavar="N",
                   help="only the project's documents of labelling round N (1: the first 11; 2: the 12 added "
                        "later); repeatable; default: all")
    p.add_argument("--data-dir", help="shared data directory: the default gold set's texts, and the "
                   "tracker phrases of the rules baseline (default: $ATTRIBUTION_DATA_DIR, else ../shared/data)")
    p.add_argument("--bootstrap", type=_positive, default=DEFAULT_RESAMPLES,
                   help=f"document-level bootstrap resamples (default: {DEFAULT_RESAMPLES})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"bootstrap seed (default: {DEFAULT_SEED})")
    p.add_argument("--json", metavar="PATH", help="write every figure, with provenance, as JSON")
    p.add_argument("--report", metavar="DIR", help="write report.md, confusion PNGs and error lists here")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=run_evaluate)

"""The ``prepare-data`` and ``filter-data`` subcommands: build the training DatasetDict from the shared corpora,
and split its converted labels by what independent readers confirm."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from attribution.corpora import DATA_DIR_ENV, resolve_data_dir
from attribution.extras import require_train


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    """A progress printer to stderr, silent with ``--quiet``."""
    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    return progress


def run_prepare_data(args: argparse.Namespace) -> int:
    """Convert PolNeAR, the sourcing stories, the tracker snippets (and spec labels) to sentence labels."""
    require_train("attribution prepare-data", ("datasets",))
    progress = _progress(args)
    started = time.perf_counter()
    from attribution.training.prepare import prepare

    data_dir = resolve_data_dir(args.data_dir)
    report = prepare(data_dir, Path(args.out), progress=progress)
    for split, corpora in report["counts"].items():
        for corpus, labels in corpora.items():
            progress(f"{split:6s} {corpus:28s} " + "  ".join(f"{k}={v}" for k, v in labels.items()))
    journ = report["journ"]
    progress(f"journ statement pieces matched: {journ['matched']}/{journ['statement_pieces']} "
             f"({journ['match_rate']:.1%}); evaluation documents dropped: {report['held_out_documents']}")
    progress(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("prepare-data", help="build the training dataset from the shared corpora",
                              description=run_prepare_data.__doc__)
    p.add_argument("--data-dir", help=f"shared data directory (default: ${DATA_DIR_ENV}, else ../shared/data)")
    p.add_argument("--out", required=True, help="output folder for the DatasetDict (save_to_disk)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run_prepare_data)


def run_filter_data(args: argparse.Namespace) -> int:
    """Split converted sentences into those two independent readers agree with and the disputed rest."""
    require_train("attribution filter-data", ("datasets",))
    from attribution.training.consensus import DISPUTED_SUFFIX, filter_dataset

    progress = _progress(args)
    started = time.perf_counter()
    summary = filter_dataset(args.dataset, args.model, args.out, splits=args.splits, min_prob=args.min_prob,
                             progress=progress)
    for split, labels in summary["splits"].items():
        for label, counts in labels.items():
            total = counts["kept"] + counts["disputed"]
            share = counts["kept"] / total if total else 0.0
            print(f"{split:6s} {label:24s} kept {counts['kept']:6d} / {total:6d} ({share:.1%}); "
                  f"the rest in {split}{DISPUTED_SUFFIX}")
    progress(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


def register_filter(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("filter-data", help="keep converted labels that independent readers agree with",
                              description=run_filter_data.__doc__ + " See training/consensus.py and docs/data.md.")
    p.add_argument("--dataset", default="data/prepared", help="prepared DatasetDict (default: data/prepared)")
    p.add_argument("--model", required=True,
                   help="reader model trained on spec labels only (training/configs/consensus_reader.json)")
    p.add_argument("--out", required=True, help="output folder for the filtered DatasetDict")
    p.add_argument("--splits", nargs="+", default=["train"], help="splits to filter (default: train)")
    p.add_argument("--min-prob", type=float, default=0.5,
                   help="least probability of the reader model's label (default: 0.5)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run_filter_data)

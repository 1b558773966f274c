"""The ``prepare-data`` subcommand: build the training DatasetDict from the shared corpora."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from attribution.corpora import DATA_DIR_ENV, resolve_data_dir


def run_prepare_data(args: argparse.Namespace) -> int:
    """Convert PolNeAR, the sourcing stories, the tracker snippets (and spec labels) to sentence labels."""
    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    from training.prepare import prepare

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

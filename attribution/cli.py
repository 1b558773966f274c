"""The ``attribution`` command: thin subcommands over the Python API.

Each subcommand is a parser plus a pure function taking the parsed arguments;
``main(argv)`` returns an exit code, so tests call it directly.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

from attribution.ingest import InputError, iter_documents
from attribution.pipeline import DEFAULT_MODEL, load
from attribution.write import FORMATS, RecordWriter
from eval.cli import register as register_evaluate
from training.cli import register as register_prepare_data
from training.train_cli import register as register_train

Registrar = Callable[[argparse._SubParsersAction], None]


def _progress(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def run_score(args: argparse.Namespace) -> int:
    """Score articles from files, directories or tables; write sentence and article records."""
    analyzer = load(args.model, data_dir=args.data_dir, batch_size=args.batch_size, quantize=args.quantize)
    documents = iter_documents(args.paths, id_column=args.id_column, text_column=args.text_column)
    ok = failed = sentences = 0
    started = time.perf_counter()
    articles_writer = RecordWriter(args.articles, args.format) if args.articles else None
    with RecordWriter(args.output, args.format) as out:
        if articles_writer:
            articles_writer.__enter__()
        try:
            for result in analyzer.analyze_many(documents):
                for record in result.sentence_records():
                    out.write(record)
                if articles_writer:
                    articles_writer.write(result.to_record())
                if result.ok:
                    ok += 1
                    sentences += len(result.sentences)
                else:
                    failed += 1
                    _progress(f"error: {result.doc_id}: {result.error}", args.quiet)
                done = ok + failed
                if done % args.progress_every == 0:
                    rate = done / max(time.perf_counter() - started, 1e-9)
                    _progress(f"… {done} articles ({rate:.1f}/s)", args.quiet)
        finally:
            if articles_writer:
                articles_writer.__exit__(None, None, None)
    elapsed = time.perf_counter() - started
    _progress(
        f"scored {ok} articles ({sentences} sentences) with model '{analyzer.model_name}' in {elapsed:.1f}s; "
        f"failed {failed}",
        args.quiet,
    )
    return 0


def _add_score(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="label every sentence of articles", description=run_score.__doc__)
    p.add_argument("paths", nargs="+", help=".txt files, directories (recursive), .jsonl/.csv/.parquet tables")
    p.add_argument("--model", default=None,
                   help=f"'{DEFAULT_MODEL}' (the shipped model, the default), 'rules' or a model directory")
    p.add_argument("--quantize", choices=("none", "int8"), default="none",
                   help="dynamic int8 quantization of a trained model's Linear layers (default: none)")
    p.add_argument("--output", "-o", help="sentence records file (default: stdout)")
    p.add_argument("--articles", help="also write one record per article here")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the file suffix, else jsonl)")
    p.add_argument("--id-column", default="id", help="id column of table inputs (default: id)")
    p.add_argument("--text-column", default="text", help="text column of table inputs (default: text)")
    p.add_argument("--data-dir", help="shared data directory, for the rules baseline's tracker phrases (optional)")
    p.add_argument("--batch-size", type=int, default=32, help="articles classified together (default: 32)")
    p.add_argument("--progress-every", type=int, default=100, help="report progress every N articles")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(func=run_score)


#: Subcommand registrars; later issues add prepare-data, train and evaluate here.
SUBCOMMANDS: list[Registrar] = [_add_score, register_prepare_data, register_train, register_evaluate]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attribution",
        description="Whose voice does each sentence of a news article carry? "
        "direct_fact / reported_claim / anonymous_source_quote.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in SUBCOMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except (InputError, FileNotFoundError, ValueError) as exc:
        print(f"attribution {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The ``attribution`` command: thin subcommands over the Python API.

Each subcommand is a parser plus a pure function taking the parsed arguments;
``main(argv)`` returns an exit code, so tests call it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from attribution.ingest import MAX_CHARS, Document, InputError, expand_paths, iter_documents
from attribution.interrupt import Interrupted, interruptible
from attribution.pipeline import DEFAULT_MODEL, DEFAULT_MODEL_DIR, WorkerDied, load
from attribution.progress import count_articles, quiet_model_loading
from attribution.resume import ResumeError
from attribution.run import Outputs, score_run
from attribution.summary import register as register_summarize
from attribution.write import FORMATS
from eval.cli import register as register_evaluate
from training.cli import register as register_prepare_data
from training.cli import register_filter as register_filter_data
from training.train_cli import register as register_train

Registrar = Callable[[argparse._SubParsersAction], None]


def _progress(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


#: ``--compile auto`` compiles windowed models when the inputs total more than this many bytes: compiling
#: costs one to two minutes and saved up to a sixth of the time in one benchmark run (none in another), so it
#: can only pay from roughly this size.
AUTO_COMPILE_BYTES = 20_000_000


def _should_compile(args: argparse.Namespace, paths: list[Path]) -> bool:
    if args.compile != "auto":
        return args.compile == "yes"
    if args.model == "rules":
        return False
    from attribution.model import saved_design

    model_dir = DEFAULT_MODEL_DIR if args.model in (None, DEFAULT_MODEL) else Path(args.model)
    if saved_design(model_dir) != "window":
        return False  # only the windowed design is compiled
    return sum(path.stat().st_size for path in paths) > AUTO_COMPILE_BYTES


def _documents(paths: list[Path], args: argparse.Namespace, skip: set[str], on_skip) -> Iterator[Document]:
    return iter_documents(paths, id_column=args.id_column, text_column=args.text_column,
                          html_column=args.html_column, max_chars=args.max_chars, skip=skip, on_skip=on_skip)


@interruptible  # Ctrl-C / SIGTERM: the outputs close whole, main() says so in one line and exits 130 / 143
def run_score(args: argparse.Namespace) -> int:
    """Score articles from files, directories or tables; write sentence and article records."""
    if args.summary_by and not args.summary:
        raise ValueError("--summary-by needs --summary DIR")
    paths = list(expand_paths(args.paths))  # a missing input stops the run before any output is opened
    compile_model = _should_compile(args, paths)
    if compile_model:
        _progress("compiling the model for a long run (a minute or two; --compile no to skip)", args.quiet)
    if args.model != "rules" and (args.quiet or not sys.stderr.isatty()):
        quiet_model_loading(warnings=not args.quiet)  # transformers' "Loading weights" bar
    analyzer = load(args.model, data_dir=args.data_dir, batch_size=args.batch_size, quantize=args.quantize,
                    workers=args.workers, compile=compile_model)
    documents = partial(_documents, paths, args)
    outputs = Outputs(
        sentences=Path(args.output) if args.output else None,
        articles=Path(args.articles) if args.articles else None,
        format=args.format,
        html=Path(args.html) if args.html else None,
        summary=Path(args.summary) if args.summary else None,
        summary_by=args.summary_by,
    )
    stats = score_run(analyzer, documents, outputs, resume=args.resume,
                      progress=lambda message: _progress(message, args.quiet), progress_every=args.progress_every,
                      total=None if args.quiet else count_articles(paths), bar=not args.quiet and sys.stderr.isatty())
    _progress(stats.line(analyzer.model_name), args.quiet)
    return 0


def _add_score(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="label every sentence of articles", description=run_score.__doc__)
    p.add_argument("paths", nargs="+",
                   help=".txt and .html files, directories (recursive), .jsonl/.csv/.parquet tables")
    p.add_argument("--model", default=None,
                   help=f"'{DEFAULT_MODEL}' (the shipped model, the default), 'rules' or a model directory")
    p.add_argument("--quantize", choices=("none", "int8"), default="none",
                   help="dynamic int8 quantization of a trained model's Linear layers (default: none)")
    p.add_argument("--compile", choices=("auto", "yes", "no"), default="auto",
                   help="torch.compile a windowed model: same labels, 0.96-1.17x the speed in two benchmark runs, "
                        "after a minute or two of compilation (needs a C compiler; falls back to uncompiled). "
                        f"auto (default): only when the inputs total more than {AUTO_COMPILE_BYTES // 1_000_000} MB")
    p.add_argument("--output", "-o", help="sentence records file (default: stdout)")
    p.add_argument("--articles", help="also write one record per article here")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the file suffix, else jsonl)")
    p.add_argument("--id-column", default="id", help="id column of table inputs (default: id)")
    p.add_argument("--text-column", default="text", help="text column of table inputs (default: text)")
    p.add_argument("--html-column", metavar="COLUMN",
                   help="read tables' article text from this column of scraped HTML (reduced to the article text)")
    p.add_argument("--max-chars", type=int, default=MAX_CHARS,
                   help=f"longest article analysed, in characters; longer ones get an error record "
                        f"(default: {MAX_CHARS:,})")
    p.add_argument("--data-dir", help="shared data directory, for the rules baseline's tracker phrases (optional)")
    p.add_argument("--html", metavar="DIR", help="also write a static HTML report (index + one page per article)")
    p.add_argument("--summary", metavar="DIR", help="also write the corpus summary (CSV + plots, see summarize)")
    p.add_argument("--summary-by", metavar="KEY", help="group the summary by this metadata key (see summarize)")
    p.add_argument("--resume", action="store_true",
                   help="continue a killed run: skip articles already finished in the JSONL outputs, append the rest")
    p.add_argument("--workers", type=int, default=0,
                   help="clean and segment in N worker processes while the model runs (default: 0, in-process)")
    p.add_argument("--batch-size", type=int, default=32, help="articles classified together (default: 32)")
    p.add_argument("--progress-every", type=int, default=100, help="report progress every N articles")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(func=run_score)


#: Subcommand registrars; later issues add prepare-data, train and evaluate here.
SUBCOMMANDS: list[Registrar] = [_add_score, register_prepare_data, register_filter_data, register_train,
                               register_evaluate, register_summarize]


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
    except (InputError, ResumeError, FileNotFoundError, ValueError) as exc:
        print(f"attribution {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except WorkerDied as exc:
        print(f"attribution {args.command}: error: {exc}; rerun with --resume to continue", file=sys.stderr)
        return 1
    except Interrupted as exc:  # one line, no traceback; 130 / 143 as a shell reports the signal
        print(f"attribution {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())

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

from attribution import stages
from attribution.annotate import register as register_annotate
from attribution.eval.cli import register as register_evaluate
from attribution.extras import MissingExtraError
from attribution.ingest import MAX_CHARS, Document, InputError, expand_paths, iter_documents
from attribution.interrupt import Interrupted, interruptible
from attribution.onnx_cli import register as register_export_onnx
from attribution.pipeline import BACKEND_CHOICES, DEFAULT_BACKEND, DEFAULT_MODEL, DEFAULT_MODEL_DIR, WorkerDied, load
from attribution.progress import count_articles, quiet_model_loading
from attribution.resume import ResumeError
from attribution.run import Outputs, check_inputs, check_outputs, own_outputs, score_run
from attribution.summary import at_least
from attribution.summary import register as register_summarize
from attribution.training.cli import register as register_prepare_data
from attribution.training.cli import register_filter as register_filter_data
from attribution.training.train_cli import register as register_train
from attribution.write import FORMATS

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
    return sum(path.stat().st_size for path in paths if path.is_file()) > AUTO_COMPILE_BYTES  # - (stdin): unknown


def _documents(paths: list[Path], args: argparse.Namespace, skip: set[str], on_skip) -> Iterator[Document]:
    return iter_documents(paths, id_column=args.id_column, text_column=args.text_column,
                          html_column=args.html_column, max_chars=args.max_chars, skip=skip, on_skip=on_skip)


def _outputs(args: argparse.Namespace) -> Outputs:
    return Outputs(
        sentences=Path(args.output) if args.output else None,
        articles=Path(args.articles) if args.articles else None,
        format=args.format,
        html=Path(args.html) if args.html else None,
        summary=Path(args.summary) if args.summary else None,
        summary_by=args.summary_by,
    )


def _input_files(args: argparse.Namespace, outputs: Outputs) -> list[Path]:
    """The input files, checked against the outputs before anything is opened: an input that is an output, or
    lies in the ``--html`` / ``--summary`` folder, is refused; a run's own output found in an input folder (say,
    ``--output corpus/out.jsonl`` with input ``corpus/``, read back on ``--resume``) is left out, with a note."""
    check_inputs(args.paths, outputs)
    output_of = own_outputs(outputs)
    files: list[Path] = []
    for raw in args.paths:  # a missing input stops the run before any output is opened
        in_folder = Path(raw).is_dir()
        left_out: dict[str, int] = {}
        for path in expand_paths([raw]):
            option = output_of(path) if in_folder else None
            if option is not None:
                left_out[option] = left_out.get(option, 0) + 1
                continue
            files.append(path)
        if left_out:
            n = sum(left_out.values())
            _progress(f"note: left {n} file{'s' if n != 1 else ''} out of input folder {raw}: this run's own "
                      f"{', '.join(left_out)} output{'s' if len(left_out) != 1 else ''}", args.quiet)
    return files


@interruptible  # Ctrl-C / SIGTERM: the outputs close whole, main() says so in one line and exits 130 / 143
def run_score(args: argparse.Namespace) -> int:
    """Score articles from files, directories or tables; write sentence and article records."""
    if args.summary_by and not args.summary:
        raise ValueError("--summary-by needs --summary DIR")
    outputs = _outputs(args)
    check_outputs(outputs, args.resume)  # every output location, before an input is read or the model loaded
    paths = _input_files(args, outputs)
    compile_model = _should_compile(args, paths)
    if compile_model:
        _progress("compiling the model for a long run (a minute or two; --compile no to skip)", args.quiet)
    if args.model != "rules" and (args.quiet or not sys.stderr.isatty()):
        quiet_model_loading(warnings=not args.quiet)  # transformers' "Loading weights" bar
    if args.engine == "ray":
        from attribution.ray_engine import RayAnalyzer, require_ray

        if args.workers:
            raise ValueError("--workers is for the local engine; with --engine ray, --actors sets the parallelism")
        if args.detector or args.backend != DEFAULT_BACKEND:
            raise ValueError("--detector and --backend are for the local engine (Ray actors use the defaults)")
        require_ray()  # without the [ray] extra: one line, exit 2
        _progress(f"starting Ray ({'cluster at ' + args.address if args.address else 'a local cluster'})",
                  args.quiet)
        analyzer = RayAnalyzer(args.model, actors=args.actors, batch_size=args.batch_size, quantize=args.quantize,
                               data_dir=args.data_dir, compile=compile_model, address=args.address,
                               quiet=args.quiet)
    else:
        if args.address or args.actors:
            raise ValueError("--address and --actors need --engine ray")
        analyzer = load(args.model, data_dir=args.data_dir, batch_size=args.batch_size, quantize=args.quantize,
                        workers=args.workers, compile=compile_model, backend=args.backend)
        if args.detector:
            analyzer.replace_stage("clean", stages.clean_with_detector)
    documents = partial(_documents, paths, args)
    try:
        stats = score_run(analyzer, documents, outputs, resume=args.resume,
                          progress=lambda message: _progress(message, args.quiet), progress_every=args.progress_every,
                          total=None if args.quiet else count_articles(paths),
                          bar=not args.quiet and sys.stderr.isatty())
    finally:
        if args.engine == "ray":
            analyzer.close()
    _progress(stats.line(analyzer.model_name), args.quiet)
    if stats.ok == 0 and stats.skipped == 0:
        why = f"{stats.failed} failed, see the error records" if stats.failed else "no input article was found"
        print(f"attribution score: no article was scored ({why})", file=sys.stderr)
        return 1
    return 0


#: The ``score`` command's exit statuses (its help epilog; the README lists them too).
SCORE_EXIT_CODES = """\
exit status:
  0  articles were scored (inputs that failed have error records), or a resumed run found all finished
  1  no article was scored: every input failed (empty, binary, too long...) or there was none; or an
     output could not be written mid-run (a full disk): the outputs hold the articles finished before
  2  refused before anything was written: a bad argument, a missing input, an output location that
     cannot be written, an output that is an input or another output, outputs that cannot be resumed
  1  also: a worker process died (killed, out of memory); the finished articles stay, --resume continues
  130, 143  interrupted by Ctrl-C (SIGINT) or SIGTERM: the finished articles are written whole (HTML index
     included); rerun with --resume to continue
"""


def _add_score(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="label every sentence of articles", description=run_score.__doc__,
                              epilog=SCORE_EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+",
                   help=".txt and .html files, directories (recursive), .jsonl/.csv/.parquet tables; - reads standard "
                        "input (JSONL rows if every line is a JSON object, else one text with id stdin)")
    p.add_argument("--model", default=None,
                   help=f"'{DEFAULT_MODEL}' (the shipped model, the default), 'rules' or a model directory")
    p.add_argument("--quantize", choices=("none", "int8"), default="none",
                   help="dynamic int8 quantization of a trained model's Linear layers (with --backend onnx: the "
                        "int8 ONNX graph) (default: none)")
    p.add_argument("--backend", choices=BACKEND_CHOICES, default=DEFAULT_BACKEND,
                   help="run a pair model (the default model is one) on torch, or on onnx: ONNX Runtime, from "
                        "pip install 'attribution[onnx]', its graph built on first use and cached (see attribution "
                        "export-onnx); auto: onnx where installed, else torch. A missing or broken onnx backend "
                        f"falls back to torch with a warning (default: {DEFAULT_BACKEND})")
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
    p.add_argument("--max-chars", type=at_least(1), default=MAX_CHARS,
                   help=f"longest article analysed, in characters; longer ones get an error record "
                        f"(default: {MAX_CHARS:,})")
    p.add_argument("--data-dir", help="shared data directory, for the rules baseline's tracker phrases (optional)")
    p.add_argument("--detector", action="store_true",
                   help="also remove the lines the learned boilerplate detector finds (opt-in: it removes some content "
                        "on pages unlike its training pages; every removal is reported)")
    p.add_argument("--html", metavar="DIR", help="also write a static HTML report (index + one page per article)")
    p.add_argument("--summary", metavar="DIR", help="also write the corpus summary (CSV + plots, see summarize)")
    p.add_argument("--summary-by", metavar="KEY", help="group the summary by this metadata key (see summarize)")
    p.add_argument("--resume", action="store_true",
                   help="continue a killed run: skip articles already finished in the JSONL outputs, append the rest")
    p.add_argument("--workers", type=at_least(0), default=0,
                   help="clean and segment in N worker processes while the model runs (default: 0, in-process)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local (default): score in this process; ray: on Ray actors, one model each, with the same "
                        "outputs record for record (needs pip install 'attribution[ray]')")
    p.add_argument("--address", help="with --engine ray: the Ray cluster to use (default: start a local one with "
                                     "every core)")
    p.add_argument("--actors", type=at_least(1), default=None,
                   help="with --engine ray: scoring actors, each holding one model (default: the cluster's CPUs)")
    p.add_argument("--batch-size", type=at_least(1), default=32, help="articles classified together (default: 32)")
    p.add_argument("--progress-every", type=at_least(1), default=100, help="report progress every N articles")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(func=run_score)


#: Subcommand registrars; later issues add prepare-data, train and evaluate here.
SUBCOMMANDS: list[Registrar] = [_add_score, register_prepare_data, register_filter_data, register_train,
                               register_evaluate, register_summarize, register_annotate, register_export_onnx]


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
    except (InputError, ResumeError, FileNotFoundError, ValueError, MissingExtraError) as exc:
        print(f"attribution {args.command}: error: {_message(exc)}", file=sys.stderr)
        return 2
    except WorkerDied as exc:
        print(f"attribution {args.command}: error: {exc}; rerun with --resume to continue", file=sys.stderr)
        return 1
    except Interrupted as exc:  # one line, no traceback; 130 / 143 as a shell reports the signal
        print(f"attribution {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a write failed mid-run (a full disk): one line, not a traceback
        print(f"attribution {args.command}: error: {_message(exc)}", file=sys.stderr)
        return 1


def _message(exc: Exception) -> str:
    """``<path>: <problem>`` for an OSError naming a file, else the exception's text."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())

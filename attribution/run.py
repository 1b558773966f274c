"""A scoring run: documents through an analyzer into output files, with progress and resume.

What ``attribution score`` does once its arguments are parsed. Each finished
article is written whole to every output (sentence records, article record,
HTML page) before the next one, so a kill loses at most the article in hand and
``resume=True`` continues where the run stopped.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType

from attribution.ingest import Document
from attribution.interrupt import Interrupted, deferred
from attribution.pipeline import Analyzer
from attribution.progress import Progress
from attribution.resume import check_resumable, prepare_resume
from attribution.write import (
    OutputError,
    RecordWriter,
    check_output_file,
    check_output_folder,
    infer_format,
)


@dataclass
class RunStats:
    """What a run did: articles scored and failed, sentences written, articles skipped as already done."""

    ok: int = 0
    failed: int = 0
    sentences: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def line(self, model: str) -> str:
        rate = self.sentences / self.seconds if self.seconds else 0.0
        skipped = f"; skipped {self.skipped} already in the output" if self.skipped else ""
        return (f"scored {self.ok} articles ({self.sentences} sentences, {rate:.0f} sentences/s) with model "
                f"'{model}' in {self.seconds:.1f}s; failed {self.failed}{skipped}")


@dataclass
class Outputs:
    """Where a run writes: sentence records (``None``: stdout), article records, HTML report, summary."""

    sentences: Path | None = None
    articles: Path | None = None
    format: str | None = None
    html: Path | None = None
    summary: Path | None = None
    summary_by: str | None = None

    def files(self) -> list[tuple[str, Path]]:
        """Every file the run writes, with the option it comes from (HTML pages: see :meth:`folders`)."""
        from attribution.html_report import REPORT_FILES
        from attribution.summary import SUMMARY_FILES

        named = [("--output", self.sentences), ("--articles", self.articles)]
        named += [("--html", self.html / name) for name in REPORT_FILES] if self.html is not None else []
        named += [("--summary", self.summary / name) for name in SUMMARY_FILES] if self.summary is not None else []
        return [(option, path) for option, path in named if path is not None]

    def folders(self) -> list[tuple[str, Path]]:
        """The folders the run writes into (``--html``, ``--summary``), with their options."""
        named = [("--html", self.html), ("--summary", self.summary)]
        return [(option, path) for option, path in named if path is not None]


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))  # symbolic links followed, ".." resolved, whether or not it exists


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: one resolved path, or one inode (a hard link)."""
    if _resolved(a) == _resolved(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (links resolved)."""
    return _resolved(path).is_relative_to(_resolved(folder))


def check_output_locations(outputs: Outputs) -> None:
    """Refuse, before anything is opened, outputs that are one file, and output locations that cannot be written:
    an output file that is a folder or not writable, a parent that is a file, a report or summary folder that is a
    file (:class:`attribution.write.OutputError`, message ``<path>: <problem>``)."""
    from attribution.html_report import REPORT_FILES, REPORT_FOLDERS
    from attribution.summary import SUMMARY_FILES

    files = outputs.files()
    for i, (option_a, a) in enumerate(files):
        for option_b, b in files[i + 1 :]:
            if same_file(a, b):
                raise OutputError(f"{a}: {option_a} and {option_b} would both write this file; give them different "
                                  "paths")
    records = [(option, path) for option, path in files if option in ("--output", "--articles")]
    if outputs.html is not None:
        pages = outputs.html / "articles"
        for option, path in records:
            if _inside(path, pages):
                raise OutputError(f"{path}: {option} lies in the HTML report's page folder {pages}, where pages are "
                                  "written; put it elsewhere")
    for _, path in records:
        check_output_file(path)
    if outputs.html is not None:
        check_output_folder(outputs.html, files=REPORT_FILES, folders=REPORT_FOLDERS)
    if outputs.summary is not None:
        check_output_folder(outputs.summary, files=SUMMARY_FILES)


def check_inputs(inputs: Iterable[str | Path], outputs: Outputs) -> None:
    """Refuse inputs the run would overwrite: an input file that is one of the outputs (links and hard links
    included), or an input file or folder inside the ``--html`` / ``--summary`` folder."""
    files, folders = outputs.files(), outputs.folders()
    for raw in inputs:
        path = Path(raw)
        for option, folder in folders:
            if _inside(path, folder):
                raise OutputError(f"{path}: input lies in the {option} folder {folder}, which this run writes; "
                                  "use another folder")
        if path.is_dir():
            continue
        for option, output in files:
            if same_file(path, output):
                raise OutputError(f"{path}: is an input and also the {option} file, which would overwrite it")


def own_outputs(outputs: Outputs) -> Callable[[Path], str | None]:
    """A test of a path: the option whose output it is (a file the run writes, by resolved path or inode, or a file
    inside its folder), else ``None``. Used to leave a run's own outputs out of the files found in an input folder;
    the outputs are resolved once, so a folder of many files costs one ``realpath`` and one ``stat`` a file."""
    files = [(option, _resolved(path)) for option, path in outputs.files()]
    inodes = {}
    for option, path in outputs.files():
        with contextlib.suppress(OSError):
            stat = path.stat()
            inodes[stat.st_dev, stat.st_ino] = option
    folders = [(option, _resolved(folder)) for option, folder in outputs.folders()]

    def output_of(path: Path) -> str | None:
        resolved = _resolved(path)
        for option, output in files:
            if resolved == output:
                return option
        for option, folder in folders:
            if resolved.is_relative_to(folder):
                return option
        if inodes:
            with contextlib.suppress(OSError):
                stat = path.stat()
                return inodes.get((stat.st_dev, stat.st_ino))
        return None

    return output_of


def check_outputs(outputs: Outputs, resume: bool) -> None:
    """Refuse conflicting or unusable output settings before any file is opened or cut."""
    if resume:  # the outputs' own resumability is checked by prepare_resume before it cuts anything
        if outputs.summary is not None and outputs.articles is None:
            raise ValueError("--resume with --summary needs --articles: the summary of a resumed run is read back "
                             "from the article records, so that it covers the articles of the earlier run too")
        check_resumable(outputs.sentences, outputs.articles, outputs.format)
    if outputs.summary is not None and outputs.articles is not None:
        written, read = infer_format(outputs.articles, outputs.format), infer_format(outputs.articles, None)
        if written != read:
            raise ValueError(f"--summary reads {outputs.articles.name} back by its suffix ({read}), but it would be "
                             f"written as {written}: give the articles file a .{written} suffix")
    RecordWriter(outputs.sentences, outputs.format)  # refuses a bad format (or parquet on stdout); opens nothing
    if outputs.articles is not None:
        RecordWriter(outputs.articles, outputs.format)
    check_output_locations(outputs)


#: Opens the input with the ids to skip (a resumed run's finished articles) and a callback for each skipped id,
#: so that finished articles are passed over before they are read (see ``attribution.ingest.iter_documents``).
DocumentSource = Callable[[set[str], Callable[[str], None]], Iterable[Document]]


def score_run(
    analyzer: Analyzer,
    documents: DocumentSource,
    outputs: Outputs,
    *,
    resume: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    progress_every: int = 100,
    total: int | None = None,
    bar: bool = False,
) -> RunStats:
    """Score ``documents`` into ``outputs``; with ``resume``, skip articles the outputs already hold.

    ``documents`` opens the input (:data:`DocumentSource`), so that finished articles are skipped unread.
    Progress goes to ``progress`` every ``progress_every`` articles, or to a live bar on stderr with ``bar``;
    ``total`` is the number of input articles where known (see :mod:`attribution.progress`). Each article is
    written to every output within :func:`~attribution.interrupt.deferred`, so a Ctrl-C or SIGTERM
    (:class:`~attribution.interrupt.Interrupted`, which then carries the number of finished articles) leaves
    whole articles only, and the outputs are closed (the HTML index written) on the way out.
    """
    stats = RunStats()
    check_outputs(outputs, resume)
    if progress_every < 1:
        raise ValueError(f"progress_every must be at least 1, got {progress_every}")
    done: set[str] | None = None
    if resume:
        articles_existed = outputs.articles is not None and outputs.articles.exists()
        done = prepare_resume(outputs.sentences, outputs.articles, outputs.format)
        if done:
            progress(f"resuming: {len(done)} articles already finished in the output are skipped")
            if outputs.articles is not None and not articles_existed:
                progress(f"note: {outputs.articles} did not exist, so those {len(done)} articles have no article "
                         "records in it")
    started = time.perf_counter()
    summary = None
    if outputs.summary is not None and outputs.articles is None:
        from attribution.summary import SummaryBuilder

        summary = SummaryBuilder(outputs.summary_by)
    with ExitStack() as stack:
        with deferred():  # outputs are opened whole, so that they all close (the HTML index written) if interrupted
            stack.push(partial(_count_finished, stats))
            sentence_out = stack.enter_context(RecordWriter(outputs.sentences, outputs.format, append=resume))
            article_out = (stack.enter_context(RecordWriter(outputs.articles, outputs.format, append=resume))
                           if outputs.articles else None)
            html = None
            if outputs.html is not None:
                from attribution.html_report import HtmlReport

                html = stack.enter_context(HtmlReport(outputs.html, model_name=analyzer.model_name, done=done))
            tracker = stack.enter_context(Progress(progress, total=total, every=progress_every, bar=bar))

        def count_skip(_: str) -> None:
            stats.skipped += 1
            tracker.skipped()

        for result in analyzer.analyze_many(documents(done or set(), count_skip)):
            with deferred():  # a Ctrl-C here waits for the article to be in every output
                # Article record last: it is what marks the article finished for --resume.
                sentence_out.write_many(result.sentence_records())
                if html is not None:
                    html.add(result)
                record = result.to_record()
                if article_out is not None:
                    article_out.write_many([record])
                if summary is not None:
                    summary.add(record)
                if result.ok:
                    stats.ok += 1
                    stats.sentences += len(result.sentences)
                else:
                    stats.failed += 1
                    tracker.message(f"error: {result.doc_id}: {result.error}")
                tracker.advance(len(result.sentences) if result.ok else 0)
    stats.seconds = time.perf_counter() - started
    if outputs.summary is not None:
        if summary is None:  # read the whole articles file back: a resumed run's summary covers every article
            from attribution.summary import SummaryBuilder, read_article_records

            summary = SummaryBuilder(outputs.summary_by)
            for record in read_article_records(outputs.articles):
                summary.add(record)
        summary.write(outputs.summary)
        progress(f"summary written to {outputs.summary}")
    return stats


def _count_finished(stats: RunStats, exc_type: type[BaseException] | None, exc: BaseException | None,
                    tb: TracebackType | None) -> bool:
    """Exit callback of a run's outputs: an interruption says how many articles were finished before it."""
    if isinstance(exc, Interrupted):
        exc.finished = stats.ok + stats.failed
    return False

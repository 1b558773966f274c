"""Progress of a scoring run on stderr: a live bar on a terminal, plain lines in a log.

On a terminal (``bar=True``) a tqdm bar shows articles done of the total, the rate, the time left and the
sentences written, updated as each article is finished (at most twice a second). Elsewhere (stderr redirected
to a file or a pipe) a bar would fill the log with carriage returns, so a plain line is printed every
``every`` articles instead, with the total and the time left where the total is known.

The total is counted before the run (:func:`count_articles`): one article per text or HTML file, one per row
of a table: Parquet from its metadata, JSONL by its non-blank lines, CSV by parsing its records (quoted cells may
span lines). That costs one extra read of the JSONL and CSV inputs, at disk speed, against minutes of
scoring. Articles a resumed run skips come off the total.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from attribution.ingest import TABLE_SUFFIXES, StdinPath
from attribution.tables import open_text


def count_articles(paths: Iterable[Path]) -> int | None:
    """How many articles ``paths`` (as :func:`attribution.ingest.expand_paths` lists them) hold; ``None`` where
    that is not known (standard input, a file that cannot be read)."""
    total = 0
    for path in paths:
        try:
            if isinstance(path, StdinPath) or not path.is_file():
                return None
            total += _rows(path) if path.suffix.lower() in TABLE_SUFFIXES else 1
        except Exception:  # noqa: BLE001 - an unreadable table gets its error record later; its size is not known
            return None
    return total


def _rows(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # article texts exceed the default 128 KB
    with path.open("rb") as handle:  # decoded as the reader decodes it: UTF-8, or UTF-16/32 by the BOM
        text, _ = open_text(handle, newline="\n" if suffix == ".jsonl" else "")  # the newlines the readers use
        if suffix == ".jsonl":
            return sum(1 for line in text if line.strip())
        return max(sum(1 for _ in csv.reader(text)) - 1, 0)  # less the header


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class Progress:
    """Counts a run's finished articles and shows them: a tqdm bar (``bar=True``) or a line every ``every``
    articles through ``emit``. :meth:`message` prints other lines (errors, notes) without breaking the bar."""

    def __init__(self, emit: Callable[[str], None], *, total: int | None = None, every: int = 100,
                 bar: bool = False, stream: Any = None):
        if every < 1:
            raise ValueError(f"progress_every must be at least 1, got {every}")
        self.emit = emit
        self.total = total
        self.every = every
        self.done = 0
        self.sentences = 0
        self.started = time.perf_counter()
        self._bar = None
        if bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="scoring", unit=" articles", file=stream or sys.stderr,
                             dynamic_ncols=True, mininterval=0.5, smoothing=0.1, leave=True)

    def message(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=self._bar.fp)
        else:
            self.emit(text)

    def skipped(self) -> None:
        """An article of the total is passed over (already finished in a resumed run's outputs)."""
        if self.total is not None:
            self.total -= 1
            if self._bar is not None:
                self._bar.total = self.total

    def advance(self, sentences: int) -> None:
        """One more article finished, with this many sentences."""
        self.done += 1
        self.sentences += sentences
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.sentences} sentences", refresh=False)
            self._bar.update(1)
        elif self.done % self.every == 0:
            self.emit(self._line())

    def _line(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = self.done / elapsed
        of = f"/{self.total}" if self.total is not None else ""
        left = ""
        if self.total is not None and self.total >= self.done:
            left = f", about {_duration((self.total - self.done) / rate)} left"
        return (f"… {self.done}{of} articles, {self.sentences} sentences ({rate:.1f} articles/s, "
                f"{self.sentences / elapsed:.0f} sentences/s{left})")

    def close(self, complete: bool = False) -> None:
        """End the bar; ``complete``: the run read all its input, so the bar ends full even where the counted
        total was off (a table that turned out unreadable gives one error record, not its rows)."""
        if self._bar is not None:
            if complete and self._bar.total != self._bar.n:
                self._bar.total = self._bar.n
                self._bar.refresh()
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(complete=exc_type is None)


def quiet_model_loading(warnings: bool = False) -> None:
    """Hide transformers' "Loading weights" bar (``--quiet``, or stderr not a terminal, where it would leave
    carriage returns in the log); ``warnings=False`` silences its warnings too (``--quiet``)."""
    from transformers.utils import logging

    logging.disable_progress_bar()
    if not warnings:
        logging.set_verbosity_error()

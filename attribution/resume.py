"""Resuming a killed scoring run from its JSONL outputs.

Records are appended whole, one article at a time (all of an article's sentence
records, then its article record), so a kill leaves at most one article partly
written and at most one truncated last line. Resuming cuts each output back to
the articles known to be finished and returns their ids, so the rerun skips them
and appends the rest; the final files equal an uninterrupted run's.

An article is finished when its article record is in the ``--articles`` file
(error articles included). Without one (or when it does not exist yet), every
article in the sentence file but the last is finished: the last may be cut
short, so it is scored again, and so are articles that ended in an error, which
leave no sentence records. The files are scanned line by line: memory grows with
the number of articles, not sentences.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from attribution.write import infer_format


class ResumeError(ValueError):
    """The outputs cannot be resumed (not JSONL, or not records of this tool)."""


def _records(path: Path) -> Iterator[tuple[int, str]]:
    """``(end offset, doc_id)`` of each whole JSONL record; a truncated last line ends the scan."""
    offset = 0
    with path.open("rb") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.endswith(b"\n"):
                return  # cut off mid-record by a kill
            offset += len(line)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResumeError(f"{path}: line {n} is not a JSON record ({exc.msg}); cannot resume") from exc
            if not isinstance(record, dict) or "doc_id" not in record:
                raise ResumeError(f"{path}: line {n} is not an attribution record (no doc_id); cannot resume")
            yield offset, str(record["doc_id"])


def _truncate(path: Path, size: int) -> None:
    if path.stat().st_size != size:
        with path.open("r+b") as handle:
            handle.truncate(size)


def check_resumable(sentences: Path | None, articles: Path | None, fmt: str | None) -> None:
    """Refuse, before anything is touched, outputs that cannot be resumed."""
    if sentences is None:
        raise ResumeError("--resume needs the sentence records in a file (--output FILE), not on stdout")
    for path in (sentences, articles):
        if path is not None and infer_format(path, fmt) != "jsonl":
            raise ResumeError(f"--resume needs JSONL outputs; {path.name} would be written as "
                              f"{infer_format(path, fmt)}")


def prepare_resume(sentences: Path | None, articles: Path | None, fmt: str | None = None) -> set[str]:
    """Cut the outputs back to finished articles; return the ids of those articles."""
    check_resumable(sentences, articles, fmt)
    assert sentences is not None
    if articles is not None and articles.exists():
        done: set[str] = set()
        kept = 0
        for end, doc_id in _records(articles):
            done.add(doc_id)
            kept = end
        _truncate(articles, kept)
        if sentences.exists():
            keep = 0
            for end, doc_id in _records(sentences):
                if doc_id not in done:
                    break
                keep = end
            _truncate(sentences, keep)
        return done
    if not sentences.exists():
        return set()
    done = set()
    keep = block_end = 0
    current = None
    for end, doc_id in _records(sentences):
        if doc_id != current:  # a new article starts: the previous one is complete
            if current is not None:
                done.add(current)
                keep = block_end
            current = doc_id
        block_end = end
    _truncate(sentences, keep)  # the last article in the file is redone
    return done

"""Resuming a killed scoring run from its JSONL outputs.

Records are appended whole, one article at a time (all of an article's sentence
records, then its article record), so a kill leaves at most one article partly
written and at most one truncated last line. Resuming cuts each output back to
the articles known to be finished and returns their ids, so the rerun skips them
and appends the rest; the final files equal an uninterrupted run's.

An article is finished when its article record is in the ``--articles`` file.
Without one, every article in the sentence file but the last is finished (the
last may be cut short, so it is scored again). Articles that ended in an error
leave no sentence records and are simply scored again.
"""

from __future__ import annotations

import json
from pathlib import Path


class ResumeError(ValueError):
    """The outputs cannot be resumed (not JSONL, or not records of this tool)."""


def _complete_lines(path: Path) -> list[tuple[int, str]]:
    """``(end offset, doc_id)`` of each whole JSONL record; a truncated last line is left out."""
    rows: list[tuple[int, str]] = []
    offset = 0
    with path.open("rb") as handle:
        for n, line in enumerate(handle, start=1):
            offset += len(line)
            if not line.endswith(b"\n"):
                break  # cut off mid-record by a kill
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResumeError(f"{path}: line {n} is not a JSON record ({exc.msg}); cannot resume") from exc
            if not isinstance(record, dict) or "doc_id" not in record:
                raise ResumeError(f"{path}: line {n} is not an attribution record (no doc_id); cannot resume")
            rows.append((offset, str(record["doc_id"])))
    return rows


def _truncate(path: Path, size: int) -> None:
    if path.stat().st_size != size:
        with path.open("r+b") as handle:
            handle.truncate(size)


def prepare_resume(sentences: Path | None, articles: Path | None) -> set[str]:
    """Cut the outputs back to finished articles; return the ids of those articles."""
    for path in (sentences, articles):
        if path is not None and path.suffix.lower() not in (".jsonl", ""):
            raise ResumeError(f"--resume needs JSONL outputs; {path.name} is not .jsonl")
    if sentences is None:
        raise ResumeError("--resume needs the sentence records in a file (--output FILE), not on stdout")
    done: set[str] = set()
    if articles is not None and articles.exists():
        rows = _complete_lines(articles)
        _truncate(articles, rows[-1][0] if rows else 0)
        done = {doc_id for _, doc_id in rows}
    if not sentences.exists():
        return done
    rows = _complete_lines(sentences)
    keep = 0
    if articles is not None:
        for end, doc_id in rows:
            if doc_id not in done:
                break
            keep = end
    else:
        last = rows[-1][1] if rows else None
        for end, doc_id in rows:
            if doc_id == last:
                break
            keep = end
            done.add(doc_id)
    _truncate(sentences, keep)
    return done

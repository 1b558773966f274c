"""Progress on stderr: a live bar with total, rate and time left on a terminal, plain lines in a log, and nothing
at all with --quiet."""

import fcntl
import io
import json
import os
import re
import struct
import subprocess
import sys
import termios

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from attribution.cli import main
from attribution.progress import Progress, count_articles

ARTICLE = "Report {n}\n\nThe agency published report {n} on Tuesday. Officials said the findings were preliminary.\n"


def _write_jsonl(path, n):
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": ARTICLE.format(n=i)}) + "\n" for i in range(n)))


def test_count_articles_counts_files_and_table_rows(tmp_path):
    (tmp_path / "a.txt").write_text("One article.")
    (tmp_path / "b.html").write_text("<p>Another.</p>")
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"id": 1, "text": "x"}\n\n  \n{"id": 2, "text": "y"}\n{"id": 3}')  # blank lines are no rows
    csv = tmp_path / "t.csv"
    csv.write_text('id,text\n1,"a cell\nover two lines"\n2,plain\n' + f'3,"{"long " * 40_000}"\n')  # 200 KB cell
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": list("abcde"), "text": ["t"] * 5}), parquet)
    paths = [tmp_path / "a.txt", tmp_path / "b.html", jsonl, csv, parquet]
    assert count_articles(paths) == 2 + 3 + 3 + 5
    assert count_articles([jsonl, tmp_path / "missing.jsonl"]) is None  # not known: no total, the bar still runs


def test_count_articles_decodes_tables_as_the_readers_do(tmp_path):
    # UTF-16 tables (decoded by their byte-order mark): counted in characters, not bytes, so a BOM, the
    # zero bytes of each newline and a line break inside a quoted cell give the same count the reader scores
    jsonl = tmp_path / "t16.jsonl"
    jsonl.write_bytes('{"id": 1, "text": "x"}\n\n{"id": 2, "text": "y"}\n'.encode("utf-16"))
    table = tmp_path / "t16.csv"
    table.write_bytes('id,text\n1,"über\r\nzwei Zeilen"\n2,plain\n'.encode("utf-16"))
    assert count_articles([jsonl]) == 2
    assert count_articles([table]) == 2
    from attribution.ingest import iter_documents

    assert len(list(iter_documents([jsonl, table]))) == count_articles([jsonl, table])


def test_without_a_terminal_progress_is_plain_lines_with_total_and_time_left(tmp_path, capsys):
    inputs, out = tmp_path / "in.jsonl", tmp_path / "s.jsonl"
    _write_jsonl(inputs, 12)
    assert main(["score", "--model", "rules", str(inputs), "-o", str(out), "--progress-every", "5"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err  # a log file gets lines, not a redrawn bar
    lines = err.splitlines()
    assert [line.split(" articles,")[0] for line in lines[:2]] == ["… 5/12", "… 10/12"]
    assert all(re.search(r"articles/s, \d+ sentences/s, about \d+m\d\ds left\)$", line) for line in lines[:2])
    assert lines[2].startswith("scored 12 articles") and len(lines) == 3  # the final summary line stays


def test_resumed_run_counts_only_the_articles_left(tmp_path, capsys):
    inputs, s, a = tmp_path / "in.jsonl", tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    _write_jsonl(inputs, 12)
    args = ["score", "--model", "rules", str(inputs), "-o", str(s), "--articles", str(a), "--progress-every", "4"]
    assert main([*args, "-q"]) == 0
    a.write_text("".join(a.read_text().splitlines(True)[:4]))  # as if killed after four articles
    capsys.readouterr()
    assert main([*args, "--resume"]) == 0
    progress = [line for line in capsys.readouterr().err.splitlines() if line.startswith("…")]
    assert [line.split(" articles,")[0] for line in progress] == ["… 4/8", "… 8/8"]


def test_bar_messages_do_not_break_the_bar():
    stream, emitted = io.StringIO(), []
    with Progress(emitted.append, total=3, bar=True, stream=stream) as progress:
        progress.advance(2)
        progress.message("error: r1: empty input: no text")
        progress.advance(0)
        progress.advance(5)
    text = stream.getvalue()
    assert emitted == []  # messages go through the bar, which redraws itself below them
    assert "error: r1: empty input: no text\n" in text
    assert "3/3" in text and "7 sentences" in text


def _on_a_terminal(*args):
    """Run ``attribution ARGS`` with stderr on a pseudo-terminal of 120 columns; what it showed there."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "attribution.cli", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8")


def test_on_a_terminal_a_bar_shows_total_rate_and_time_left(tmp_path):
    inputs = tmp_path / "in.jsonl"
    _write_jsonl(inputs, 30)
    shown = _on_a_terminal("score", "--model", "rules", str(inputs), "-o", str(tmp_path / "s.jsonl"),
                           "--batch-size", "2", "--progress-every", "5")
    assert "\r" in shown  # redrawn in place
    assert "…" not in shown  # no plain lines under the bar
    assert re.search(r"\| 30/30 \[\d\d:\d\d<\d\d:\d\d, +[\d.]+ articles/s, 90 sentences\]\r\n", shown), shown
    assert shown.splitlines()[-1].startswith("scored 30 articles")  # the summary line stays, below the bar
    assert _on_a_terminal("score", "--model", "rules", str(inputs), "-o", str(tmp_path / "q.jsonl"), "-q") == ""


@pytest.mark.slow
def test_quiet_silences_the_default_models_weight_loading_bar(tmp_path):
    article = tmp_path / "one.txt"
    article.write_text(ARTICLE.format(n=1))
    assert _on_a_terminal("score", str(article), "-o", str(tmp_path / "s.jsonl"), "-q") == ""

"""Outputs never destroy inputs or each other, bad arguments touch no file, and every failure is one line.

Covers issue 14, items 2, 3, 6, 8, 9 (exit codes), 10 and 11: outputs that are inputs or one another are refused,
a run's own outputs in an input folder are left out, every argument and output location is checked before a file
is opened, report and summary files are replaced whole and never through a planted symbolic link, CSV cells a
spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import attribution.html_report as html_report
from attribution.cli import SCORE_EXIT_CODES, build_parser, main
from attribution.write import csv_safe

TEXT = "The agency said it would appeal. Officials said the ruling was flawed.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.txt").write_text(TEXT, encoding="utf-8")
    (folder / "two.txt").write_text("Rain fell on Monday. The mayor said roads would reopen.\n", encoding="utf-8")
    return folder


def _rc(argv: list[str]) -> int:
    """``main``'s exit code, also where argparse refuses an argument (it exits)."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code)


def _score(*args: object) -> int:
    return _rc(["score", "--model", "rules", "-q", *map(str, args)])


def _snapshot(*paths: Path) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


def _one_error_line(err: str, *names: object) -> str:
    """The run's stderr is one ``attribution <cmd>: error: ...`` line (after argparse's usage, if any)."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1, err
    for name in names:
        assert str(name) in errors[0], errors[0]
    return errors[0]


# --- outputs that are inputs, or one another (item 2) -----------------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--articles"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(corpus, tmp_path, capsys, option):
    source = corpus / "one.txt"
    link, hard = tmp_path / "link.txt", tmp_path / "hard.txt"
    link.symlink_to(source)
    os.link(source, hard)
    before = _snapshot(source)
    for target in (source, link, hard):  # the same file by its path, through a symbolic link, by a hard link
        other = ["--output", tmp_path / "s.jsonl"] if option == "--articles" else []
        assert _score(source, option, target, *other) == 2
        _one_error_line(capsys.readouterr().err, source)
    assert _snapshot(source) == before
    assert not (tmp_path / "s.jsonl").exists()


def test_two_outputs_naming_one_file_are_refused(corpus, tmp_path, capsys):
    s = tmp_path / "s.jsonl"
    s.write_text('{"doc_id": "keep"}\n')
    link = tmp_path / "also.jsonl"
    link.symlink_to(s)
    before = _snapshot(s)
    cases = [
        ["--output", s, "--articles", s],
        ["--output", s, "--articles", link],
        ["--output", tmp_path / "sum" / "groups.csv", "--summary", tmp_path / "sum"],
        ["--output", s, "--articles", tmp_path / "rep" / "index.html", "--html", tmp_path / "rep"],
        ["--output", tmp_path / "rep" / "articles" / "0001-one.html", "--html", tmp_path / "rep"],
    ]
    for case in cases:
        assert _score(corpus / "one.txt", *case) == 2
        _one_error_line(capsys.readouterr().err)
    assert _snapshot(s) == before
    assert not (tmp_path / "sum").exists() and not (tmp_path / "rep").exists()


def test_a_report_or_summary_folder_holding_an_input_is_refused(corpus, tmp_path, capsys):
    before = _snapshot(corpus / "one.txt", corpus / "two.txt")
    for option in ("--html", "--summary"):
        for inputs in ([corpus], [corpus / "one.txt"]):
            assert _score(*inputs, "-o", tmp_path / "s.jsonl", option, corpus) == 2
            _one_error_line(capsys.readouterr().err, option)
    assert _snapshot(corpus / "one.txt", corpus / "two.txt") == before
    assert sorted(p.name for p in corpus.iterdir()) == ["one.txt", "two.txt"]


def test_outputs_inside_an_input_folder_are_left_out_and_resume_does_not_grow(corpus, capsys):
    s, a, rep, summary = corpus / "s.jsonl", corpus / "a.jsonl", corpus / "rep", corpus / "sum"
    args = [corpus, "-o", s, "--articles", a, "--html", rep, "--summary", summary]
    assert main(["score", "--model", "rules", *map(str, args)]) == 0
    first = s.read_bytes(), a.read_bytes()
    assert [json.loads(line)["doc_id"] for line in a.read_text().splitlines()] == ["one", "two"]
    capsys.readouterr()
    for _ in range(2):  # without the filter, s.jsonl, a.jsonl, rows.jsonl and the pages were read back as inputs
        assert main(["score", "--model", "rules", *map(str, args), "--resume"]) == 0
        err = capsys.readouterr().err
        assert "note: left" in err and "out of input folder" in err and "skipped 2 already" in err
        assert (s.read_bytes(), a.read_bytes()) == first
    assert len(list((rep / "articles").iterdir())) == 2


# --- arguments and output locations checked before any file is touched (items 3 and 8) -------------------------


def _bad_cases(tmp_path: Path) -> dict[str, list[object]]:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("not a folder")
    return {
        "max-chars 0": ["--max-chars", "0"],
        "batch-size 0": ["--batch-size", "0"],
        "workers -1": ["--workers", "-1"],
        "progress-every 0": ["--progress-every", "0"],
        "max-chars not a number": ["--max-chars", "many"],
        "html is a file": ["--html", a_file],
        "summary is a file": ["--summary", a_file],
        "html parent is a file": ["--html", a_file / "report"],
        "summary-by without summary": ["--summary-by", "outlet"],
    }


@pytest.mark.parametrize("resume", [False, True])
def test_a_refused_run_touches_no_file(corpus, tmp_path, capsys, resume):
    s, a = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    s.write_text('{"doc_id": "one", "sent_idx": 0}\n{"doc_id": "two", "sent')  # a killed run's outputs
    a.write_text('{"doc_id": "one"}\n')
    before = _snapshot(s, a)
    for name, extra in _bad_cases(tmp_path).items():
        rc = _score(corpus, "-o", s, "--articles", a, *extra, *(["--resume"] if resume else []))
        assert rc == 2, name
        _one_error_line(capsys.readouterr().err)
        assert _snapshot(s, a) == before, name  # not cut, not truncated, not even rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "corpus", "plain.txt", "s.jsonl"]


def test_unusable_output_files_are_one_line_and_nothing_is_truncated(corpus, tmp_path, capsys):
    s = tmp_path / "s.jsonl"
    s.write_text('{"doc_id": "keep"}\n')
    before = _snapshot(s)
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    folder = tmp_path / "folder"
    folder.mkdir()
    for output, articles, problem in [
        (s, folder, "is a folder"),
        (s, plain / "a.jsonl", "is not a folder"),
        (folder, tmp_path / "a.jsonl", "is a folder"),
        (plain / "sub" / "s.jsonl", tmp_path / "a.jsonl", "is not a folder"),
    ]:
        assert _score(corpus, "-o", output, "--articles", articles) == 2
        assert problem in _one_error_line(capsys.readouterr().err)
    assert _snapshot(s) == before
    assert not (tmp_path / "a.jsonl").exists()


def test_summarize_refuses_an_out_that_is_a_file_and_bad_numbers(corpus, tmp_path, capsys):
    a = tmp_path / "a.jsonl"
    assert _score(corpus, "-o", tmp_path / "s.jsonl", "--articles", a) == 0
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    before = _snapshot(plain, a)
    assert main(["summarize", str(a), "--out", str(plain)]) == 2
    assert "is a file" in _one_error_line(capsys.readouterr().err, plain)
    for extra in (["--top", "0"], ["--resamples", "-1"]):
        assert _rc(["summarize", str(a), "--out", str(tmp_path / "sum"), *extra]) == 2
        _one_error_line(capsys.readouterr().err, extra[0])
    assert _snapshot(plain, a) == before and not (tmp_path / "sum").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device whose writes fail: disk full)")
@pytest.mark.parametrize("option", ["--output", "--articles"])
def test_a_full_disk_mid_run_is_one_line_not_a_traceback(corpus, tmp_path, capsys, option):
    other = ["--articles", tmp_path / "a.jsonl"] if option == "--output" else ["--output", tmp_path / "s.jsonl"]
    assert _score(corpus, option, "/dev/full", *other) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line == "attribution score: error: /dev/full: No space left on device"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores permission bits, so a read-only folder cannot be made here")
def test_a_read_only_output_folder_is_refused_before_anything_is_written(corpus, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        s = tmp_path / "s.jsonl"
        assert _score(corpus, "-o", s, "--articles", locked / "a.jsonl") == 2
        assert "not writable" in _one_error_line(capsys.readouterr().err, locked)
        assert not s.exists()
    finally:
        locked.chmod(0o700)


# --- exit codes (item 9) ---------------------------------------------------------------------------------------


def test_exit_one_when_nothing_was_scored(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    arts = tmp_path / "a.jsonl"
    assert _score(empty, "-o", tmp_path / "s.jsonl", "--articles", arts) == 1
    assert "no article was scored (1 failed" in capsys.readouterr().err  # said even with -q
    assert json.loads(arts.read_text())["status"] == "error"  # the error record is still written
    (tmp_path / "nothing").mkdir()
    assert _score(tmp_path / "nothing", "-o", tmp_path / "s2.jsonl") == 1
    good = tmp_path / "good.txt"
    good.write_text(TEXT)
    assert _score(empty, good, "-o", tmp_path / "s3.jsonl") == 0  # one scored, one error record: success
    assert "exit status" in SCORE_EXIT_CODES
    help_text = build_parser()._subparsers._group_actions[0].choices["score"].format_help()
    assert SCORE_EXIT_CODES.splitlines()[2].strip() in help_text


# --- the HTML report and summary never write through links, and replace files whole (items 6 and 10) -----------


def test_links_planted_in_the_report_and_summary_folders_are_replaced_not_followed(corpus, tmp_path):
    rep, summary = tmp_path / "rep", tmp_path / "sum"
    (rep / "articles").mkdir(parents=True)
    summary.mkdir()
    victims = {}
    planted = [rep / "articles" / "0001-one.html", rep / "index.html", rep / "rows.jsonl",
               summary / "groups.csv", summary / "top_sources.csv", summary / "label_mix.png",
               summary / "anonymous_share.png"]
    for n, path in enumerate(planted):
        victim = tmp_path / f"victim{n}.txt"
        victim.write_text("precious")
        path.symlink_to(victim)
        victims[path] = victim
    assert _score(corpus, "-o", tmp_path / "s.jsonl", "--html", rep, "--summary", summary) == 0
    for path, victim in victims.items():
        assert victim.read_text() == "precious", path
        assert path.is_file() and not path.is_symlink(), path
    assert "<!DOCTYPE html>" in (rep / "articles" / "0001-one.html").read_text()
    assert not [p for p in (*rep.rglob("*"), *summary.iterdir()) if p.name.endswith(".tmp")]  # no temp files left


def test_a_linked_page_folder_is_refused(corpus, tmp_path, capsys):
    rep, elsewhere = tmp_path / "rep", tmp_path / "elsewhere"
    rep.mkdir()
    elsewhere.mkdir()
    (rep / "articles").symlink_to(elsewhere, target_is_directory=True)
    assert _score(corpus, "-o", tmp_path / "s.jsonl", "--html", rep) == 2
    assert "symbolic link" in _one_error_line(capsys.readouterr().err, rep / "articles")
    assert not list(elsewhere.iterdir()) and not (tmp_path / "s.jsonl").exists()


def test_an_interrupted_rewrite_of_the_index_rows_loses_none(corpus, tmp_path, monkeypatch):
    rep, s, a = tmp_path / "rep", tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    args = [corpus, "-o", s, "--articles", a, "--html", rep]
    assert _score(*args) == 0
    rows = (rep / "rows.jsonl").read_bytes()
    index = (rep / "index.html").read_bytes()
    assert rows.count(b"\n") == 2
    real_dumps = html_report.json.dumps
    calls = []

    def interrupted_dumps(*a, **k):  # a kill (here: an interrupt) while the kept rows are rewritten
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_dumps(*a, **k)

    monkeypatch.setattr(html_report.json, "dumps", interrupted_dumps)
    with pytest.raises(KeyboardInterrupt):
        _score(*args, "--resume")
    monkeypatch.undo()
    assert (rep / "rows.jsonl").read_bytes() == rows  # both rows kept (the old code had truncated the file first)

    def interrupted_replace(src, dst):  # killed once the new index is written, before it replaces the old one
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        html_report.HtmlReport(rep, model_name="rules", done={"one", "two"}).close()
    monkeypatch.undo()
    assert (rep / "index.html").read_bytes() == index and (rep / "rows.jsonl").read_bytes() == rows
    assert not [p for p in rep.iterdir() if p.name.endswith(".tmp")]
    assert _score(*args, "--resume") == 0  # and the report resumes as usual
    assert (rep / "index.html").read_bytes() == index


# --- CSV formula cells (item 11) -------------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_parquet_keeps_raw(tmp_path):
    rows = [{"id": '=HYPERLINK("http://x.example","click")', "text": "=1+1 is the figure officials said. "
             "+Rain fell on Monday. -Police said roads were closed. @Mayor said so.", "outlet": "@evil"},
            {"id": "\tTab", "text": "Analysts said demand was weak.", "outlet": "-2"}]
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    s_csv, a_csv, s_pq = tmp_path / "s.csv", tmp_path / "a.csv", tmp_path / "s.parquet"
    assert _score(inputs, "-o", s_csv, "--articles", a_csv, "--summary", tmp_path / "sum", "--summary-by",
                  "outlet") == 0
    assert _score(inputs, "-o", s_pq) == 0
    danger = ("=", "+", "-", "@", "\t", "\r")
    for path in (s_csv, a_csv, tmp_path / "sum" / "groups.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert cells and not [cell for cell in cells if cell.startswith(danger)], path
    with s_csv.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert records[0]["doc_id"] == "'" + rows[0]["id"]
    assert records[0]["text"].startswith("'=1+1")
    assert all(float(r["prob_direct_fact"]) >= 0 for r in records)  # numbers stay numbers
    groups = (tmp_path / "sum" / "groups.csv").read_text().splitlines()
    assert any(line.startswith("'@evil,") for line in groups) and any(line.startswith("'-2,") for line in groups)
    raw = pq.read_table(s_pq).to_pylist()
    assert raw[0]["doc_id"] == rows[0]["id"] and raw[0]["text"].startswith("=1+1")  # Parquet: raw values


def test_csv_safe_changes_only_strings():
    assert csv_safe("=SUM(A1)") == "'=SUM(A1)" and csv_safe("-0.5") == "'-0.5" and csv_safe("\rx") == "'\rx"
    assert csv_safe(-0.5) == -0.5 and csv_safe(-3) == -3 and csv_safe(None) is None
    assert csv_safe("plain text") == "plain text" and csv_safe("") == ""

"""Resuming killed runs: outputs cut back to whole articles, the rerun equals an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from attribution.cli import main
from attribution.resume import ResumeError, prepare_resume

ARTICLE = ("Report {n}\n\nThe agency published report {n} on Tuesday. Officials said the findings were "
           "preliminary. Director Lena Ortiz said the agency would respond. {bad}\n")


def _write_inputs(path, n):
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = "" if i % 17 == 5 else ARTICLE.format(n=i, bad="«unbalanced quote" if i % 3 else "")
            handle.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")


def _record(doc_id, **extra):
    return json.dumps({"doc_id": doc_id, **extra}) + "\n"


def test_prepare_resume_cuts_a_truncated_tail_and_the_unfinished_article(tmp_path):
    sentences, articles = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    sentences.write_text(_record("a", i=0) + _record("a", i=1) + _record("b", i=0) + _record("c", i=0)
                         + '{"doc_id": "c", "i"')
    articles.write_text(_record("a") + _record("b") + '{"doc_')
    assert prepare_resume(sentences, articles) == {"a", "b"}
    assert sentences.read_text() == _record("a", i=0) + _record("a", i=1) + _record("b", i=0)
    assert articles.read_text() == _record("a") + _record("b")


def test_prepare_resume_without_articles_file_redoes_the_last_article(tmp_path):
    sentences = tmp_path / "s.jsonl"
    sentences.write_text(_record("a") + _record("b") + _record("b"))
    assert prepare_resume(sentences, None) == {"a"}
    assert sentences.read_text() == _record("a")
    missing = tmp_path / "new.jsonl"
    assert prepare_resume(missing, None) == set() and not missing.exists()


def test_prepare_resume_refuses_what_it_cannot_resume(tmp_path):
    with pytest.raises(ResumeError, match="stdout"):
        prepare_resume(None, None)
    with pytest.raises(ResumeError, match="JSONL"):
        prepare_resume(tmp_path / "s.csv", None)
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": 1}\n')
    with pytest.raises(ResumeError, match="no doc_id"):
        prepare_resume(other, None)


def test_score_resume_after_partial_output_equals_full_run(tmp_path, capsys):
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 30)
    full_s, full_a = tmp_path / "full_s.jsonl", tmp_path / "full_a.jsonl"
    assert main(["score", "--model", "rules", str(inputs), "-o", str(full_s), "--articles", str(full_a), "-q"]) == 0
    part_s, part_a = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    lines_s, lines_a = full_s.read_text().splitlines(True), full_a.read_text().splitlines(True)
    part_s.write_text("".join(lines_s[:40]) + lines_s[40][:25])  # as if killed mid-write
    part_a.write_text("".join(lines_a[:7]))
    assert main(["score", "--model", "rules", str(inputs), "-o", str(part_s), "--articles", str(part_a),
                 "--resume"]) == 0
    assert "skipped 7 already in the output" in capsys.readouterr().err
    assert part_s.read_text() == full_s.read_text()
    assert part_a.read_text() == full_a.read_text()
    assert main(["score", "--model", "rules", str(inputs), "-o", str(tmp_path / "s.csv"), "--resume"]) == 2


@pytest.mark.slow
def test_killed_scoring_subprocess_resumes_to_the_uninterrupted_output(tmp_path):
    """Kill a real run midway (SIGKILL), resume it, compare with an uninterrupted run."""
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 3000)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def command(prefix, *extra):
        return [sys.executable, "-m", "attribution.cli", "score", "--model", "rules", str(inputs), "--batch-size",
                "8", "-o", str(tmp_path / f"{prefix}_s.jsonl"), "--articles", str(tmp_path / f"{prefix}_a.jsonl"),
                "-q", *extra]

    subprocess.run(command("full"), check=True, env=env, timeout=300)
    killed = tmp_path / "run_a.jsonl"
    proc = subprocess.Popen(command("run"), env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not killed.exists() or killed.stat().st_size < 20_000):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    n_before = len(killed.read_text().splitlines())
    assert 0 < n_before < 3000, "the run must be killed midway"
    subprocess.run(command("run", "--resume"), check=True, env=env, timeout=300)
    assert (tmp_path / "run_s.jsonl").read_bytes() == (tmp_path / "full_s.jsonl").read_bytes()
    assert killed.read_bytes() == (tmp_path / "full_a.jsonl").read_bytes()


def test_resumed_html_report_and_summary_cover_every_article(tmp_path):
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 12)
    s, a, html, summary = tmp_path / "s.jsonl", tmp_path / "a.jsonl", tmp_path / "report", tmp_path / "summary"
    args = ["score", "--model", "rules", str(inputs), "-o", str(s), "--articles", str(a), "--html", str(html),
            "--summary", str(summary), "-q"]
    assert main(args) == 0
    full_index = (html / "index.html").read_text()
    lines = a.read_text().splitlines(True)
    a.write_text("".join(lines[:5]))  # as if killed after five articles
    assert main([*args, "--resume"]) == 0
    index = (html / "index.html").read_text()
    assert index == full_index
    assert len(list((html / "articles").glob("*.html"))) == 12
    groups = (summary / "groups.csv").read_text().splitlines()
    assert groups[1].split(",")[1:3] == ["11", "1"]  # 11 scored articles and 1 error record, none counted twice


def test_summary_without_articles_file_is_built_from_the_stream(tmp_path):
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 6)
    assert main(["score", "--model", "rules", str(inputs), "-o", str(tmp_path / "s.jsonl"), "--summary",
                 str(tmp_path / "sum"), "-q"]) == 0
    assert (tmp_path / "sum" / "groups.csv").read_text().splitlines()[1].split(",")[1:3] == ["5", "1"]
    assert main(["score", "--model", "rules", str(inputs), "--summary-by", "outlet"]) == 2


def test_resume_refuses_a_summary_it_could_not_complete_and_keeps_html_rows_with_odd_characters(tmp_path):
    inputs = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "Officials said the talks stalled.", "title": "x\u2028y"},
            {"id": "b", "text": "The council met.", "title": "p\x85q"}, {"id": "c", "text": "Rain fell."}]
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    s, a, html = tmp_path / "s.jsonl", tmp_path / "a.jsonl", tmp_path / "report"
    base = ["score", "--model", "rules", str(inputs), "-o", str(s), "-q"]
    assert main([*base, "--resume", "--summary", str(tmp_path / "sum")]) == 2  # refused: no --articles
    assert not s.exists()  # nothing was touched
    assert main([*base, "--articles", str(a), "--html", str(html)]) == 0
    full = (html / "index.html").read_text()
    a.write_text("".join(a.read_text().splitlines(True)[:2]))
    assert main([*base, "--articles", str(a), "--html", str(html), "--resume"]) == 0
    assert (html / "index.html").read_text() == full  # rows with U+2028 / U+0085 survive the resume


def test_adding_articles_file_on_resume_keeps_the_finished_work(tmp_path, capsys):
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 6)
    s = tmp_path / "s.jsonl"
    assert main(["score", "--model", "rules", str(inputs), "-o", str(s), "-q"]) == 0
    full = s.read_text()
    assert main(["score", "--model", "rules", str(inputs), "-o", str(s), "--articles", str(tmp_path / "a.jsonl"),
                 "--resume"]) == 0
    err = capsys.readouterr().err
    assert "resuming: 4 articles" in err and "have no article records" in err  # 5 ok articles, the last redone
    assert s.read_text() == full


def test_conflicting_output_settings_are_refused_before_any_work(tmp_path):
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 2)
    s = tmp_path / "s.jsonl"
    s.write_text('{"doc_id": "keep"}\n')
    assert main(["score", "--model", "rules", str(inputs), "-o", str(s), "--format", "csv", "--articles",
                 str(tmp_path / "a.jsonl"), "--summary", str(tmp_path / "sum")]) == 2
    assert main(["score", "--model", "rules", str(inputs), "-o", str(s), "--format", "csv", "--resume"]) == 2
    assert main(["score", "--model", "rules", str(tmp_path / "missing"), "-o", str(s)]) == 2
    assert s.read_text() == '{"doc_id": "keep"}\n'  # untouched by all three


def test_resume_does_not_read_or_build_the_finished_articles(tmp_path, monkeypatch):
    import attribution.ingest as ingest

    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 10)
    s, a = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    args = ["score", "--model", "rules", str(inputs), "-o", str(s), "--articles", str(a), "-q"]
    assert main(args) == 0
    full = s.read_text(), a.read_text()
    a.write_text("".join(a.read_text().splitlines(True)[:6]))
    built = []
    real = ingest.make_document
    monkeypatch.setattr(ingest, "make_document", lambda doc_id, *rest, **kw: built.append(doc_id) or real(
        doc_id, *rest, **kw))
    assert main([*args, "--resume"]) == 0
    assert built == [f"r{i}" for i in range(6, 10)]  # only the unfinished ones were built (decoded, repaired)
    assert (s.read_text(), a.read_text()) == full

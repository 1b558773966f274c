"""Ctrl-C, SIGTERM and dead workers: a run stops cleanly, says so in one line, and resumes to the same output."""

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

import attribution
from attribution.cli import main
from attribution.interrupt import Interrupted, deferred, stop_on_signals
from attribution.pipeline import WorkerDied

N_ARTICLES = 400
ARTICLE = ("Report {n}\n\nThe agency published report {n} on Tuesday. Officials said the findings were "
           "preliminary. Director Lena Ortiz said the agency would respond. A senior official, who spoke on "
           "condition of anonymity, said more was coming.\n")
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def _write_inputs(path, n):
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = "" if i % 97 == 5 else ARTICLE.format(n=i)  # a few error records too
            handle.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")


def _outputs(directory):
    return directory / "s.jsonl", directory / "a.jsonl", directory / "report"


def _score_args(inputs, directory):
    s, a, html = _outputs(directory)
    return ["score", "--model", "rules", str(inputs), "--batch-size", "8", "-o", str(s), "--articles", str(a),
            "--html", str(html), "-q"]


def _index_ids(html):
    return re.findall(r'<td class="id"><a href="[^"]*">([^<]*)</a>', (html / "index.html").read_text())


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The inputs and an uninterrupted run's outputs (in this process, no workers)."""
    directory = tmp_path_factory.mktemp("reference")
    inputs = directory / "in.jsonl"
    _write_inputs(inputs, N_ARTICLES)
    assert main(_score_args(inputs, directory)) == 0
    s, a, html = _outputs(directory)
    return inputs, s.read_bytes(), a.read_bytes(), (html / "index.html").read_bytes()


def _cli(*args):
    return [sys.executable, "-m", "attribution.cli", *args]


def _wait_for_articles(proc, articles, at_least=1):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if articles.exists() and articles.read_bytes().count(b"\n") >= at_least:
            return
        time.sleep(0.01)
    raise AssertionError("the run did not start writing articles")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_to_the_process_group_stops_workers_writes_the_index_and_resumes(tmp_path, reference, signum, code):
    """As a terminal's Ctrl-C (to every process of the group, workers included) or a polite kill does."""
    inputs, full_s, full_a, full_index = reference
    args = [*_score_args(inputs, tmp_path), "--workers", "2"]
    s, a, html = _outputs(tmp_path)
    proc = subprocess.Popen(_cli(*args), env=ENV, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_articles(proc, a)
        os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=60)  # a hang (the old multiprocessing.Pool) fails here
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    finished = [json.loads(line)["doc_id"] for line in a.read_text().splitlines()]
    assert 0 < len(finished) < N_ARTICLES, "the run must be stopped midway"
    assert err.strip().splitlines() == [
        f"attribution score: interrupted ({signal.Signals(signum).name}) after {_articles(len(finished))}; the outputs "
        "hold the finished articles; rerun with --resume to continue"]
    assert _index_ids(html) == finished  # the index was written and lists exactly the finished articles
    done = subprocess.run(_cli(*args, "--resume", "--workers", "0"), env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert s.read_bytes() == full_s
    assert a.read_bytes() == full_a
    assert (html / "index.html").read_bytes() == full_index


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


@pytest.mark.slow
def test_ctrl_c_with_the_default_model_and_workers_stops_cleanly(tmp_path):
    """The default model holds torch threads in the parent; a Ctrl-C must still end the run in seconds.
    (Byte-identical resume with the default model is covered with the model's batch-independence tests.)"""
    inputs = tmp_path / "in.jsonl"
    _write_inputs(inputs, 120)
    s, a, html = _outputs(tmp_path)
    args = ["score", str(inputs), "--batch-size", "4", "-o", str(s), "--articles", str(a), "--html", str(html),
            "--workers", "2"]  # not -q: stderr is not a terminal, so there is no bar (and no weight-loading bar)
    proc = subprocess.Popen(_cli(*args), env=ENV, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_articles(proc, a)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    finished = [json.loads(line)["doc_id"] for line in a.read_text().splitlines()]
    assert 0 < len(finished) < 120
    assert [line for line in err.splitlines() if not line.startswith("error: r5:")] == [  # r5 has no text
        f"attribution score: interrupted (SIGINT) after {_articles(len(finished))}; the outputs hold the finished "
        "articles; rerun with --resume to continue"]
    assert _index_ids(html) == finished


_KILL_A_WORKER = """
import multiprocessing, os, signal, sys
import attribution.cli as cli

real_load = cli.load

def load(*args, **kwargs):
    analyzer = real_load(*args, **kwargs)
    predict = analyzer.classifier.predict_articles
    killed = []

    def predict_and_kill(items):
        if not killed:  # workers are preparing the next batch now: SIGKILL one, as the OOM killer would
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)
        return predict(items)

    analyzer.classifier.predict_articles = predict_and_kill
    return analyzer

cli.load = load
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_a_worker_killed_mid_run_ends_it_with_one_clear_error_not_a_hang(tmp_path, reference):
    inputs, full_s, full_a, full_index = reference
    args = [*_score_args(inputs, tmp_path), "--workers", "2"]
    s, a, html = _outputs(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", _KILL_A_WORKER, *args], env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=60)  # the old multiprocessing.Pool waited here forever
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "attribution score: error: a worker process ended abruptly (killed, out of memory or crashed) while "
        "cleaning and segmenting articles; the articles finished so far are in the outputs; rerun with --resume to "
        "continue"]
    finished = [json.loads(line)["doc_id"] for line in a.read_text().splitlines()]
    assert len(finished) < N_ARTICLES
    assert _index_ids(html) == finished
    done = subprocess.run(_cli(*args, "--resume", "--workers", "0"), env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert (s.read_bytes(), a.read_bytes(), (html / "index.html").read_bytes()) == (full_s, full_a, full_index)


@contextmanager
def _fails_instead_of_hanging(seconds=60):
    """Turn a hang (the old multiprocessing.Pool waited forever for a dead worker's chunk) into a failure."""
    def hung(signum, frame):
        raise AssertionError(f"still waiting after {seconds} s: hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_dead_worker_raises_worker_died_from_the_api_and_no_worker_is_left():
    analyzer = attribution.load("rules", batch_size=2, workers=2)
    results = analyzer.analyze_many(ARTICLE.format(n=i) for i in range(40))
    next(results)  # batch 1 is prepared and classified, batch 2 is with the workers
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    os.kill(workers[0].pid, signal.SIGKILL)
    with _fails_instead_of_hanging(), pytest.raises(WorkerDied, match="ended abruptly"):
        list(results)
    # the pool may have started a replacement as the first worker died; under load a spawned worker can take
    # tens of seconds to start, find its queue closed and exit, so wait for every child, not only the two
    deadline = time.monotonic() + 180
    while (children := multiprocessing.active_children()) and time.monotonic() < deadline:
        children[0].join(timeout=5)
    assert not multiprocessing.active_children()


def test_workers_ignore_ctrl_c_and_leave_the_decision_to_the_parent(capfd):
    analyzer = attribution.load("rules", batch_size=2, workers=2)
    expected = attribution.load("rules").analyze_batch([ARTICLE.format(n=i) for i in range(40)])
    results = analyzer.analyze_many(ARTICLE.format(n=i) for i in range(40))
    first = next(results)
    workers = multiprocessing.active_children()
    for worker in workers:
        os.kill(worker.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends them (the parent here has not had it)
    with _fails_instead_of_hanging():
        rest = list(results)
    assert [r.to_record() for r in [first, *rest]] == [r.to_record() for r in expected]
    assert all(worker.exitcode in (None, 0) for worker in workers)  # alive until the pool closed, not killed
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_a_signal_inside_deferred_is_raised_when_the_block_ends():
    before = signal.getsignal(signal.SIGTERM)
    steps = []
    with pytest.raises(Interrupted) as caught, stop_on_signals():
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the handler runs here and holds the signal back
            steps.append("the block finished")
        steps.append("not reached")
    assert steps == ["the block finished"]
    assert caught.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before  # the previous handler is back


def test_a_signal_outside_deferred_stops_at_once_and_a_second_one_is_ignored_while_unwinding():
    steps = []
    with pytest.raises(Interrupted) as caught, stop_on_signals():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
            steps.append("not reached")
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # unwinding: closing the outputs is not cut short
            time.sleep(0.01)
            steps.append("cleaned up")
    assert steps == ["cleaned up"]
    assert caught.value.exit_code == 130
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

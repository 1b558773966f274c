"""Records depend on their own article only: byte-identical whatever shares the batch.

Floating-point matrix products differ in the last bits with the shape of the batch, so a model that
batched sentences of several articles together gave a sentence other probabilities when its neighbours
changed, and a killed and resumed run differed from an uninterrupted one (issue 14, item 5). Each design
now runs one article at a time; these tests compare an article scored alone with the same article among
others, in other orders and batch sizes, and a killed and resumed run of the default model with an
uninterrupted one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from attribution.pipeline import Analyzer

SENTENCES = [
    "The council met on Monday to discuss the budget.",
    "A senior aide, speaking on condition of anonymity, said the plan would be delayed by several weeks.",
    "Mayor Ana Ruiz said the city would publish the figures next week.",
    "The vote is scheduled for June.",
    "People familiar with the matter said the deal was close.",
    "\"We are not going anywhere,\" she said.",
    "Shares rose 4 percent in early trading after the company reported results that beat forecasts.",
    "It rained.",
]


def _articles(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        k = rng.randint(1, 9)
        text = " ".join(rng.choice(SENTENCES) for _ in range(k))
        rows.append({"id": f"a{i}", "text": f"Story {i}\n\n{text}\n"})
    return rows


def _records(results) -> dict[str, str]:
    """Each article's sentence and article records as the bytes a run writes."""
    return {r.doc_id: json.dumps([r.sentence_records(), r.to_record()], ensure_ascii=False) for r in results}


def _check_independent(classifier) -> None:
    rows = _articles(24)
    alone = {}
    for row in rows:
        alone.update(_records(Analyzer(classifier, batch_size=1).analyze_batch([row])))
    for batch_size, seed in ((1, 1), (3, 2), (7, 3), (32, 4)):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        mixed = _records(Analyzer(classifier, batch_size=batch_size).analyze_many(shuffled))
        assert mixed == alone, f"batch size {batch_size}: records changed with the batch's composition"


def test_window_model_records_do_not_depend_on_the_batch():
    from tests.tiny_model import tiny_window_classifier

    classifier = tiny_window_classifier(max_length=40, hidden=384)
    classifier.batch_size = 3  # several padded batches inside one article
    _check_independent(classifier)


def test_pair_model_records_do_not_depend_on_the_batch():
    from tests.tiny_model import tiny_pair_classifier

    _check_independent(tiny_pair_classifier(hidden=384))


def test_pair_model_batches_several_articles_into_the_same_records():
    """Called with many articles at once (as the evaluators do), the pair model gives what one-by-one gives."""
    from attribution.clean import clean
    from attribution.segment import segment
    from tests.tiny_model import tiny_pair_classifier

    classifier = tiny_pair_classifier(hidden=384)
    texts = [row["text"] for row in _articles(8)]
    articles = [(t, segment(t, clean(t).content)) for t in texts]
    together = classifier.predict_articles(articles)
    one_by_one = [classifier.predict_articles([a])[0] for a in articles]
    assert [[p.probs for p in art] for art in together] == [[p.probs for p in art] for art in one_by_one]


def test_pair_model_takes_an_article_without_sentences():
    from tests.tiny_model import tiny_pair_classifier

    assert tiny_pair_classifier().predict_articles([("", []), ("x", [])]) == [[], []]


def test_results_are_yielded_article_by_article():
    """analyze_many hands out each article as soon as it is classified (progress moves per article)."""
    calls = []

    class Counting:
        name = "counting"

        def predict_articles(self, articles):
            calls.append(len(articles))
            from attribution.classify.rules import RulesClassifier

            return RulesClassifier().predict_articles(articles)

    stream = Analyzer(Counting(), batch_size=8).analyze_many(_articles(8))
    next(stream)
    assert calls == [1]
    assert len(list(stream)) == 7 and calls == [1] * 8


@pytest.mark.slow
def test_default_model_records_do_not_depend_on_the_batch():
    import attribution

    _check_independent(attribution.load("default").classifier)


@pytest.mark.slow
def test_killed_default_model_run_resumes_to_the_uninterrupted_output(tmp_path):
    """Kill a real run of the default model midway (SIGKILL), resume it, compare with an uninterrupted run."""
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(row) + "\n" for row in _articles(60, seed=9)), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def command(prefix, *extra):
        return [sys.executable, "-m", "attribution.cli", "score", str(inputs), "--batch-size", "8",
                "-o", str(tmp_path / f"{prefix}_s.jsonl"), "--articles", str(tmp_path / f"{prefix}_a.jsonl"),
                "-q", *extra]

    subprocess.run(command("full"), check=True, env=env, timeout=600)
    full = (tmp_path / "full_a.jsonl").read_bytes()
    killed = tmp_path / "run_a.jsonl"
    proc = subprocess.Popen(command("run"), env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and (not killed.exists() or killed.stat().st_size < len(full) // 3):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    n_before = len(killed.read_bytes().splitlines())
    assert 0 < n_before < 60, "the run must be killed midway"
    subprocess.run(command("run", "--resume", "--batch-size", "5"), check=True, env=env, timeout=600)
    assert (tmp_path / "run_s.jsonl").read_bytes() == (tmp_path / "full_s.jsonl").read_bytes()
    assert killed.read_bytes() == full

"""Document-level bootstrap: seeded determinism, paired comparisons, interval sanity."""

from __future__ import annotations

import numpy as np
import pytest
from attribution.eval.align import align
from attribution.eval.bootstrap import doc_stats, interval, resample_weights, resampled_metrics
from attribution.eval.evaluate import evaluate
from attribution.eval.gold import gold_from_records
from attribution.eval.predictions import predictions_from_records

from attribution.labels import ANONYMOUS_SOURCE_QUOTE as AN
from attribution.labels import DIRECT_FACT as DF
from attribution.labels import LABELS
from attribution.labels import REPORTED_CLAIM as RC

SENTENCES = ["The ferry left at noon.", "Witnesses said it was late.", "A source said the captain was ill."]
GOLD_LABELS = (DF, RC, AN)


def _gold(n_docs=8):
    text = " ".join(SENTENCES)
    texts, units, cursor = {}, [], 0
    for i in range(n_docs):
        texts[f"doc{i}"] = text
        cursor = 0
        for sentence, label in zip(SENTENCES, GOLD_LABELS, strict=True):
            start = text.index(sentence, cursor)
            cursor = start + len(sentence)
            units.append({"doc_id": f"doc{i}", "start": start, "end": cursor, "label": label})
    return gold_from_records(texts, units)


def _system(gold, name, wrong_docs=()):
    """Predictions on the gold spans, every label right except the anonymous one in ``wrong_docs``."""
    rows = [{"doc_id": u.doc_id, "start": u.start, "end": u.end,
             "label": RC if u.doc_id in wrong_docs and u.label == AN else u.label} for u in gold.units]
    return predictions_from_records(rows, name)


def test_resample_weights_are_seeded_multiplicities():
    weights = resample_weights(5, 200, seed=3)
    assert weights.shape == (200, 5) and (weights.sum(axis=1) == 5).all()
    assert (weights == resample_weights(5, 200, seed=3)).all()
    assert not (weights == resample_weights(5, 200, seed=4)).all()


def test_same_seed_same_intervals_other_seed_other_intervals():
    gold = _gold()
    system = _system(gold, "s", wrong_docs={"doc1", "doc4", "doc6"})

    def intervals(seed):
        m = evaluate(gold, [system], resamples=300, seed=seed)["systems"][0]["metrics"]
        return m["macro_f1_ci"], [m["per_label"][label]["f1_ci"] for label in LABELS]

    assert intervals(7) == intervals(7)
    # Another seed draws other resamples (the percentiles of so few distinct values may still coincide).
    stats = doc_stats(align(gold, system))
    draws = [resampled_metrics(stats, resample_weights(len(gold.texts), 300, seed))["macro_f1"] for seed in (7, 8)]
    assert not np.array_equal(*draws)


def test_interval_contains_the_point_estimate_and_is_ordered():
    gold = _gold()
    m = evaluate(gold, [_system(gold, "s", wrong_docs={"doc0", "doc3"})], resamples=500)["systems"][0]["metrics"]
    low, high = m["macro_f1_ci"]
    assert low <= m["macro_f1"] <= high and low < high


def test_perfect_system_has_a_degenerate_interval():
    gold = _gold()
    m = evaluate(gold, [_system(gold, "s")], resamples=100)["systems"][0]["metrics"]
    assert m["macro_f1"] == 1.0 and m["macro_f1_ci"] == [1.0, 1.0]
    assert m["anonymous_share"]["mae"] == 0.0 and m["anonymous_share"]["mae_ci"] == [0.0, 0.0]


def test_paired_comparison_of_a_system_with_itself_is_zero():
    gold = _gold()
    system = _system(gold, "s", wrong_docs={"doc2", "doc5"})
    report = evaluate(gold, [system, system], resamples=200)
    (comparison,) = report["comparisons"]
    assert comparison["baseline"] == "s" and comparison["system"] == "s-2"
    for row in comparison["metrics"].values():
        assert row["difference"] == 0.0 and row["ci"] == [0.0, 0.0]
        assert row["wins"] == 0.0 and row["ties"] == 1.0


def test_paired_comparison_favours_the_better_system():
    gold = _gold()
    worse = _system(gold, "worse", wrong_docs={"doc0", "doc2", "doc4", "doc6"})
    better = _system(gold, "better")
    row = evaluate(gold, [worse, better], resamples=300)["comparisons"][0]["metrics"]["macro_f1"]
    assert row["difference"] > 0 and row["ci"][0] >= 0 and row["wins"] > 0.9
    mae = evaluate(gold, [worse, better], resamples=300)["comparisons"][0]["metrics"]["anonymous_share_mae"]
    assert mae["difference"] < 0 and mae["wins"] > 0.9  # lower error wins


def test_resampled_metrics_with_unit_weights_equal_the_point_estimates():
    gold = _gold(4)
    system = _system(gold, "s", wrong_docs={"doc1"})
    docs = align(gold, system)
    values = resampled_metrics(doc_stats(docs), np.ones((1, 4), dtype=int))
    m = evaluate(gold, [system], resamples=10)["systems"][0]["metrics"]
    assert values["macro_f1"][0] == pytest.approx(m["macro_f1"])
    assert values["anonymous_share_mae"][0] == pytest.approx(m["anonymous_share"]["mae"])
    for label in LABELS:
        assert values[f"f1/{label}"][0] == pytest.approx(m["per_label"][label]["f1"])


def test_interval_of_undefined_values_is_none():
    assert interval(np.array([np.nan, np.nan])) is None
    assert interval(np.array([0.0, 1.0]), confidence=0.5) == [0.25, 0.75]

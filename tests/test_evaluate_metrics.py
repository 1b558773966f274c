"""Evaluator metrics against confusion matrices and figures computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from attribution.eval.align import MISSED, align
from attribution.eval.gold import gold_from_records
from attribution.eval.metrics import (
    anonymous_shares,
    boilerplate_leaks,
    confusion_counts,
    f1_from_counts,
    label_metrics,
    source_match,
    span_f1,
)
from attribution.eval.predictions import check_predictions, predictions_from_records
from sklearn.metrics import f1_score

from attribution.labels import ANONYMOUS_SOURCE_QUOTE as AN
from attribution.labels import DIRECT_FACT as DF
from attribution.labels import LABELS
from attribution.labels import REPORTED_CLAIM as RC

# Rows gold DF, RC, AN; columns DF, RC, AN, missed:
#   DF: 3 1 0 0    RC: 1 2 0 0    AN: 0 1 1 1
GOLD = [DF, DF, DF, DF, RC, RC, RC, AN, AN, AN]
PRED = [DF, DF, DF, RC, RC, RC, DF, AN, RC, MISSED]


def test_confusion_matrix_matches_hand_count():
    assert confusion_counts(GOLD, PRED).tolist() == [[3, 1, 0, 0], [1, 2, 0, 0], [0, 1, 1, 1]]


def test_label_metrics_match_hand_computation():
    m = label_metrics(GOLD, PRED)
    df, rc, an = (m["per_label"][label] for label in LABELS)
    assert (df["precision"], df["recall"], df["f1"], df["support"]) == (0.75, 0.75, 0.75, 4)
    # RC: predicted 4 times, 2 right; 3 gold.  AN: predicted once, right; 3 gold (one missed).
    assert rc["precision"] == pytest.approx(0.5) and rc["recall"] == pytest.approx(2 / 3)
    assert rc["f1"] == pytest.approx(4 / 7)
    assert (an["precision"], an["recall"], an["f1"]) == pytest.approx((1.0, 1 / 3, 0.5))
    assert m["macro_f1"] == pytest.approx((0.75 + 4 / 7 + 0.5) / 3)
    assert m["accuracy"] == pytest.approx(0.6)
    # p_o = 0.6; p_e = .4*.4 (DF) + .3*.4 (RC) + .3*.1 (AN) + 0*.1 (missed) = 0.31
    assert m["cohen_kappa"] == pytest.approx((0.6 - 0.31) / (1 - 0.31))
    assert m["confusion_matrix"]["columns"] == [DF, RC, AN, MISSED]


def test_perfect_agreement_and_undefined_kappa():
    m = label_metrics([DF, RC, AN], [DF, RC, AN])
    assert m["macro_f1"] == 1.0 and m["accuracy"] == 1.0 and m["cohen_kappa"] == 1.0
    # One label on both sides: kappa is undefined, reported as None rather than nan.
    assert label_metrics([DF, DF], [DF, DF])["cohen_kappa"] is None


@pytest.mark.parametrize("seed", range(5))
def test_f1_from_counts_agrees_with_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    columns = [*LABELS, MISSED]
    gold = list(rng.choice(list(LABELS[:2]) if seed == 0 else list(LABELS), size=40))  # seed 0: no AN gold
    pred = list(rng.choice(columns, size=40))
    expected = f1_score(gold, pred, labels=list(LABELS), average=None, zero_division=0)
    assert f1_from_counts(confusion_counts(gold, pred)) == pytest.approx(expected)


def test_f1_from_counts_of_empty_matrix_is_zero():
    assert f1_from_counts(np.zeros((3, 4))).tolist() == [0.0, 0.0, 0.0]


def test_span_f1():
    assert span_f1((10, 20), (10, 20)) == 1.0
    assert span_f1((10, 20), (15, 25)) == pytest.approx(0.5)
    assert span_f1((10, 20), (10, 15)) == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert span_f1((10, 20), (30, 35)) == 0.0
    assert span_f1((10, 20), None) == 0.0


TEXT = ("Officials said the plan stalled. The mayor said taxes would rise. The bridge opened in May. "
        "Share this story.")
#        0..32                            33..65                             66..91                     92..109


def _gold():
    units = [
        {"doc_id": "a", "start": 0, "end": 32, "label": AN, "source": "Officials"},
        {"doc_id": "a", "start": 33, "end": 65, "label": RC, "source": "The mayor"},
        {"doc_id": "a", "start": 66, "end": 91, "label": DF},
        {"doc_id": "a", "start": 92, "end": 109, "label": "boilerplate"},
    ]
    return gold_from_records({"a": TEXT}, units)


def _predict(rows):
    return check_predictions(predictions_from_records([{"doc_id": "a", **row} for row in rows], "test"), _gold())


def test_fixture_offsets_are_the_sentences():
    assert [TEXT[u.start : u.end] for u in _gold().units] == [
        "Officials said the plan stalled.", "The mayor said taxes would rise.", "The bridge opened in May.",
        "Share this story.",
    ]


def test_anonymous_share_uses_the_systems_own_sentences():
    # Four predicted sentences (boilerplate leaked), one anonymous: predicted share 1/4; gold 1/3.
    docs = align(_gold(), _predict([
        {"start": 0, "end": 32, "label": AN}, {"start": 33, "end": 65, "label": RC},
        {"start": 66, "end": 91, "label": DF}, {"start": 92, "end": 109, "label": DF},
    ]))
    (row,) = anonymous_shares(docs)
    assert (row["gold"], row["predicted"]) == pytest.approx((1 / 3, 1 / 4))
    assert row["abs_error"] == pytest.approx(1 / 12)


def test_source_match_over_units_with_gold_source():
    docs = align(_gold(), _predict([
        {"start": 0, "end": 32, "label": AN, "source_start": 0, "source_end": 9},  # exact "Officials"
        {"start": 33, "end": 65, "label": RC, "source": "mayor"},  # text only: located at 37..42
        {"start": 66, "end": 91, "label": DF},
    ]))
    match = source_match([u for d in docs for u in d.scored])
    assert match["units"] == 2 and match["exact"] == 0.5
    # "mayor" (5 chars) inside "The mayor" (9 chars): P 1, R 5/9.
    assert match["overlap_f1"] == pytest.approx((1.0 + 2 * (5 / 9) / (1 + 5 / 9)) / 2)


@pytest.mark.parametrize(
    ("start", "end", "leaked"),
    [(92, 109, True), (92, 101, True), (92, 100, False), (66, 100, False), (60, 109, True)],
)
def test_boilerplate_leak_needs_more_than_half_of_the_unit(start, end, leaked):
    # The boilerplate unit is 92..109 (17 chars): 9 chars covered is a leak, 8 is not.
    docs = align(_gold(), _predict([{"start": 0, "end": 32, "label": AN}, {"start": start, "end": end, "label": DF}]))
    leaks = boilerplate_leaks(docs)
    assert leaks["units"] == 1 and leaks["leaked"] == int(leaked)
    assert leaks["leak_rate"] == float(leaked)
    if leaked:
        assert leaks["leaks"][0]["predicted"] == DF


def test_boilerplate_rate_is_none_without_boilerplate_units():
    gold = gold_from_records({"a": TEXT}, [{"doc_id": "a", "start": 0, "end": 32, "label": AN}])
    assert boilerplate_leaks(align(gold, _predict([])))["leak_rate"] is None

"""Alignment of gold units with predictions whose sentence boundaries differ, repeats and missing documents."""

from __future__ import annotations

from attribution.eval.align import MISSED, align, normalise
from attribution.eval.evaluate import evaluate, gold_summary
from attribution.eval.gold import gold_from_records
from attribution.eval.predictions import check_predictions, predictions_from_records

from attribution.labels import ANONYMOUS_SOURCE_QUOTE as AN
from attribution.labels import DIRECT_FACT as DF
from attribution.labels import REPORTED_CLAIM as RC

SENTENCES = ["The ferry left at noon.", "Witnesses said it was late.", "A source said the captain was ill."]
TEXT = "  ".join(SENTENCES)  # two spaces between sentences


def _spans(text, sentences):
    spans, cursor = [], 0
    for sentence in sentences:
        start = text.index(sentence, cursor)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


def _gold(text=TEXT, sentences=SENTENCES, labels=(DF, RC, AN)):
    units = [{"doc_id": "d", "start": s, "end": e, "label": label}
             for (s, e), label in zip(_spans(text, sentences), labels, strict=True)]
    return gold_from_records({"d": text}, units)


def _labels(gold, rows):
    predictions = check_predictions(predictions_from_records([{"doc_id": "d", **r} for r in rows], "p"), gold)
    (doc,) = align(gold, predictions)
    return [unit.label for unit in doc.units]


def test_identical_boundaries():
    gold = _gold()
    rows = [{"start": s, "end": e, "label": label} for (s, e), label in zip(_spans(TEXT, SENTENCES), (DF, RC, AN),
                                                                            strict=True)]
    assert _labels(gold, rows) == [DF, RC, AN]


def test_shifted_boundaries_take_the_most_overlapping_sentence():
    # Boundaries moved 5 characters right: every unit still overlaps its own sentence most.
    (a, b, c) = _spans(TEXT, SENTENCES)
    rows = [{"start": a[0], "end": b[0] + 5, "label": DF}, {"start": b[0] + 5, "end": c[0] + 5, "label": RC},
            {"start": c[0] + 5, "end": len(TEXT), "label": AN}]
    assert _labels(_gold(), rows) == [DF, RC, AN]


def test_merged_prediction_labels_every_unit_it_covers():
    (a, b, c) = _spans(TEXT, SENTENCES)
    rows = [{"start": a[0], "end": b[1], "label": RC}, {"start": c[0], "end": c[1], "label": AN}]
    assert _labels(_gold(), rows) == [RC, RC, AN]


def test_split_unit_takes_the_larger_piece():
    (a, b, c) = _spans(TEXT, SENTENCES)
    # Unit b split 10 / 17 characters: the second piece (AN) overlaps more.
    rows = [{"start": a[0], "end": a[1], "label": DF}, {"start": b[0], "end": b[0] + 10, "label": RC},
            {"start": b[0] + 10, "end": b[1], "label": AN}, {"start": c[0], "end": c[1], "label": AN}]
    assert _labels(_gold(), rows) == [DF, AN, AN]


def test_unit_without_overlap_is_missed():
    (a, _, c) = _spans(TEXT, SENTENCES)
    rows = [{"start": a[0], "end": a[1], "label": DF}, {"start": c[0], "end": c[1], "label": AN}]
    assert _labels(_gold(), rows) == [DF, MISSED, AN]


def test_repeated_text_is_scored_once():
    sentences = ["The ferry left at noon.", "Witnesses said it was late.", "The  ferry left at NOON.",
                 "Witnesses said it was late."]
    text = " ".join(sentences)
    gold = _gold(text, sentences, (DF, RC, DF, RC))
    (doc,) = align(gold, predictions_from_records([], "p"))
    assert [u.duplicate_of for u in doc.units] == [None, None, "u0000", "u0001"]
    assert len(doc.scored) == 2
    summary = gold_summary(gold)
    assert summary["scored_units"] == 2 and summary["duplicate_units"] == 2
    # A system that gets the repeat wrong is not penalised twice (nor at all: repeats are not scored).
    spans = _spans(text, sentences)
    rows = [{"doc_id": "d", "start": s, "end": e, "label": label}
            for (s, e), label in zip(spans, (DF, RC, AN, AN), strict=True)]
    report = evaluate(gold, [predictions_from_records(rows, "p")], resamples=10)
    assert report["systems"][0]["metrics"]["accuracy"] == 1.0


def test_normalise_ignores_case_width_and_spacing():
    assert normalise("The\u00a0Ferry\n left.") == normalise("the ferry left.")


def test_document_missing_from_predictions_is_reported_and_missed():
    gold = gold_from_records(
        {"d": TEXT, "e": "The harbour closed."},
        [{"doc_id": "d", "start": 0, "end": 23, "label": DF}, {"doc_id": "e", "start": 0, "end": 19, "label": DF}],
    )
    report = evaluate(gold, [predictions_from_records([{"doc_id": "d", "start": 0, "end": 23, "label": DF}], "p")],
                      resamples=10)
    system = report["systems"][0]
    assert system["missing_documents"] == ["e"]
    assert [(u["doc_id"], u["gold"]) for u in system["missed_units"]] == [("e", DF)]
    assert system["metrics"]["accuracy"] == 0.5
    assert system["errors"][0]["predicted"] == MISSED

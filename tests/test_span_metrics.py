"""Span metrics against gold source and cue spans: exact, overlap, no source, cues inside quotations."""

from attribution.training.span_metrics import score_spans

from attribution.results import Prediction

TEXT = '"We are winning," Senator Ann Lee said on Monday.'
#        0         1         2         3         4
SOURCE, CUE = [18, 33], [34, 38]  # "Senator Ann Lee", "said"


def _record(label="reported_claim", sources=(SOURCE,), cues=(CUE,)):
    return {"text": TEXT, "label": label, "source_spans": [list(s) for s in sources],
            "cue_spans": [list(c) for c in cues]}


def _prediction(label="reported_claim", source=None, cue=None):
    return Prediction(label, {}, source, cue)


def test_exact_overlap_and_missing_sources_are_counted_on_the_right_sentences():
    assert TEXT[18:33] == "Senator Ann Lee" and TEXT[34:38] == "said"
    records = [_record(), _record(), _record(), _record(label="direct_fact", sources=(), cues=()), _record()]
    predictions = [
        _prediction(source=(18, 34), cue=(34, 38)),  # trailing space trimmed: exact; cue exact
        _prediction(source=(26, 33), cue=(4, 7)),  # "Ann Lee": overlap only; cue "are" inside the quotation
        _prediction(source=None, cue=None),  # called attributed, no source
        _prediction(source=(18, 33), cue=(34, 38)),  # gold direct_fact: not in the span figures
        _prediction(label="direct_fact"),  # not called attributed
    ]
    figures = score_spans(records, predictions)
    assert figures["both_attributed"] == 3 and figures["source_units"] == 3
    assert figures["source_exact"] == 1 and figures["source_overlap"] == 2
    assert figures["cue_exact"] == 1 and figures["wrong_cues"] == 1 and figures["cue_in_quote"] == 1
    assert figures["called_with_gold_source"] == 3 and figures["no_source"] == 1
    assert figures["source_exact_share"] == round(1 / 3, 4)
    assert figures["no_source_share"] == round(1 / 3, 4)


def test_a_sentence_whose_gold_source_lies_outside_is_not_scored_for_the_source():
    figures = score_spans([_record(sources=())], [_prediction(source=None, cue=(34, 38))])
    assert figures["source_units"] == 0 and figures["source_exact_share"] is None
    assert figures["called_with_gold_source"] == 0 and figures["cue_exact"] == 1

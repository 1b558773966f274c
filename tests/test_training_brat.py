"""BRAT stand-off parsing: discontinuous spans, spans crossing line breaks, events with optional roles."""

from attribution.training.brat import check_spans, parse_brat

TEXT = "Officials said on Monday\nthat the plan, they added, was dead.\nIt was reportedly over."
# "that the plan was dead." is discontinuous (skips ", they added,") and the Source "Officials" starts line 1;
# the Content of E1 crosses the line break.
ANN = (
    "T1\tSource 0 9\tOfficials\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 38\ton Monday\nthat the plan\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tContent 30 38;52 60\tthe plan was dead\n"
    "T6\tCue 69 79\treportedly\n"
    "T7\tAttribution-no-source 69 79\treportedly\n"
    "E2\tAttribution-no-source:T7 Content:T5 Cue:T6\n"
    "#1\tAnnotatorNotes T5\ta note\n"
)


def test_multiline_span_keeps_its_line_break():
    doc = parse_brat(ANN)
    assert doc.spans["T3"].text == "on Monday\nthat the plan"
    assert doc.spans["T3"].fragments == ((15, 38),)


def test_discontinuous_span_has_all_fragments():
    span = parse_brat(ANN).spans["T5"]
    assert span.fragments == ((30, 38), (52, 60))
    assert span.start == 30 and span.end == 60
    assert span.overlaps(52, 53) and not span.overlaps(40, 50)
    assert span.overlap_chars(0, 100) == 16
    assert check_spans(parse_brat(ANN), TEXT) == []


def test_events_with_and_without_source():
    doc = parse_brat(ANN)
    first, second = doc.events
    assert first.trigger == "T4"
    assert first.args == {"Content": "T3", "Cue": "T2", "Source": "T1"}
    assert "Source" not in second.args and second.type == "Attribution-no-source"
    assert doc.notes == ["AnnotatorNotes T5\ta note"]


def test_trailing_blank_line_is_not_span_text():
    doc = parse_brat("T1\tDiscard 0 9\tOfficials\n\n")
    assert doc.spans["T1"].text == "Officials"


def test_check_spans_against_text():
    text = "Officials said on Monday\nthat the plan was dead."
    doc = parse_brat("T1\tSource 0 9\tOfficials\nT2\tContent 30 38;39 47\tthe plan was dead\n")
    assert check_spans(doc, text) == []
    assert check_spans(parse_brat("T1\tSource 0 9\tOfficers\n"), text) == ["T1"]

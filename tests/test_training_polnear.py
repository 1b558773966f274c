"""Sentence labels from PolNeAR-style relations, on a small article written for the test."""

from attribution.training.brat import parse_brat
from attribution.training.polnear import convert_article

TEXT = (
    "Budget talks stall in the capital.\n\n"
    "The city council met on Monday to discuss the budget. "
    "The plan is dead, a senior official said. "
    "It will be revived next year, the official added. "
    "Mayor Jane Roe said the council would vote again in May. "
    "She declined to comment on the delay. "
    "The vote was reportedly postponed twice.\n"
)


def _span(text, phrase, kind, n, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return f"T{n}\t{kind} {start} {start + len(phrase)}\t{phrase}\n", f"T{n}"


def _relation(lines, n, e, content, cue, source=None, nth=0):
    out = []
    c_line, c_id = _span(TEXT, content, "Content", n, nth)
    q_line, q_id = _span(TEXT, cue, "Cue", n + 1, nth)
    out += [c_line, q_line]
    args = f"Content:{c_id} Cue:{q_id}"
    if source:
        s_line, s_id = _span(TEXT, source, "Source", n + 2, nth)
        out.append(s_line)
        args += f" Source:{s_id}"
        kind = "Attribution"
    else:
        kind = "Attribution-no-source"
    out.append(f"E{e}\t{kind}:{q_id} {args}\n")
    lines.extend(out)


def _ann():
    lines: list[str] = []
    _relation(lines, 1, 1, "The plan is dead", "said", "a senior official")
    _relation(lines, 4, 2, "It will be revived next year", "added", "the official")
    _relation(lines, 7, 3, "the council would vote again in May", "said", "Mayor Jane Roe")
    _relation(lines, 10, 4, "on the delay", "declined to comment", "She")
    _relation(lines, 13, 5, "The vote was", "reportedly")
    return parse_brat("".join(lines))


def _labels():
    records = convert_article(TEXT, _ann(), [], doc_id="polnear:dev/test", ann_file="x.ann")
    return {r.text: r for r in records}


def test_labels_follow_the_spec():
    by_text = _labels()
    assert by_text["Budget talks stall in the capital."].label == "direct_fact"
    assert by_text["The city council met on Monday to discuss the budget."].label == "direct_fact"
    assert by_text["The plan is dead, a senior official said."].label == "anonymous_source_quote"
    # rule 3: a back reference takes the type of the source it refers to
    assert by_text["It will be revived next year, the official added."].label == "anonymous_source_quote"
    assert by_text["Mayor Jane Roe said the council would vote again in May."].label == "reported_claim"
    # rule 5: a speech act told as an event passes nothing on
    assert by_text["She declined to comment on the delay."].label == "direct_fact"
    # rule 4: hearsay without a source
    assert by_text["The vote was reportedly postponed twice."].label == "reported_claim"


def test_source_and_cue_spans_are_relative_to_the_sentence():
    record = _labels()["The plan is dead, a senior official said."]
    (s_start, s_end), = record.source_spans
    (c_start, c_end), = record.cue_spans
    assert record.text[s_start:s_end] == "a senior official"
    assert record.text[c_start:c_end] == "said"
    assert TEXT[record.start:record.end] == record.text
    assert record.provenance.relation_ids == ["E1"]


def test_context_pointer_links_neighbours():
    records = convert_article(TEXT, _ann(), [], doc_id="polnear:dev/test", ann_file="x.ann")
    for before, after in zip(records, records[1:], strict=False):
        assert after.sent_idx > before.sent_idx
        assert after.prev_text == before.text or after.sent_idx > before.sent_idx + 1


def test_multi_sentence_content_labels_every_sentence_it_runs_through():
    text = 'Jane Roe said: "We will win. We will rebuild the bridge."\n'
    start = text.index("We will win")
    end = text.index('bridge."') + len("bridge.")
    ann = parse_brat(
        f"T1\tSource 0 8\tJane Roe\nT2\tCue 9 13\tsaid\nT3\tContent {start} {end}\t{text[start:end]}\n"
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    )
    records = convert_article(text, ann, [], doc_id="polnear:dev/t2", ann_file="x.ann")
    assert [r.label for r in records] == ["reported_claim"] * len(records)

"""The converter's finer rules (LABELS.md rules 3-9, docs/labels.md), each on a small article written for the test."""

from attribution.training.brat import parse_brat
from attribution.training.polnear import convert_article


def _ann(text, relations):
    """BRAT lines for ``relations``: (content phrases, cue phrase, source phrase or None) found in ``text``."""
    lines, n, e = [], 0, 0

    def span(kind, phrase):
        nonlocal n
        n += 1
        start = text.index(phrase)
        lines.append(f"T{n}\t{kind} {start} {start + len(phrase)}\t{phrase}\n")
        return f"T{n}"

    for contents, cue, source in relations:
        e += 1
        content_ids = [span("Content", c) for c in ([contents] if isinstance(contents, str) else contents)]
        cue_id = span("Cue", cue)
        args = " ".join(f"Content{'' if i == 0 else i + 1}:{c}" for i, c in enumerate(content_ids))
        args += f" Cue:{cue_id}"
        if source:
            args += f" Source:{span('Source', source)}"
        kind = "Attribution" if source else "Attribution-no-source"
        lines.append(f"E{e}\t{kind}:{cue_id} {args}\n")
    return parse_brat("".join(lines))


def _labels(text, relations):
    records = convert_article(text, _ann(text, relations), [], doc_id="polnear:dev/t", ann_file="t.ann")
    return {r.text: r.label for r in records}


HEADLINE = "Council budget talks stall again.\n\n"


def test_a_source_and_verb_opening_the_sentence_frame_it_although_the_content_covers_less_than_half():
    sentence = ("Critics say the plan could fail if the council votes no, raising the question of what "
                "would happen to the bridge, the tunnel and the long list of other projects in the city.")
    labels = _labels(HEADLINE + sentence + "\n", [("the plan could fail", "say", "Critics")])
    assert labels[sentence] == "anonymous_source_quote"


def test_a_quote_first_attribution_frames_the_sentence():
    sentence = ('"It is over," Jane Roe said on Monday, referring to the long and winding budget negotiations '
                'between the city council, the county board and the state.')
    labels = _labels(HEADLINE + sentence + "\n", [("It is over,", "said", "Jane Roe")])
    assert labels[sentence] == "reported_claim"


def test_an_attribution_inside_the_subject_noun_phrase_does_not_frame_the_sentence():
    sentence = ("A gang member also claiming credit for the fire broke three windows at the city hall "
                "parking lot on a quiet Sunday morning in late December.")
    labels = _labels(HEADLINE + sentence + "\n", [("credit for the fire", "claiming", "A gang member")])
    assert labels[sentence] == "direct_fact"


def test_a_subordinate_attribution_does_not_frame_the_sentence():
    sentence = ("As Jane Roe said the bridge was unsafe, crews closed the road, rerouted the buses and put up "
                "fences along both banks of the river for the rest of the week.")
    labels = _labels(HEADLINE + sentence + "\n", [("the bridge was unsafe", "said", "Jane Roe")])
    assert labels[sentence] == "direct_fact"


def test_feelings_are_states_not_content_rule_9():
    outraged = "Mayor Jane Roe has been outraged by the closure of the bridge."
    upset = "Governor Dan Doe was upset that the tunnel closed."
    text = HEADLINE + outraged + " " + upset + "\n"
    labels = _labels(text, [("by the closure of the bridge", "has been outraged", "Mayor Jane Roe"),
                            ("that the tunnel closed", "was upset", "Governor Dan Doe")])
    assert labels[outraged] == "direct_fact"
    assert labels[upset] == "reported_claim"  # a proposition is passed on


def test_what_a_bill_would_do_is_the_writers_description():
    sentence = "The bill would shield churches from lawsuits over the new rules."
    labels = _labels(HEADLINE + sentence + "\n", [("shield churches from lawsuits over the new rules", "would",
                                                   "The bill")])
    assert labels[sentence] == "direct_fact"


def test_an_attribution_inside_a_noun_phrase_is_not_the_main_content():
    mention = "It was the mayor's first answer to union criticism that the budget plan is failing."
    argument = "Their argument: the tunnel plan is failing."
    text = HEADLINE + mention + " " + argument + "\n"
    labels = _labels(text, [("that the budget plan is failing", "criticism", "union"),
                            ("the tunnel plan is failing", "argument", "Their")])
    assert labels[mention] == "direct_fact"
    assert labels[argument] == "reported_claim"  # the content is the sentence's predicate


def test_negated_speech_and_vetoes_pass_nothing_on():
    mention = "Jane Roe did not mention the mayor by name."
    veto = "Governor Dan Doe vetoed a bill that would have closed the bridge."
    text = HEADLINE + mention + " " + veto + "\n"
    labels = _labels(text, [("the mayor by name", "did not mention", "Jane Roe"),
                            ("a bill that would have closed the bridge", "vetoed", "Governor Dan Doe")])
    assert labels[mention] == "direct_fact"
    assert labels[veto] == "direct_fact"


def test_expectations_of_an_unnamed_group_are_content():
    sentence = "Most insiders don't foresee a comeback for the mayor."
    labels = _labels(HEADLINE + sentence + "\n", [("a comeback for the mayor", "don't foresee", "Most insiders")])
    assert labels[sentence] == "anonymous_source_quote"


def test_embedded_post_of_a_named_account_is_reported():
    text = HEADLINE + '<tweet id="1" author="@janeroe" datetime="2016-01-01">The bridge is unsafe.</tweet>.\n'
    labels = _labels(text, [])
    assert [v for k, v in labels.items() if "bridge is unsafe" in k] == ["reported_claim"]


def test_reportedly_in_the_main_clause_is_hearsay_rule_4():
    main = "The mayor reportedly fired the bridge manager."
    relative = "Jane Roe, who reportedly earns a large salary, arrived late."
    text = HEADLINE + main + " " + relative + "\n"
    labels = _labels(text, [])
    assert labels[main] == "reported_claim"
    assert labels[relative] == "direct_fact"


def test_we_ve_outside_quotes_is_the_writer():
    sentence = "We’ve warned about these bridges for years."
    labels = _labels(HEADLINE + sentence + "\n", [("about these bridges for years", "warned", "We’ve")])
    assert labels[sentence] == "direct_fact"

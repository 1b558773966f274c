import pytest

import attribution
from attribution.labels import ANONYMOUS_SOURCE_QUOTE as ANON
from attribution.labels import DIRECT_FACT as FACT
from attribution.labels import LABELS
from attribution.labels import REPORTED_CLAIM as CLAIM
from attribution.source_types import type_source


@pytest.fixture(scope="module")
def analyzer():
    return attribution.load("rules")


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("The council voted 7-2 on Tuesday.", FACT),
        ("The spokesperson declined to comment.", FACT),
        ("The mayor said the bridge needed repairs.", CLAIM),
        ("Zelensky reportedly urged Trump to send more weapons.", CLAIM),
        ("Court filings show the company knew of the defect.", CLAIM),
        ("A Pentagon spokesman said the drills would continue.", CLAIM),
        ("A senior official, speaking anonymously, told Axios that talks had stalled.", ANON),
        ("People familiar with the matter said the deal was close.", ANON),
        ("Critics say the plan goes too far.", ANON),
        ("F.B.I. officials said the suspect acted alone.", ANON),
        ("Axios reported, citing two people familiar with the plans, that a summit was likely.", ANON),
    ],
)
def test_single_sentence_labels_follow_the_spec(analyzer, sentence, label):
    (result,) = analyzer.analyze(sentence).sentences
    assert result.label == label
    assert set(result.probs) == set(LABELS)
    assert max(result.probs, key=result.probs.get) == label
    assert sum(result.probs.values()) == pytest.approx(1.0)


def test_back_reference_takes_the_type_of_its_antecedent(analyzer):
    text = (
        "A senior official, speaking anonymously, told reporters that the talks had stalled. "
        '"A lot has changed," the official noted. '
        "Mayor Dana Whitfield said the city would wait. "
        '"We are patient," she said.'
    )
    labels = [s.label for s in analyzer.analyze(text).sentences]
    assert labels == [ANON, ANON, CLAIM, CLAIM]


def test_source_and_cue_offsets_index_the_original(analyzer):
    text = "Headline\n\nThe finance committee said on Monday that spending would rise."
    (_, sentence) = analyzer.analyze(text).sentences
    assert (sentence.source, sentence.cue) == ("The finance committee", "said")
    assert text[sentence.source_start : sentence.source_end] == sentence.source
    assert text[sentence.cue_start : sentence.cue_end] == sentence.cue


@pytest.mark.parametrize(
    ("mention", "kind"),
    [
        ("a House Democratic aide", "anonymous"),
        ("investigators from the National Anti-Corruption Bureau", "named"),
        ("a lawyer for the bloggers", "named"),
        ("Pentagon officials", "anonymous"),
        ("the Justice Department", "named"),
        ("he", "pronoun"),
        ("the official", "back_reference"),
        ("Geoff Johnston", "named"),
    ],
)
def test_source_type_comes_from_the_head_of_the_phrase(mention, kind):
    assert type_source(mention) == kind

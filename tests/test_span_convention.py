"""The span convention (training/span_convention.py): PolNeAR's spans and head mentions moved to one convention."""

import pytest
from attribution.training.span_convention import cue_span, extend_source, source_span


def _cut(text, span):
    return text[span[0]:span[1]]


@pytest.mark.parametrize(("text", "source", "expected"), [
    ("John Ryder, the RNC\u2019s chief counsel, said the rules stand.", "John Ryder",
     "John Ryder, the RNC\u2019s chief counsel"),
    ("A Mexican official who was not authorized to speak said it.", "A Mexican official",
     "A Mexican official who was not authorized to speak"),
    ("The rules stand, said John Ryder, the RNC\u2019s chief counsel.", "John Ryder",
     "John Ryder, the RNC\u2019s chief counsel"),
    ("The mayor said the bridge was unsafe.", "The mayor", "The mayor"),  # nothing to take in
    ("\"We won,\" he said, \"and they lost.\"", "he", "he"),  # a quote after the cue is not an apposition
    ("Smith, and later Jones, said no.", "Smith", "Smith"),  # a coordination is not an apposition
])
def test_extend_source_takes_in_the_apposition_between_mention_and_cue(text, source, expected):
    start = text.index(source)
    cue = text.index("said")
    assert _cut(text, extend_source(text, start, start + len(source), (cue, cue + 4), len(text))) == expected


def test_extend_source_is_idempotent_on_spans_that_follow_the_convention():
    text = "John Ryder, the RNC\u2019s chief counsel, said the rules stand."
    full = (0, len("John Ryder, the RNC\u2019s chief counsel"))
    cue = text.index("said")
    assert extend_source(text, *full, (cue, cue + 4), len(text)) == full


@pytest.mark.parametrize(("text", "cue", "expected"), [
    ("He has also said that.", "said", "has also said"),
    ("They don\u2019t think so.", "don\u2019t think", "think"),
    ("She said: no.", "said:", "said"),
    ("The man said no.", "said", "said"),  # a noun before the cue is not an auxiliary
])
def test_cue_span_moves_auxiliaries_in_and_negation_out(text, cue, expected):
    start = text.index(cue)
    assert _cut(text, cue_span(text, start, start + len(cue))) == expected


def test_source_span_drops_a_possessive_and_a_passive_by():
    text = "as reported by Mr. Comey\u2019s office"
    start = text.index("by")
    assert _cut(text, source_span(text, start, text.index(" office"))) == "Mr. Comey"

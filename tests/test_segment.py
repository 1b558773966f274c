import pytest

from attribution.segment import segment

CASES = [
    ("Mr. Smith arrived in the U.S. on Monday. He left on Tuesday.",
     ["Mr. Smith arrived in the U.S. on Monday.", "He left on Tuesday."]),
    ("Sen. Warren and Gov. Newsom met. They talked about G.D.P. growth.",
     ["Sen. Warren and Gov. Newsom met.", "They talked about G.D.P. growth."]),
    ('"We will win," she said. "It is fine." The vote is Friday.',
     ['"We will win," she said.', '"It is fine."', "The vote is Friday."]),
    ("He called it “a disaster.” Others disagreed.", ["He called it “a disaster.”", "Others disagreed."]),
    ("The bill (which passed 52-48) goes to the House. Debate starts soon.",
     ["The bill (which passed 52-48) goes to the House.", "Debate starts soon."]),
    ("Headline without a full stop\nFirst sentence of the body.",
     ["Headline without a full stop", "First sentence of the body."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_news_edge_cases(text, expected):
    sentences = segment(text)
    assert [s.text for s in sentences] == expected


@pytest.mark.parametrize(("text", "_"), CASES)
def test_offsets_index_the_original(text, _):
    sentences = segment(text)
    assert [s.idx for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_sentences_never_cross_paragraphs_and_keep_offsets_of_given_spans():
    text = "  First para ends here without stop\n\nSecond para. Two sentences.  "
    paragraphs = [(2, 35), (37, len(text) - 2)]
    sentences = segment(text, paragraphs)
    assert [s.text for s in sentences] == ["First para ends here without stop", "Second para.", "Two sentences."]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_empty_and_whitespace_text_give_no_sentences():
    assert segment("") == []
    assert segment(" \n\n \t") == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_breaks_a_paragraph_and_offsets_index_the_original(newline):
    """Old Mac files end lines with a lone carriage return; a sentence must not run across it."""
    text = newline.join(["Headline without a full stop", "First sentence. Second one", "", "Last line."]) + newline
    sentences = segment(text)
    assert [s.text for s in sentences] == ["Headline without a full stop", "First sentence.", "Second one",
                                           "Last line."]
    assert all(text[s.start : s.end] == s.text and "\r" not in s.text for s in sentences)

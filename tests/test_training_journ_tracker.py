"""Sourcing-story statements matched to sentences, type mapping, completeness; tracker snippet cleaning."""

from attribution.training.journ import Statement, convert_story, normalise_type
from attribution.training.tracker import clean_snippet

STORY = (
    "Headline: Town votes on new bridge\n"
    "Date: 2025-01-01\n\n"
    "The town council voted 5-2 on Tuesday to build a new bridge. "
    "The bridge will cost $4 million, Mayor Jane Roe said. "
    "City officials said the old bridge was unsafe. "
    "Residents have complained for years, a person familiar with the plans said. "
    "Construction starts in May.\n"
)


def _statement(row, text, kind):
    return Statement(row, text, normalise_type(kind), "", "", "")


def test_matching_types_and_rule_8():
    statements = [
        _statement("1", "The bridge will cost $4 million, Mayor Jane Roe said", "Named individual"),
        _statement("2", "City officials said the old bridge was unsafe.", "named organization"),
        _statement("3", "Residents have complained for years, a person familiar with the plans said.",
                   "Anonymous Source"),
    ]
    result = convert_story(STORY, statements, doc_id="journ:1-x", gt_file="gt.csv")
    labels = {r.text: r.label for r in result.records}
    assert result.pieces_matched == result.pieces == 3
    assert labels["The bridge will cost $4 million, Mayor Jane Roe said."] == "reported_claim"
    # unnamed members of a named body, though the row says Named Organization (LABELS.md rule 8)
    assert labels["City officials said the old bridge was unsafe."] == "anonymous_source_quote"
    assert labels["Construction starts in May."] == "direct_fact"
    assert "Date: 2025-01-01" not in labels


def test_incomplete_story_keeps_only_matched_sentences():
    statements = [_statement("1", "The bridge will cost $4 million, Mayor Jane Roe said", "Named Person")]
    result = convert_story(STORY, statements, doc_id="journ:1-x", gt_file="gt.csv")
    assert not result.complete
    assert [r.label for r in result.records] == ["reported_claim"]


def test_snippet_cleaning_keeps_highlight_offsets():
    text, highlights = clean_snippet("... the deal, <b>a person familiar with</b> the talks said<br>\n.&nbsp;...")
    assert text == "the deal, a person familiar with the talks said."
    (start, end), = highlights
    assert text[start:end] == "a person familiar with"

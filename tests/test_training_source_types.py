"""Source typing by the head of the phrase (LABELS.md rule 8) and pronoun / back-reference resolution."""

import pytest

from attribution.source_types import (
    ANONYMOUS,
    NAMED,
    Mention,
    classify_mention,
    resolve_sources,
)


@pytest.mark.parametrize("mention, kind", [
    ("a senior official", ANONYMOUS),
    ("White House officials", ANONYMOUS),          # unnamed members of a named body
    ("a House Democratic aide", ANONYMOUS),
    ("people familiar with the talks", ANONYMOUS),
    ("some of the mayor's critics", ANONYMOUS),
    ("some Democrats", ANONYMOUS),
    ("One Republican", ANONYMOUS),
    ("investigators from the National Anti-Corruption Bureau", NAMED),  # head is not an unnamed-source noun
    ("a Pentagon spokesman", NAMED),                # spokesperson for a named body
    ("Democrats", NAMED),                           # the party as a whole
    ("Jane Roe, a former state official,", NAMED),  # name before the apposition
    ("another user, Sam Lee", NAMED)  ,              # name given in apposition
    ("Transport Minister Alan Doe", NAMED),
    ("the company's chief executive", NAMED),       # an identifying role
    ("A report released on Monday", NAMED),         # a document
    ("Another 19 percent", NAMED),                  # a poll result
    ("a new study", NAMED),
    ("an inside source", ANONYMOUS),                # "inside" is an adjective here, not a preposition
    ("a close aide to the governor", ANONYMOUS),
    ("veteran Republicans", ANONYMOUS),             # described members, not the party
    ("Senate Democrats", NAMED),                    # a caucus speaking as a body
    ("Some Canadians", ANONYMOUS),                  # part of a group, unnamed
    ("advocacy groups", ANONYMOUS),                 # unnamed organisations (rule 8)
    ("Proponents", ANONYMOUS),                      # capitalised only because it opens the sentence
    ("politicians and activists", ANONYMOUS),
    ("Those close to him", ANONYMOUS),
    ("a local user going by the handle Roe42", NAMED),       # a named account
    ("critics, like Senators Roe and Doe", NAMED),            # a group identified by its named members
    ("many experts, including Dr. Roe", ANONYMOUS),           # a named person beside unnamed ones
])
def test_named_or_anonymous_by_head(mention, kind):
    assert classify_mention(mention).kind == kind


@pytest.mark.parametrize("mention", ["one of", "some of the", "of", "—"])
def test_a_mention_with_no_head_after_its_quantifier_is_typed_not_crashed(mention):
    # a model's predicted span can stop anywhere: "one of" used to index past the end of the words
    assert classify_mention(mention).kind in {ANONYMOUS, NAMED}


def test_pronouns_relatives_and_back_references_are_left_to_resolution():
    assert classify_mention("he").kind == "pronoun"
    assert classify_mention("They").number == "plural"
    assert classify_mention("who").kind == "relative"
    assert classify_mention("We’ve").kind == "pronoun" and classify_mention("We’ve").head == "we"
    assert classify_mention("the official").kind == "back_reference"
    assert classify_mention("both men").kind == "back_reference"


def _mentions(*items):
    out, pos = [], 0
    for text in items:
        out.append(Mention(pos, pos + len(text), text, classify_mention(text)))
        pos += 100
    return out


def test_pronoun_takes_the_nearest_compatible_source():
    mentions = _mentions("a senior official", "he")
    resolve_sources(mentions)
    assert mentions[1].resolved == ANONYMOUS and mentions[1].antecedent == 0


def test_pronoun_skips_sources_of_the_wrong_number():
    mentions = _mentions("Jane Roe", "critics", "she")
    resolve_sources(mentions)
    assert mentions[2].resolved == NAMED and mentions[2].antecedent == 0
    plural = _mentions("Jane Roe", "critics", "they")
    resolve_sources(plural)
    assert plural[2].resolved == ANONYMOUS


def test_a_person_named_in_between_wins_over_an_unnamed_source():
    mentions = _mentions("a senior official", "he")
    resolve_sources(mentions, all_persons=[50])  # a PERSON entity between the two mentions
    assert mentions[1].resolved == NAMED


def test_back_reference_takes_the_type_of_its_antecedent():
    mentions = _mentions("another source", "the source")
    resolve_sources(mentions)
    assert mentions[1].resolved == ANONYMOUS
    named = _mentions("Jane Roe, a state official", "the official")
    resolve_sources(named)
    assert named[1].resolved == NAMED  # first mention names her: later 'the official' is not withheld


def test_speaker_pronoun_inside_a_quote_takes_the_quote_source():
    mentions = _mentions("I", "a person close to the talks")
    resolve_sources(mentions)
    resolve_sources(mentions, enclosing={0: 1})
    assert mentions[0].resolved == ANONYMOUS


def test_relative_pronoun_takes_the_phrase_before_it():
    mentions = _mentions("who")
    resolve_sources(mentions, preceding_np={0: Mention(0, 5, "Jane Roe", classify_mention("Jane Roe"))})
    assert mentions[0].resolved == NAMED

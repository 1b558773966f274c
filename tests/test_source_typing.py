"""One source typing for the training labels and the records (issue 15): a table of mentions and their types.

The mentions are written for this table in the style of news text (none is copied from a corpus); they follow
the examples of LABELS.md (``../shared/LABELS.md``, cited as "rule N") and of the project's guide
(``docs/labels.md``, cited as "guide: ..."), plus patterns common in real articles. Each row gives the type a
sentence record reports (``type_source``): ``named``, ``anonymous``, ``pronoun`` or ``back_reference`` (both
take their type from the source they refer to, rule 3) or ``none`` (no mention), and the rule that decides it.
The same rows check that the converters' reading (``classify_mention`` and ``resolve_sources``, which make the
training labels) agrees, so the model learns the typing that the records report.
"""

import subprocess
import sys

import pytest

from attribution.source_types import (
    ANONYMOUS,
    MAX_MENTION_CHARS,
    NAMED,
    Mention,
    classify_mention,
    resolve_sources,
    type_source,
)
from attribution.sources import find_attribution

MENTIONS: list[tuple[str, str, str]] = [
    # --- LABELS.md's own examples ---
    ("A senior official", "anonymous", "rule 8: unnamed individual"),
    ("people familiar with the matter", "anonymous", "rule 8: anonymity phrase (familiar with)"),
    ("sources", "anonymous", "rule 8: 'sources said'"),
    ("an official who was not authorized to speak publicly", "anonymous", "rule 8: anonymity phrase"),
    ("a person briefed on the talks", "anonymous", "rule 8: anonymity phrase (briefed on)"),
    ("officials", "anonymous", "rule 8: unnamed 'officials said'"),
    ("insiders", "anonymous", "rule 8: 'insiders'"),
    ("a source close to the governor", "anonymous", "rule 8: 'a source close to'"),
    ("two people familiar with the plans", "anonymous", "rule 1: counted unnamed people"),
    ("Critics", "anonymous", "rule 8: unnamed group"),
    ("some experts", "anonymous", "rule 8: unnamed group"),
    ("analysts", "anonymous", "rule 8: unnamed group"),
    ("diplomats", "anonymous", "rule 8: unnamed group"),
    ("F.B.I. officials", "anonymous", "rule 8: unnamed members of a named body"),
    ("University officials", "anonymous", "rule 8: unnamed members of a named body"),
    ("the Justice Department", "named", "rule 8: named body as a whole"),
    ("Democrats", "named", "rule 8: the party as a whole"),
    ("the investigators from the National Anti-Corruption Bureau", "named", "rule 8: named body as a whole"),
    ("a Pentagon spokesman", "named", "rule 8: spokesperson for a named body"),
    ("a spokesperson for the utility", "named", "rule 8: spokesperson for a body"),
    ("a lawyer for the bloggers", "named", "rule 8: a role named elsewhere / speaking for a client"),
    ("the company's chief executive", "named", "reported_claim column: an identifying role"),
    ("Axios", "named", "reported_claim column: named publication"),
    ("Moscow", "named", "reported_claim column: government as a place name"),
    ("the White House", "named", "reported_claim column: government as a place name"),
    ("court filings", "named", "rule 9: evidence from documents"),
    ("a photo provided by an anonymous source", "anonymous", "rule 1: ultimate source wins"),
    ("a memo leaked by a former aide", "anonymous", "rule 1: ultimate source wins"),
    ("a letter sent by the mayor", "named", "rule 9: a document from an identified source"),
    ("the report", "named", "rule 9: a document is an identified source"),
    ("he", "pronoun", "rule 3: pronoun takes its antecedent's type"),
    ("the official", "back_reference", "rule 3: short back reference"),
    ("the source", "back_reference", "rule 3: short back reference"),
    ("Zelensky", "named", "reported_claim column: named person"),
    # --- the three mentions of issue 15 that the two old typings split on ---
    ("some Democrats", "anonymous", "rule 8: unnamed members ('Democrats said' only of the party)"),
    ("voters", "anonymous", "rule 8: unnamed group"),
    ("one of the officials", "anonymous", "rule 8: unnamed individual ('one of' a group)"),
    # --- docs/labels.md's examples and decisions ---
    ("Mayor Dana Whitfield", "named", "guide: named person with a title"),
    ("Court filings", "named", "guide: documents show"),
    ("Two council members who opposed the measure", "anonymous", "guide: unnamed members"),
    ("two engineers who asked not to be named", "anonymous", "rule 8: anonymity phrase"),
    ("the mayor", "named", "guide: identifying roles are identified sources"),
    ("the woman", "back_reference", "guide: generic person nouns refer back (rule 3)"),
    ("The mayor's office", "named", "rule 8: named body"),
    ("Prosecutors", "named", "guide: prosecutors act on the record for the government"),
    ("critics, like Senators Roe and Doe", "named", "guide: a group identified by its named members"),
    ("many experts, including Dr. Roe", "anonymous", "guide: a named person beside unnamed ones (rule 2)"),
    ("his lawyer and independent observers", "anonymous", "guide: a named person beside unnamed ones (rule 2)"),
    ("Democratic and Republican officials", "anonymous", "rule 2 and rule 8: every conjunct unnamed"),
    ("Jane Roe and an aide", "anonymous", "rule 2: anonymous beats named"),
    ("the mayor and the police chief", "named", "guide: identifying roles, every conjunct identified"),
    ("the influential delegate and party activist", "named", "guide: one person described by two nouns, a role"),
    ("Police", "named", "guide: 'police said' is the institution"),
    ("authorities", "named", "guide: 'authorities said' is the institution"),
    ("police officials", "anonymous", "guide: unnamed members of the force"),
    ("an officer", "anonymous", "guide: unnamed member of the force"),
    ("French officials", "anonymous", "guide: unnamed members of a government"),
    ("the campaign", "named", "guide: a candidate's campaign is a named body"),
    ("Clinton's team", "named", "guide: a candidate's team is a named body"),
    ("Advisers to Clinton", "anonymous", "guide: advisers to X are unnamed members"),
    ("Clinton's aides", "anonymous", "guide: X's aides are unnamed members"),
    ("economists", "anonymous", "guide: 'criticized by economists' (rule 8)"),
    ("shops across the country", "anonymous", "guide: a generic collective of businesses (rule 8)"),
    ("exit polls", "named", "guide: a poll is an identified source"),
    ("about four in 10 voters", "named", "guide: a poll's share of respondents is the poll speaking"),
    ("Another 19 percent", "named", "guide: a poll's share of respondents"),
    ("a local user going by the handle Roe42", "named", "guide: a named account"),
    ("@citywatch", "named", "guide: a named account"),
    ("lawyers for Acme Corp.", "named", "guide: lawyers for a named company speak for it"),
    ("the former top aide to President Bush", "named", "guide: identifying roles"),
    ("the agency's director", "named", "guide: identifying roles (possessive)"),
    ("Acme's chief financial officer", "named", "guide: identifying roles (possessive)"),
    # --- patterns of real articles ---
    ("a senior administration official", "anonymous", "rule 8: unnamed individual"),
    ("A senior official, speaking anonymously,", "anonymous", "rule 8: anonymity phrase"),
    ("officials familiar with the investigation", "anonymous", "rule 8: anonymity phrase"),
    ("Officials at the agency", "anonymous", "rule 8: unnamed members of a named body"),
    ("White House officials", "anonymous", "rule 8: unnamed members of a named body"),
    ("Pentagon officials", "anonymous", "rule 8: unnamed members of a named body"),
    ("a House Democratic aide", "anonymous", "rule 8: unnamed individual"),
    ("two senior officials", "anonymous", "rule 8: counted unnamed individuals"),
    ("several lawmakers", "anonymous", "rule 8: unnamed group"),
    ("lawmakers", "anonymous", "rule 8: unnamed group"),
    ("an aide", "anonymous", "rule 8: unnamed individual"),
    ("a source", "anonymous", "rule 8: unnamed individual"),
    ("someone", "anonymous", "rule 8: unnamed individual"),
    ("Witnesses", "anonymous", "rule 8: unnamed group"),
    ("some residents", "anonymous", "rule 8: unnamed group"),
    ("employees", "anonymous", "rule 8: unnamed group"),
    ("a woman who asked not to be named", "anonymous", "rule 8: anonymity phrase"),
    ("Those close to him", "anonymous", "rule 8: unnamed people defined by their access"),
    ("a close aide to the governor", "anonymous", "rule 8: unnamed individual ('close' an adjective)"),
    ("an inside source", "anonymous", "rule 8: unnamed individual ('inside' an adjective)"),
    ("advocacy groups", "anonymous", "rule 8: unnamed organisations"),
    ("Proponents", "anonymous", "rule 8: unnamed group (capitalised only as the first word)"),
    ("some of his admirers", "anonymous", "rule 8: unnamed part of a group ('some of')"),
    ("many Californians", "anonymous", "rule 8: unnamed part of a group"),
    ("veteran Republicans", "anonymous", "rule 8: described members, not the party"),
    ("One Republican", "anonymous", "rule 8: unnamed party member"),
    ("a Republican strategist", "anonymous", "rule 8: unnamed individual"),
    ("Senate Democrats", "named", "rule 8: a caucus speaking as a body"),
    ("for the Liberal Democrats", "named", "rule 8: the party as a whole (a preposition is no modifier)"),
    ("Most importantly", "named", "no source: an adverb, not an unnamed group"),
    ("Republican strategist Jane Roe", "named", "reported_claim column: title before a name"),
    ("State Department official Jane Roe", "named", "reported_claim column: title before a name"),
    ("Transport Minister Alan Doe", "named", "reported_claim column: title before a name"),
    ("Jane Roe, a former state official,", "named", "reported_claim column: name before an apposition"),
    ("another user, Sam Lee", "named", "reported_claim column: name given in apposition"),
    ("the Acme chief executive, Jane Roe,", "named", "reported_claim column: name given in apposition"),
    ("Mr. Putin", "named", "reported_claim column: named person"),
    ("The New York Times", "named", "reported_claim column: named publication"),
    ("CNN", "named", "reported_claim column: named publication"),
    ("the State Department", "named", "rule 8: named body as a whole"),
    ("A Justice Department spokesman", "named", "rule 8: spokesperson for a named body"),
    ("a spokeswoman for Acme Corp.", "named", "rule 8: spokesperson for a named body"),
    ("the governor's spokesman", "named", "rule 8: spokesperson for an identified person"),
    ("the company", "named", "guide: identifying roles (a body)"),
    ("The minister", "named", "guide: identifying roles"),
    ("the senator", "named", "guide: identifying roles"),
    ("his mother", "named", "guide: identifying roles (a unique relation)"),
    ("a federal judge", "named", "rule 9: rulings are on the record"),
    ("a new study", "named", "rule 9: evidence from documents"),
    ("A report released on Monday", "named", "rule 9: evidence from documents"),
    ("the university", "named", "rule 8: named body"),
    ("the Pentagon official", "back_reference", "rule 3: short back reference (an unnamed member noun)"),
    ("the officials", "back_reference", "rule 3: short back reference"),
    ("the man", "back_reference", "guide: generic person nouns refer back (rule 3)"),
    ("both men", "back_reference", "rule 3: a counted set refers back"),
    ("the two", "back_reference", "rule 3: a counted set refers back"),
    ("she", "pronoun", "rule 3: pronoun"),
    ("They", "pronoun", "rule 3: pronoun"),
    ("We’ve", "pronoun", "rule 3: contracted pronoun"),
    ("it", "pronoun", "rule 3: pronoun"),
    ("who", "pronoun", "rule 3: a relative pronoun takes the phrase it refers to"),
    ("", "none", "no mention"),
    ("—", "none", "no mention (a dash is not a word)"),
]


def test_the_table_is_large_and_every_row_names_its_rule():
    assert len(MENTIONS) >= 60
    assert len({m for m, _, _ in MENTIONS}) == len(MENTIONS)  # no mention twice
    assert all(rule.strip() for _, _, rule in MENTIONS)


@pytest.mark.parametrize(("mention", "expected", "rule"), MENTIONS, ids=[m or "<empty>" for m, _, _ in MENTIONS])
def test_a_record_types_the_mention_as_the_spec_does(mention, expected, rule):
    assert type_source(mention) == expected, rule


def _converter_type(mention: str) -> str:
    """What the training converter makes of a mention standing alone: classified, then resolved with no context."""
    found = [Mention(0, len(mention), mention, classify_mention(mention))]
    resolve_sources(found)
    return found[0].resolved


@pytest.mark.parametrize(("mention", "expected", "rule"), [row for row in MENTIONS if row[1] in (NAMED, ANONYMOUS)],
                         ids=[m for m, t, _ in MENTIONS if t in (NAMED, ANONYMOUS)])
def test_the_training_converter_reads_the_mention_the_same_way(mention, expected, rule):
    assert _converter_type(mention) == expected, rule


@pytest.mark.parametrize(("sentence", "source", "kind"), [
    ("Some Democrats said the bill would not pass the Senate.", "Some Democrats", "anonymous"),
    ("Voters said they were tired of the road works.", "Voters", "anonymous"),
    ("One of the officials said the review would take a month.", "One of the officials", "anonymous"),
    ("The company's chief executive said the plant would close in June.", "The company's chief executive", "named"),
    ("Democratic and Republican officials said the vote would be close.", "Democratic and Republican officials",
     "anonymous"),
    ("Lawyers for Acme Corp. said the claims had no merit.", "Lawyers for Acme Corp.", "named"),
])
def test_the_extractor_types_its_source_with_the_same_function(sentence, source, kind):
    found = find_attribution(sentence)
    assert found is not None and found.source is not None
    assert (found.source.text, found.source_type) == (source, kind)


def test_a_long_model_span_is_typed_by_its_start():
    # a model's predicted span can cover a whole sentence; the typing reads only its first MAX_MENTION_CHARS
    for span in ("Jane Roe " + "and the officials of the city " * 20_000, "sources " + "close to " * 50_000):
        assert type_source(span) == type_source(span[:MAX_MENTION_CHARS])
    assert type_source("sources " + "close to " * 50_000) == "anonymous"


def test_the_runtime_typing_imports_nothing_from_training():
    code = ("import sys, attribution.source_types, attribution.sources; "
            "print(any(m.split('.')[:2] == ['attribution', 'training'] for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

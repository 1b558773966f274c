"""The abbreviations of news writing, table-driven: mid-sentence they never end a sentence; where an abbreviation
may also end one, a capitalised sentence after it starts a new sentence (the policy in ``attribution.segment``).
"""

import pytest

from attribution.segment import segment

TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Rev.", "Gen.", "Lt.", "Col.", "Maj.", "Capt.", "Sgt.", "Adm.",
          "Cpl.", "Rep.", "Sen.", "Gov.", "Lt. Gov.", "Pres.", "Atty.", "Atty. Gen."]
MONTHS = ["Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
STATES = ["Calif.", "Fla.", "Mass.", "Ill.", "Pa.", "Tenn.", "Ky.", "Wash.", "Md.", "N.Y.", "Ariz."]

#: One sentence each: the abbreviation in the middle must not end it.
MID_SENTENCE = [
    *[f"The news website quoted {t} Simonyan, the editor in chief, as saying it." for t in TITLES],
    *[f"The letter was signed by {t} Mark Jones and two aides." for t in TITLES],
    "He was born in St. Louis and moved to St. Paul in 1990.",
    "Martin Luther King Jr. was born in Atlanta.",
    "The speech by John Smith Sr. drew a crowd.",
    "Shares of Acme Inc. rose 5 percent on Monday.",
    "Acme Corp. and Globex Co. signed the deal, which Initech Ltd. opposed.",
    "He is the No. 2 official at the agency.",
    "The Roe vs. Wade decision was cited twice.",
    "The vote is at 5 p.m. on Tuesday.",
    "The vote is at 5 p.m. Eastern time, officials said.",
    "The polls opened at 7 a.m. and closed at 8 p.m., an hour late.",
    "The U.S. Senate and the U.K. government issued statements.",
    "Officials in the U.S. said the talks would resume.",
    *[f"The vote was held on {m} 5 in Austin." for m in MONTHS],
    *[f"The rally in Springfield, {s}, drew 5,000 people." for s in STATES],
    *[f"He flew to Springfield, {s} on Monday." for s in STATES],
    "Sen. Ted Cruz (R-Texas) said no such deal existed.",
    "Rep. Jerry Nadler (D-N.Y.) said the vote would be close.",
    "Sen. Chuck Schumer, D-N.Y., said the bill was dead.",
    "The news website quoted Rep. Jerry Nadler, D-N.Y. and Sen. Marco Rubio, R-Fla. as saying it.",
    "Sen. Ed Markey, D-Mass., joined Rep. Darren Soto, D-Fla., at the rally.",
    "The report by Sgt. Maj. Ana Ruiz was filed on Oct. 3 at 10 a.m. local time.",
    "He works at 10 Downing St. in London.",
]

#: Two sentences each: the abbreviation truly ends the first; a capitalised sentence follows.
SENTENCE_END = [
    ("The polls closed at 8 p.m.", "The count began at once."),
    ("The vote is set for 5 p.m.", "Simonyan said he would attend."),
    ("He works for Acme Inc.", "The company denied it."),
    ("The shares were bought by Globex Corp.", "Its chief executive declined to comment."),
    ("He moved to the U.S.", "The move was hard."),
    ("He was born in Springfield, Mass.", "Residents cheered."),
    ("The speech was given by Martin Luther King Jr.", "The crowd cheered."),
    ("He lives on Elm St.", "The house burned down."),
    ("Asked whether he would run, he said no.", "The race is open."),
    ("The law took effect in Dec.", "It was challenged in court."),
    ("The seat is held by Rep. Jerry Nadler, D-N.Y.", "He won in 2016."),
]


@pytest.mark.parametrize("sentence", MID_SENTENCE)
def test_abbreviation_mid_sentence_does_not_end_it(sentence):
    assert [s.text for s in segment(sentence)] == [sentence]


@pytest.mark.parametrize("first,second", SENTENCE_END)
def test_abbreviation_that_ends_a_sentence_before_a_capitalised_one_splits(first, second):
    text = f"{first} {second}"
    assert [s.text for s in segment(text)] == [first, second]


@pytest.mark.parametrize("sentence", MID_SENTENCE[:5] + ["He quoted Rep. Jerry Nadler, D-N.Y. Simonyan agreed."])
def test_merged_sentences_index_the_original_text(sentence):
    text = f"  Intro here.  {sentence}  Outro follows.\r\nLast line."
    sentences = segment(text)
    assert [s.idx for s in sentences] == list(range(len(sentences)))
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_real_case_from_political_news_stays_one_sentence():
    text = ("The news website quoted Ms. Simonyan, the editor in chief, as saying that the channel would appeal. "
            "Ms. Simonyan did not respond.")
    assert [s.text for s in segment(text)] == [
        "The news website quoted Ms. Simonyan, the editor in chief, as saying that the channel would appeal.",
        "Ms. Simonyan did not respond.",
    ]


def test_a_title_at_a_line_end_does_not_join_the_next_paragraph():
    assert [s.text for s in segment("He quoted Ms.\nSimonyan said no.")] == ["He quoted Ms.", "Simonyan said no."]

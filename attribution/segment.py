"""Segment: split content paragraphs into sentences with offsets into the original text.

Sentence boundaries come from ``sentencex`` (rule-based, offline, fast); this
module maps each sentence back onto the original string, so that
``original[s.start:s.end] == s.text`` holds for every sentence, trims
surrounding whitespace, and never lets a sentence cross a paragraph break
(a line break: LF, CR LF or a lone CR, as old Mac files end their lines).

A post-pass then joins pieces that ``sentencex`` cut after an abbreviation of
news writing ("the news website quoted Ms." / "Simonyan, ..."). It only joins
spans of the original (never edits text), by this policy, on the piece after
the abbreviation:

- a lower-case word, a digit or continuing punctuation (``, ; : ) ]``) always continues the sentence;
- after a title or rank that stands before a name (Mr., Ms., Dr., Gen., Lt., Sen., Gov., Atty., St., Ft.,
  vs. ...: :data:`TITLES`) a capitalised word continues it too, unless it is a word that starts sentences
  ("The", "He", "But" ...: :data:`SENTENCE_STARTERS`), so "on Elm St. The house" still ends at "St.";
- "No." continues only before a number ("No. 2");
- after a.m. / p.m. a capitalised word continues only if it is a time zone ("5 p.m. Eastern");
- after an abbreviation that may end a sentence (Jr., Inc., Corp., Co., U.S., months, states, party
  affiliations such as "D-N.Y." ...) a capitalised word starts a new sentence: "at 5 p.m. The vote",
  "in Springfield, Mass. Residents" end at the abbreviation;
- a single capital initial cut from the next ("D-N." / "Y. Simonyan") is one abbreviation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sentencex import segment as _sentencex_segment

LANGUAGE = "en"


@dataclass(frozen=True)
class Sentence:
    """A sentence: its index in the article, its offsets into the original text, and its text."""

    idx: int
    start: int
    end: int
    text: str


def _split(paragraph: str) -> list[str]:
    return [s for s in _sentencex_segment(LANGUAGE, paragraph) if s.strip()]


def _paragraph_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, located in the original by forward search."""
    paragraph = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _split(paragraph):
        core = piece.strip()
        found = paragraph.find(core, cursor)
        if found < 0:
            # The splitter changed the text (it should not); keep the rest of the paragraph whole.
            rest = paragraph[cursor:]
            if rest.strip():
                lead = len(rest) - len(rest.lstrip())
                spans.append((start + cursor + lead, start + len(paragraph.rstrip())))
            return spans
        spans.append((start + found, start + found + len(core)))
        cursor = found + len(core)
    return spans


_PARAGRAPH = re.compile(r"[^\r\n]+")

#: Titles and ranks written before a name (or a place: St., Ft., Mt.), which a sentence does not end with.
TITLES = frozenset(
    "Mr Mrs Ms Messrs Mmes Dr Prof Rev Fr Hon Gen Lt Col Maj Capt Cmdr Cmdt Sgt Adm Cpl Pvt Brig Rep Reps Sen Sens "
    "Gov Govs Pres Atty Supt Insp Amb Sec Sgts St Ste Mt Ft Vs vs".split()
)
#: Abbreviations that also end sentences: name suffixes, companies, months, states, units of time.
ENDINGS = frozenset(
    "Jr Sr Inc Corp Co Cos Ltd Bros Plc Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Ala Ariz Ark Calif "
    "Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont Neb Nebr Nev Okla Ore Pa Tenn Tex "
    "Va Vt Wash Wis Wyo etc al approx est dept Dept Univ Ave Blvd Rd".split()
)
#: Capitalised words that start sentences, so they do not continue a title ("on Elm St. The house ...").
SENTENCE_STARTERS = frozenset(
    "The A An This That These Those There Here It Its He She They We I You His Her Their Our My Your But And Or "
    "So Yet Nor In On At By For From With Without After Before When While If As Since Because Although Though "
    "Then Now Still However Meanwhile Also Yes No Not What Who Why How Where Which Some Many Most All Both Each "
    "Every Other Another Such One Two Three Several Few More Last Next During Under Over Among Despite Unlike "
    "Asked According Earlier Later Today Yesterday Instead Even Only".split()
)
TIME_ZONES = frozenset(
    "Eastern Pacific Central Mountain ET EST EDT CT CST CDT MT MST MDT PT PST PDT GMT BST UTC".split()
)

_OPENING = "([{\"“‘'"
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.){2,}")  # U.S., a.m., Ph.D., N.Y., W.Va.
_AFFILIATION = re.compile(r"[DRI]-[A-Z][A-Za-z.]*\.")  # D-N.Y., R-Fla.
_CUT_INITIAL = re.compile(r"(?:^|.*[^A-Za-z])[A-Z]\.")  # "D-N." with "Y." cut off into the next piece
_NEXT_INITIAL = re.compile(r"[A-Z]\.(?=[\s,;:)\]]|$)")
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")


def _abbreviation(token: str) -> str | None:
    """The kind of abbreviation that ``token`` (the last word of a piece) is: title, number, clock, ending."""
    word = token.lstrip(_OPENING)
    stem = word[:-1]
    if not word.endswith(".") or not stem:
        return None
    if stem in TITLES or stem.upper() == stem and stem.capitalize() in TITLES and len(stem) > 1:
        return "title"
    if stem in ("No", "no", "Nos", "nos", "NO"):
        return "number"
    if word.lower() in ("a.m.", "p.m."):
        return "clock"
    if stem in ENDINGS or _DOTTED.fullmatch(word) or _AFFILIATION.fullmatch(word):
        return "ending"
    return None


def _continues(kind: str | None, previous: str, following: str) -> bool:
    """Whether the piece ``following`` continues the sentence of ``previous`` (cut after an abbreviation)."""
    if _CUT_INITIAL.fullmatch(previous.split()[-1]) and _NEXT_INITIAL.match(following):
        return True
    if kind is None:
        return False
    first = following[:1]
    if kind == "number":
        return first.isdigit()
    if first.islower() or first.isdigit() or first in ",;:)]%":
        return True
    word = _CAPITALISED.match(following)
    if word is None:
        return False
    if kind == "title":
        return word.group() not in SENTENCE_STARTERS
    return kind == "clock" and word.group() in TIME_ZONES


def _merge_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a piece cut after an abbreviation to the next piece, by the policy in the module docstring.

    Only the last piece joined is read (its last word), so a long chain of joins stays linear.
    """
    merged: list[tuple[int, int]] = []
    last = ""  # text of the latest piece: it holds the last word of merged[-1]
    for start, end in spans:
        piece = text[start:end]
        if merged and _continues(_abbreviation(last.split()[-1]), last, piece):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
        last = piece
    return merged


def _merge_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Attach a lone closing quote or bracket that the splitter left as its own sentence."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and re.fullmatch(r"[\"'”’)\]]+", text[start:end]):
            prev_start, _ = merged[-1]
            merged[-1] = (prev_start, end)
        else:
            merged.append((start, end))
    return merged


def segment(text: str, paragraphs: Iterable[tuple[int, int]] | None = None) -> list[Sentence]:
    """Split ``text`` (or only its ``paragraphs`` spans, as the cleaner returns them) into sentences.

    Without ``paragraphs`` every line is a paragraph, whatever its line ending (LF, CR LF or CR).
    """
    if paragraphs is None:
        paragraphs = [m.span() for m in _PARAGRAPH.finditer(text)]
    sentences: list[Sentence] = []
    for p_start, p_end in paragraphs:
        pieces = _merge_abbreviations(text, _paragraph_sentences(text, p_start, p_end))
        for start, end in _merge_fragments(text, pieces):
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences

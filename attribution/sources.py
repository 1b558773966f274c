"""Sources: find the source mention and the cue of an attributed sentence, and type the source.

A small, transparent extractor shared by the rules baseline, the profile and
the data converters. It finds a reporting cue ("said", "told", "according
to"), takes the noun phrase that fills the speaker slot (before the cue, or
after it when inverted: '"...," said Geoff Johnston'), and types it by its
*head* with the project's one source typing (:func:`attribution.source_types.type_source`, also used
for the converters' training labels): "a House Democratic aide" is anonymous, "investigators from the
National Anti-Corruption Bureau" is not (LABELS.md rule 8).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from attribution.lexicon import ANONYMITY_PHRASES, HEARSAY_MARKERS, cue_forms
from attribution.source_types import SourceType, type_source

__all__ = ["Attribution", "SourceType", "Span", "find_attribution", "type_source"]

#: Cues strong enough on their own; the weaker ones (believe, plan, show ...) need a typed subject.
STRONG_VERBS = frozenset(
    f for f in cue_forms()
    if re.match(r"(say|said|tell|told|report|announc|claim|argu|wrote|writ|state|add|note|warn|confirm|"
                r"den|insist|alleg|assert|acknowledg|admit|contend|declar|tweet|testif|explain|predict|"
                r"accus|criticiz|urg|complain|recall|stress|disclos|reveal)", f)
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_CLAUSE_BREAK = re.compile(r"[\"“”;:()\[\]—]|,(?=\s)|\s--\s")
_LEADING_FILLER = re.compile(
    r"^(and|but|or|so|yet|though|although|while|because|as|when|since|if|which|who|that|then|meanwhile|"
    r"however|also|instead|now|later|still)\b[\s,]*",
    re.IGNORECASE,
)
_TRAILING_FILLER = re.compile(
    r"(\s+(has|have|had|also|has also|have also|had also|would|will|could|did|does|do|was|were|is|are|"
    r"once|then|later|previously|recently|repeatedly|publicly|privately|earlier|again|not|never|\w+ly))+$",
    re.IGNORECASE,
)
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "some", "several", "two", "three", "four",
                "many", "other", "another", "one", "his", "her", "their", "its", "our", "my"}
_PASSIVE = {"was", "were", "been", "being", "be", "is", "are", "am", "get", "got"}


@dataclass(frozen=True)
class Span:
    """A piece of a sentence: its text and offsets relative to the sentence start."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Attribution:
    """What the extractor found in one sentence."""

    source: Span | None
    cue: Span | None
    source_type: SourceType
    anonymity_marker: Span | None = None
    hearsay_marker: Span | None = None


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in phrases)})(?!\w)")


def find_phrase(text: str, phrases: tuple[str, ...]) -> Span | None:
    """The earliest occurrence of any of ``phrases`` (the first listed wins a tie), in one pass over the text."""
    lowered = text.lower()
    match = _phrase_pattern(phrases).search(lowered) if phrases else None
    return Span(text[match.start() : match.end()], match.start(), match.end()) if match else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".’'"):
        end -= 1
    keeps_period = re.search(r"\b[A-Z]\.$|\b(Jr|Sr|Inc|Corp|Co|Ltd)\.$", text[start:end])
    if end > start and text[end - 1] == "." and not keeps_period:
        end -= 1
    return start, end


#: A clause before a cue longer than this (whitespace words or characters) is not read as a speaker phrase. The
#: phrase itself is at most 9 words once leading conjunctions and trailing adverbs are dropped, so on prose the
#: cap changes nothing; it bounds the work per cue, which keeps the extractor linear in the sentence's length.
MAX_CLAUSE_WORDS = 64
MAX_CLAUSE_CHARS = 600


class _Index:
    """Positions in one sentence, found once, so each cue is examined in time independent of what precedes it.

    The sentence's whitespace-separated tokens and its clause breaks (``_CLAUSE_BREAK`` matches, left to right,
    as ``finditer`` gives them) are listed once; prefix questions ("the last word before this position", "the
    last clause break in ``text[:n]``") are then answered by bisection instead of re-scanning the prefix.
    """

    def __init__(self, text: str):
        self.text = text
        self._tokens: tuple[list[int], list[int]] | None = None
        self._breaks: tuple[list[int], list[int]] | None = None
        self._spaces: list[int] | None = None

    @property
    def tokens(self) -> tuple[list[int], list[int]]:
        if self._tokens is None:
            spans = [m.span() for m in re.finditer(r"\S+", self.text)]
            self._tokens = ([s for s, _ in spans], [e for _, e in spans])
        return self._tokens

    @property
    def breaks(self) -> tuple[list[int], list[int]]:
        if self._breaks is None:
            spans = [m.span() for m in _CLAUSE_BREAK.finditer(self.text)]
            self._breaks = ([s for s, _ in spans], [e for _, e in spans])
        return self._breaks

    def rstrip_end(self, end: int) -> int:
        """``len(text[:end].rstrip())``."""
        starts, ends = self.tokens
        i = bisect_left(starts, end) - 1
        return 0 if i < 0 else min(ends[i], end)

    def strip_bounds(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of ``text[start:end].strip()`` (equal when it is empty)."""
        starts, ends = self.tokens
        i = bisect_right(ends, start)
        if i >= len(starts) or starts[i] >= end:
            return start, start
        return max(starts[i], start), self.rstrip_end(end)

    def word_count(self, start: int, end: int) -> int:
        """``len(text[start:end].split())``."""
        starts, ends = self.tokens
        return max(0, bisect_left(starts, end) - bisect_right(ends, start))

    def last_word(self, end: int) -> str:
        """``(text[:end].split()[-1:] or [""])[0]``."""
        starts, ends = self.tokens
        i = bisect_left(starts, end) - 1
        return "" if i < 0 else self.text[starts[i] : min(ends[i], end)]

    def last_nonspace(self, end: int) -> int:
        """Index of the last non-whitespace character before ``end``, or -1."""
        return self.rstrip_end(end) - 1

    def last_break(self, end: int) -> tuple[int, int] | None:
        """The last match of ``list(_CLAUSE_BREAK.finditer(text[:end]))``, or ``None``.

        The matches inside a prefix are the sentence's own matches that end within it, except a comma in the
        prefix's last character (its look-ahead for a space falls outside the prefix).
        """
        starts, ends = self.breaks
        i = bisect_right(ends, end) - 1
        if i >= 0 and starts[i] == end - 1 and self.text[starts[i]] == ",":
            i -= 1
        return (starts[i], ends[i]) if i >= 0 else None

    def first_space(self, start: int, end: int) -> int:
        """The end of ``text[start:end].split(" ", 1)[0]``."""
        if self._spaces is None:
            self._spaces = [m.start() for m in re.finditer(" ", self.text)]
        i = bisect_left(self._spaces, start)
        return min(self._spaces[i], end) if i < len(self._spaces) else end


def _subject_before(text: str, cue_start: int, index: _Index | None = None) -> Span | None:
    """The speaker phrase just before a cue, skipping a participle or 'who' appositive.

    Reads only the clause between the last clause break and the cue (found through ``index``), never the
    whole prefix, so examining every cue of a long unpunctuated sentence stays linear.
    """
    index = index or _Index(text)
    region_end = cue_start
    for _ in range(3):
        last_break = index.last_break(index.rstrip_end(region_end))
        clause_start = last_break[1] if last_break else 0
        a, b = index.strip_bounds(clause_start, region_end)  # text[a:b] is the clause, stripped
        first_end = index.first_space(a, b)
        first_tail = text[max(a, first_end - 3) : first_end].lower()  # str.lower never shortens a character
        first_short = text[a:first_end].lower() if first_end - a <= 8 else ""
        if last_break and (first_tail.endswith("ing") or first_short in {"who", "which", "speaking", "citing"}
                           or a == b):
            region_end = last_break[0]  # appositive like ", speaking anonymously," — look further back
            continue
        if b - a > MAX_CLAUSE_CHARS or index.word_count(a, b) > MAX_CLAUSE_WORDS:
            return None
        stripped = text[a:b]
        lead = _LEADING_FILLER.match(stripped)
        while lead and lead.group():
            stripped = stripped[lead.end():]
            lead = _LEADING_FILLER.match(stripped)
        stripped = _TRAILING_FILLER.sub("", stripped).strip()
        if not stripped or len(stripped.split()) > 9:
            return None
        offset = text.find(stripped, a, b)  # no occurrence can start in the blank text[clause_start:a]
        start, end = _trim(text, offset, offset + len(stripped))
        return Span(text[start:end], start, end) if end > start else None
    return None


_PHRASE_AFTER = re.compile(r"\s*([^,.;:\"“”()—]{1,80})")
_PHRASE_STOP = re.compile(r"\s+(that|on|in|at|last|this|after|before|when|while|during|because)\s")


def _phrase_after(text: str, pos: int) -> Span | None:
    """The noun phrase after a cue ('said Geoff Johnston, an analyst' → 'Geoff Johnston')."""
    match = _PHRASE_AFTER.match(text, pos)  # matched in place: no copy of the rest of the sentence
    if not match:
        return None
    phrase = _PHRASE_STOP.split(match.group(1))[0]
    start, end = _trim(text, match.start(1), match.start(1) + len(phrase))
    if end <= start or len(text[start:end].split()) > 9:
        return None
    return Span(text[start:end], start, end)


def _inverted(text: str, index: _Index, pos: int) -> bool:
    """Whether ``text[:pos]`` ends in a closing quote, maybe then a comma (as ``[\"”’]\\s*,?\\s*$`` tests it)."""
    last = index.last_nonspace(pos)
    if last >= 0 and text[last] == ",":
        last = index.last_nonspace(last)
    return last >= 0 and text[last] in "\"”’"


def find_attribution(text: str) -> Attribution | None:
    """The source, cue and source type of one sentence, or ``None`` if it carries no attribution."""
    anonymity = find_phrase(text, ANONYMITY_PHRASES)
    hearsay = find_phrase(text, HEARSAY_MARKERS)
    according = re.search(r"\baccording to\b|\bciting\b", text, re.IGNORECASE)
    source: Span | None = None
    cue: Span | None = None
    if according and not (hearsay and hearsay.start <= according.start() < hearsay.end):
        cue = Span(according.group(), according.start(), according.end())
        source = _phrase_after(text, according.end())
    else:
        index = _Index(text)
        for match in _WORD.finditer(text):
            word = match.group().lower()
            if word not in cue_forms() or word.endswith("ing") and word != "saying":
                continue
            if hearsay and hearsay.start <= match.start() < hearsay.end:
                continue  # "is said to" is a hearsay marker, not a speaker's cue
            if match.group()[0].isupper():
                continue  # "State health officials", "the State Department": not a verb
            previous = index.last_word(match.start()).lower()
            if previous in _DETERMINERS:
                continue  # a noun, not a verb: "the report shows", "a claim"
            if previous in _PASSIVE:
                continue  # "we were told": the subject is the hearer, not the source
            strong = word in STRONG_VERBS
            inverted = _inverted(text, index, match.start())
            candidate = None if inverted else _subject_before(text, match.start(), index)
            if candidate is None and inverted is False and not strong:
                continue
            if candidate is None:
                candidate = _phrase_after(text, match.end())
                if candidate and type_source(candidate.text) == "none":
                    candidate = None
            if candidate is None:
                continue
            kind = type_source(candidate.text)
            if not strong and kind == "named" and not candidate.text[:1].isupper():
                continue  # weak verb with a common-noun subject: "the plan calls for ..."
            cue, source = Span(match.group(), match.start(), match.end()), candidate
            break
    if source is None and cue is None and anonymity is None and hearsay is None:
        return None
    if source is not None:
        kind = type_source(source.text)
    else:
        kind = "none"
    return Attribution(source, cue, kind, anonymity, hearsay)

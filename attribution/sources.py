"""Sources: find the source mention and the cue of an attributed sentence, and type the source.

A small, transparent extractor shared by the rules baseline, the profile and
the data converters. It finds a reporting cue ("said", "told", "according
to"), takes the noun phrase that fills the speaker slot (before the cue, or
after it when inverted: '"...," said Geoff Johnston'), and types it by its
*head*: "a House Democratic aide" is anonymous, "investigators from the
National Anti-Corruption Bureau" is not (LABELS.md rule 8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from attribution.lexicon import (
    ANONYMITY_PHRASES,
    ANONYMOUS_HEADS,
    BACK_REFERENCE,
    GENERIC_PERSONS,
    HEARSAY_MARKERS,
    PRONOUN_SOURCES,
    cue_forms,
)

SourceType = Literal["named", "anonymous", "pronoun", "back_reference", "none"]

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
_PREPOSITIONS = {"of", "for", "with", "from", "at", "in", "on", "to", "who", "close", "familiar", "briefed"}
_PASSIVE = {"was", "were", "been", "being", "be", "is", "are", "am", "get", "got"}
_ROLE_WORDS = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative", "statement",
               "report", "study", "filing", "filings", "document", "documents", "memo", "letter", "survey",
               "poll", "data", "records", "complaint", "lawsuit", "ruling", "court", "judge", "police"}


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


def _find_phrase(text: str, phrases: tuple[str, ...]) -> Span | None:
    lowered = text.lower()
    best: Span | None = None
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            if best is None or match.start() < best.start:
                best = Span(text[match.start() : match.end()], match.start(), match.end())
            break
    return best


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".’'"):
        end -= 1
    keeps_period = re.search(r"\b[A-Z]\.$|\b(Jr|Sr|Inc|Corp|Co|Ltd)\.$", text[start:end])
    if end > start and text[end - 1] == "." and not keeps_period:
        end -= 1
    return start, end


def _subject_before(text: str, cue_start: int) -> Span | None:
    """The speaker phrase just before a cue, skipping a participle or 'who' appositive."""
    region_end = cue_start
    for _ in range(3):
        before = text[:region_end]
        breaks = list(_CLAUSE_BREAK.finditer(before.rstrip()))
        clause_start = breaks[-1].end() if breaks else 0
        clause = before[clause_start:]
        stripped = clause.strip()
        first = stripped.split(" ", 1)[0].lower() if stripped else ""
        if breaks and (first.endswith("ing") or first in {"who", "which", "speaking", "citing"} or not stripped):
            region_end = breaks[-1].start()  # appositive like ", speaking anonymously," — look further back
            continue
        lead = _LEADING_FILLER.match(stripped)
        while lead and lead.group():
            stripped = stripped[lead.end():]
            lead = _LEADING_FILLER.match(stripped)
        stripped = _TRAILING_FILLER.sub("", stripped).strip()
        if not stripped or len(stripped.split()) > 9:
            return None
        offset = text.find(stripped, clause_start)
        start, end = _trim(text, offset, offset + len(stripped))
        return Span(text[start:end], start, end) if end > start else None
    return None


def _phrase_after(text: str, pos: int) -> Span | None:
    """The noun phrase after a cue ('said Geoff Johnston, an analyst' → 'Geoff Johnston')."""
    rest = text[pos:]
    match = re.match(r"\s*([^,.;:\"“”()—]{1,80})", rest)
    if not match:
        return None
    phrase = re.split(r"\s+(that|on|in|at|last|this|after|before|when|while|during|because)\s", match.group(1))[0]
    start, end = _trim(text, pos + match.start(1), pos + match.start(1) + len(phrase))
    if end <= start or len(text[start:end].split()) > 9:
        return None
    return Span(text[start:end], start, end)


def head_word(mention: str) -> str:
    """The head of a source phrase: its last word before a preposition or relative clause."""
    words = [w.strip(",.’'\"“”").lower() for w in mention.split()]
    head_words: list[str] = []
    for word in words:
        if word in _PREPOSITIONS and head_words:
            break
        head_words.append(word)
    return head_words[-1] if head_words else ""


def type_source(mention: str) -> SourceType:
    """Classify a source mention as named, anonymous, a pronoun or a back reference."""
    words = mention.split()
    lowered = mention.lower().strip()
    if lowered in PRONOUN_SOURCES:
        return "pronoun"
    head = head_word(mention)
    if head in _ROLE_WORDS or head.endswith("’s") or head.endswith("'s"):
        return "named"
    if BACK_REFERENCE.match(lowered):
        # "the official" refers back to an earlier source; "the mayor" and "the company" are identified.
        return "back_reference" if head in ANONYMOUS_HEADS or head in GENERIC_PERSONS else "named"
    capitalised = [w for i, w in enumerate(words) if w[:1].isupper() and (i > 0 or w.lower() not in _DETERMINERS)]
    if head in ANONYMOUS_HEADS:
        # "official John Smith", "people like Smith" name someone; "Pentagon officials" does not (rule 8).
        after_head = words[[w.strip(",.").lower() for w in words].index(head) + 1 :] if head in lowered.split() else []
        if any(w[:1].isupper() for w in after_head[:2]) and not any(w.lower() in _PREPOSITIONS for w in after_head[:1]):
            return "named"
        return "anonymous"
    if capitalised or head in _ROLE_WORDS:
        return "named"
    return "named" if words else "none"


def find_attribution(text: str) -> Attribution | None:
    """The source, cue and source type of one sentence, or ``None`` if it carries no attribution."""
    anonymity = _find_phrase(text, ANONYMITY_PHRASES)
    hearsay = _find_phrase(text, HEARSAY_MARKERS)
    according = re.search(r"\baccording to\b|\bciting\b", text, re.IGNORECASE)
    source: Span | None = None
    cue: Span | None = None
    if according and not (hearsay and hearsay.start <= according.start() < hearsay.end):
        cue = Span(according.group(), according.start(), according.end())
        source = _phrase_after(text, according.end())
    else:
        for match in _WORD.finditer(text):
            word = match.group().lower()
            if word not in cue_forms() or word.endswith("ing") and word != "saying":
                continue
            if hearsay and hearsay.start <= match.start() < hearsay.end:
                continue  # "is said to" is a hearsay marker, not a speaker's cue
            if match.group()[0].isupper():
                continue  # "State health officials", "the State Department": not a verb
            previous = text[: match.start()].split()[-1:] or [""]
            if previous[0].lower() in _DETERMINERS:
                continue  # a noun, not a verb: "the report shows", "a claim"
            if previous[0].lower() in _PASSIVE:
                continue  # "we were told": the subject is the hearer, not the source
            strong = word in STRONG_VERBS
            inverted = bool(re.search(r"[\"”’]\s*,?\s*$|,\s*[\"”]\s*$", text[: match.start()]))
            candidate = None if inverted else _subject_before(text, match.start())
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

"""The one source typing of the project: a source mention is named or anonymous by the head of its phrase.

Every reader of a source mention uses this module, so that the model learns the reading of LABELS.md rule 8
that the records report: the training converters (PolNeAR, the sourcing stories, the augmenter) through
:func:`classify_mention` and :func:`resolve_sources`, the source extractor and the rules baseline
(``attribution.sources``), the model's predicted spans (the pipeline) and so the profiles through
:func:`type_source`.

``classify_mention`` looks only at the mention (and optionally named-entity offsets) and says why it typed it;
pronouns, relative pronouns and short back references ("the official") come back as ``pronoun`` /
``relative`` / ``back_reference`` and are resolved against earlier mentions by :func:`resolve_sources`.
``type_source`` gives a sentence record's type: ``named`` / ``anonymous``, ``pronoun`` (relative pronouns
included) and ``back_reference`` for a mention that takes its type from an earlier one (rule 3), where a
definite role or body ("the mayor", "the report") is already ``named``; ``none`` for a mention with no word.
The tables of ``tests/test_source_typing.py`` list the decisions with the rule behind each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from attribution.lexicon import ANON_HEADS, ANONYMITY_PHRASES, COUNSEL_HEADS, IDENTIFIED_HEADS

#: The type a sentence record carries (``SentenceResult.source_type``).
SourceType = Literal["named", "anonymous", "pronoun", "back_reference", "none"]

NAMED = "named"
ANONYMOUS = "anonymous"
PRONOUN = "pronoun"
RELATIVE = "relative"
BACK_REFERENCE = "back_reference"

SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers", "i", "me", "my", "it", "its"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "we", "us", "our"})
SPEAKER_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our", "you", "your"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})

NUMBERS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})
QUANTIFIERS = frozenset({"some", "many", "several", "most", "few", "one", "two", "three", "four", "all",
                         "both", "none", "each", "any", "majority", "number", "plenty", "lots", "handful",
                         "dozens", "hundreds", "thousands", "millions", "half", "others", "other", "more"})
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "his", "her", "their", "its",
                         "our", "my", "your", "another", "other", "such", "some", "many", "several", "most",
                         "few", "one", "two", "three", "four", "five", "all", "both", "each", "any"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
INDEFINITE_QUANTIFIERS = frozenset({"some", "many", "several", "most", "few"})
_HEAD_STOP = frozenset({"of", "for", "with", "from", "at", "in", "on", "to", "who", "whom", "which", "that",
                        "close", "familiar", "briefed", "speaking", "involved", "working", "based", "inside",
                        "within", "under", "near", "and", "or", "like", "including", "such", "among", "than",
                        "by", "about", "across", "around", "as", "when", "while", "whose", "what"})
#: Past participles not ending in -ed/-en that start a reduced relative clause ("a letter sent by ...").
_IRREGULAR_PARTICIPLES = frozenset({"sent", "shown", "made", "held", "kept", "brought", "found", "put", "set",
                                    "left", "told", "seen", "drawn", "thrown", "led", "paid"})
_WORD = re.compile(r"[A-Za-z0-9][\w.'’&-]*")
_NAMED_ENTITY_TYPES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "MISC", "COUNTRY", "CITY",
                                 "STATE_OR_PROVINCE", "NATIONALITY"})


_PERSON_SUFFIX = re.compile(r"(er|ers|or|ors|ist|ists|ian|ians|ant|ants|ent|ents|man|men|woman|women|person|"
                            r"people|ee|ees|ive|ives|ary|aries|crat|crats|ic|ics)$")


#: A social-media handle or user name identifies an account: the source is on the record (docs/labels.md).
NAMED_ACCOUNT = re.compile(r"(?<![\w.])@\w{2,}|\b(handle|username|user name|screen name)\s+@?[A-Z]")
#: A plural mention followed by named members in apposition ("critics, like Senators Roe and Doe").
NAMED_MEMBERS = re.compile(r"^[^,]*\b\w+s\b,\s+(including\s+|like\s+|such as\s+|among them\s+)?"
                           r"((Sens?|Reps?|Gov|Mr|Mrs|Ms|Dr|Senators?|Representatives?)\.?\s+)?"
                           r"[A-Z][\w.'’-]+\s+(\w\.\s+)?[A-Z]")
#: "those close to him", "people familiar with": unnamed people defined by their access (rule 8).
UNNAMED_CLOSE_TO = re.compile(r"^\W*(those|people|persons?|someone|somebody|others|sources?)\s+"
                              r"(close|familiar|briefed)\b", re.IGNORECASE)


#: A share of a poll's respondents ("about four in 10 voters", "one in five"): the poll speaks (docs/labels.md).
POLL_SHARE = re.compile(r"^(?:about|nearly|almost|roughly|around|more than|fewer than|less than|just|only|some)?"
                        r"\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+"
                        r"(?:\d+|ten|five|four|three)\b", re.IGNORECASE)
#: A document or picture passed on by someone ("a memo leaked by a former aide"): that someone is its source.
PASSED_ON_BY = re.compile(r"\b(?:provided|supplied|given|leaked|shared|sent|passed)\s+(?:to \w+\s+)?by\s+(.+)",
                          re.IGNORECASE)
_CONJUNCTION = re.compile(r"\s+and\s+")
#: Only this much of a mention is read: a source phrase is short, and a model's span could run over a whole
#: sentence; the regular expressions then stay linear.
MAX_MENTION_CHARS = 300


def is_person_noun(word: str) -> bool:
    """A rough test that a common noun names people ("a voter", "a Republican strategist"), not a thing."""
    word = word.lower()
    return word in ANON_HEADS or word in {"whom", "them", "those", "us"} or bool(_PERSON_SUFFIX.search(word))


@dataclass(frozen=True)
class MentionType:
    """How a source mention was typed: the kind, the head word and why."""

    kind: str
    head: str
    reason: str
    number: str = "singular"  # or "plural"


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().rstrip(".’'"), m.start(), m.start() + len(m.group().rstrip(".’'")))
            for m in _WORD.finditer(text)]


def head_phrase(mention: str) -> str:
    """The core noun phrase of a mention: before an apposition comma, a relative clause or parenthesis."""
    text = mention.strip().strip("\"“”'‘’ ,;:")
    text = re.split(r"\s*[(—]|\s--\s|,\s+(?:who|which|whose|speaking|citing)\b", text)[0]
    parts = [p.strip() for p in re.split(r",\s*", text) if p.strip()]
    if not parts:
        return ""
    first = parts[0]
    if len(parts) > 1 and re.match(r"^(another|a|an|one|the)\b", first, re.IGNORECASE) and \
            re.fullmatch(r"(?:[A-Z][\w.'’-]*\s?){1,4}", parts[1]):
        # "another user, Sam Lee", "the LinkedIn chief executive, Jeff Weiner" → the name given in apposition
        return parts[1]
    # "Jane Roe, deputy security adviser" → the name; "officials, including X" → "officials"
    return first


def _head(phrase: str) -> tuple[str, int]:
    """The head word of a noun phrase (last word before a preposition or clause) and its index."""
    words = [w for w, _, _ in _words(phrase)]
    if not words:
        return "", -1
    lowered = [w.lower() for w in words]
    start = 0
    # "some of his admirers", "many of those over 45", "one of the officials" → head after "of"
    while start + 1 < len(words) and lowered[start] in QUANTIFIERS and lowered[start + 1] == "of":
        start += 2
        while start < len(words) - 1 and lowered[start] in DETERMINERS:
            start += 1
    start = min(start, len(words) - 1)  # a bare "one of" keeps its last word
    idx = start
    for i in range(start, len(words)):
        if lowered[i] in _HEAD_STOP and i > start and not (
                lowered[i] in {"inside", "close"} and i == start + 1 and lowered[start] in DETERMINERS
                and i + 1 < len(words) and lowered[i + 1] not in _HEAD_STOP | DETERMINERS):
            break  # but "an inside source", "a close aide": an adjective after the determiner
        participle = (re.fullmatch(r"[a-z]+(ed|en)", words[i]) or words[i] in _IRREGULAR_PARTICIPLES) and \
            lowered[i] not in ANON_HEADS | IDENTIFIED_HEADS
        if participle and i > start and lowered[i - 1] not in DETERMINERS and i + 1 < len(words):
            break  # "A report released in September" → "report"
        idx = i
    return words[idx], idx


def _name_follows(words: list[str], idx: int) -> bool:
    """Whether the words after a plural head continue with a name ("some members, including Jane Roe")."""
    return any(_is_capitalised(w) for w in words[idx + 1 : idx + 3])


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (word.isupper() and len(word) > 1)


def number_of(head: str) -> str:
    """``plural`` for a head ending in -s (not -ss), else ``singular``."""
    low = head.lower()
    return "plural" if low.endswith("s") and not low.endswith("ss") else "singular"


def _unnamed_conjunct(conjunct: str) -> bool:
    """Whether a conjunct after "and" is an unnamed source of its own ("... and independent observers").

    It must be plural or open with its own determiner: in "the delegate and conservative activist" both
    nouns describe one person, whose type the first noun gives."""
    words = conjunct.split()
    if not words:
        return False
    kind = classify_mention(conjunct)
    return kind.kind == ANONYMOUS and (kind.number == "plural" or words[0].lower() in DETERMINERS)


def classify_mention(mention: str, entity_at_head: bool | None = None) -> MentionType:
    """Type one source mention by its head: named, anonymous, pronoun, relative or back_reference.

    ``entity_at_head`` (from a named-entity tagger) says whether the head word is inside a
    PERSON/ORGANIZATION/LOCATION entity; without it, capitalisation decides.
    """
    mention = mention[:MAX_MENTION_CHARS]
    phrase = head_phrase(mention)
    lowered = phrase.lower().strip()
    contraction = re.fullmatch(r"(\w+)['’](ve|re|m|d|ll|s)", lowered)
    if contraction and contraction.group(1) in SINGULAR_PRONOUNS | PLURAL_PRONOUNS | SPEAKER_PRONOUNS:
        lowered = phrase = contraction.group(1)  # "We’ve", "he's": the pronoun
    if NAMED_ACCOUNT.search(mention):
        return MentionType(NAMED, _head(phrase)[0], "named account (a handle identifies its author)")
    beside_unnamed = re.match(r"^\W*(as\s+)?(many|some|several|most|other|others|a number of|numerous)\b.*"
                              r",\s+including\b", mention, re.IGNORECASE)
    if NAMED_MEMBERS.search(mention) and not beside_unnamed and \
            not any(p in mention.lower() for p in ANONYMITY_PHRASES):
        # "critics, like Senators Roe and Doe", "the top Republicans, Jane Roe and ...": docs/labels.md;
        # "many experts, including Dr. Roe" is a named person beside unnamed ones (anonymous, rule 2)
        return MentionType(NAMED, _head(phrase)[0], "a group identified by its named members", "plural")
    if any(p in mention.lower() for p in ANONYMITY_PHRASES) or UNNAMED_CLOSE_TO.search(mention):
        head = _head(phrase)[0]
        number = "plural" if head.lower().endswith("s") or head.lower() in {"those", "people"} else "singular"
        return MentionType(ANONYMOUS, head, "anonymity phrase in the mention", number)
    if lowered in SINGULAR_PRONOUNS | PLURAL_PRONOUNS | SPEAKER_PRONOUNS | {"you", "your"}:
        number = "plural" if lowered in PLURAL_PRONOUNS else "singular"
        return MentionType(PRONOUN, lowered, "pronoun", number)
    if lowered in RELATIVE_PRONOUNS:
        return MentionType(RELATIVE, lowered, "relative pronoun")
    head, idx = _head(phrase)
    if not head:
        return MentionType(NAMED, "", "empty mention")
    passed_on = PASSED_ON_BY.search(phrase)
    if passed_on and classify_mention(passed_on.group(1)).kind == ANONYMOUS:
        # "a photo provided by an anonymous source": the unnamed giver is the ultimate source (rule 1)
        return MentionType(ANONYMOUS, head, "passed on by an unnamed source", number_of(head))
    if POLL_SHARE.match(lowered):
        return MentionType(NAMED, head, "a poll's share of respondents", "plural")
    if any(_unnamed_conjunct(c) for c in _CONJUNCTION.split(phrase)[1:]):
        # "his lawyer and independent observers", "Democratic and Republican officials": rule 2
        return MentionType(ANONYMOUS, head, "an unnamed source among the conjuncts", "plural")
    words = [w for w, _, _ in _words(phrase)]
    low_head = head.lower()
    number = "plural" if low_head.endswith("s") and not low_head.endswith("ss") else "singular"
    first = words[0].lower()
    if first == "both" or (first in DEFINITE and len(words) > 1 and words[1].lower() in NUMBERS):
        if any(_is_capitalised(w) for w in words[1:]):
            return MentionType(NAMED, head, "named members of a set", "plural")
        return MentionType(BACK_REFERENCE, head, "a counted set refers back", "plural")
    if first in {"one", "a", "an", "another"} and low_head in {"republican", "democrat", "conservative",
                                                                "liberal", "independent", "gop"}:
        return MentionType(ANONYMOUS, head, "unnamed party member", "singular")
    possessor = words[idx - 1] if idx > 0 else ""
    if number == "singular" and idx > 0 and any(w.endswith(("'s", "’s")) for w in words[:idx]) and \
            first not in {"a", "an", "one", "another"} | QUANTIFIERS:
        # "the senator's former campaign strategist", "the company's chief executive": one identifiable person
        return MentionType(NAMED, head, f"possessive role: an identified person ({possessor})", number)
    if low_head in COUNSEL_HEADS and [w.lower() for w in words[idx + 1 : idx + 2]] in (["for"], ["representing"]):
        # "lawyers for Acme Corp.", "a lawyer for the bloggers": they speak for the client, on the record
        return MentionType(NAMED, head, "counsel speaking for a client", number)
    if low_head in ANON_HEADS and low_head not in {"republicans", "democrats", "independents"}:
        after = words[idx + 1 : idx + 3]
        if after and _is_capitalised(after[0]) and after[0].lower() not in _HEAD_STOP:
            return MentionType(NAMED, head, "title before a name", number)
        if entity_at_head and low_head not in {"officials", "official", "sources", "source"}:
            return MentionType(NAMED, head, "head inside a named entity", number)
        if first in DEFINITE and number == "singular" and idx < len(words) - 1:
            # "the former top aide to President Bush": an identifying role; "the Pentagon official" (no
            # post-modifier) is a short back reference (rule 3), typed below
            return MentionType(NAMED, head, "definite identifying role", number)
        if first in DEFINITE or (first in {"both", "all"} | NUMBERS and words[1:2] and
                                 words[1].lower() in DEFINITE):
            return MentionType(BACK_REFERENCE, head, "definite unnamed head", number)
        return MentionType(ANONYMOUS, head, "unnamed head", number)
    if low_head in {"republicans", "democrats", "independents"}:
        # "Democrats said" (the party) is named; "some Democrats" / "many Republicans" are unnamed members.
        if first in QUANTIFIERS or "of" in [w.lower() for w in words]:
            return MentionType(ANONYMOUS, head, "quantified members of a party", "plural")
        if any(w.islower() and w.lower() not in DEFINITE | _HEAD_STOP for w in words[:idx]):
            # "veteran Republicans", "moderate Democrats": unnamed members described, not the party itself
            return MentionType(ANONYMOUS, head, "described members of a party", "plural")
        return MentionType(NAMED, head, "party as a whole", "plural")
    if low_head in IDENTIFIED_HEADS:
        if first in DEFINITE and len(words) <= 3 and not any(_is_capitalised(w) for w in words[1:]):
            return MentionType(BACK_REFERENCE, head, "definite identified role", number)
        return MentionType(NAMED, head, "body, document or role", number)
    if low_head in {"both", "two", "three", "four"} or first in {"both", "all"} | NUMBERS:
        return MentionType(BACK_REFERENCE, head, "a counted set refers back", "plural")
    if low_head in QUANTIFIERS:
        return MentionType(ANONYMOUS, head, "bare quantifier", "plural")
    if first in INDEFINITE_QUANTIFIERS and number == "plural" and idx > 0 and not _name_follows(words, idx):
        # "some Canadians", "many Californians": an unnamed part of a group (rule 8)
        return MentionType(ANONYMOUS, head, "quantified unnamed group", "plural")
    if entity_at_head or (_is_capitalised(head) and (idx > 0 or first not in DETERMINERS)):
        return MentionType(NAMED, head, "proper-noun head", number)
    if first in DEFINITE:
        return MentionType(BACK_REFERENCE, head, "definite common noun", number)
    if len(words) > 10:
        return MentionType(NAMED, head, "clause-length mention (not a source phrase)", number)
    if first in {"his", "her", "their"} and number == "singular":
        return MentionType(NAMED, head, "possessive role: an identified person", number)
    if first in {"a", "an", "another"} or first in QUANTIFIERS:
        if low_head.endswith("ly") and not is_person_noun(low_head):
            return MentionType(NAMED, head, "a quantifier before an adverb ('Most importantly'): no group", number)
        if not is_person_noun(low_head) and first in {"a", "an", "another"}:
            return MentionType(NAMED, head, "indefinite non-person noun (a thing, not a withheld source)", number)
        return MentionType(ANONYMOUS, head, "indefinite common noun", number)
    return MentionType(NAMED, head, "other", number)


def _identified_role(own: MentionType) -> bool:
    """Whether a back reference is a definite role or body ("the mayor", "the report"): named with no antecedent.

    Unnamed-source heads ("the official", "the woman") and counted sets ("both men", "the two", resolved like
    "they") take their type from an earlier mention instead (rule 3)."""
    head = own.head.lower()
    return own.reason != "a counted set refers back" and (head not in ANON_HEADS or head in IDENTIFIED_HEADS)


def type_source(mention: str) -> SourceType:
    """The type of a source mention as a sentence record reports it, from :func:`classify_mention`.

    ``named`` / ``anonymous`` as classified; ``pronoun`` for personal and relative pronouns; a back
    reference is ``named`` when it is a definite role or body ("the mayor", "the company") and
    ``back_reference`` when it takes its type from an earlier source ("the official", "both men"; rule 3);
    ``none`` for a mention without a word."""
    if not _WORD.search(mention):
        return "none"
    own = classify_mention(mention)
    if own.kind in (NAMED, ANONYMOUS):
        return "named" if own.kind == NAMED else "anonymous"
    if own.kind in (PRONOUN, RELATIVE):
        return "pronoun"
    return "named" if _identified_role(own) else "back_reference"


@dataclass
class Mention:
    """A source mention in an article, in text order, with its own and its resolved type."""

    start: int
    end: int
    text: str
    own: MentionType
    resolved: str | None = None  # NAMED or ANONYMOUS once resolved
    antecedent: int | None = None  # index of the mention it was resolved to
    how: str = ""


#: Characters between an unnamed antecedent and "he"/"she" beyond which the pronoun is not resolved to it.
MAX_ANONYMOUS_DISTANCE = 600
NO_ANTECEDENT = frozenset({"which", "that", "you", "your", "no one", "nobody", "none", "not everyone", "everyone"})


def _compatible(pronoun: MentionType, candidate: Mention) -> bool:
    if candidate.text.lower().strip() in NO_ANTECEDENT:
        return False
    if pronoun.head in SPEAKER_PRONOUNS:
        return True
    if pronoun.head in {"it", "its"}:
        return candidate.own.head.lower() in IDENTIFIED_HEADS or candidate.own.reason == "proper-noun head"
    return candidate.own.number == pronoun.number


def resolve_sources(mentions: list[Mention], *, enclosing: dict[int, int] | None = None,
                    preceding_np: dict[int, Mention] | None = None, persons: list[int] | None = None,
                    all_persons: list[int] | None = None) -> None:
    """Give every mention a resolved type (in place).

    - named / anonymous mentions keep their own type;
    - a pronoun takes the type of the nearest preceding mention compatible in number ("I"/"we" inside a
      quote take the quote's source, via ``enclosing``: mention index → index of the enclosing relation's
      source mention);
      a person named in the writer's narrative (``persons``: start offsets of PERSON entities outside
      any quoted content) nearer than that mention wins for "he"/"she" ("Scott responded. '...,' he said");
    - a relative pronoun takes the type of the noun phrase just before it (``preceding_np``);
    - a back reference ("the official") takes the type of the nearest preceding mention with the same
      head (or containing that word, as in "John Smith, a state official"), else its head decides.
    """
    enclosing = enclosing or {}
    preceding_np = preceding_np or {}
    persons = sorted(persons or [])
    all_persons = sorted(all_persons or persons)
    for i, mention in enumerate(mentions):
        own = mention.own
        if own.kind in (NAMED, ANONYMOUS):
            mention.resolved, mention.how = own.kind, own.reason
            continue
        if own.kind == RELATIVE:
            np = preceding_np.get(i)
            if np is not None:
                mention.resolved = np.own.kind if np.own.kind in (NAMED, ANONYMOUS) else NAMED
                mention.how = f"relative → '{np.text}'"
            else:
                mention.resolved, mention.how = NAMED, "relative, no antecedent"
            continue
        if own.kind == PRONOUN and own.head in SPEAKER_PRONOUNS and i in enclosing:
            j = enclosing[i]
            if mentions[j].resolved:
                mention.resolved, mention.antecedent = mentions[j].resolved, j
                mention.how = "speaker pronoun → enclosing quote's source"
                continue
        if own.kind == PRONOUN and own.head in {"you", "your"}:
            mention.resolved, mention.how = NAMED, "generic 'you'"
            continue
        if own.kind == PRONOUN:
            nearest_person = max((p for p in persons if p < mention.start), default=-1)
            for j in range(i - 1, -1, -1):
                if mentions[j].resolved and _compatible(own, mentions[j]):
                    if own.head in {"he", "she", "him", "his", "her"} and nearest_person > mentions[j].end:
                        mention.resolved, mention.how = NAMED, "pronoun → nearer named person in the narrative"
                        break
                    if mentions[j].resolved == ANONYMOUS and own.head in {"he", "she", "him", "his", "her"} and (
                            mention.start - mentions[j].end > MAX_ANONYMOUS_DISTANCE
                            or any(mentions[j].end <= p < mention.start for p in all_persons)):
                        # an unnamed antecedent far back, or a person named in between: the named reading wins
                        mention.resolved, mention.how = NAMED, "pronoun: unnamed antecedent too far or a person between"
                        break
                    mention.resolved, mention.antecedent = mentions[j].resolved, j
                    mention.how = f"pronoun → '{mentions[j].text}'"
                    break
            else:
                mention.resolved, mention.how = NAMED, "pronoun, no antecedent"
            continue
        # back reference
        head = own.head.lower()
        if _identified_role(own):
            mention.resolved, mention.how = NAMED, "definite identified role or body"
            continue
        for j in range(i - 1, -1, -1):
            earlier = mentions[j]
            if own.reason == "a counted set refers back":
                match = earlier.own.number == "plural" or earlier.own.kind == NAMED
            else:
                match = earlier.own.head.lower() == head or (
                    earlier.own.kind == NAMED and re.search(rf"\b{re.escape(head)}\b", earlier.text.lower()))
            if earlier.resolved and match:
                mention.resolved, mention.antecedent = earlier.resolved, j
                mention.how = f"back reference → '{earlier.text}'"
                break
        else:
            anon = head in ANON_HEADS and head not in IDENTIFIED_HEADS
            mention.resolved = ANONYMOUS if anon else NAMED
            mention.how = "back reference, no antecedent: head decides"

"""Source-swap augmentation: minimal pairs that differ only in whether the source is named.

Most of the model's anonymous errors are named / unnamed confusions ("Former prosecutor Jane Roe said"
read as anonymous, "one employee told" read as named). Swapping the source mention of a labelled
sentence gives a copy whose label changes for that reason alone: a named source ("Retired surgeon Ben
Carson", "Reuters") becomes an unnamed one ("a retired surgeon", "a person familiar with the matter")
and the sentence becomes ``anonymous_source_quote``; an unnamed source ("a Democratic strategist",
"officials") becomes a named one ("Democratic strategist Dana Whitcomb", "Dana Whitcomb and Owen
Okafor") and the sentence becomes ``reported_claim``. The replacements are written by the project
(made-up names, stock phrasings), so no corpus text is copied anywhere.

Each swap is trained in its article's context: the article is copied with the swapped sentence
changed and only that sentence labelled (the others are ``context_only``), so a later "he added"
whose antecedent was swapped does not get a wrong label. Swaps go both ways in equal numbers (which
raises the anonymous share of the stage a little, since anonymous sentences are the rarer). A named source
whose name appears in another sentence of the article is not made unnamed: that would be delayed naming,
which LABELS.md rule 8 counts as ``reported_claim``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from attribution.training.features import CONTEXT_ONLY, Record, group_articles

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, REPORTED_CLAIM
from attribution.source_types import ANONYMOUS, NAMED, classify_mention

#: Unnamed individuals and groups, unambiguous under LABELS.md rule 8 (no spokespeople: those speak for a body).
ANONYMOUS_SINGULAR = (
    "a senior official", "a person familiar with the matter", "an official who asked not to be named",
    "a source close to the talks", "a senior administration official", "one aide", "a congressional aide",
    "a person briefed on the discussions", "an official who was not authorized to speak publicly",
    "a senior diplomat", "a former official", "one adviser",
)
ANONYMOUS_PLURAL = (
    "officials", "people familiar with the matter", "sources", "several aides", "critics", "some analysts",
    "senior officials", "people close to the negotiations", "two officials", "diplomats",
)
#: Made-up people and bodies; a swapped-in name identifies the source (reported_claim).
FIRST_NAMES = ("Dana", "Marcus", "Elena", "Tomas", "Priya", "Graham", "Lucia", "Owen", "Amara", "Felix",
               "Ingrid", "Rafael", "Helen", "Kwame", "Sofia", "Victor")
LAST_NAMES = ("Whitcomb", "Adeyemi", "Lindqvist", "Moreau", "Castellano", "Brennan", "Okafor", "Halvorsen",
              "Pereira", "Sandoval", "Kowalski", "Ashworth", "Nakamura", "Duchene", "Varga", "Ellery")

_ANONYMITY_MARKER = re.compile(r"anonym|not authori[sz]ed|not be named|familiar with|briefed on|"
                               r"declined to be identified|insisted on not being", re.I)
_ROLE_THEN_NAME = re.compile(r"^(?P<role>(?:[A-Za-z][\w.'’-]* ){1,5}?)(?P<name>(?:[A-Z][\w'’-]+\.? )*[A-Z][\w'’-]+)$")
_SPEAKS_FOR_BODY = re.compile(r"spokes|press secretary|representative|communications director", re.I)
_INDEFINITE_ROLE = re.compile(r"^(?:a|an|one) (?P<role>[\w'’-]+(?: [\w'’-]+){0,3})$", re.I)
_LOWERCASE_LEADS = frozenset({"former", "retired", "senior", "deputy", "veteran", "longtime", "chief", "top", "then",
                              "political"})
#: Words that cannot start a role or follow its head: "the FBI", "his lawyer X", "a lawyer for the bloggers".
_NOT_A_ROLE = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "and", "or", "this", "that",
                         "these", "those", "of", "for", "to", "with", "at", "in", "from", "on", "by", "who", "which",
                         "close", "familiar", "briefed"})
_BARE_QUANTIFIERS = frozenset({"many", "some", "others", "most", "few", "several", "all", "both", "one", "none"})


def _person(rng: np.random.Generator) -> str:
    return f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {LAST_NAMES[rng.integers(len(LAST_NAMES))]}"


def unnamed_version(mention: str, rng: np.random.Generator) -> str | None:
    """An unnamed source in place of a named ``mention``, or None when it is no proper-noun source.

    "Retired surgeon Ben Carson" keeps its role ("a retired surgeon"); other names get a stock phrase."""
    kind = classify_mention(mention)
    if kind.kind != NAMED or kind.reason != "proper-noun head" or "," in mention.strip(" ,"):
        return None
    match = _ROLE_THEN_NAME.match(mention.strip())
    role_words = match["role"].split() if match else []
    if (role_words and not _SPEAKS_FOR_BODY.search(match["role"]) and any(w[:1].islower() for w in role_words)
            and not any(w.lower() in _NOT_A_ROLE for w in role_words)):
        first, rest = role_words[0], " ".join(role_words[1:])
        if first.lower() in _LOWERCASE_LEADS:
            first = first.lower()
        role = f"{first} {rest}".strip()
        return ("an " if role[0] in "aeiou" else "a ") + role
    pool = ANONYMOUS_PLURAL if kind.number == "plural" or " and " in mention else ANONYMOUS_SINGULAR
    return pool[rng.integers(len(pool))]


def named_version(mention: str, rng: np.random.Generator) -> str | None:
    """A named source in place of an unnamed ``mention``, or None when it is no plain unnamed source.

    "a Democratic strategist" becomes "Democratic strategist Dana Whitcomb"; groups become two named people."""
    kind = classify_mention(mention)
    text = mention.strip()
    if kind.kind != ANONYMOUS or _ANONYMITY_MARKER.search(text) or text.lower() in _BARE_QUANTIFIERS:
        return None
    if len(text.split()) > 8 or any(w in _NOT_A_ROLE - {"the", "a", "an"} for w in text.lower().split()[1:]):
        return None  # a post-modified group ("a source close to him", "one of the aides") keeps its phrasing
    role = _INDEFINITE_ROLE.match(text)
    if role and not _SPEAKS_FOR_BODY.search(text) and not any(w.lower() in _NOT_A_ROLE
                                                                for w in role["role"].split()):
        return f"{role['role']} {_person(rng)}"
    if kind.number == "plural":
        return f"{_person(rng)} and {_person(rng)}"
    return _person(rng)


def _swapped(record: Record, replacement: str, label: str) -> dict[str, Any]:
    """The record with its one source span replaced; spans after it shifted, the label set."""
    (start, end), text = record["source_spans"][0], record["text"]
    if not text[:start].strip(" \"“‘'("):
        replacement = replacement[0].upper() + replacement[1:]
    shift = len(replacement) - (end - start)
    moved = [[s + shift, e + shift] if s >= end else [s, e] for s, e in record.get("cue_spans") or []]
    return {**record, "text": text[:start] + replacement + text[end:], "label": label,
            "source_spans": [[start, start + len(replacement)]], "cue_spans": moved,
            "end": record["end"] + shift}


def _named_elsewhere(mention: str, article: Sequence[Record], index: int) -> bool:
    """Whether a capitalised word of the mention (a name) appears in another sentence of the article."""
    names = {w.strip(".,'’") for w in mention.split() if w[:1].isupper()}
    names = {n for n in names if len(n) > 2 and n.lower() not in _NOT_A_ROLE}
    return any(re.search(rf"\b{re.escape(n)}\b", r["text"]) for j, r in enumerate(article) if j != index
               for n in names)


def _candidates(articles: Sequence[Sequence[Record]], label: str, version, rng) -> list[tuple[int, int, str]]:
    found = []
    for a, article in enumerate(articles):
        for i, record in enumerate(article):
            spans = record.get("source_spans") or []
            if record.get(CONTEXT_ONLY) or record.get("label") != label or len(spans) != 1:
                continue
            start, end = spans[0]
            if label == ANONYMOUS_SOURCE_QUOTE and _ANONYMITY_MARKER.search(record["text"]):
                continue  # "X, speaking on condition of anonymity, said" cannot take a name
            if label == REPORTED_CLAIM and _named_elsewhere(record["text"][start:end], article, i):
                continue  # unnaming it here would be delayed naming (rule 8: reported_claim)
            replacement = version(record["text"][start:end], rng)
            if replacement:
                found.append((a, i, replacement))
    return found


def swap_sources(records: Sequence[Record], share: float, seed: int) -> list[dict[str, Any]]:
    """Augmented article copies: ``share`` of the swappable anonymous sentences made named, and as many
    named ones made anonymous; each copy labels only its swapped sentence. Deterministic in ``seed``."""
    if share <= 0:
        return []
    rng = np.random.default_rng(seed)
    articles = group_articles(records)
    to_named = _candidates(articles, ANONYMOUS_SOURCE_QUOTE, named_version, rng)
    to_unnamed = _candidates(articles, REPORTED_CLAIM, unnamed_version, rng)
    n = min(round(share * len(to_named)), len(to_unnamed))
    named_picks = sorted(rng.permutation(len(to_named))[:n])
    unnamed_picks = sorted(rng.permutation(len(to_unnamed))[:n])
    chosen = [(to_named[i], REPORTED_CLAIM) for i in named_picks]
    chosen += [(to_unnamed[i], ANONYMOUS_SOURCE_QUOTE) for i in unnamed_picks]
    augmented: list[dict[str, Any]] = []
    for k, ((a, i, replacement), label) in enumerate(chosen):
        doc_id = f"{articles[a][0]['doc_id']}#swap{k}"
        for j, record in enumerate(articles[a]):
            if j == i:
                augmented.append({**_swapped(record, replacement, label), "doc_id": doc_id})
            else:
                augmented.append({**record, "doc_id": doc_id, CONTEXT_ONLY: True})
    return augmented

"""Sourcing profile of one article, derived from its sentence results.

Named sources are merged within the article, in reading order:

- a surname or a titled form joins the fuller name that carries it ("Putin", "Mr. Putin" → "Vladimir Putin");
- a role description joins the name it was introduced with ("the Russian president" → "Russian President
  Vladimir Putin"), when an earlier mention of that source starts with the role (so "the president" does not
  join "Vice President Kamala Harris");
- a pronoun source ("he said") counts for the most recent named source, when the sentence is a reported claim
  and no anonymous source came in between (the attribute stage links the two:
  :func:`attribution.stages.pronoun_antecedents`).

Anything not resolvable this way stays its own entry, so two people are never merged on a guess beyond these
rules (a bare surname joins the most recent source of that surname; a different given name is
another person). Anonymous mentions are listed as written ("a senior official", "people familiar with the matter").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, LABELS, REPORTED_CLAIM
from attribution.results import SentenceResult, label_counts

_TITLES = re.compile(
    r"^(?:(?:the|a|an|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|president|sen\.?|senator|gov\.?|governor|rep\.?|"
    r"representative|mayor|minister|secretary|chancellor|judge|gen\.?|general|sir|dame|lord|lady)\s+)+",
    re.I,
)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_EDGE = ".,’'\"“”()"


def _words(mention: str) -> list[str]:
    return [w.strip(_EDGE) for w in mention.split() if w.strip(_EDGE)]


def _surname(mention: str) -> str:
    """The merge key of a personal or organisation name: its last word after titles ('Mr. Johnston' → johnston)."""
    words = _words(_TITLES.sub("", mention.strip()))
    return words[-1].lower() if words else mention.strip().lower()


def _given_name(mention: str) -> str | None:
    """The capitalised word just before the surname ('Vladimir' in 'President Vladimir Putin'), if any."""
    words = _words(_TITLES.sub("", mention.strip()))
    if len(words) >= 2 and words[-2][:1].isupper() and not _TITLES.match(words[-2] + " "):
        return words[-2].lower()
    return None


def _is_role(mention: str) -> bool:
    """'the Russian president', 'the company': a description starting with a determiner and in lower case."""
    words = _words(mention)
    return len(words) >= 2 and words[0].lower() in ("the", "a", "an") and words[-1][:1].islower()


class _NamedSources:
    """The named sources of one article, merged as mentions arrive in reading order."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.by_key: dict[str, list[dict[str, Any]]] = {}
        #: role → position in ``entries`` of the latest entry with a mention that starts with the role and a space
        self.by_title: dict[str, int] = {}
        self._position: dict[int, int] = {}  # id(entry) → its position in ``entries``

    def _by_role(self, mention: str) -> dict[str, Any] | None:
        """The most recent source introduced with this role as its title (not "Vice President ..."): one look-up."""
        position = self.by_title.get(_DETERMINER.sub("", mention.strip()).lower())
        return None if position is None else self.entries[position]

    def _add_mention(self, entry: dict[str, Any], mention: str) -> None:
        entry["mentions"].append(mention)
        position = self._position[id(entry)]
        lowered = mention.lower()
        for title in {lowered[:i] for i, char in enumerate(lowered) if char == " "}:
            self.by_title[title] = max(position, self.by_title.get(title, -1))

    def _by_name(self, surname: str, given: str | None) -> dict[str, Any] | None:
        """The most recent source with this surname whose given names do not conflict with ``given``."""
        for entry in reversed(self.by_key.get(surname, [])):
            names = {g for g in map(_given_name, entry["mentions"]) if g}
            if given is None or not names or given in names:
                return entry
        return None

    def add(self, mention: str) -> dict[str, Any]:
        """Count a sentence for ``mention``'s source (merged as the module docstring says); returns its entry."""
        entry = self._by_role(mention) if _is_role(mention) else None
        key = _surname(mention)
        if entry is None and not _is_role(mention):
            entry = self._by_name(key, _given_name(mention))
        if entry is None:
            entry = {"source": mention, "mentions": [], "sentences": 0}
            self._position[id(entry)] = len(self.entries)
            self.entries.append(entry)
            if not _is_role(mention):
                self.by_key.setdefault(key, []).append(entry)
        entry["sentences"] += 1
        if mention not in entry["mentions"]:
            self._add_mention(entry, mention)
        if not _is_role(mention) and (_is_role(entry["source"]) or len(mention) > len(entry["source"])):
            entry["source"] = mention  # the fullest name names the source
        return entry


def build_profile(sentences: Sequence[SentenceResult], cleaning: dict[str, Any] | None = None, *,
                  counts: Mapping[str, int] | None = None, hearsay: Sequence[bool] | None = None,
                  antecedents: Sequence[int | None] | None = None) -> dict[str, Any]:
    """Counts and shares of the labels, merged named sources with sentence counts, anonymous mentions.

    The analyzer's profile stage passes what the document already holds: its label ``counts``, the attribute
    stage's ``hearsay`` marks and pronoun ``antecedents`` (per sentence, the index of the sentence whose named
    source a pronoun source stands for). Called on bare sentences, they are worked out here by the same functions.
    """
    from attribution import stages

    total = len(sentences)
    counts = label_counts(sentences) if counts is None else counts
    hearsay = [stages.has_hearsay(s.text) for s in sentences] if hearsay is None else hearsay
    antecedents = stages.pronoun_antecedents(list(sentences)) if antecedents is None else antecedents
    named = _NamedSources()
    entry_of: dict[int, dict[str, Any]] = {}  # sentence index → the named source entry it counted for
    anonymous: list[str] = []
    for i, (s, antecedent) in enumerate(zip(sentences, antecedents, strict=True)):
        if not s.source:
            continue
        if s.label == ANONYMOUS_SOURCE_QUOTE:
            anonymous.append(s.source)
        elif s.label == REPORTED_CLAIM and s.source_type == "pronoun":
            if antecedent is not None:
                entry_of[antecedent]["sentences"] += 1
        elif s.label == REPORTED_CLAIM and s.source_type == "named":
            entry_of[i] = named.add(s.source)
    return {
        "sentences": total,
        "counts": {label: counts.get(label, 0) for label in LABELS},
        "shares": {label: (counts.get(label, 0) / total if total else 0.0) for label in LABELS},
        "named_sources": sorted(named.entries, key=lambda e: (-e["sentences"], e["source"])),
        "anonymous_mentions": anonymous,
        "hearsay_share": sum(map(bool, hearsay)) / total if total else 0.0,
        "removed_by_cleaning": (cleaning or {}).get("removed_count", 0),
    }

"""Sourcing profile of one article, derived from its sentence results."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, LABELS, REPORTED_CLAIM
from attribution.lexicon import HEARSAY_MARKERS
from attribution.results import SentenceResult

_HEARSAY = re.compile("|".join(rf"\b{re.escape(m)}\b" for m in HEARSAY_MARKERS), re.IGNORECASE)
_TITLES = re.compile(r"^(the|a|an|mr\.?|mrs\.?|ms\.?|dr\.?|president|sen\.?|senator|gov\.?|governor|rep\.?)\s+", re.I)


def _source_key(mention: str) -> str:
    """Merge mentions of one source: 'Mr. Johnston' and 'Geoff Johnston' both key to 'johnston'."""
    words = _TITLES.sub("", mention.strip()).split()
    return words[-1].lower().strip(".,’'") if words else mention.lower()


def build_profile(sentences: Sequence[SentenceResult], cleaning: dict[str, Any] | None = None) -> dict[str, Any]:
    """Counts and shares of the labels, named sources with their sentence counts, anonymous mentions."""
    total = len(sentences)
    counts = Counter(s.label for s in sentences)
    named: dict[str, dict[str, Any]] = {}
    anonymous: list[str] = []
    for s in sentences:
        if not s.source or s.source_type in ("pronoun", "back_reference"):
            continue
        if s.label == REPORTED_CLAIM and s.source_type == "named":
            key = _source_key(s.source)
            entry = named.setdefault(key, {"source": s.source, "mentions": [], "sentences": 0})
            entry["sentences"] += 1
            if s.source not in entry["mentions"]:
                entry["mentions"].append(s.source)
            if len(s.source) > len(entry["source"]):
                entry["source"] = s.source  # the fullest form names the source
        elif s.label == ANONYMOUS_SOURCE_QUOTE:
            anonymous.append(s.source)
    hearsay = sum(bool(_HEARSAY.search(s.text)) for s in sentences)
    return {
        "sentences": total,
        "counts": {label: counts.get(label, 0) for label in LABELS},
        "shares": {label: (counts.get(label, 0) / total if total else 0.0) for label in LABELS},
        "named_sources": sorted(named.values(), key=lambda e: (-e["sentences"], e["source"])),
        "anonymous_mentions": anonymous,
        "hearsay_share": hearsay / total if total else 0.0,
        "removed_by_cleaning": (cleaning or {}).get("removed_count", 0),
    }

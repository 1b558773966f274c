"""A cheap check that an article is English, the only language the models and rules were built for.

Non-English articles are still scored (the labels are then unreliable), and their
article record carries a warning, so a batch over a mixed corpus can filter them.
"""

from __future__ import annotations

import re

#: Frequent English function words; running English prose has roughly 30-50% of its words among them.
_FUNCTION_WORDS = frozenset(
    "the a an of to in and or but is are was were be been has have had it its that this these those for on with "
    "as at by from not he she they we you his her their our said says will would can could there which who what "
    "when than about after before into over also more no if".split()
)
_WORD = re.compile(r"[^\W\d_]+")
#: Below this share of function words, with enough words to judge, the text is flagged.
MIN_SHARE = 0.12
MIN_WORDS = 30


def english_share(text: str) -> tuple[float, int]:
    """Share of the text's words that are English function words, and the number of words."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(w in _FUNCTION_WORDS for w in words) / len(words), len(words)


def latin_share(text: str) -> tuple[float, int]:
    """Share of the text's letters that are Latin script (ASCII or Latin-1/Extended), and the number of letters."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0, 0
    return sum(c < "\u0250" for c in letters) / len(letters), len(letters)


def language_warning(text: str) -> str | None:
    """A warning when the text does not read as English prose (``None`` when it does or is too short)."""
    latin, letters = latin_share(text)
    if letters >= 20 and latin < 0.5:  # Chinese, Japanese, Arabic ...: no spaces to count words by
        return (f"the text does not look like English ({latin:.0%} of its letters are Latin script): "
                "labels are unreliable")
    share, n = english_share(text)
    if n >= MIN_WORDS and share < MIN_SHARE:
        return (f"the text does not look like English ({share:.0%} English function words over {n} words): "
                "labels are unreliable")
    return None

"""Clean: find the article content in a scraped page and report everything removed.

The cleaner never edits text. It splits the original input into lines, decides
for each line whether it is content, and returns the content as spans of the
original (so later offsets still index the input) plus one :class:`Removal` per
removed span, with the rule and the reason. The rules live in
:mod:`attribution.cleaning_rules`; duplicated paragraphs (a page that prints its
body twice) are removed here, keeping the first copy.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from attribution.cleaning_rules import FIELD_PREFIX, LINE_RULES, MIN_DUPLICATE_CHARS, MIN_HEADLINE_CHARS, LineRule

_NORMALISE = re.compile(r"[\W_]+", re.UNICODE)
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class Removal:
    """One removed span of the original text: where, what rule, why, and a preview of the text."""

    start: int
    end: int
    rule: str
    reason: str
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CleanResult:
    """Content spans of the original text (one per kept paragraph) and the removals, in text order."""

    content: list[tuple[int, int]] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)

    @property
    def removed_chars(self) -> int:
        return sum(r.end - r.start for r in self.removed)

    def report(self) -> dict:
        """A JSON-ready summary for the article record: counts per rule and every removal."""
        by_rule: dict[str, int] = {}
        for removal in self.removed:
            by_rule[removal.rule] = by_rule.get(removal.rule, 0) + 1
        return {
            "removed_count": len(self.removed),
            "removed_chars": self.removed_chars,
            "by_rule": by_rule,
            "removed": [r.to_dict() for r in self.removed],
        }


_LINE = re.compile(r"[^\r\n]+")


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``, whitespace trimmed; LF, CR LF and a lone CR all end a line."""
    spans = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        line = match.group()
        stripped_left = len(line) - len(line.lstrip())
        stripped_right = len(line) - len(line.rstrip())
        if end - start - stripped_left - stripped_right > 0:
            spans.append((start + stripped_left, end - stripped_right))
    return spans


def _normalise(line: str) -> str:
    return _NORMALISE.sub(" ", FIELD_PREFIX.sub("", line).casefold()).strip()


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def clean(text: str, rules: tuple[LineRule, ...] = LINE_RULES) -> CleanResult:
    """Split ``text`` into content paragraphs and reported removals.

    A line is removed by the first rule that matches it (a rule's scope may
    also take the next line, or the rest of the page); a content line whose
    normalised text already occurred is removed as a duplicate.
    """
    result = CleanResult()
    lines = _lines(text)
    seen: dict[str, int] = {}
    skip_next_reason: tuple[str, str] | None = None
    i = 0
    while i < len(lines):
        start, end = lines[i]
        line = text[start:end]
        if skip_next_reason:
            rule_name, reason = skip_next_reason
            skip_next_reason = None
            result.removed.append(Removal(start, end, rule_name, reason, _preview(line)))
            i += 1
            continue
        rule = next((r for r in rules if r.matches(line, i, headline_seen=bool(result.content))), None)
        if rule is not None:
            if rule.scope == "rest":
                for s, e in lines[i:]:
                    result.removed.append(Removal(s, e, rule.name, rule.reason, _preview(text[s:e])))
                break
            result.removed.append(Removal(start, end, rule.name, rule.reason, _preview(line)))
            if rule.scope == "line_and_next":
                skip_next_reason = (rule.name, rule.reason)
            i += 1
            continue
        key = _normalise(line)
        repeats_headline = bool(result.content) and seen.get(key) == result.content[0][0]
        if key in seen and (len(key) >= MIN_DUPLICATE_CHARS or (repeats_headline and len(key) >= MIN_HEADLINE_CHARS)):
            reason = f"duplicate of the paragraph at offset {seen[key]}"
            result.removed.append(Removal(start, end, "duplicate", reason, _preview(line)))
        else:
            seen.setdefault(key, start)
            result.content.append((start, end))
        i += 1
    return result

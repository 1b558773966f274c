"""The cleaning rules, as data: one place lists what the cleaner removes and why.

Each rule matches a whole line (a paragraph of the scraped page). ``scope``
says how much it removes: the line alone, the line and the paragraph after it
(a "Legal Disclaimer:" heading and its body), or the line and everything after
it (a comments footer). Rules whose pattern may also occur inside real prose
carry ``max_len`` so a long article paragraph is never taken for boilerplate.
Add a rule here, with a test, rather than an ``if`` in the cleaner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Scope = Literal["line", "line_and_next", "rest"]


@dataclass(frozen=True)
class LineRule:
    """A line-level cleaning rule: a name for the report, a pattern, a reason, and what it removes."""

    name: str
    pattern: re.Pattern[str]
    reason: str
    scope: Scope = "line"
    max_len: int = 400
    first_line_only: bool = False

    def matches(self, line: str, line_no: int) -> bool:
        if self.first_line_only and line_no != 0:
            return False
        stripped = line.strip()
        return len(stripped) <= self.max_len and bool(self.pattern.search(stripped))


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SHARE_WORD = (
    r"(share|share this( article| story)?|tweet|email|e-mail|print|facebook|twitter|x|linkedin|whatsapp|"
    r"reddit|pinterest|copy link|save|comment)"
)

LINE_RULES: tuple[LineRule, ...] = (
    LineRule(
        "scrape_header",
        _rx(r"^date\s+\d{4}-\d{2}-\d{2}(\s+\d{3})?$"),
        "scraper header line (date and HTTP status), parsed into metadata",
        first_line_only=True,
    ),
    LineRule("error_banner", _rx(r"^sorry[!.]*$"), "error-page banner"),
    LineRule(
        "error_banner",
        _rx(r"^(error!?\s*)?(we'?re|we are) sorry,? but the page you (were|are) looking for"
            r"|^(error\s*)?404\b|^page not found\b"
            r"|^the page you (requested|were looking for) (could not be found|does not exist)"),
        "error-page banner",
        max_len=200,
    ),
    LineRule(
        "legal_disclaimer",
        _rx(r"^(legal\s+)?disclaimer\s*:?$"),
        "legal disclaimer heading and its text",
        scope="line_and_next",
    ),
    LineRule(
        "legal_disclaimer",
        _rx(r"without warranty of any kind|do(es)? not accept any (responsibility|liability)"
            r"|views (and opinions )?expressed .{0,80}(do not|don't) necessarily reflect"),
        "legal disclaimer text",
        max_len=1000,
    ),
    LineRule(
        "comments_footer",
        _rx(r"^(\d+\s+)?comments?\s*(\(\d+\))?\s*(no comments?( yet)?\.?)?$|^no comments?( yet)?\.?$"
            r"|^(leave|post|add) a comment\b|^(show|view|load) (all )?comments\b"),
        "comments footer",
        scope="rest",
        max_len=120,
    ),
    LineRule(
        "copyright",
        _rx(r"^(©|\(c\)\s|copyright\b|all rights reserved)|all rights reserved\.?$"),
        "copyright line",
        max_len=300,
    ),
    LineRule(
        "share_menu",
        _rx(rf"^({_SHARE_WORD}(\s+(on|via|by)\s+\w+)?[\s|/•·,:;-]*)+$"),
        "share / e-mail / print menu",
        max_len=150,
    ),
    LineRule(
        "advertisement",
        _rx(r"^(advertisement|advertisment|sponsored( content)?|ad|story continues below( advertisement)?)$"),
        "advertisement marker",
    ),
    LineRule(
        "photo_credit",
        _rx(r"^((photo|image|picture|video)s?\s*(credit)?\s*(:|by\b)|credit\s*:)"
            r"|\((photo|image)s?:?[^)]*\)$|\b(getty images|ap photo|reuters/|afp via getty)\b[^.]{0,80}$"),
        "photo credit or caption",
        max_len=250,
    ),
    LineRule(
        "newsletter",
        _rx(r"\b(sign up|subscribe|register)\b.{0,60}\b(newsletter|podcast|alerts?|briefing)\b"
            r"|\bget (the latest|our).{0,60}\b(in|to) your inbox\b|^(subscribe|sign up)( now| today| here)?[.!]?$"),
        "newsletter or subscription promo",
        max_len=250,
    ),
    LineRule(
        "cookie_notice",
        _rx(r"\bwe use cookies\b|\b(accept|manage) (all )?cookies\b|\bcookie (policy|settings)\b"),
        "cookie notice",
        max_len=300,
    ),
    LineRule(
        "byline",
        # Case-sensitive: names are capitalised, "By the end of the year, ..." is prose.
        re.compile(r"^(By|BY)\s+[A-Z][\w.'’-]+(\s+(and\s+)?[A-Z][\w.'’-]+){0,4}(\s*[,|]\s*[A-Z][\w .'’-]{0,60})?$"),
        "byline",
        max_len=120,
    ),
    LineRule(
        "related_links",
        _rx(r"^(related( articles| stories| coverage| content)?|read more|see also|more from [\w ]+"
            r"|recommended( for you)?)\s*:?(\s.{0,100})?$"),
        "related-links menu",
        max_len=120,
    ),
)

#: Paragraphs shorter than this (after normalising) are never removed as duplicates:
#: short lines ("Advertisement", "—", a dateline) repeat legitimately.
MIN_DUPLICATE_CHARS = 40

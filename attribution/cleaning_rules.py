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
    after_headline_only: bool = False  # never the first content line (the headline)

    def matches(self, line: str, line_no: int, headline_seen: bool = True) -> bool:
        if self.first_line_only and line_no != 0:
            return False
        if self.after_headline_only and not headline_seen:
            return False
        stripped = line.strip().lstrip("\ufeff")  # a byte-order mark left at the start of a line
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
            r"|\((photo|image)s?:?[^)]*\)$|\b(getty images|ap photo|reuters/|afp via getty)\b[^.]{0,80}$"
            r"|^[\w .'’-]{1,60}/(getty images|ap|reuters|afp)\.?$"
            r"|^[\w .,'’-]{1,60}/(facebook|linkedin|twitter|instagram|youtube)\.?$"
            r"|^(facebook|linkedin|twitter|instagram|youtube)/[\w .,'’-]{1,60}\.?$"),
        "photo credit or caption",
        max_len=250,
    ),
    LineRule(
        "newsletter",
        _rx(r"\b(sign up|subscribe|register)\b.{0,60}\b(newsletter|podcast|alerts?|briefing)\b"
            r"|^get (daily|weekly|breaking|the latest) (news |email )?(updates|alerts|news)\b"
            r"|\bget (the latest|our).{0,60}\b(in|to) your inbox\b|^(subscribe|sign up)( now| today| here)?[.!]?$"
            r"|^to (un)?subscribe\b.{0,80}\b(send|e-?mail|click|visit|list|newsletter)\b"
            r"|^sign up to get an? (e-?mail|alert)\b"
            r"|^follow\b.{0,120}\bon (twitter|facebook|instagram)\b.{0,40}(@\w|twitter\.com/)"
            r"|^follow (us|me)\b.{0,60}\bon (twitter|facebook|instagram)\b"),
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
        "header_field",
        _rx(r"^(date|publisher|author|authors|url|source|published|updated|posted|last modified|section)\s*:\s*\S"),
        "page header field (date, publisher, author, URL)",
        max_len=300,
    ),
    LineRule(
        "section_label",
        _rx(r"^(abstract|full text|summary|transcript|\((start|end) of (document|article)\))[.:]?$"
            r"|^[=_*~#-]{3,}\.?$|^[—–-]{2,}\.?$"),
        "section label or separator line",
    ),
    LineRule(
        "dateline",
        _rx(r"^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
            r"[a-z]*\.?\s+\d{1,2},?\s+\d{4}(,?\s+\d{1,2}:\d{2}.*)?$|^\d{4}-\d{2}-\d{2}([ t]\d{1,2}:\d{2}.*)?$"
            r"|^(updated|published|posted)\b.{0,40}\d{4}.{0,20}$"
            r"|^\d{1,2}([:.]\d{2})?\s*[ap]\.\s?m\.?$|^\d{1,2}([:.]\d{2})?\s*[ap]m$"
            r"|^\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}$"
            r"|^\d{1,2}/\d{1,2}/\d{2,4}(\s*-?\s*\d{1,2}:\d{2}(:\d{2})?)?$"
            r"|^(the\s+)?[a-z][\w .'’&-]{1,40}:\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
            r"\s+\d{1,2},?\s+\d{4}$"),
        "stand-alone date or timestamp",
    ),
    LineRule(
        "credit_line",
        _rx(r"\b(can be reached|contact [\w .'’-]{2,40}) at\b.{0,80}(@\w|\d{3}[-. )]\d{3})"
            r"|\bcontributed (reporting|to this (report|story|article))|^\(?additional reporting by\b"
            r"|^this (story|article|post) has been updated\b|^this is a developing story\b"),
        "reporter credit, contact line or update note",
        max_len=200,
    ),
    LineRule(
        "credit_line",
        # Case-sensitive: a reporter's name (no possessive, not "The ..."), then "reported from <Place>." or
        # "writes for <Publication>." with nothing after: "CNN's X reported from Kabul that ..." is prose.
        re.compile(r"^(?!The\b)[A-Z][\w.-]+(\s+[A-Z][\w.-]+){0,3} "
                   r"(reported from|writes for( the)?)(\s+[A-Z][\w.'’&-]*,?){1,6}\.?$"),
        "reporter credit, contact line or update note",
        max_len=100,
    ),
    LineRule(
        "signature",
        # A dash, then a reporter's title and name ("— Statehouse Correspondent Jane Roe."); a bare dashed name
        # is kept: it is as often a quote's speaker ("- Jane Roe.") as a reporter's signature.
        _rx(r"^[-—–]\s*([\w.'’-]+\s+){0,3}(correspondent|reporter|staff writer|writer|editor|columnist)\b"
            r"[\w .'’-]{0,50}$"),
        "reporter's signature line",
        max_len=80,
    ),
    LineRule(
        "author_bio",
        _rx(r"^more (about|from|by) [A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}$"
            r"|^a version of this article appears in print\b"),
        "author bio or print-edition note",
        max_len=300,
    ),
    LineRule(
        "donation_appeal",
        _rx(r"\b(please (give|donate)( today)?|donate (now|today)|support (our|independent|local) journalism"
            r"|rely on (the )?(financial )?support (from|of) (readers|people) like you"
            r"|is your source for\b.{0,60}\bjournalism)\b"),
        "donation or membership appeal",
        max_len=250,
    ),
    LineRule(
        "nav_menu",
        re.compile(r"^[^|.!?]{1,40}(\s\|\s[^|.!?]{1,40}){2,}$"),
        "navigation menu",
        max_len=200,
    ),
    LineRule(
        "nav_menu",
        re.compile(r"^[^/.!?]{1,30}(\s/\s[^/.!?]{1,30}){3,}$|^[^>.!?]{1,40}(\s>\s[^>.!?]{1,60}){2,}$"),
        "navigation menu or breadcrumb trail",
        max_len=200,
    ),
    LineRule(
        "crosshead",
        # Case-sensitive: one to four words, capitalised, no closing punctuation, after the headline.
        re.compile(r"^[A-Z][\w'’-]*(\s+[\w'’-]+){0,3}$"),
        "short crosshead (section sub-heading)",
        after_headline_only=True,
    ),
    LineRule(
        "related_links",
        _rx(r"^(related( articles| stories| coverage| content)?|read more|see also|more from [\w ]+"
            r"|recommended( for you)?)\s*:?(\s.{0,100})?$|^\(?full (story|article)\)?\.?$"
            r"|^\(\d{1,2} \w{3} \d{2} \| [^)]{1,40}\)$"),
        "related-links menu",
        max_len=120,
    ),
)

#: Paragraphs shorter than this (after normalising) are never removed as duplicates:
#: short lines ("Advertisement", "—", a dateline) repeat legitimately.
MIN_DUPLICATE_CHARS = 40
#: A repeat of the headline (a page's header block then its body) is removed from this length on.
MIN_HEADLINE_CHARS = 12

#: Prefixes of a page's header block ("Headline: ..."); stripped before comparing paragraphs, so the
#: body's copy of the headline is recognised as a duplicate.
FIELD_PREFIX = re.compile(r"^(headline|title|subtitle|subhead|dek)\s*:\s*", re.IGNORECASE)

#: Rules that also judge the first and last sentences of a paragraph the line rules kept (a page pasted as one
#: paragraph ends with "(Additional reporting by ...)" or "The Example Times: Nov. 13, 2004"). Only rules whose
#: pattern needs the whole sentence to be furniture are listed: not the crosshead (a short sentence is prose),
#: the banners, the headings that take the next line, the comments footer or the scraper header. The cleaner
#: applies them with the detector (``clean(text, detector=False)`` runs the line rules alone).
EDGE_RULE_NAMES: frozenset[str] = frozenset({
    "copyright", "share_menu", "advertisement", "photo_credit", "newsletter", "cookie_notice", "header_field",
    "dateline", "credit_line", "signature", "author_bio", "donation_appeal", "nav_menu", "related_links",
})
#: At most this many sentences are taken from each end of a paragraph, and never all of them; a sentence longer
#: than ``EDGE_MAX_CHARS`` is never taken (a dateline run into the first sentence of the story is content).
EDGE_SENTENCES = 2
EDGE_MAX_CHARS = 160

"""The project's hostile-input generator: odd, broken and malicious inputs for ``attribution score``, with a manifest.

``generate(folder)`` writes, deterministically for a seed, 87 kinds of input (several instances of each) into
``folder``: empty, whitespace-only and binary files, NUL bytes, Latin-1, Windows-1252, UTF-16 with a byte-order mark,
UTF-8 with one, Shift-JIS, invalid UTF-8 sequences, mojibake, lone surrogates in JSON escapes, a 1.5 MB article and
a 2.5 MB one (over the default ``--max-chars``), unbalanced quotes, right-to-left text and bidi controls, zero-width
characters, CR-only / CRLF / mixed line endings, control characters, emoji, combining marks, a scraped page with a
header line, banner, duplicated body and footer, malformed and hostile HTML, JSONL / CSV / Parquet tables with odd
cells, and hostile ids and file names (path traversal, markup, formulas, newlines, duplicates ``x, x, x~2``).
Every article text is written here, from the templates below; nothing is copied from a corpus.

It returns the manifest: for each file (its path relative to ``folder``), the kind, how many article records it
must produce (1 per text or HTML file; 1 per table row as a person counts rows: lines of a JSONL file that are not
blank, data rows of a CSV file whatever their cells, rows of a Parquet file; 0 for files of unsupported types,
which are ignored), and where it matters, per record, the status it must have and a warning it must carry.

The files are laid out in subfolders (``text/``, ``html/``, ``tables/``, ``names/``, ``ignored/``, ``big/``), so a
run can leave the big ones out by naming the others. ``python -m tests.hostile DIR`` writes the set and
``DIR.manifest.json`` for manual runs.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

OK, ERROR = "ok", "error"
SUBFOLDERS = ("text", "html", "tables", "names", "ignored", "big")


@dataclass
class Expected:
    """What one input file must produce: ``records`` article records (``None``: not fixed, at least one), and per
    record the ``statuses`` (``ok``, ``error`` or ``None`` for either) and a substring of its ``warnings``."""

    kind: str
    records: int | None
    statuses: list[str | None] | None = None
    warnings: list[str | None] | None = None
    big: bool = False
    #: Metadata keys every record of the file must carry (scraper header, HTML title, table columns).
    metadata: tuple[str, ...] = ()

    def status(self, n: int) -> str | None:
        return self.statuses[n] if self.statuses is not None and n < len(self.statuses) else None

    def warning(self, n: int) -> str | None:
        return self.warnings[n] if self.warnings is not None and n < len(self.warnings) else None


Manifest = dict[str, Expected]


@dataclass
class _File:
    rel: str
    data: bytes
    expected: Expected


@dataclass
class _Kind:
    name: str
    make: Callable[[random.Random, int], list[_File]]
    instances: int
    big: bool = False
    tags: set[str] = field(default_factory=set)


# ---------------------------------------------------------------------------------------------------------------
# Article text, written for this generator

NAMES = ["Dana Whitfield", "Omar Haddad", "Lena Ortiz", "Priya Raman", "Tomasz Nowak", "Grace Okafor",
         "Henrik Lund", "Mei Chen", "José Andrés", "Zoë Brontë", "Nguyễn Văn An", "Siobhán O'Neill"]
ROLES = ["the city's transport chief", "a spokeswoman for the council", "the harbour master", "the finance minister",
         "a union representative", "the school board chair", "the county health officer"]
TOPICS = ["the bridge repairs", "the new budget", "the ferry timetable", "the school closures", "the water rates",
          "the hospital expansion", "the tram extension", "the housing plan"]
PLACES = ["Rivermouth", "North Ashby", "Port Calder", "Elmstead", "Brackwater"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _direct(r: random.Random) -> str:
    return r.choice([
        f"{r.choice(TOPICS).capitalize()} will cost {r.randint(2, 90)} million dollars over {r.randint(2, 9)} years.",
        f"The council in {r.choice(PLACES)} voted {r.randint(5, 9)} to {r.randint(0, 4)} on {r.choice(DAYS)}.",
        f"Work on {r.choice(TOPICS)} began in March and is due to finish by the end of the year.",
        f"About {r.randint(100, 9000):,} residents live within a mile of the site.",
        f"It rained in {r.choice(PLACES)} for {r.randint(2, 6)} days before the vote.",
    ])


def _reported(r: random.Random) -> str:
    name, role, topic = r.choice(NAMES), r.choice(ROLES), r.choice(TOPICS)
    return r.choice([
        f"{name}, {role}, said {topic} would go ahead as planned.",
        f"\u201cWe are confident in the plan,\u201d {name} said on {r.choice(DAYS)}.",
        f"According to {name}, the delays on {topic} were caused by the weather.",
        f"{name} told reporters that {topic} had {r.randint(2, 40)} per cent support.",
    ])


def _anonymous(r: random.Random) -> str:
    topic = r.choice(TOPICS)
    return r.choice([
        f"A senior official, speaking on condition of anonymity, said {topic} had been delayed.",
        "People familiar with the matter said the vote had been decided in advance.",
        f"A source close to the negotiations, who asked not to be named, said talks on {topic} had stalled.",
    ])


def _hearsay(r: random.Random) -> str:
    return f"The contract for {r.choice(TOPICS)} was reportedly worth more than {r.randint(2, 90)} million dollars."


def sentence(r: random.Random) -> str:
    return r.choice([_direct, _direct, _reported, _reported, _anonymous, _hearsay])(r)


def article(r: random.Random, paragraphs: int = 4, newline: str = "\n") -> str:
    """A short news article: a headline and ``paragraphs`` paragraphs of one or two sentences."""
    head = f"{r.choice(TOPICS).capitalize()} in {r.choice(PLACES)}"
    body = [" ".join(sentence(r) for _ in range(r.randint(1, 2))) for _ in range(paragraphs)]
    return (newline * 2).join([head, *body]) + newline


def big_article(r: random.Random, chars: int, distinct: int = 120_000) -> str:
    """An article of about ``chars`` characters: ``distinct`` characters of varied paragraphs, then that body
    printed again and again (as scraped pages do), which the cleaner removes as duplicates. Scoring cost grows with
    the distinct part only; the offsets, the HTML page and the size limit see the whole text."""
    parts: list[str] = []
    size = 0
    while size < min(chars, distinct):
        paragraph = " ".join(sentence(r) for _ in range(3)) + f" (Item {len(parts)}.)\n\n"
        parts.append(paragraph)
        size += len(paragraph)
    body = "".join(parts)
    return (body * (chars // len(body) + 1))[:chars]


# ---------------------------------------------------------------------------------------------------------------
# Text files: one record each

INJECTIONS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "</title><script>alert(document.cookie)</script>",
    "javascript:alert(1)",
    "<iframe src=\"http://example.invalid/\"></iframe>",
    "<a href=\"http://example.invalid\" onclick=\"steal()\">click</a>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<!-- comment --> <![CDATA[ x ]]> &lt;already&gt; &amp;",
    "<style>body{display:none}</style>",
]


def _t_binary(r: random.Random) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(r.randrange(256) for _ in range(2000))


def _t_nul_in_text(r: random.Random) -> bytes:
    text = article(r)
    cut = len(text) // 2
    return (text[:cut] + "\x00" + text[cut:]).encode()


def _t_nul_after_8k(r: random.Random) -> bytes:
    return (big_article(r, 9000) + "\x00 trailing bytes.\n").encode()


def _t_latin1(r: random.Random) -> bytes:
    return (article(r) + "The café in Montréal said it would reopen. Señor Núñez agreed.\n").encode("latin-1",
                                                                                                    "replace")


def _t_cp1252(r: random.Random) -> bytes:
    return ("\u201cIt\u2019s done,\u201d the mayor said \u2013 twice.\n\n" + article(r)).encode("cp1252", "replace")


def _t_utf16(endian: str) -> Callable[[random.Random], bytes]:
    def make(r: random.Random) -> bytes:
        bom = b"\xff\xfe" if endian == "le" else b"\xfe\xff"
        return bom + article(r).encode(f"utf-16-{endian}")
    return make


def _t_utf8_bom(r: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + article(r).encode()


def _t_shift_jis(r: random.Random) -> bytes:
    japanese = "政府は月曜日に発表した。当局者によると、交渉は停滞している。市長は計画を支持すると述べた。\n"
    return (article(r) + japanese).encode("shift_jis", "replace")


def _t_invalid_sequences(r: random.Random) -> bytes:
    # overlong "/", a CESU-8 surrogate, a stray continuation byte, an invalid lead byte, a truncated sequence at EOF
    return article(r).encode() + b"Bad \xc0\xaf and \xed\xa0\x80 and \x80 and \xff said the mayor. Cut \xe2\x82"


def _t_mojibake(encoding: str) -> Callable[[random.Random], bytes]:
    def make(r: random.Random) -> bytes:
        clean = article(r) + "José Andrés said the kitchen at the café would reopen \u2013 \u201csoon\u201d.\n"
        return clean.encode("utf-8").decode(encoding, "replace").encode("utf-8")
    return make


def _t_unbalanced_quotes(r: random.Random) -> bytes:
    return ("\u00abUnbalanced quote said the official. \u201cAnother one opens, \u2018and this too. "
            f"He said \"no.\n\n{article(r)}\u201d\u201d\u201d \" ' \u2019\n").encode()


def _t_rtl_mixed(r: random.Random) -> bytes:
    return (article(r) + "Mayor \u05d3\u05e0\u05d4 \u05dc\u05d5\u05d9 said the plan, \u0645\u0633\u0624\u0648\u0644"
            "\u0648\u0646 \u0642\u0627\u0644\u0648\u0627, would proceed.\n").encode()


def _t_arabic(r: random.Random) -> bytes:
    return ("\u0645\u0633\u0624\u0648\u0644\u0648\u0646 \u0642\u0627\u0644\u0648\u0627 \u0625\u0646 \u0627\u0644"
            "\u0645\u062d\u0627\u062f\u062b\u0627\u062a \u062a\u0648\u0642\u0641\u062a.\n" * r.randint(2, 5)).encode()


def _t_bidi(r: random.Random) -> bytes:
    text = article(r)
    controls = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u200e", "\u061c", "\u202c"]
    return "".join(c + r.choice(controls) if c == " " and r.random() < 0.2 else c for c in text).encode()


def _t_zero_width(r: random.Random) -> bytes:
    text = article(r)
    marks = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
    return ("\ufeff\u200b" + "".join(c + r.choice(marks) if r.random() < 0.1 else c for c in text)).encode()


def _t_line_endings(kind: str) -> Callable[[random.Random], bytes]:
    def make(r: random.Random) -> bytes:
        text = article(r, paragraphs=5)
        if kind == "cr":
            return text.replace("\n", "\r").encode()
        if kind == "crlf":
            return text.replace("\n", "\r\n").encode()
        return "".join(r.choice(["\n", "\r", "\r\n", "\n\r"]) if c == "\n" else c for c in text).encode()
    return make


def _t_separators(r: random.Random) -> bytes:
    return article(r).replace("\n\n", r.choice(["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\u2028\u2028"])).encode()


def _t_control(r: random.Random) -> bytes:
    controls = [chr(c) for c in [*range(1, 9), 0x0E, 0x0F, 0x1B, 0x1F, 0x7F, 0x80, 0x9B, 0x9F]]
    text = article(r)
    return "".join(c + r.choice(controls) if r.random() < 0.05 else c for c in text).encode()


def _t_emoji(r: random.Random) -> bytes:
    emoji = ["😀", "👍🏽", "👩‍👩‍👧‍👦", "🇺🇦", "🏳️‍🌈", "❤️", "🤷🏿‍♀️", "🧑🏻‍🚀"]
    return (" ".join(r.choice(emoji) for _ in range(5)) + "\n\n" + article(r).replace(". ", f". {r.choice(emoji)} ")
            + "The mayor said 😀 the plan 👍🏽 would work.\n").encode()


def _t_combining(r: random.Random) -> bytes:
    marks = [chr(c) for c in range(0x300, 0x36F)]
    text = article(r)
    return "".join(c + "".join(r.choice(marks) for _ in range(r.randint(1, 12))) if c.isalpha() and r.random() < 0.3
                   else c for c in text).encode()


def _t_scraped(r: random.Random) -> bytes:
    body = article(r, paragraphs=5)
    return (f" date 2025-0{r.randint(1, 9)}-1{r.randint(0, 9)} {r.choice([200, 403, 404])}\n"
            "Sorry, you have been blocked. Please enable cookies and reload the page.\n"
            "Home | News | Sport | Weather | Contact\n\n"
            f"{body}\n{body}\n"
            "This article is for information only and does not constitute legal advice.\n"
            "Copyright 2026 The Rivermouth Gazette. All rights reserved.\n"
            "Comments (12)\nLog in to comment. Share on Facebook Share on X\n").encode()


def _t_header_only(r: random.Random) -> bytes:
    return f" date 2025-04-{r.randint(10, 28)} 403\n".encode()


def _t_long_line(r: random.Random) -> bytes:
    words = ["the", "officials", "said", "council", "according", "to", "sources", "plan", "budget", "mayor"]
    return (" ".join(r.choice(words) for _ in range(1500)) + "\n").encode()


def _t_punctuation(r: random.Random) -> bytes:
    return "".join(r.choice(". . . ! ? ... ;;; --- \u2026 \u00bf \u00a1 \u201c\u201d ()") for _ in range(200)).encode()


def _t_markdown_table(r: random.Random) -> bytes:
    rows = "".join(f"| {r.choice(NAMES)} | {r.randint(100, 9999):,} |\n" for _ in range(6))
    return ("| Name | Votes |\n|---|---|\n" + rows + "\n" + article(r) + "- item one\n- item two, officials said\n"
            "* item three\n1. numbered\n").encode()


def _t_injection(r: random.Random) -> bytes:
    payloads = r.sample(INJECTIONS, 4)
    return (f"Council {payloads[0]} budget\n\n" + article(r) + f"The mayor said {payloads[1]} would be fixed.\n\n"
            f"{payloads[2]} Officials said the vote was {payloads[3]} delayed.\n").encode()


def _t_html_in_txt(r: random.Random) -> bytes:
    return (f"<html><body><p>{article(r)}</p><p>The mayor said so.</p></body></html>\n").encode()


def _t_repeated(r: random.Random) -> bytes:
    paragraph = sentence(r) + " " + sentence(r)
    return ("\n\n".join([paragraph] * r.randint(5, 30)) + "\n").encode()


def _t_short_lines(r: random.Random) -> bytes:
    return "".join(f"{r.choice(['a.', 'B!', 'The mayor said.', '1.', '?', 'Mr.', 'Ms.'])}\n"
                   for _ in range(400)).encode()


def _t_whitespace_odd(r: random.Random) -> bytes:
    text = article(r)
    return "".join(r.choice(["\t", "\u00a0", "\u3000", "\u2009", "  \t "]) if c == " " else c for c in text).encode()


def _t_urls(r: random.Random) -> bytes:
    return (article(r) + "See https://example.org/budget?a=1&b=2#x for details, or mail press@example.org.\n"
            "http://example.invalid/" + "a" * 3000 + "\n").encode()


def _t_german(r: random.Random) -> bytes:
    return ("Die Regierung hat am Montag beschlossen, dass die Steuern steigen werden. Der Minister sagte, man "
            "werde die Pl\u00e4ne pr\u00fcfen und im Sommer vorlegen. Kritiker warnten vor den Folgen f\u00fcr die "
            "Wirtschaft, sagte ein Sprecher der Opposition.\n").encode()


def _t_chinese(r: random.Random) -> bytes:
    return ("政府周一宣布将提高税收。部长说，计划将在夏季提交。批评者警告说，这将对经济和家庭产生影响。\n"
            * r.randint(1, 4)).encode()


def _t_json_in_txt(r: random.Random) -> bytes:
    return (json.dumps({"id": "inner", "text": article(r)}) + "\n" + article(r)).encode()


def _t_long_word(r: random.Random) -> bytes:
    return (article(r) + "x" * r.randint(10_000, 20_000) + ".\n").encode()


def _t_single_word(r: random.Random) -> bytes:
    return r.choice(["Hello", "said", "Mr.", "OK.", "a"]).encode()


TEXT_KINDS: dict[str, tuple[Callable[[random.Random], bytes], str | None, str | None]] = {
    # kind: (maker, status, warning the record must carry)
    "empty": (lambda r: b"", ERROR, None),
    "whitespace_only": (lambda r: "".join(r.choice([" ", "\t", "\n", "\r\n", "\u00a0"]) for _ in range(50)).encode(),
                        ERROR, None),
    "binary": (_t_binary, ERROR, None),
    "nul_in_text": (_t_nul_in_text, None, None),
    "nul_after_8k": (_t_nul_after_8k, None, None),
    "latin1": (_t_latin1, OK, "invalid UTF-8"),
    "cp1252": (_t_cp1252, OK, "invalid UTF-8"),
    "utf16_le_bom": (_t_utf16("le"), OK, None),
    "utf16_be_bom": (_t_utf16("be"), OK, None),
    "utf8_bom": (_t_utf8_bom, OK, None),
    "shift_jis": (_t_shift_jis, OK, "invalid UTF-8"),
    "invalid_utf8_sequences": (_t_invalid_sequences, OK, "invalid UTF-8"),
    "mojibake_latin1": (_t_mojibake("latin-1"), OK, "mojibake"),
    "mojibake_cp1252": (_t_mojibake("cp1252"), OK, "mojibake"),
    "unbalanced_quotes": (_t_unbalanced_quotes, OK, None),
    "rtl_mixed": (_t_rtl_mixed, OK, None),
    "arabic_only": (_t_arabic, None, None),
    "bidi_controls": (_t_bidi, OK, None),
    "zero_width": (_t_zero_width, OK, None),
    "cr_only": (_t_line_endings("cr"), OK, None),
    "crlf": (_t_line_endings("crlf"), OK, None),
    "mixed_line_endings": (_t_line_endings("mixed"), OK, None),
    "unicode_separators": (_t_separators, OK, None),
    "control_chars": (_t_control, OK, None),
    "emoji": (_t_emoji, OK, None),
    "combining_marks": (_t_combining, None, None),
    "scraped_page": (_t_scraped, OK, None),
    "header_only": (_t_header_only, None, None),
    "long_line_no_punctuation": (_t_long_line, OK, None),
    "punctuation_only": (_t_punctuation, None, None),
    "single_word": (_t_single_word, None, None),
    "markdown_table": (_t_markdown_table, OK, None),
    "injection_text": (_t_injection, OK, None),
    "html_in_txt": (_t_html_in_txt, OK, None),
    "repeated_paragraphs": (_t_repeated, OK, None),
    "many_short_lines": (_t_short_lines, OK, None),
    "odd_whitespace": (_t_whitespace_odd, OK, None),
    "urls": (_t_urls, OK, None),
    "german": (_t_german, OK, "does not look like English"),
    "chinese": (_t_chinese, None, None),
    "json_in_txt": (_t_json_in_txt, OK, None),
    "long_word": (_t_long_word, OK, None),
}


def _text_kind(name: str) -> Callable[[random.Random, int], list[_File]]:
    maker, status, warning = TEXT_KINDS[name]

    def make(r: random.Random, i: int) -> list[_File]:
        return [_File(f"text/{name}_{i}.txt", maker(r), Expected(name, 1, [status], [warning]))]
    return make


def _big(name: str, chars: int, status: str) -> Callable[[random.Random, int], list[_File]]:
    def make(r: random.Random, i: int) -> list[_File]:
        return [_File(f"big/{name}_{i}.txt", big_article(r, chars).encode(), Expected(name, 1, [status], big=True))]
    return make


# ---------------------------------------------------------------------------------------------------------------
# HTML files: one record each

def _page(title: str, body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


def _paragraphs_html(r: random.Random, n: int = 4) -> str:
    return "".join(f"<p>{sentence(r)} {sentence(r)}</p>\n" for _ in range(n))


def _h_article(r: random.Random) -> str:
    return _page("Bridge closes | The Gazette", "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
                 f"<article><h1>Bridge closes for repairs</h1>{_paragraphs_html(r)}</article>"
                 "<footer>Copyright 2026 The Gazette.</footer>")


def _h_script(r: random.Random) -> str:
    return _page("<script>alert('title')</script>", "<script>alert('body')</script>"
                 f"<article><h1>Budget <script>document.write('x')</script></h1>{_paragraphs_html(r)}"
                 "<p>The mayor said &lt;script&gt;alert(1)&lt;/script&gt; was not a threat.</p></article>"
                 "<script src='http://example.invalid/x.js'></script>",
                 head="<script>var a = '</p>';</script>")


def _h_unclosed(r: random.Random) -> str:
    return ("<html><head><title>Unclosed<body><article><h1>Council <b>vote <i>today"
            + "".join(f"<p>{sentence(r)}<div><span>{sentence(r)}" for _ in range(4)) + "<table><tr><td>")


def _h_entities(r: random.Random) -> str:
    entities = "&amp;amp;amp; &#x1F600; &#0; &#xD800; &#1114112; &nbsp;&hellip;&notanentity; &#65;&#x42;" * 300
    return _page("Entities &amp; more", f"<article><h1>Entities</h1>{_paragraphs_html(r)}<p>{entities}</p>"
                 f"<p>The mayor said &ldquo;no&rdquo; &mdash; twice.</p></article>")


def _h_no_body(r: random.Random) -> str:
    return "<html><head><title>Nothing here</title><meta name='x' content='y'></head></html>"


def _h_only_nav(r: random.Random) -> str:
    return _page("Menu", "<nav><ul>" + "".join(f"<li><a href='/{n}'>{n}</a></li>" for n in PLACES) + "</ul></nav>")


def _h_comments_styles(r: random.Random) -> str:
    return _page("Styled", f"<style>p {{color: red}}</style><!-- {sentence(r)} --><article><h1>Styled page</h1>"
                 f"{_paragraphs_html(r)}<![CDATA[ raw ]]><noscript>Enable JS</noscript>"
                 "<iframe src='http://example.invalid/'></iframe></article>")


def _h_injection_attrs(r: random.Random) -> str:
    return _page("\"><img src=x onerror=alert(1)>", f"<article onload=\"alert(1)\"><h1 style=\"x\">Attrs</h1>"
                 f"<p onclick=\"steal()\">{sentence(r)} <a href=\"javascript:alert(1)\">link</a></p>"
                 f"{_paragraphs_html(r)}</article>")


def _h_nested(r: random.Random) -> str:
    depth = 150
    return _page("Deep", "<div>" * depth + f"<article><h1>Deep</h1>{_paragraphs_html(r)}</article>" + "</div>" * depth)


def _h_charset(r: random.Random) -> bytes:
    page = _page("Café bridge", f"<article><h1>Café bridge closes</h1>{_paragraphs_html(r)}"
                 "<p>The café owner, Señor Núñez, said the bridge mattered.</p></article>",
                 head="<meta charset=\"iso-8859-1\">")
    return page.encode("latin-1", "replace")


HTML_KINDS: dict[str, tuple[Callable[[random.Random], str | bytes], str, str | None, str | None]] = {
    # kind: (maker, suffix, status, warning)
    "html_article": (_h_article, ".html", OK, None),
    "html_script": (_h_script, ".html", OK, None),
    "html_unclosed": (_h_unclosed, ".html", None, None),
    "html_entities": (_h_entities, ".html", None, None),
    "html_no_body": (_h_no_body, ".html", ERROR, None),
    "html_empty": (lambda r: b"", ".html", ERROR, None),
    "html_only_nav": (_h_only_nav, ".htm", None, None),
    "html_comments_styles": (_h_comments_styles, ".HTML", OK, None),
    "html_injection_attrs": (_h_injection_attrs, ".html", OK, None),
    "html_deeply_nested": (_h_nested, ".html", None, None),
    "html_declared_charset": (_h_charset, ".html", OK, "charset"),
}


def _html_kind(name: str) -> Callable[[random.Random, int], list[_File]]:
    maker, suffix, status, warning = HTML_KINDS[name]

    def make(r: random.Random, i: int) -> list[_File]:
        page = maker(r)
        data = page if isinstance(page, bytes) else page.encode()
        return [_File(f"html/{name}_{i}{suffix}", data, Expected(name, 1, [status], [warning]))]
    return make


# ---------------------------------------------------------------------------------------------------------------
# Tables: one record per row

#: Ids that must survive every output: traversal, markup, formulas, separators, very long, unicode, reserved names.
HOSTILE_IDS = [
    "../../x", "../../../etc/passwd", "/abs/path", "..\\..\\win", "<script>alert('id')</script>", "a" * 3000,
    "ünïcödé 名前 عربي", "line\nbreak", "tab\tid", "cr\rid", "CON", "nul", ".", "..", "~", " ", "x" * 300 + ".html",
    "=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2", "@SUM(A1)", "\u202eevil", "😀", "a/b", "a\\b", "q\"uote'",
    "%2e%2e%2f", "\x00nul", "\x1b[31mred",
]


def _jsonl(lines: Iterable[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def _row_files(name: str, rel: str, rows: list[tuple[str, str | None, str | None]], *, records: int | None = None
               ) -> _File:
    """rows: (serialised line, status, warning)"""
    return _File(rel, _jsonl(line for line, _, _ in rows),
                 Expected(name, len(rows) if records is None else records, [s for _, s, _ in rows],
                          [w for _, _, w in rows]))


def _j_mixed(r: random.Random, i: int) -> list[_File]:
    good = lambda n: json.dumps({"id": f"mixed{i}-{n}", "text": article(r, 2), "outlet": r.choice(PLACES)})  # noqa: E731
    rows = [
        (good(1), OK, None),
        ("{\"id\": \"broken" + str(i) + "\", \"text\": \"unterminated", ERROR, None),
        ("[1, 2, 3]", ERROR, None),
        ("42", ERROR, None),
        ("\"just a string\"", ERROR, None),
        ("null", ERROR, None),
        (json.dumps({"id": f"nulltext{i}", "text": None}), ERROR, None),
        (json.dumps({"id": f"numtext{i}", "text": 12345}), ERROR, None),
        (json.dumps({"id": f"booltext{i}", "text": True}), ERROR, None),
        (json.dumps({"id": f"notext{i}", "body": article(r, 1)}), ERROR, None),
        (json.dumps({"id": f"nested{i}", "text": {"en": article(r, 1)}}), ERROR, None),
        (json.dumps({"id": f"listtext{i}", "text": [article(r, 1)]}), ERROR, None),
        (json.dumps({"id": f"emptytext{i}", "text": ""}), ERROR, None),
        (json.dumps({"id": f"spacetext{i}", "text": " \n\t "}), ERROR, None),
        (json.dumps({"id": f"nestedmeta{i}", "text": article(r, 2), "meta": {"a": [1, {"b": None}]},
                     "tags": ["x", "y"], "score": 1.5, "flag": False}), OK, None),
        (good(2), OK, None),
    ]
    return [_row_files("jsonl_mixed", f"tables/mixed_{i}.jsonl", rows)]


def _j_hostile_ids(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": hid if not i else f"{hid}{i}", "text": article(r, 2)}), OK, None)
            for hid in HOSTILE_IDS]
    rows.append((json.dumps({"id": "", "text": article(r, 1)}), OK, None))
    rows.append((json.dumps({"id": None, "text": article(r, 1)}), OK, None))
    rows.append((json.dumps({"text": article(r, 1)}), OK, None))
    return [_row_files("jsonl_hostile_ids", f"tables/hostile_ids_{i}.jsonl", rows)]


def _j_dup_ids(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": doc_id, "text": article(r, 2)}), OK, None)
            for doc_id in (f"dup{i}", f"dup{i}", f"dup{i}~2", f"dup{i}~2", f"dup{i}")]
    return [_row_files("jsonl_dup_ids", f"tables/dup_ids_{i}.jsonl", rows)]


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1,2)", "-3+4", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def _j_formula(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": f"{formula}{i}", "text": f"{formula} said the official. {article(r, 2)}",
                         "outlet": formula}), OK, None) for formula in FORMULAS]
    return [_row_files("jsonl_formula", f"tables/formula_{i}.jsonl", rows)]


def _j_surrogates(r: random.Random, i: int) -> list[_File]:
    rows = [
        ('{"id": "sur\\ud800' + str(i) + '", "outlet": "Gaz\\udc80ette", "text": "The minister said the plan '
         '\\ud800 would work. Officials said \\udfff it would not."}', OK, "lone surrogate"),
        ('{"id": "pair' + str(i) + '", "text": "A proper pair \\ud83d\\ude00 said the mayor."}', OK, None),
        ('{"id": "rev' + str(i) + '", "text": "Reversed \\ude00\\ud83d pair, officials said."}', OK, "lone surrogate"),
    ]
    return [_row_files("jsonl_surrogates", f"tables/surrogates_{i}.jsonl", rows)]


def _j_bom(r: random.Random, i: int) -> list[_File]:
    file = _row_files("jsonl_bom", f"tables/bom_{i}.jsonl",
                      [(json.dumps({"id": f"bom{i}-{n}", "text": article(r, 2)}), OK, None) for n in range(3)])
    file.data = b"\xef\xbb\xbf" + file.data
    return [file]


def _j_latin1_line(r: random.Random, i: int) -> list[_File]:
    lines = [json.dumps({"id": f"lat{i}-{n}", "text": article(r, 2)}).encode() for n in range(3)]
    lines[1] = json.dumps({"id": f"lat{i}-1", "text": "The caf\u00e9 said it would close."},
                          ensure_ascii=False).encode("latin-1")
    return [_File(f"tables/latin1_line_{i}.jsonl", b"\n".join(lines) + b"\n",
                  Expected("jsonl_latin1_line", 3, [OK, OK, OK], [None, "invalid UTF-8", None]))]


def _j_blank_crlf(r: random.Random, i: int) -> list[_File]:
    lines = [json.dumps({"id": f"crlf{i}-{n}", "text": article(r, 2)}) for n in range(4)]
    data = ("\r\n".join(lines[:2]) + "\r\n\r\n   \n\t\n" + "\r\n".join(lines[2:]) + "\r\n\n\n").encode()
    return [_File(f"tables/blank_crlf_{i}.jsonl", data, Expected("jsonl_blank_crlf", 4, [OK] * 4))]


def _j_many(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": f"many{i}-{n:03d}", "text": article(r, r.randint(1, 4)), "outlet": r.choice(PLACES),
                         "date": f"2025-{r.randint(1, 12):02d}-{r.randint(10, 28)}"}), OK, None) for n in range(100)]
    return [_row_files("jsonl_many", f"tables/many_{i}.jsonl", rows)]


def _j_numeric_ids(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": doc_id, "text": article(r, 1)}), OK, None)
            for doc_id in (70 + i, str(70 + i), float(70 + i), True, 0, -1, 1e308, [1, 2], {"a": 1})]
    return [_row_files("jsonl_numeric_ids", f"tables/numeric_ids_{i}.jsonl", rows)]


def _j_garbage(r: random.Random, i: int) -> list[_File]:
    rows = [(line, ERROR, None) for line in ("not json at all", "{'single': 'quotes'}", "{\"a\": 1,}", "NaN-ish }{",
                                             "\x00\x01\x02", "{" * 50)]
    return [_row_files("jsonl_garbage", f"tables/garbage_{i}.jsonl", rows)]


def _j_huge_number(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": f"num{i}-a", "text": article(r, 1)}), OK, None),
            ('{"id": "num' + str(i) + '-b", "text": ' + "9" * 5000 + "}", ERROR, None),
            (json.dumps({"id": f"num{i}-c", "text": article(r, 1)}), OK, None)]
    return [_row_files("jsonl_huge_number", f"tables/huge_number_{i}.jsonl", rows)]


def _j_html_column_text(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": f"htmltext{i}", "text": _h_script(r)}), OK, None)]
    return [_row_files("jsonl_html_as_text", f"tables/html_as_text_{i}.jsonl", rows)]


def _j_deep_nesting(r: random.Random, i: int) -> list[_File]:
    rows = [(json.dumps({"id": f"deep{i}-a", "text": article(r, 1)}), OK, None),
            ('{"id": "deep' + str(i) + '-b", "text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}", ERROR, None),
            (json.dumps({"id": f"deep{i}-c", "text": article(r, 1)}), OK, None)]
    return [_row_files("jsonl_deep_nesting", f"tables/deep_nesting_{i}.jsonl", rows)]


def _csv_bytes(rows: list[list[str]], newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    # Python's writer leaves a lone CR unquoted when the line ends are "\n", though readers (and Python's own)
    # end a record there: quote every cell where a cell holds one, as a spreadsheet would.
    has_cr = any("\r" in cell for row in rows for cell in row)
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _c_good(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text", "outlet", "date"]] + [
        [f"csv{i}-{n}", article(r, 2).replace("\n", " "), r.choice(PLACES), f"2025-0{r.randint(1, 9)}-15"]
        for n in range(20)]
    return [_File(f"tables/good_{i}.csv", _csv_bytes(rows), Expected("csv_good", 20, [OK] * 20))]


def _c_ragged(r: random.Random, i: int) -> list[_File]:
    good = [_csv_bytes([[f"rag{i}-{n}", sentence(r)]]).decode() for n in (1, 4)]
    quoted = sentence(r).replace('"', "")
    data = f'id,text\n{good[0]}rag{i}-2,"{quoted}",extra,cells\nrag{i}-3\n{good[1]}'
    return [_File(f"tables/ragged_{i}.csv", data.encode(), Expected("csv_ragged", 4, [OK, None, None, OK]))]


def _c_newlines(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text"]] + [[f"nl{i}-{n}", article(r, 3) + "\r\n\"Quoted,\" she said.\n"] for n in range(6)]
    return [_File(f"tables/newlines_{i}.csv", _csv_bytes(rows), Expected("csv_newlines", 6, [OK] * 6))]


def _c_newlines_block(r: random.Random, i: int) -> list[_File]:
    # Over 1 MB, so that a chunked CSV reader's block boundary falls inside a quoted cell with line breaks.
    # The padding is blank lines, cheap to score.
    rows = [["id", "text"]]
    for n in range(12):
        padding = ("   \n" * 30_000) if 2 <= n <= 10 else ""
        rows.append([f"nlb{i}-{n}", article(r, 2) + padding + sentence(r) + "\n"])
    return [_File(f"tables/newlines_block_{i}.csv", _csv_bytes(rows),
                  Expected("csv_newlines_block", 12, [OK] * 12))]


def _c_latin1_row(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text"]] + [[f"l1r{i}-{n}", article(r, 2).replace("\n", " ")] for n in range(8)]
    data = _csv_bytes(rows).replace(b"\n" + f"l1r{i}-4,".encode(), b"\n" + f"l1r{i}-4,Caf\xe9 ".encode(), 1)
    return [_File(f"tables/latin1_row_{i}.csv", data, Expected("csv_latin1_row", 8, [OK] * 4 + [None] + [OK] * 3))]


def _c_formula(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text", "outlet"]] + [[f"{formula}{i}", f"{formula} said the official. {sentence(r)}", formula]
                                         for formula in FORMULAS]
    return [_File(f"tables/formula_{i}.csv", _csv_bytes(rows), Expected("csv_formula", len(FORMULAS),
                                                                         [OK] * len(FORMULAS)))]


def _c_bom(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text"]] + [[f"cbom{i}-{n}", sentence(r)] for n in range(3)]
    return [_File(f"tables/bom_{i}.csv", b"\xef\xbb\xbf" + _csv_bytes(rows), Expected("csv_bom", 3, [OK] * 3))]


def _c_empty_cells(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text", "outlet"], [f"ec{i}-1", sentence(r), ""], ["", sentence(r), "x"], [f"ec{i}-3", "", ""],
            [f"ec{i}-4", "   ", "y"], ["", "", ""], [f"ec{i}-6", sentence(r), "z"]]
    return [_File(f"tables/empty_cells_{i}.csv", _csv_bytes(rows),
                  Expected("csv_empty_cells", 6, [OK, OK, ERROR, ERROR, ERROR, OK]))]


def _c_quotes(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text"], [f"cq{i}-1", "He said \"no\", twice, and then \"\"yes\"\"."],
            [f"\"cq{i}-2\"", f"'{sentence(r)}'"], [f"cq{i}-3", "\"" + sentence(r)]]
    return [_File(f"tables/quotes_{i}.csv", _csv_bytes(rows), Expected("csv_quotes", 3, [OK] * 3))]


def _c_crlf(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "text"]] + [[f"ccrlf{i}-{n}", sentence(r)] for n in range(4)]
    return [_File(f"tables/crlf_{i}.csv", _csv_bytes(rows, "\r\n"), Expected("csv_crlf", 4, [OK] * 4))]


def _c_missing_text(r: random.Random, i: int) -> list[_File]:
    rows = [["id", "body"]] + [[f"mt{i}-{n}", sentence(r)] for n in range(3)]
    return [_File(f"tables/missing_text_column_{i}.csv", _csv_bytes(rows),
                  Expected("csv_missing_text_column", None, [ERROR] * 3))]


def _c_hostile_ids(r: random.Random, i: int) -> list[_File]:
    ids = [hid for hid in HOSTILE_IDS if "\x00" not in hid]
    rows = [["id", "text"]] + [[f"{hid}c{i}", sentence(r)] for hid in ids]
    return [_File(f"tables/hostile_ids_{i}.csv", _csv_bytes(rows), Expected("csv_hostile_ids", len(ids),
                                                                             [OK] * len(ids)))]


def _parquet_bytes(table) -> bytes:
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _p_nulls(r: random.Random, i: int) -> list[_File]:
    import pyarrow as pa

    ids = [f"pq{i}-1", None, f"pq{i}-3", f"pq{i}-4", None, f"pq{i}-6"]
    texts = [article(r, 2), article(r, 2), None, "", None, article(r, 1)]
    table = pa.table({"id": ids, "text": texts, "outlet": [None, "x", None, "y", None, None]})
    return [_File(f"tables/nulls_{i}.parquet", _parquet_bytes(table),
                  Expected("parquet_nulls", 6, [OK, OK, ERROR, ERROR, ERROR, OK]))]


def _p_types(r: random.Random, i: int) -> list[_File]:
    import datetime

    import pyarrow as pa

    n = 5
    table = pa.table({
        "id": pa.array([100 * i + k for k in range(n)], pa.int64()),
        "text": pa.array([article(r, 2) for _ in range(n)], pa.large_string()),
        "when": pa.array([datetime.datetime(2025, 1, k + 1, 12, 0) for k in range(n)], pa.timestamp("s")),
        "day": pa.array([datetime.date(2025, 2, k + 1) for k in range(n)], pa.date32()),
        "tags": pa.array([["a", "b"]] * n, pa.list_(pa.string())),
        "nested": pa.array([{"x": k, "y": "z"} for k in range(n)]),
        "score": pa.array([k / 3 for k in range(n)], pa.float64()),
    })
    return [_File(f"tables/types_{i}.parquet", _parquet_bytes(table), Expected("parquet_types", n, [OK] * n))]


def _p_many(r: random.Random, i: int) -> list[_File]:
    import pyarrow as pa

    n = 60
    table = pa.table({"id": [f"pqm{i}-{k}" for k in range(n)], "text": [article(r, 2) for _ in range(n)]})
    return [_File(f"tables/many_{i}.parquet", _parquet_bytes(table), Expected("parquet_many", n, [OK] * n))]


# ---------------------------------------------------------------------------------------------------------------
# File names and folders

NAME_STEMS = [
    "<img src=x onerror=alert(1)>", "<script>alert(1)", "=1+2", "@SUM(A1)", "+cmd", "-rf", "name with spaces & 'q\"",
    "ünïcödé 名前 عربي", "a" * 200, ".hidden", "dots..", "newline\nname", "tab\tname", "emoji😀", "\u202etxt.exe",
    "%2e%2e", "CON", "~tilde",
]


def _n_hostile_names(r: random.Random, i: int) -> list[_File]:
    files = []
    for n, stem in enumerate(NAME_STEMS):
        stem = stem if i == 0 else f"{stem}{i}"
        files.append(_File(f"names/{stem}.txt", article(r, 2).encode(), Expected("hostile_file_name", 1, [OK])))
        if n == 0:
            files.append(_File(f"names/UPPER{i}.TXT", article(r, 2).encode(), Expected("upper_suffix", 1, [OK])))
    return files


def _n_same_stem(r: random.Random, i: int) -> list[_File]:
    return [_File(f"names/dir{n}/same{i}.txt", article(r, 2).encode(), Expected("same_stem", 1, [OK]))
            for n in range(3)]


def _n_deep_and_odd_dirs(r: random.Random, i: int) -> list[_File]:
    deep = "/".join(f"d{k}" for k in range(20))
    return [_File(f"names/{deep}/deep{i}.txt", article(r, 1).encode(), Expected("deep_folder", 1, [OK])),
            _File(f"names/folder{i}.txt/inner{i}.txt", article(r, 1).encode(), Expected("folder_named_txt", 1, [OK]))]


def _i_ignored(r: random.Random, i: int) -> list[_File]:
    return [_File(f"ignored/{name}{i}{suffix}", article(r, 1).encode(), Expected("unsupported_suffix", 0))
            for name, suffix in (("readme", ".md"), ("data", ".json"), ("doc", ".pdf"), ("noext", ""),
                                 ("backup", ".txt~"), ("page", ".html.bak"))]


# ---------------------------------------------------------------------------------------------------------------

def _kinds() -> list[_Kind]:
    kinds = [_Kind(name, _text_kind(name), 5) for name in TEXT_KINDS]
    kinds += [_Kind(name, _html_kind(name), 4) for name in HTML_KINDS]
    kinds += [
        _Kind("big_1_5mb", _big("big_1_5mb", 1_500_000, OK), 1, big=True),
        _Kind("big_2_5mb", _big("big_2_5mb", 2_500_000, ERROR), 1, big=True),
        _Kind("jsonl_mixed", _j_mixed, 6),
        _Kind("jsonl_hostile_ids", _j_hostile_ids, 3),
        _Kind("jsonl_dup_ids", _j_dup_ids, 3),
        _Kind("jsonl_formula", _j_formula, 3),
        _Kind("jsonl_surrogates", _j_surrogates, 4),
        _Kind("jsonl_bom", _j_bom, 3),
        _Kind("jsonl_latin1_line", _j_latin1_line, 3),
        _Kind("jsonl_blank_crlf", _j_blank_crlf, 3),
        _Kind("jsonl_many", _j_many, 3),
        _Kind("jsonl_numeric_ids", _j_numeric_ids, 3),
        _Kind("jsonl_garbage", _j_garbage, 3),
        _Kind("jsonl_huge_number", _j_huge_number, 3),
        _Kind("jsonl_html_as_text", _j_html_column_text, 3),
        _Kind("jsonl_deep_nesting", _j_deep_nesting, 1, tags={"extra"}),
        _Kind("csv_good", _c_good, 4),
        _Kind("csv_ragged", _c_ragged, 3),
        _Kind("csv_newlines", _c_newlines, 3),
        _Kind("csv_newlines_block", _c_newlines_block, 1),
        _Kind("csv_latin1_row", _c_latin1_row, 3),
        _Kind("csv_formula", _c_formula, 3),
        _Kind("csv_bom", _c_bom, 3),
        _Kind("csv_empty_cells", _c_empty_cells, 3),
        _Kind("csv_quotes", _c_quotes, 3),
        _Kind("csv_crlf", _c_crlf, 3),
        _Kind("csv_missing_text_column", _c_missing_text, 2),
        _Kind("csv_hostile_ids", _c_hostile_ids, 2),
        _Kind("parquet_nulls", _p_nulls, 3),
        _Kind("parquet_types", _p_types, 3),
        _Kind("parquet_many", _p_many, 2),
        _Kind("hostile_file_names", _n_hostile_names, 2),
        _Kind("same_stem", _n_same_stem, 3),
        _Kind("deep_and_odd_folders", _n_deep_and_odd_dirs, 2),
        _Kind("unsupported_suffix", _i_ignored, 2),
    ]
    return kinds


#: Metadata the README promises for these kinds: the scraper header's date and status, the HTML page's title,
#: table columns (dates and timestamps as ISO strings) and the row number.
KIND_METADATA: dict[str, tuple[str, ...]] = {
    "scraped_page": ("date", "http_status", "path"),
    "html_article": ("html_title", "extracted_from", "path"),
    "html_declared_charset": ("html_title", "path"),
    "csv_good": ("outlet", "date", "path", "row"),
    "jsonl_many": ("outlet", "date", "path", "row"),
    "parquet_types": ("when", "day", "score", "path", "row"),
}


def kind_names(extra: bool = False) -> list[str]:
    """The kinds ``generate`` writes by default (``extra=True``: also those that crash the run today)."""
    return [k.name for k in _kinds() if extra or "extra" not in k.tags]


def generate(folder: str | Path, seed: int = 14, *, kinds: Iterable[str] | None = None,
             instances: int | None = None, big: bool = True) -> Manifest:
    """Write hostile inputs into ``folder`` (created) and return their manifest.

    ``kinds``: only these kinds (default: every kind but the ``extra`` ones); ``instances``: at most this many
    instances of each; ``big=False`` leaves out the megabyte-sized inputs. The same arguments write the same bytes.
    """
    folder = Path(folder)
    wanted = set(kind_names()) if kinds is None else set(kinds)
    unknown = wanted - set(kind_names(extra=True))
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    manifest: Manifest = {}
    for kind in _kinds():
        if kind.name not in wanted or (kind.big and not big):
            continue
        r = random.Random(f"{seed}:{kind.name}")
        for i in range(min(kind.instances, instances or kind.instances)):
            for file in kind.make(r, i):
                if file.rel in manifest:
                    raise AssertionError(f"generator wrote {file.rel!r} twice")
                path = folder / file.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(file.data)
                file.expected.metadata = KIND_METADATA.get(kind.name, ())
                manifest[file.rel] = file.expected
    return manifest


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.hostile DIR  (writes DIR and DIR.manifest.json)", file=sys.stderr)
        return 2
    folder = Path(args[0])
    manifest = generate(folder)
    Path(f"{folder}.manifest.json").write_text(json.dumps({k: asdict(v) for k, v in manifest.items()}, indent=1,
                                                          ensure_ascii=False), encoding="utf-8")
    print(f"{len(manifest)} files, {sum(e.records or 1 for e in manifest.values())} expected records in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

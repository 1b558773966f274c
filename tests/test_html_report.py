"""The static HTML report: pages rendered from real (rules-model) results, read back with an HTML parser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import attribution
from attribution.html_report import LABEL_COLOURS, HtmlReport, article_page, render_text, safe_name
from attribution.labels import LABELS

HOSTILE_ID = "<script>alert('id')</script> \"quoted\" & <b>bold</b>"
HOSTILE_TEXT = (
    "\nCouncil <script>alert(\"x\")</script> & budget \"rows\" <b>escalate</b>\r\n\r\n"
    "The council said on Monday that taxes would rise by 3% & fees by <5%.  "
    "Officials, who spoke on condition of anonymity, said the vote had been decided in advance.\t"
    "It rained all day.\n\n\n"
    "See https://example.org/budget?a=1&b=2 for the details.\n"
)
PLAIN_TEXT = (
    "Ferry service resumes after storm\n\n"
    "The ferry between the two islands resumed service on Sunday after a three-day suspension.\n"
    "Harbour master Lena Ortiz said the crossing was safe again.\n"
    "A person familiar with the inspection said one vessel still had a damaged ramp.\n"
    "Passengers reportedly waited for hours at the terminal.\n"
)


@pytest.fixture(scope="module")
def analyzer():
    return attribution.load("rules")


class _TextMap(HTMLParser):
    """Reads an article page: the visible text of ``div#text`` with, per chunk, its offset and enclosing elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.depth_in_text: int | None = None
        self.chunks: list[tuple[int, str, list[tuple[str, dict[str, str]]]]] = []
        self.visible = ""
        self.attrs: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.attrs.append((tag, attrs))
        if self.depth_in_text is not None:
            self.stack.append((tag, attrs))
        elif tag == "div" and attrs.get("id") == "text":
            self.depth_in_text = 0
            self.stack = []

    def handle_endtag(self, tag):
        if self.depth_in_text is None:
            return
        if not self.stack:
            assert tag == "div"
            self.depth_in_text = None
            return
        open_tag, _ = self.stack.pop()
        assert open_tag == tag, f"misnested </{tag}> closes <{open_tag}>"

    def handle_data(self, data):
        if self.depth_in_text is not None:
            self.chunks.append((len(self.visible), data, list(self.stack)))
            self.visible += data

    def spans(self, predicate):
        """Character offsets whose enclosing elements satisfy ``predicate(stack)``."""
        return {off + i for off, data, stack in self.chunks if predicate(stack) for i in range(len(data))}

    def elements(self, tag, cls):
        """``(attrs, text)`` of each outermost ``tag`` with class ``cls`` inside the text, in order."""
        found: dict[int, tuple[dict[str, str], str]] = {}
        for _, data, stack in self.chunks:
            for tag_, attrs in stack:
                if tag_ == tag and cls in attrs.get("class", "").split():
                    key = id(attrs)
                    previous = found.get(key, (attrs, ""))[1]
                    found[key] = (attrs, previous + data)
                    break
        return list(found.values())


def _read(page: str) -> _TextMap:
    parser = _TextMap()
    parser.feed(page)
    parser.close()
    return parser


def _classes(stack) -> set[str]:
    return {c for _, attrs in stack for c in attrs.get("class", "").split()}


def test_visible_text_equals_original_and_sentences_carry_labels(analyzer):
    for text in (HOSTILE_TEXT, PLAIN_TEXT):
        result = analyzer.analyze(text, doc_id="doc")
        assert result.ok and len(result.sentences) >= 4
        page = _read(article_page(result, "rules"))
        assert page.visible == text  # every character once, in order, whitespace and \r kept
        sentences = page.elements("span", "sent")
        assert len(sentences) == len(result.sentences)
        for (attrs, inner), s in zip(sentences, result.sentences, strict=True):
            assert inner == s.text == text[int(attrs["data-start"]) : int(attrs["data-end"])]
            assert s.label in attrs["class"].split()
            title = attrs["title"]
            assert s.label in title and all(f"{label} {s.probs[label]:.2f}" in title for label in LABELS)
            if s.source_type:
                assert s.source_type in title
        # text outside every sentence and removed span is plain: no element around it
        covered = page.spans(lambda stack: bool(stack))
        inside = {i for s in result.sentences for i in range(s.start, s.end)}
        inside |= {i for r in result.cleaning["removed"] for i in range(r["start"], r["end"])}
        assert covered == inside


def test_source_and_cue_marked_at_their_offsets(analyzer):
    result = analyzer.analyze(PLAIN_TEXT + HOSTILE_TEXT, doc_id="doc")
    page = _read(article_page(result))
    sources = {i for s in result.sentences if s.source_start is not None for i in range(s.source_start, s.source_end)}
    cues = {i for s in result.sentences if s.cue_start is not None for i in range(s.cue_start, s.cue_end)}
    assert sources and cues  # the rules model finds "Lena Ortiz"/"said", "Officials"/"said", "reportedly"
    assert page.spans(lambda stack: "src" in _classes(stack)) == sources
    assert page.spans(lambda stack: "cue" in _classes(stack)) == cues
    named = next(s for s in result.sentences if s.source and "Ortiz" in s.source)
    assert result.text[named.source_start : named.source_end] == named.source
    # the marks sit inside their sentence's span
    for off, _, stack in page.chunks:
        if {"src", "cue"} & _classes(stack):
            assert "sent" in _classes(stack), off


def test_removed_spans_struck_through_with_rule_and_reason(analyzer, examples_dir):
    text = (examples_dir / "articles" / "scraped_clinic.txt").read_text(encoding="utf-8")
    result = analyzer.analyze(text, doc_id="scraped_clinic")
    removed = result.cleaning["removed"]
    assert len(removed) >= 5
    html = article_page(result)
    page = _read(html)
    assert page.visible == text
    struck = page.elements("del", "removed")
    assert len(struck) == len(removed)
    for (attrs, inner), span in zip(struck, removed, strict=True):
        assert inner == text[span["start"] : span["end"]]  # the full span, not the record's shortened text
        assert (int(attrs["data-start"]), int(attrs["data-end"])) == (span["start"], span["end"])
        assert span["rule"] in attrs["title"] and span["reason"] in attrs["title"]
    assert "del.removed" in html and "line-through" in html
    struck_chars = page.spans(lambda stack: any(tag == "del" for tag, _ in stack))
    assert not struck_chars & {i for s in result.sentences for i in range(s.start, s.end)}
    # the profile sits above the text
    assert html.index('id="profile"') < html.index('id="text"')
    assert "A nurse at the hospital" in html[html.index('id="profile"') : html.index('id="text"')]


def test_hostile_ids_and_text_are_escaped(analyzer, tmp_path):
    result = analyzer.analyze(HOSTILE_TEXT, doc_id=HOSTILE_ID, metadata={"note": "<img src=x onerror=alert(1)>"})
    with HtmlReport(tmp_path, model_name="<rules & co>") as report:
        page_path = report.add(result)
    for path in (page_path, tmp_path / "index.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>" not in html
        assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b&gt;" in html
        assert "&lt;rules &amp; co&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    article_html = page_path.read_bytes().decode("utf-8")  # not read_text: it would turn \r\n into \n
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; budget &quot;rows&quot;" in article_html
    assert _read(article_html).visible == HOSTILE_TEXT
    assert page_path.parent == tmp_path / "articles" and re.fullmatch(r"[A-Za-z0-9._-]+\.html", page_path.name)


def test_file_names_are_safe_and_never_collide(analyzer, tmp_path):
    ids = ["same", "same", "a/b", "a?b", "../../escape", "", "é", "x" * 300, "CON", ".hidden"]
    report = HtmlReport(tmp_path / "report", model_name="rules")
    paths = [report.add(analyzer.analyze(PLAIN_TEXT, doc_id=doc_id)) for doc_id in ids]
    assert len(set(paths)) == len(ids)
    for path in paths:
        assert path.is_file() and path.parent == tmp_path / "report" / "articles"
        assert re.fullmatch(r"\d{4}-[A-Za-z0-9._-]+\.html", path.name) and len(path.name) < 100
    assert not (tmp_path / "escape.html").exists()
    assert safe_name("a/b") == safe_name("a?b") == "a_b"  # the index prefix keeps their pages apart
    assert not report.index_path.exists()  # the index is written by close()
    report.close()
    assert report.close() == report.index_path  # idempotent
    with pytest.raises(RuntimeError):
        report.add(analyzer.analyze(PLAIN_TEXT))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and name in ("href", "src", "srcset", "action", "data", "poster", "background"):
                self.refs.append((tag, name, value))


def test_index_links_resolve_and_nothing_is_fetched_from_the_network(analyzer, tmp_path, examples_dir):
    out = tmp_path / "report"
    inputs = [{"id": p.stem, "text": p.read_text(encoding="utf-8"), "source_file": p.name}
              for p in sorted((examples_dir / "articles").glob("*.txt"))]
    inputs += [{"id": "with-url", "text": HOSTILE_TEXT}, {"id": "empty", "text": ""}]
    with HtmlReport(out, model_name="rules") as report:
        for result in analyzer.analyze_many(inputs):
            report.add(result)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "model: <strong>rules</strong>" in index
    links = _Links()
    links.feed(index)
    article_links = [value for tag, name, value in links.refs if tag == "a" and name == "href"]
    assert len(article_links) == len(inputs)
    for href in article_links:
        assert not re.match(r"^[a-z]+:|^/", href) and (out / href).is_file()
    for doc_id in ("harbor_bridge", "scraped_clinic", "with-url", "empty"):
        assert f">{doc_id}</a>" in index
    assert "2026-03-14" in index and "source_file: scraped_clinic.txt" in index  # metadata
    assert "Mayor Dana Whitfield (2)" in index  # top named sources ("she said" credited to her)
    for label in LABELS:
        assert f'class="{label}"' in index  # the legend and share bars
    for page in [out / "index.html", *sorted((out / "articles").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
        refs = _Links()
        refs.feed(html)
        for tag, name, value in refs.refs:
            assert tag == "a" and name == "href" and not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.I), value
            assert (page.parent / value).resolve().is_file()
        lowered = html.lower()
        assert "<link" not in lowered and "<script" not in lowered and "@import" not in lowered
        assert "url(" not in lowered and "@font-face" not in lowered
        if "with-url" not in page.name:
            assert "http://" not in html and "https://" not in html
    with_url = next((out / "articles").glob("*-with-url.html")).read_text(encoding="utf-8")
    assert "https://example.org/budget?a=1&amp;b=2" in with_url  # shown as text, never linked


def test_error_articles_get_an_error_page(analyzer, tmp_path):
    empty = analyzer.analyze("", doc_id="empty <1>")
    boiler = analyzer.analyze("Share this article\nLegal Disclaimer:\nCommentsNo comment\n", doc_id="boiler")
    assert not empty.ok and not boiler.ok
    with HtmlReport(tmp_path, model_name="rules") as report:
        empty_page, boiler_page = report.add(empty), report.add(boiler)
        report.add(analyzer.analyze(PLAIN_TEXT, doc_id="fine"))
    html = empty_page.read_text(encoding="utf-8")
    assert 'id="error"' in html and "empty input: no text" in html and "empty &lt;1&gt;" in html
    assert 'id="text"' not in html
    html = boiler_page.read_text(encoding="utf-8")
    assert "no article content left after cleaning" in html
    page = _read(html)  # what cleaning removed is still shown, struck through
    assert page.visible == boiler.text and len(page.elements("del", "removed")) == len(boiler.cleaning["removed"])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count('class="status-error"') == 2 and "no article content left after cleaning" in index
    assert "3 articles: 1 scored, 2 failed" in index


def test_render_text_survives_bad_offsets(analyzer):
    result = analyzer.analyze(PLAIN_TEXT, doc_id="doc")
    s0, s1 = result.sentences[0], result.sentences[1]
    s1.start = s0.end - 5  # overlaps the previous sentence
    s0.source_start, s0.source_end = s0.start - 3, s0.start + 4  # source reaching out of its sentence
    result.cleaning = {"removed": [{"start": -4, "end": 10, "rule": "r", "reason": "x"},
                                   {"start": len(PLAIN_TEXT) - 2, "end": len(PLAIN_TEXT) + 50, "rule": "r2"}]}
    page = _read(f'<div id="text">{render_text(result)}</div>')
    assert page.visible == PLAIN_TEXT


@pytest.mark.slow
def test_pages_render_in_headless_chromium(analyzer, tmp_path, examples_dir):
    browser = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium): cannot render the report in a browser")
    matplotlib_image = pytest.importorskip("matplotlib.image")
    out = tmp_path / "report"
    with HtmlReport(out, model_name="rules") as report:
        page = report.add(analyzer.analyze(PLAIN_TEXT + HOSTILE_TEXT, doc_id="ferry"))
        for path in sorted((examples_dir / "articles").glob("*.txt")):
            report.add(analyzer.analyze(path.read_text(encoding="utf-8"), doc_id=path.stem))
    # the legend and profile swatches alone give at most ~6,500 pixels of a colour; coloured sentences far more
    for html_path, least in ((page, 10_000), (out / "index.html", 200)):
        png = tmp_path / f"{html_path.stem}.png"
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--force-color-profile=srgb", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--screenshot={png}", "--window-size=1200,900", html_path.resolve().as_uri(),
        ]
        run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert png.is_file() and png.stat().st_size > 0, run.stderr[-2000:]
        pixels = (matplotlib_image.imread(png)[..., :3] * 255).round().astype(int)
        assert pixels.shape[:2] == (900, 1200)
        for label, colour in LABEL_COLOURS.items():
            rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
            matches = (abs(pixels - rgb) <= 3).all(axis=-1).sum()
            assert matches > least, f"{label} colour {colour} not in the {html_path.name} screenshot ({matches} px)"

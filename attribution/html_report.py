"""A static, self-contained HTML report: one page per article and an index page.

``HtmlReport(out_dir).add(result)`` writes ``out_dir/articles/<index>-<safe id>.html`` at once and keeps only a
small row for the index (under 1 KB an article, also appended to ``rows.jsonl`` so a resumed run keeps them);
``close()`` writes ``out_dir/index.html``. The index is one page: meant for up to some ten thousand articles.
Pages use inline CSS only (no scripts, no network, no external fonts), are UTF-8, and escape everything taken
from the input.

Every file of the report (pages, ``index.html``, the rewritten ``rows.jsonl`` of a resumed run) is written whole
to a temporary file in its folder and renamed over the old one (:func:`attribution.write.write_file_atomic`): a
kill leaves the old version or the new one, never half, and a symbolic link planted at a page's path is replaced,
not followed; ``rows.jsonl`` is appended to without following a link, and an ``articles`` folder that is a link is
refused.

An article page shows the original text in order, every character exactly once: each content sentence is a span
coloured by its label (class probabilities, source type, source and cue on hover), the source mention and the cue
are marked inside it from their character offsets, and the spans removed by cleaning are struck through with
their rule and reason on hover. Everything else (whitespace between sentences) is plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from types import TracebackType
from typing import Any

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, LABELS, REPORTED_CLAIM
from attribution.results import ArticleResult, SentenceResult
from attribution.write import OutputError, open_append_nofollow, write_file_atomic

#: Background colour per label: Paul Tol's "light" qualitative scheme (distinct in colour-blind vision, black text
#: stays readable on each).
LABEL_COLOURS: dict[str, str] = {
    DIRECT_FACT: "#99DDFF",
    REPORTED_CLAIM: "#EEDD88",
    ANONYMOUS_SOURCE_QUOTE: "#FFAABB",
}
LABEL_TITLES: dict[str, str] = {
    DIRECT_FACT: "direct fact (the writer's voice)",
    REPORTED_CLAIM: "reported claim (identified source or hearsay)",
    ANONYMOUS_SOURCE_QUOTE: "anonymous source",
}
#: The files and folders a report writes in its folder.
REPORT_FILES = ("index.html", "rows.jsonl")
REPORT_FOLDERS = ("articles",)
#: Longest doc-id part of an article page's file name (the index prefix keeps names unique).
MAX_NAME_CHARS = 60
TOP_SOURCES = 3

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 1.5rem auto; max-width: 70rem; padding: 0 1rem; color: #222; background: #fff; line-height: 1.5; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; word-break: break-word; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
.meta, .muted { color: #555; font-size: .9rem; }
.legend { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .6rem 0; font-size: .9rem; }
.legend span { padding: .1rem .4rem; border-radius: 3px; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.id { overflow-wrap: anywhere; min-width: 8rem; max-width: 18rem; }
.profile-grid { display: flex; flex-wrap: wrap; gap: 0 2.5rem; align-items: flex-start; }
.profile-grid h3 { font-size: 1rem; margin: .2rem 0; }
.bar { display: flex; width: 9rem; height: .8rem; border: 1px solid #999; }
.bar span { display: block; height: 100%; }
.status-error { color: #a00; font-weight: bold; }
.error { background: #fee; border: 1px solid #d99; padding: .6rem .8rem; white-space: pre-wrap;
  word-break: break-word; }
.text { white-space: pre-wrap; word-wrap: break-word; font-size: 1rem; line-height: 1.8; border: 1px solid #ddd;
  padding: .8rem 1rem; background: #fff; }
.sent { border-radius: 2px; }
.src { font-weight: bold; text-decoration: underline; text-decoration-thickness: 2px; }
.cue { outline: 1.5px dotted #222; outline-offset: 0; }
del.removed { color: #888; text-decoration: line-through; background: #f1f1f1; }
.profile td, .profile th { font-size: .9rem; }
ul.compact { margin: .2rem 0; padding-left: 1.2rem; }
"""
_LABEL_CSS = "\n".join(f".{label} {{ background: {colour}; }}" for label, colour in LABEL_COLOURS.items())
_REMOVED_LEGEND = '<span><del class="removed" title="removed by cleaning">removed by cleaning</del></span>'


def safe_name(doc_id: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file-name-safe form of a doc id: ASCII letters, digits, ``.``, ``_`` and ``-`` only, at most ``max_chars``."""
    name = _UNSAFE.sub("_", doc_id).strip("._")[:max_chars]
    return name or "doc"


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}{_LABEL_CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def legend_html() -> str:
    """The colour legend of the three labels, the source / cue marks and removed text."""
    items = [f'<span class="{label}" title="{_e(LABEL_TITLES[label])}">{_e(label)}</span>' for label in LABELS]
    items.append('<span><span class="src" title="source mention">source</span></span>')
    items.append('<span><span class="cue" title="reporting cue">cue</span></span>')
    items.append(_REMOVED_LEGEND)
    return '<div class="legend" id="legend"><strong>Legend:</strong> ' + " ".join(items) + "</div>"


def _share_bar(shares: dict[str, float]) -> str:
    parts = "".join(
        f'<span class="{label}" style="width:{100 * shares.get(label, 0.0):.2f}%"></span>' for label in LABELS
    )
    title = ", ".join(f"{label} {_pct(shares.get(label, 0.0))}" for label in LABELS)
    return f'<div class="bar" title="{_e(title)}">{parts}</div>'


def _metadata_text(metadata: dict[str, Any], limit: int = 200) -> str:
    parts = []
    for key, value in metadata.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        parts.append(f"{key}: {shown}")
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _IndexRow:
    """What the index keeps of one article (small: no text, no sentences)."""

    index: int
    doc_id: str
    href: str
    status: str
    error: str | None
    sentences: int
    shares: dict[str, float]
    top_sources: list[tuple[str, int]]
    removed: int
    metadata: str


# ---------------------------------------------------------------------------------------------------------------
# Rendering the text from offsets


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    sentence: SentenceResult | None = None
    removed: dict[str, Any] | None = None


def _clip(start: Any, end: Any, n: int) -> tuple[int, int] | None:
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    start, end = max(0, min(start, n)), max(0, min(end, n))
    return (start, end) if start < end else None


def _subtract(span: tuple[int, int], occupied: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``span`` outside the (sorted, disjoint) ``occupied`` intervals."""
    pieces, pos = [], span[0]
    for start, end in occupied:
        if end <= pos or start >= span[1]:
            continue
        if start > pos:
            pieces.append((pos, start))
        pos = max(pos, end)
    if pos < span[1]:
        pieces.append((pos, span[1]))
    return pieces


def _blocks(result: ArticleResult) -> list[_Block]:
    """Sentences and removed spans as non-overlapping blocks in text order.

    Offsets are clipped to the text; should spans ever overlap, sentences win over removed spans and an earlier
    span over a later one, so no character is rendered twice.
    """
    n = len(result.text)
    blocks: list[_Block] = []
    pos = 0
    for s in sorted(result.sentences, key=lambda s: (s.start, s.end)):
        span = _clip(max(s.start, pos), s.end, n)
        if span:
            blocks.append(_Block(span[0], span[1], sentence=s))
            pos = span[1]
    occupied = [(b.start, b.end) for b in blocks]
    removed_spans = [(r, _clip(r.get("start"), r.get("end"), n)) for r in (result.cleaning or {}).get("removed") or []]
    for removed, span in sorted(((r, sp) for r, sp in removed_spans if sp), key=lambda item: item[1]):
        for start, end in _subtract(span, occupied):
            blocks.append(_Block(start, end, removed=removed))
            occupied = sorted(occupied + [(start, end)])
    return sorted(blocks, key=lambda b: b.start)


def _sentence_title(s: SentenceResult) -> str:
    lines = [s.label]
    lines.append(" · ".join(f"{label} {s.probs.get(label, 0.0):.2f}" for label in LABELS))
    if s.source:
        lines.append(f"source: {s.source}" + (f" ({s.source_type})" if s.source_type else ""))
    elif s.source_type:
        lines.append(f"source type: {s.source_type}")
    if s.cue:
        lines.append(f"cue: {s.cue}")
    return "\n".join(lines)


def _marked_runs(text: str, start: int, end: int, marks: dict[str, tuple[int, int] | None]) -> Iterator[str]:
    """``text[start:end]`` as escaped runs, each run wrapped in a span with the classes of the marks covering it."""
    spans = {name: (max(a, start), min(b, end)) for name, span in marks.items() if span for a, b in [span]}
    spans = {name: span for name, span in spans.items() if span[0] < span[1]}
    cuts = sorted({start, end, *(p for span in spans.values() for p in span)})
    for a, b in pairwise(cuts):
        classes = " ".join(name for name, (x, y) in spans.items() if x <= a and b <= y)
        chunk = _e(text[a:b])
        yield f'<span class="{classes}">{chunk}</span>' if classes else chunk


def render_text(result: ArticleResult) -> str:
    """The article's original text as HTML: sentences coloured by label, source and cue marked, removed spans
    struck through. Stripping the tags and unescaping gives back ``result.text`` exactly."""
    text = result.text
    parts: list[str] = []
    pos = 0
    for block in _blocks(result):
        if block.start > pos:
            parts.append(_e(text[pos : block.start]))
        if block.sentence is not None:
            s = block.sentence
            label = s.label if s.label in LABELS else "unknown"
            marks = {
                "src": _clip(s.source_start, s.source_end, len(text)),
                "cue": _clip(s.cue_start, s.cue_end, len(text)),
            }
            inner = "".join(_marked_runs(text, block.start, block.end, marks))
            parts.append(
                f'<span class="sent {label}" data-idx="{_e(s.sent_idx)}" data-start="{block.start}" '
                f'data-end="{block.end}" title="{_e(_sentence_title(s))}">{inner}</span>'
            )
        else:
            removed = block.removed or {}
            title = f"removed by cleaning: {removed.get('rule', '?')}\n{removed.get('reason', '')}".rstrip()
            parts.append(
                f'<del class="removed" data-rule="{_e(removed.get("rule", ""))}" data-start="{block.start}" '
                f'data-end="{block.end}" title="{_e(title)}">{_e(text[block.start : block.end])}</del>'
            )
        pos = block.end
    if pos < len(text):
        parts.append(_e(text[pos:]))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Pages


def _profile_html(result: ArticleResult) -> str:
    profile = result.profile or {}
    counts = result.counts  # the document's counts, the same the profile and the article record show
    shares = profile.get("shares") or {}
    rows = "".join(
        f'<tr><td><span class="{label}">&nbsp;{_e(label)}&nbsp;</span></td>'
        f'<td class="num">{_e(counts.get(label, 0))}</td><td class="num">{_pct(shares.get(label, 0.0))}</td></tr>'
        for label in LABELS
    )
    table = (
        '<table class="profile"><tr><th>label</th><th>sentences</th><th>share</th></tr>'
        f"{rows}<tr><td>total</td><td class=\"num\">{_e(profile.get('sentences', len(result.sentences)))}</td>"
        "<td></td></tr></table>"
    )
    named = profile.get("named_sources") or []
    if named:
        items = []
        for entry in named:
            others = [m for m in entry.get("mentions", []) if m != entry.get("source")]
            also = f' <span class="muted">(also: {_e(", ".join(others))})</span>' if others else ""
            n = entry.get("sentences", 0)
            items.append(f"<li>{_e(entry.get('source', ''))}: {_e(n)} sentence{'s' if n != 1 else ''}{also}</li>")
        named_html = f'<ul class="compact">{"".join(items)}</ul>'
    else:
        named_html = '<p class="muted">none</p>'
    anonymous = profile.get("anonymous_mentions") or []
    if anonymous:
        anonymous_html = '<ul class="compact">' + "".join(f"<li>{_e(m)}</li>" for m in anonymous) + "</ul>"
    else:
        anonymous_html = '<p class="muted">none</p>'
    removed = (result.cleaning or {}).get("removed_count", len((result.cleaning or {}).get("removed", []) or []))
    by_rule = (result.cleaning or {}).get("by_rule") or {}
    rules = ", ".join(f"{rule} {n}" for rule, n in by_rule.items())
    return (
        '<section id="profile"><h2>Sourcing profile</h2><div class="profile-grid">'
        f"<div>{table}</div>"
        f"<div><h3>Named sources</h3>{named_html}</div>"
        f"<div><h3>Anonymous source mentions</h3>{anonymous_html}</div></div>"
        f"<p>Hearsay share: <strong>{_pct(profile.get('hearsay_share', 0.0))}</strong> of sentences · "
        f"removed by cleaning: <strong>{_e(removed)}</strong> span{'s' if removed != 1 else ''}"
        f"{f' ({_e(rules)})' if rules else ''}</p></section>"
    )


def article_page(result: ArticleResult, model_name: str | None = None, index_href: str = "../index.html") -> str:
    """The HTML page of one article (an error page, with the message, for error results)."""
    meta = _metadata_text(result.metadata or {}, limit=1000)
    header = (
        f'<p class="muted"><a href="{_e(index_href)}">← all articles</a></p>'
        f"<h1>{_e(result.doc_id)}</h1>"
        f'<p class="meta">{"model: " + _e(model_name) + " · " if model_name else ""}'
        f"status: {_e(result.status)} · {len(result.sentences)} sentences · {len(result.text)} characters"
        f"{' · ' + _e(meta) if meta else ''}</p>"
    )
    if not result.ok:
        body = header + f'<h2>Error</h2><div class="error" id="error">{_e(result.error or "unknown error")}</div>'
        if result.text.strip():
            body += (
                f"<h2>Input text</h2>{legend_html()}"
                f'<div class="text" id="text">{render_text(result)}</div>'
            )
        return _page(f"{result.doc_id} (error)", body)
    body = (
        header
        + legend_html()
        + _profile_html(result)
        + '<h2>Text</h2><p class="muted">Hover a sentence for its class probabilities, source and cue; hover a '
        "struck-through span for the cleaning rule that removed it.</p>"
        + f'<div class="text" id="text">{render_text(result)}</div>'
    )
    return _page(result.doc_id, body)


class HtmlReport:
    """Writes a static HTML report into ``out_dir`` as results stream in.

    >>> with HtmlReport("out/report", model_name="rules") as report:   # doctest: +SKIP
    ...     for result in analyzer.analyze_many(texts):
    ...         report.add(result)
    """

    def __init__(self, out_dir: str | Path, model_name: str | None = None, done: set[str] | None = None):
        """``done``: resume a report, keeping the index rows of these finished articles (from ``rows.jsonl``)."""
        self.out_dir = Path(out_dir)
        self.model_name = model_name
        self.articles_dir = self.out_dir / "articles"
        if self.articles_dir.is_symlink():
            raise OutputError(f"{self.articles_dir}: is a symbolic link; not writing the report's pages through it")
        self.articles_dir.mkdir(parents=True, exist_ok=True)
        self._rows: list[_IndexRow] = []
        if done is not None and self.rows_path.is_file():
            with self.rows_path.open(encoding="utf-8") as handle:
                lines = list(handle)  # split on "\n" only (str.splitlines would also split at U+2028)
            for line in lines:
                try:
                    row = _IndexRow(**json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    continue  # a row cut short by a kill
                if row.doc_id in done:
                    self._rows.append(row)
        # The kept rows replace the file whole (a kill now leaves the old rows or the new ones), then rows are appended.
        write_file_atomic(self.rows_path, "".join(json.dumps(asdict(row)) + "\n" for row in self._rows))  # ASCII
        self._rows_file = open_append_nofollow(self.rows_path)
        self._closed = False

    @property
    def rows_path(self) -> Path:
        """The index rows, one JSON line per article page, kept so that a resumed run's index lists every page."""
        return self.out_dir / "rows.jsonl"

    @property
    def index_path(self) -> Path:
        return self.out_dir / "index.html"

    def add(self, result: ArticleResult) -> Path:
        """Write the article's page now and remember its index row; returns the page's path."""
        if self._closed:
            raise RuntimeError("HtmlReport is closed")
        index = self._rows[-1].index + 1 if self._rows else 1
        name = f"{index:04d}-{safe_name(result.doc_id)}.html"
        path = self.articles_dir / name
        _write(path, article_page(result, self.model_name))
        profile = result.profile or {}
        n = len(result.sentences)
        shares = profile.get("shares") or {label: result.counts.get(label, 0) / n if n else 0.0 for label in LABELS}
        cleaning = result.cleaning or {}
        self._rows.append(
            _IndexRow(
                index=index,
                doc_id=result.doc_id,
                href=f"articles/{name}",
                status=result.status,
                error=result.error,
                sentences=len(result.sentences),
                shares={label: float(shares.get(label, 0.0)) for label in LABELS},
                top_sources=[
                    (str(e.get("source", "")), int(e.get("sentences", 0)))
                    for e in (profile.get("named_sources") or [])[:TOP_SOURCES]
                ],
                removed=int(cleaning.get("removed_count", len(cleaning.get("removed", []) or []))),
                metadata=_metadata_text(result.metadata or {}),
            )
        )
        try:
            self._rows_file.write(json.dumps(asdict(self._rows[-1])) + "\n")
            self._rows_file.flush()
        except OSError as exc:  # a full disk: name the file
            raise OSError(exc.errno, exc.strerror or str(exc), str(self.rows_path)) from exc
        return path

    def close(self) -> Path:
        """Write ``index.html`` (idempotent); returns its path."""
        if not self._closed:
            self._closed = True
            try:
                _write(self.index_path, self._index_page())
            finally:
                self._rows_file.close()
        return self.index_path

    def __enter__(self) -> HtmlReport:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.close()  # on an error too: the pages written so far get their index
        except OSError:
            if exc_type is None:
                raise  # else the error on its way out (often the same full disk) is the one to report

    def _index_page(self) -> str:
        rows = self._rows
        n_ok = sum(r.status == "ok" for r in rows)
        total = sum(r.sentences for r in rows)
        overall = {
            label: sum(r.shares[label] * r.sentences for r in rows) / total if total else 0.0 for label in LABELS
        }
        summary = (
            f"{len(rows)} article{'s' if len(rows) != 1 else ''}: {n_ok} scored, {len(rows) - n_ok} failed · "
            f"{total} sentences · "
            + ", ".join(f"{label} {_pct(overall[label])}" for label in LABELS)
        )
        body_rows = []
        for r in rows:
            if r.status == "ok":
                status = "ok"
            else:
                status = f'<span class="status-error">{_e(r.status)}</span>: {_e(r.error or "")}'
            shares = " ".join(f'<span class="{label}">&nbsp;{_pct(r.shares[label])}&nbsp;</span>' for label in LABELS)
            sources = "; ".join(f"{_e(source)} ({n})" for source, n in r.top_sources)
            body_rows.append(
                f'<tr><td class="num">{r.index}</td><td class="id"><a href="{_e(r.href)}">{_e(r.doc_id)}</a></td>'
                f"<td>{status}</td><td class=\"num\">{r.sentences}</td>"
                f"<td>{_share_bar(r.shares) if r.sentences else ''}{shares if r.sentences else ''}</td>"
                f'<td class="num">{_pct(r.shares[ANONYMOUS_SOURCE_QUOTE]) if r.sentences else "–"}</td>'
                f'<td>{sources}</td><td class="num">{r.removed}</td><td>{_e(r.metadata)}</td></tr>'
            )
        header = (
            "<tr><th>#</th><th>article</th><th>status</th><th>sentences</th><th>label shares</th>"
            "<th>anonymous share</th><th>top named sources (sentences)</th><th>lines removed by cleaning</th>"
            "<th>metadata</th></tr>"
        )
        body = (
            "<h1>Attribution report</h1>"
            f'<p class="meta">model: <strong>{_e(self.model_name or "unknown")}</strong> · {_e(summary)}</p>'
            + legend_html()
            + f'<table id="articles">{header}{"".join(body_rows)}</table>'
        )
        return _page("Attribution report", body)


def _write(path: Path, page: str) -> None:
    # Bytes: the text's own line ends (\r\n included) are written as they are, on every platform.
    write_file_atomic(path, page)

"""Corpus summary: label shares, anonymous sourcing and top sources per group of scored articles.

``attribution summarize`` reads the article records that ``attribution score --articles`` writes
(JSONL, CSV or Parquet) and groups them by a metadata key. :class:`SummaryBuilder` is incremental:
``add`` reduces each record at once to a few numbers (sentences, label counts, anonymous sentences,
hearsay share, named-source counts), so a corpus of any size streams through in little memory::

    builder = SummaryBuilder("date:month")
    for record in read_article_records("articles.jsonl"):
        builder.add(record)
    builder.write("summary/")   # groups.csv, top_sources.csv, anonymous_share.png, label_mix.png

The anonymous share's interval is a document-level percentile bootstrap: whole articles are
resampled with replacement (sentences of one article are not independent), seeded.

Each file is written whole through a temporary file renamed over the old one (a symbolic link planted at a file's
path is replaced, not followed), and text cells a spreadsheet would run as formulas get a leading ``'``, as in
``attribution score``'s CSV (:func:`attribution.write.csv_safe`).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, LABELS
from attribution.write import OutputError, check_output_folder, csv_safe, write_file_atomic

ALL_GROUP = "all"
MISSING_GROUP = "(missing)"
INVALID_DATE_GROUP = "(invalid date)"
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
DEFAULT_TOP = 10
#: At most this many groups are drawn in a figure (the largest ones); every group is in groups.csv.
MAX_PLOTTED_GROUPS = 40

GROUP_COLUMNS: tuple[str, ...] = (
    "group", "articles", "n_errors", "sentences",
    *(f"share_{label}" for label in LABELS),
    "anonymous_ci_low", "anonymous_ci_high", "share_articles_with_anonymous", "mean_hearsay_share",
)
SOURCE_COLUMNS: tuple[str, ...] = ("group", "source", "sentences", "articles")
#: The files a summary writes in its folder.
SUMMARY_FILES: tuple[str, ...] = ("groups.csv", "top_sources.csv", "anonymous_share.png", "label_mix.png")

#: Keys every article record has; a sentence record has ``sent_idx`` and ``label`` instead.
_ARTICLE_KEYS = ("doc_id", "status", "counts", "profile", "metadata")
_NESTED_KEYS = ("counts", "profile", "cleaning", "metadata")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")
_TRANSFORMS = ("month", "year")


# --- group keys --------------------------------------------------------------------------------------------


def group_of(record: Mapping[str, Any], by: str | None) -> str:
    """The group of an article record under the key ``by``.

    ``None`` puts every article in ``"all"``; ``"dir"`` is the name of the parent directory of
    ``metadata["path"]``; ``"KEY:month"`` / ``"KEY:year"`` truncate a ``YYYY-MM-DD`` value (e.g.
    ``date:month``); any other string is a metadata key. Missing or empty values give ``"(missing)"``,
    dates that do not start with ``YYYY-MM`` give ``"(invalid date)"``.
    """
    if by is None:
        return ALL_GROUP
    metadata = record.get("metadata") or {}
    if by == "dir":
        path = metadata.get("path")
        if _missing(path):
            return MISSING_GROUP
        parent = Path(str(path)).parent
        return parent.name or str(parent)
    key, _, transform = by.rpartition(":")
    if not key or transform not in _TRANSFORMS:
        key, transform = by, ""
    value = metadata.get(key)
    if _missing(value):
        return MISSING_GROUP
    if not transform:
        return str(value)
    match = _DATE.match(str(value).strip())
    if not match:
        return INVALID_DATE_GROUP
    return f"{match[1]}-{match[2]}" if transform == "month" else match[1]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def group_sort_key(name: str) -> tuple:
    """Groups in a readable order: numbers numerically, other names (ISO dates included) as strings, and
    ``(missing)`` / ``(invalid date)`` last."""
    if name in (MISSING_GROUP, INVALID_DATE_GROUP):
        return (2, 0.0, name)
    try:
        number = float(name)
    except ValueError:
        return (1, 0.0, name)
    return (0, number, name) if math.isfinite(number) else (1, 0.0, name)


# --- records -----------------------------------------------------------------------------------------------


def check_article_record(record: Any, where: str = "record") -> None:
    """Raise ``ValueError`` unless ``record`` is an article record (as ``score --articles`` writes)."""
    if not isinstance(record, Mapping):
        raise ValueError(f"{where}: expected an article record (a JSON object), got {type(record).__name__}")
    if "sent_idx" in record or ("label" in record and "status" not in record):
        raise ValueError(f"{where}: this is a sentence record (one per sentence); summarize reads the article "
                         "records written by `attribution score --articles FILE`")
    missing = [key for key in _ARTICLE_KEYS if key not in record]
    if missing:
        raise ValueError(f"{where}: not an article record: missing {', '.join(missing)} (expected the output of "
                         "`attribution score --articles FILE`)")


def _parse_nested(record: dict[str, Any], where: str) -> dict[str, Any]:
    """CSV and Parquet hold nested fields as JSON strings (attribution/write.py): parse them back."""
    for key in _NESTED_KEYS:
        value = record.get(key)
        if isinstance(value, str):
            try:
                record[key] = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: column {key!r} is not valid JSON ({exc.msg})") from None
        elif value is None and key in record:
            record[key] = {}
    n = record.get("n_sentences")
    if isinstance(n, str):
        record["n_sentences"] = int(n) if n.strip() else 0
    if record.get("error") == "":
        record["error"] = None
    return record


def read_article_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the article records of a ``score --articles`` output: JSONL, CSV or Parquet (by suffix).

    Raises ``ValueError`` naming the file (and line or row) for anything that is not an article-records
    file, e.g. the sentence records of ``--output``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        yield from _read_jsonl(path)
    elif suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".parquet":
        yield from _read_parquet(path)
    else:
        raise ValueError(f"{path}: unknown article-records format {suffix or '(no suffix)'!r}; "
                         "expected .jsonl, .csv or .parquet")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}: line {line_no}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: invalid JSON ({exc.msg})") from None
            check_article_record(record, where)
            yield _parse_nested(record, where)


def _read_csv(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(2**31 - 1)  # cleaning reports can be long JSON strings
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        check_article_record({name: "" for name in reader.fieldnames or ()}, f"{path}: header")
        for row_no, row in enumerate(reader, start=1):
            yield _parse_nested(dict(row), f"{path}: row {row_no}")


def _read_parquet(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for a file that is not Parquet
        raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
    check_article_record({name: "" for name in parquet.schema_arrow.names}, f"{path}: columns")
    row_no = 0
    from attribution.arrow import record_from_row

    for batch in parquet.iter_batches(batch_size=1024):  # typed columns or the old layout's JSON strings
        for row in batch.to_pylist(maps_as_pydicts="strict"):
            row_no += 1
            yield _parse_nested(record_from_row(row), f"{path}: row {row_no}")


# --- the builder -------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """What one group keeps: totals, and two small integers per scored article for the bootstrap."""

    errors: int = 0
    label_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    article_sentences: array = field(default_factory=lambda: array("l"))
    article_anonymous: array = field(default_factory=lambda: array("l"))
    hearsay_sum: float = 0.0
    hearsay_articles: int = 0
    # normalized source name -> [display name, sentences, articles]
    sources: dict[str, list] = field(default_factory=dict)


def _source_key(name: str) -> str:
    return " ".join(name.split()).casefold().strip(" .,;:'\"’")


@dataclass
class Summary:
    """The finished summary: one row per group (``GROUP_COLUMNS``) and the top sources of each group."""

    by: str | None
    groups: list[dict[str, Any]]
    top_sources: list[dict[str, Any]]
    resamples: int
    seed: int
    confidence: float

    def group(self, name: str) -> dict[str, Any]:
        for row in self.groups:
            if row["group"] == name:
                return row
        raise KeyError(name)

    def sources_of(self, name: str) -> list[dict[str, Any]]:
        return [row for row in self.top_sources if row["group"] == name]


class SummaryBuilder:
    """Accumulates article records into per-group statistics; ``add`` one record at a time.

    ``by`` is the grouping key (see :func:`group_of`). Error records count in ``n_errors`` of their
    group and nowhere else. ``top`` named sources are kept per group in the result; the anonymous
    share gets a ``confidence`` interval from ``resamples`` seeded document-level bootstrap draws.
    """

    def __init__(self, by: str | None = None, *, top: int = DEFAULT_TOP, resamples: int = DEFAULT_RESAMPLES,
                 seed: int = DEFAULT_SEED, confidence: float = 0.95):
        if top < 0 or resamples < 1 or not 0 < confidence < 1:
            raise ValueError("top must be >= 0, resamples >= 1 and confidence between 0 and 1")
        self.by = by or None
        self.top = top
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
        self.n_records = 0
        self._groups: dict[str, _Group] = {}

    def add(self, record: Mapping[str, Any]) -> str:
        """Add one article record (a dict, or an ``ArticleResult``); return the group it went to."""
        if hasattr(record, "to_record"):
            record = record.to_record()
        where = f"record {self.n_records + 1}"
        check_article_record(record, where)
        if any(isinstance(record.get(key), str) for key in _NESTED_KEYS):  # a flat CSV/Parquet row
            record = _parse_nested(dict(record), where)
        name = group_of(record, self.by)
        group = self._groups.get(name)
        if group is None:
            group = self._groups[name] = _Group()
        self.n_records += 1
        if record.get("status") != "ok":
            group.errors += 1
            return name
        profile = record.get("profile") or {}
        counts = record.get("counts") or profile.get("counts") or {}
        for label in LABELS:
            group.label_counts[label] += int(counts.get(label, 0) or 0)
        n_sentences = record.get("n_sentences")
        if n_sentences is None:
            n_sentences = sum(int(counts.get(label, 0) or 0) for label in LABELS)
        group.article_sentences.append(int(n_sentences))
        group.article_anonymous.append(int(counts.get(ANONYMOUS_SOURCE_QUOTE, 0) or 0))
        if n_sentences:
            group.hearsay_sum += float(profile.get("hearsay_share") or 0.0)
            group.hearsay_articles += 1
        seen: set[str] = set()
        for entry in profile.get("named_sources") or ():
            display = str(entry.get("source") or "").strip()
            key = _source_key(display)
            if not key:
                continue
            slot = group.sources.setdefault(key, [display, 0, 0])
            slot[1] += int(entry.get("sentences") or 0)
            if key not in seen:
                seen.add(key)
                slot[2] += 1
        return name

    def result(self) -> Summary:
        """The summary so far: groups in :func:`group_sort_key` order."""
        rows, sources = [], []
        for name in sorted(self._groups, key=group_sort_key):
            rows.append(self._group_row(name, self._groups[name]))
            ranked = sorted(self._groups[name].sources.values(),
                            key=lambda s: (-s[1], -s[2], s[0].casefold()))[: self.top]
            sources.extend({"group": name, "source": s[0], "sentences": s[1], "articles": s[2]} for s in ranked)
        return Summary(self.by, rows, sources, self.resamples, self.seed, self.confidence)

    def _group_row(self, name: str, group: _Group) -> dict[str, Any]:
        n_articles = len(group.article_sentences)
        sentences = int(sum(group.article_sentences))
        row: dict[str, Any] = {"group": name, "articles": n_articles, "n_errors": group.errors,
                               "sentences": sentences}
        for label in LABELS:
            row[f"share_{label}"] = group.label_counts[label] / sentences if sentences else None
        low_high = None
        if sentences:
            low_high = bootstrap_share(np.asarray(group.article_anonymous, dtype=np.int64),
                                       np.asarray(group.article_sentences, dtype=np.int64),
                                       self.resamples, self.seed, self.confidence)
        row["anonymous_ci_low"], row["anonymous_ci_high"] = low_high or (None, None)
        with_anonymous = sum(1 for n in group.article_anonymous if n > 0)
        row["share_articles_with_anonymous"] = with_anonymous / n_articles if n_articles else None
        row["mean_hearsay_share"] = group.hearsay_sum / group.hearsay_articles if group.hearsay_articles else None
        return row

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write groups.csv, top_sources.csv, anonymous_share.png and label_mix.png; return their paths."""
        return write_summary(self.result(), out_dir)


def bootstrap_share(numerators: np.ndarray, denominators: np.ndarray, resamples: int = DEFAULT_RESAMPLES,
                    seed: int = DEFAULT_SEED, confidence: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of ``sum(num) / sum(den)`` over articles resampled with replacement.

    Draws are made in chunks of about two million indices, so a group of 100,000 articles needs no
    (resamples x articles) matrix in memory. ``None`` when no resample has a non-zero denominator.
    """
    n = len(denominators)
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // n)
    values = np.empty(resamples, dtype=float)
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        idx = rng.integers(0, n, size=(size, n))
        num, den = numerators[idx].sum(axis=1), denominators[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[start : start + size] = np.where(den > 0, num / np.maximum(den, 1), np.nan)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


# --- files -------------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}"
    return csv_safe(value)  # a group or source name from the input that a spreadsheet would run as a formula


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row[key]) for key in columns})
    return write_file_atomic(path, buffer.getvalue())


def _save_png(fig, path: str | Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    return write_file_atomic(path, buffer.getvalue())


def write_summary(summary: Summary, out_dir: str | Path) -> list[Path]:
    """The four files of a summary (:data:`SUMMARY_FILES`) in ``out_dir`` (created); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    groups, sources, anonymous, mix = (out / name for name in SUMMARY_FILES)
    return [
        _write_csv(groups, GROUP_COLUMNS, summary.groups),
        _write_csv(sources, SOURCE_COLUMNS, summary.top_sources),
        plot_anonymous_share(summary, anonymous),
        plot_label_mix(summary, mix),
    ]


def plotted_groups(summary: Summary) -> tuple[list[dict[str, Any]], str | None]:
    """The groups a figure shows (those with scored sentences, at most the 40 largest, in group order) and a
    note saying what was left out, if anything."""
    scored = [row for row in summary.groups if row["sentences"]]
    notes = []
    if len(scored) > MAX_PLOTTED_GROUPS:
        if _chronological(summary.by, scored):  # a contiguous run of periods, not a gappy series
            dated = [row for row in scored if _DATE_GROUP.match(row["group"])]
            kept = {row["group"] for row in dated[-MAX_PLOTTED_GROUPS:]}
            notes.append(f"showing the latest {len(kept)} of {len(scored)} groups")
        else:
            keep = sorted(scored, key=lambda r: (-r["articles"], group_sort_key(r["group"])))[:MAX_PLOTTED_GROUPS]
            kept = {row["group"] for row in keep}
            notes.append(f"showing the {MAX_PLOTTED_GROUPS} groups with the most articles of {len(scored)}")
        scored = [row for row in scored if row["group"] in kept]
    empty = len(summary.groups) - len([row for row in summary.groups if row["sentences"]])
    if empty:
        notes.append(f"{empty} group{'s' if empty > 1 else ''} without scored sentences left out")
    return scored, ("; ".join(notes) + "; all groups are in groups.csv") if notes else None


_DATE_GROUP = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def _chronological(by: str | None, rows: list[dict[str, Any]]) -> bool:
    """Whether the groups are periods (``KEY:month``, ``KEY:year`` or ISO dates), so order means time."""
    if by and by.rpartition(":")[2] in _TRANSFORMS:
        return True
    named = [row["group"] for row in rows if row["group"] not in (MISSING_GROUP, INVALID_DATE_GROUP)]
    return bool(named) and all(_DATE_GROUP.match(name) for name in named)


def axis_name(by: str | None) -> str:
    """A readable name of a group key: ``date:month`` -> ``month``, ``published:year`` -> ``year (published)``,
    ``dir`` -> ``input directory``."""
    if by is None:
        return "corpus"
    if by == "dir":
        return "input directory"
    key, _, transform = by.rpartition(":")
    if key and transform in _TRANSFORMS:
        return transform if key == "date" else f"{transform} ({key})"
    return by


def _figure(n_groups: int):
    # A bare Figure renders to PNG without pyplot, so the user's matplotlib backend is left alone.
    from matplotlib.figure import Figure

    width = min(16.0, max(6.0, 1.2 + 0.38 * n_groups))
    return Figure(figsize=(width, 4.8), layout="constrained")


def _group_axis(ax, rows: list[dict[str, Any]], by: str | None) -> None:
    labels = [f"{row['group']} (n={row['articles']})" for row in rows]
    long = len(rows) > 6 or max((len(label) for label in labels), default=0) > 16
    ax.set_xticks(range(len(rows)), labels, rotation=45 if long else 0, ha="right" if long else "center",
                  fontsize=9 if long else 10)
    ax.set_xlabel(f"{axis_name(by)} (n = scored articles)")
    ax.set_xlim(-0.6, len(rows) - 0.4)


def _caption(fig, note: str | None, extra: str = "") -> None:
    parts = [part for part in (extra, note) if part]
    if parts:
        fig.supxlabel("; ".join(parts), fontsize=8, color="0.35")


def _no_data(ax) -> None:
    ax.text(0.5, 0.5, "no scored articles", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])


def plot_anonymous_share(summary: Summary, path: str | Path) -> Path:
    """Share of sentences quoting an anonymous source, per group, with bootstrap error bars (PNG)."""
    rows, note = plotted_groups(summary)
    fig = _figure(len(rows))
    ax = fig.subplots()
    if rows:
        x = np.arange(len(rows))
        share = np.array([row[f"share_{ANONYMOUS_SOURCE_QUOTE}"] for row in rows], dtype=float) * 100
        low = np.array([_or(row["anonymous_ci_low"], np.nan) for row in rows], dtype=float) * 100
        high = np.array([_or(row["anonymous_ci_high"], np.nan) for row in rows], dtype=float) * 100
        errors = np.vstack([np.clip(share - low, 0, None), np.clip(high - share, 0, None)])
        ax.bar(x, share, color="#c44e52", alpha=0.85, width=0.7)
        ax.errorbar(x, share, yerr=np.nan_to_num(errors), fmt="none", ecolor="black", elinewidth=1, capsize=3)
        _group_axis(ax, rows, summary.by)
        ax.set_ylim(0, max(5.0, float(np.nanmax(high)) * 1.15 if np.isfinite(high).any() else 5.0))
    else:
        _no_data(ax)
    ax.set_ylabel("anonymous-source sentences (% of sentences)")
    ax.set_title(f"Anonymous sourcing by {axis_name(summary.by)}" if summary.by else "Anonymous sourcing")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    extra = (f"error bars: {summary.confidence:.0%} document-level bootstrap interval "
             f"({summary.resamples} resamples, seed {summary.seed})")
    _caption(fig, note, extra)
    return _save_png(fig, path)


_LABEL_COLOURS = {"direct_fact": "#8c8c8c", "reported_claim": "#4c72b0", "anonymous_source_quote": "#c44e52"}


def plot_label_mix(summary: Summary, path: str | Path) -> Path:
    """Stacked shares of the three labels, pooled over the sentences of each group (PNG)."""
    rows, note = plotted_groups(summary)
    fig = _figure(len(rows))
    ax = fig.subplots()
    if rows:
        x = np.arange(len(rows))
        bottom = np.zeros(len(rows))
        for label in LABELS:
            share = np.array([row[f"share_{label}"] for row in rows], dtype=float) * 100
            ax.bar(x, share, bottom=bottom, width=0.7, color=_LABEL_COLOURS.get(label),
                   label=label.replace("_", " "))
            bottom += share
        _group_axis(ax, rows, summary.by)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="sentence label")
    else:
        _no_data(ax)
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of sentences (%)")
    ax.set_title(f"Sentence labels by {axis_name(summary.by)}" if summary.by else "Sentence labels")
    _caption(fig, note)
    return _save_png(fig, path)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


# --- command line ------------------------------------------------------------------------------------------


def _fmt_share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def format_summary(summary: Summary, max_rows: int = MAX_PLOTTED_GROUPS) -> str:
    """A short plain-text table of the groups (the first ``max_rows``)."""
    header = ("group", "articles", "errors", "sentences", "anonymous [95% CI]", "art. w/ anon.", "top source")
    lines = []
    for row in summary.groups[:max_rows]:
        sources = summary.sources_of(row["group"])
        ci = ("" if row["anonymous_ci_low"] is None
              else f" [{row['anonymous_ci_low']:.1%}, {row['anonymous_ci_high']:.1%}]")
        lines.append((row["group"], str(row["articles"]), str(row["n_errors"]), str(row["sentences"]),
                      _fmt_share(row[f"share_{ANONYMOUS_SOURCE_QUOTE}"]) + ci,
                      _fmt_share(row["share_articles_with_anonymous"]),
                      f"{sources[0]['source']} ({sources[0]['sentences']})" if sources else ""))
    widths = [max(len(header[i]), *(len(line[i]) for line in lines)) if lines else len(header[i])
              for i in range(len(header))]
    widths[0] = min(widths[0], 40)

    def fmt(cells: tuple[str, ...]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        rest = [cell.rjust(widths[i]) if i < 4 else cell.ljust(widths[i]) for i, cell in enumerate(cells) if i]
        return "  ".join([first.ljust(widths[0]), *rest]).rstrip()

    out = [fmt(header), *(fmt(line) for line in lines)]
    if len(summary.groups) > max_rows:
        out.append(f"… {len(summary.groups) - max_rows} more groups in groups.csv")
    return "\n".join(out)


def check_summarize_paths(inputs: list[str], out: str | Path) -> None:
    """Refuse, before anything is read or written, an unusable ``--out`` folder (a file, not writable) and an
    input that is one of the files the summary writes."""
    check_output_folder(out, files=SUMMARY_FILES)
    for raw in inputs:
        for name in SUMMARY_FILES:
            target = Path(out) / name
            if Path(raw).exists() and target.exists() and Path(raw).samefile(target):
                raise OutputError(f"{raw}: is an input and also the summary's {name}, which would overwrite it")


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum`` (checked before anything is read or written)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def run_summarize(args: argparse.Namespace) -> int:
    """Summarize scored article records per group: label shares, anonymous sourcing with bootstrap
    intervals, top named sources; writes CSV tables and PNG figures."""
    check_summarize_paths(args.articles_files, args.out)
    builder = SummaryBuilder(args.by, top=args.top, resamples=args.resamples, seed=args.seed)
    for path in args.articles_files:
        for record in read_article_records(path):
            builder.add(record)
    if builder.n_records == 0:
        raise ValueError("no article records in " + ", ".join(map(str, args.articles_files)))
    summary = builder.result()
    paths = write_summary(summary, args.out)
    scored = sum(row["articles"] for row in summary.groups)
    errors = sum(row["n_errors"] for row in summary.groups)
    print(f"{builder.n_records} article records ({scored} scored, {errors} errors) in {len(summary.groups)} "
          f"group{'s' if len(summary.groups) != 1 else ''} by {summary.by or '(none)'}")
    print(format_summary(summary))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``attribution summarize`` to the command line."""
    p = subparsers.add_parser("summarize", help="per-group summary of scored article records",
                              description=run_summarize.__doc__)
    p.add_argument("articles_files", nargs="+", metavar="ARTICLES_FILE",
                   help="article records written by `attribution score --articles` (.jsonl, .csv, .parquet)")
    p.add_argument("--by", default=None, metavar="KEY",
                   help="group by a metadata key (e.g. outlet, date), KEY:month or KEY:year (e.g. date:month), "
                        "or dir (parent directory of the input file); default: one group 'all'")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for groups.csv, top_sources.csv and PNGs")
    p.add_argument("--top", type=at_least(1), default=DEFAULT_TOP,
                   help=f"named sources per group (default: {DEFAULT_TOP})")
    p.add_argument("--resamples", type=at_least(1), default=DEFAULT_RESAMPLES,
                   help=f"bootstrap resamples (default: {DEFAULT_RESAMPLES})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"bootstrap seed (default: {DEFAULT_SEED})")
    p.set_defaults(func=run_summarize)

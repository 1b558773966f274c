"""Journalistic sourcing GT (34 stories) → sentence labels, by fuzzy matching statements to sentences.

- Ground truth per story: ``gt/rev2025`` when present (it supersedes), else ``gt/base``.
- Each sourced statement is split into sentences and every piece is matched to the most similar
  sentence of the story (``difflib`` ratio on normalised text, or containment), threshold
  :data:`MATCH_THRESHOLD`; the match rate is reported.
- Types: Named Person / Named Organization / Document → ``reported_claim``; Anonymous Source /
  Unnamed Person / Unnamed Group → ``anonymous_source_quote``. A "Named Organization" row whose
  sentence's speaker is an unnamed member ("Pentagon officials said") is ``anonymous_source_quote``
  (LABELS.md rule 8); several rows on one sentence: anonymous beats named (rule 2).
- Unmatched sentences: ``direct_fact`` only in a story whose annotation is *complete*, i.e. at most
  :data:`MAX_UNMATCHED_CUED` of its sentences with an explicit speech cue ("said", "according to",
  "told") are left unmatched; even there, an unmatched sentence that carries such a cue is dropped as
  uncertain rather than called ``direct_fact``. In incomplete stories only matched sentences are kept.
- Header fields ("Date:", "Publisher:") and bullet lines ("* Summary") are page furniture and skipped.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from attribution.training.records import Provenance, SentenceRecord, clip_spans, context, is_page_noise

from attribution.clean import clean
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, REPORTED_CLAIM
from attribution.segment import Sentence, segment
from attribution.source_types import ANONYMOUS, classify_mention
from attribution.sources import Attribution, find_attribution

CORPUS = "journ_sourcing_gt"
MATCH_THRESHOLD = 0.7
MAX_UNMATCHED_CUED = 0.2
ANONYMOUS_TYPES = {"anonymous source", "unnamed person", "unnamed group of people"}
NAMED_TYPES = {"named person", "named organization", "document"}
_SPEECH_CUE = re.compile(r"\b(said|says|say|told|according to|said in a statement|wrote|testified)\b", re.IGNORECASE)
_FURNITURE = re.compile(r"^(Date|Publisher|By|Author|Photo|Credit|Image)\s*:|^\*\s|^(Summary|Advertisement)$",
                        re.IGNORECASE)


def _appeal(text: str) -> bool:
    """A title-case line with no final punctuation (donation appeals, section labels, captions' credits)."""
    words = text.split()
    return (not re.search(r"[.!?\"”:]$", text.strip()) and len(words) <= 12
            and sum(w[:1].isupper() for w in words) >= 0.6 * len(words))


def normalise_type(raw: str) -> str:
    t = raw.strip().lower()
    if t in {"named individual", "named", "named person"}:
        return "named person"
    if t.startswith("unamed group") or t.startswith("unnamed group"):
        return "unnamed group of people"
    if t in {"unnamed individual", "unnamed person", "unnamed"}:
        return "unnamed person"
    return t


def normalise_text(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[^\w%$]+", " ", text.lower())
    return " ".join(text.split())


@dataclass
class Statement:
    row: str
    text: str
    type: str
    name: str
    title: str
    justification: str
    matched: list[int] = field(default_factory=list)
    pieces: int = 0
    pieces_matched: int = 0


def read_gt(path: Path) -> list[Statement]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [h.strip().lower() for h in rows[0]]

    def col(prefix: str) -> int | None:
        return next((i for i, h in enumerate(header) if h.startswith(prefix)), None)

    idx = {k: col(k) for k in ("no", "sourced", "type", "name", "title", "source justification")}
    out = []
    for row in rows[1:]:
        def get(key: str, row=row) -> str:
            i = idx[key]
            return row[i].strip() if i is not None and i < len(row) else ""
        if not get("sourced"):
            continue
        out.append(Statement(get("no"), get("sourced"), normalise_type(get("type")), get("name"), get("title"),
                             get("source justification")))
    return out


def story_files(data_dir: Path) -> list[tuple[str, Path, Path]]:
    """(story stem, article path, ground-truth CSV) for every story; rev2025 supersedes base."""
    root = data_dir / "journ_sourcing_gt"
    gts: dict[str, Path] = {}
    for sub in ("base", "rev2025"):  # later wins
        for path in sorted((root / "gt" / sub).glob("*.csv")):
            gts[path.name.split("-", 1)[0]] = path
    out = []
    for article in sorted((root / "articles_with_boilerplate").glob("*.txt")):
        number = article.stem.split("-", 1)[0]
        if number in gts:
            out.append((article.stem, article, gts[number]))
    return out


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if len(a) > 25 and (a in b or b in a):
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_statements(sentences: list[Sentence], statements: list[Statement]) -> None:
    """Fill ``matched`` (sentence indices) of every statement, piece by piece."""
    normalised = [normalise_text(s.text) for s in sentences]
    for statement in statements:
        pieces = [normalise_text(s.text) for s in segment(statement.text)] or [normalise_text(statement.text)]
        statement.pieces = len(pieces)
        for piece in pieces:
            if len(piece) < 4:
                statement.pieces -= 1
                continue
            scores = [(_similarity(piece, sent), -i) for i, sent in enumerate(normalised)]
            best, neg_i = max(scores) if scores else (0.0, 0)
            if best >= MATCH_THRESHOLD:
                statement.pieces_matched += 1
                if -neg_i not in statement.matched:
                    statement.matched.append(-neg_i)


def _row_label(statement: Statement, sentence: Sentence) -> tuple[str, str, Attribution | None]:
    found = find_attribution(sentence.text)
    if statement.type == "unnamed person" and found is not None and found.source is not None and \
            classify_mention(found.source.text).reason == "possessive role: an identified person":
        return REPORTED_CLAIM, "unnamed person identified by role (his mother, her lawyer)", found
    if statement.type in ANONYMOUS_TYPES:
        return ANONYMOUS_SOURCE_QUOTE, f"type:{statement.type}", found
    if statement.type == "named organization" and found is not None and found.source is not None:
        mention = classify_mention(found.source.text)
        if mention.kind == ANONYMOUS:
            return ANONYMOUS_SOURCE_QUOTE, "rule8:unnamed members of a named organization", found
    return REPORTED_CLAIM, f"type:{statement.type or 'empty'}", found


@dataclass
class StoryResult:
    doc_id: str
    records: list[SentenceRecord]
    statements: int
    pieces: int
    pieces_matched: int
    complete: bool
    unmatched_cued: int
    cued: int


def convert_story(text: str, statements: list[Statement], *, doc_id: str, gt_file: str) -> StoryResult:
    sentences = [s for s in segment(text, clean(text, detector=False).content)
                 if not _FURNITURE.search(s.text) and not is_page_noise(s.text, s.idx) and not _appeal(s.text)]
    sentences = [Sentence(i, s.start, s.end, s.text) for i, s in enumerate(sentences)]
    match_statements(sentences, statements)
    by_sentence: dict[int, list[Statement]] = {}
    for statement in statements:
        for i in statement.matched:
            by_sentence.setdefault(i, []).append(statement)
    cued = [i for i, s in enumerate(sentences) if _SPEECH_CUE.search(s.text)]
    unmatched_cued = [i for i in cued if i not in by_sentence]
    complete = len(unmatched_cued) <= MAX_UNMATCHED_CUED * max(len(cued), 1)
    records = []
    for sentence in sentences:
        rows = by_sentence.get(sentence.idx, [])
        source_spans: list[list[int]] = []
        cue_spans: list[list[int]] = []
        if rows:
            decided = [_row_label(row, sentence) for row in rows]
            labels = {d[0] for d in decided}
            label = ANONYMOUS_SOURCE_QUOTE if ANONYMOUS_SOURCE_QUOTE in labels else REPORTED_CLAIM
            rule = next(d[1] for d in decided if d[0] == label)
            found = decided[0][2]
            if found is not None and found.source is not None:
                source_spans = [[found.source.start, found.source.end]]
            if found is not None and found.cue is not None:
                cue_spans = [[found.cue.start, found.cue.end]]
            ids = [r.row for r in rows]
        elif not complete:
            continue
        elif sentence.idx in unmatched_cued:
            continue
        else:
            label, rule, ids = DIRECT_FACT, "unmatched sentence in a complete story", []
        prev_text, next_text = context(sentences, sentence.idx)
        records.append(SentenceRecord(
            doc_id=doc_id, corpus=CORPUS, sent_idx=sentence.idx, start=sentence.start, end=sentence.end,
            text=sentence.text, label=label, source_spans=clip_spans([], sentence) or source_spans,
            cue_spans=cue_spans, prev_text=prev_text, next_text=next_text, n_sentences=len(sentences),
            provenance=Provenance(gt_file, ids, rule, "; ".join(f"{r.row}:{r.type}" for r in rows)),
        ))
    return StoryResult(doc_id, records, len(statements), sum(s.pieces for s in statements),
                       sum(s.pieces_matched for s in statements), complete, len(unmatched_cued), len(cued))


def convert(data_dir: Path, *, exclude: set[str] = frozenset()) -> Iterator[StoryResult]:
    for stem, article, gt in story_files(data_dir):
        doc_id = f"journ:{stem}"
        if doc_id in exclude:
            continue
        text = article.read_text(encoding="utf-8")
        yield convert_story(text, read_gt(gt), doc_id=doc_id, gt_file=gt.relative_to(data_dir).as_posix())

"""The training record: one labelled sentence with its spans, context pointer and provenance."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from attribution.segment import Sentence


@dataclass
class Provenance:
    """Where a label came from: the annotation file, the relation/row ids and the rule that fired."""

    file: str
    relation_ids: list[str] = field(default_factory=list)
    rule: str = ""
    detail: str = ""


@dataclass
class SentenceRecord:
    doc_id: str
    corpus: str
    sent_idx: int
    start: int
    end: int
    text: str
    label: str
    source_spans: list[list[int]]
    cue_spans: list[list[int]]
    prev_text: str
    next_text: str
    n_sentences: int
    provenance: Provenance
    weak: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def clip_spans(fragments: list[tuple[int, int]], sentence: Sentence) -> list[list[int]]:
    """Fragments clipped to a sentence, as offsets relative to the sentence start, sorted and unique."""
    out = set()
    for start, end in fragments:
        s, e = max(start, sentence.start), min(end, sentence.end)
        if e > s:
            out.add((s - sentence.start, e - sentence.start))
    return [list(span) for span in sorted(out)]


def context(sentences: list[Sentence], idx: int) -> tuple[str, str]:
    prev_text = sentences[idx - 1].text if idx > 0 else ""
    next_text = sentences[idx + 1].text if idx + 1 < len(sentences) else ""
    return prev_text, next_text


_TERMINAL = re.compile(r"[.!?…\"”’')\]:]$")


def is_page_noise(text: str, idx: int) -> bool:
    """Lines that are not article sentences (LABELS.md rule 11): table cells, separators, handles,
    short crossheads. The first line (the headline) is always kept."""
    stripped = text.strip()
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", stripped)
    if len(words) < 2 or "|" in stripped or re.fullmatch(r"[\W_]+", stripped):
        return True
    if re.fullmatch(r"@\w+\.?", stripped):
        return True
    if idx > 0 and len(words) <= 4 and not _TERMINAL.search(stripped):
        return True
    return False

"""Segment: split content paragraphs into sentences with offsets into the original text.

Sentence boundaries come from ``sentencex`` (rule-based, offline, fast); this
module maps each sentence back onto the original string, so that
``original[s.start:s.end] == s.text`` holds for every sentence, trims
surrounding whitespace, and never lets a sentence cross a paragraph break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sentencex import segment as _sentencex_segment

LANGUAGE = "en"


@dataclass(frozen=True)
class Sentence:
    """A sentence: its index in the article, its offsets into the original text, and its text."""

    idx: int
    start: int
    end: int
    text: str


def _split(paragraph: str) -> list[str]:
    return [s for s in _sentencex_segment(LANGUAGE, paragraph) if s.strip()]


def _paragraph_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, located in the original by forward search."""
    paragraph = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _split(paragraph):
        core = piece.strip()
        found = paragraph.find(core, cursor)
        if found < 0:
            # The splitter changed the text (it should not); keep the rest of the paragraph whole.
            rest = paragraph[cursor:]
            if rest.strip():
                lead = len(rest) - len(rest.lstrip())
                spans.append((start + cursor + lead, start + len(paragraph.rstrip())))
            return spans
        spans.append((start + found, start + found + len(core)))
        cursor = found + len(core)
    return spans


def _merge_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Attach a lone closing quote or bracket that the splitter left as its own sentence."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and re.fullmatch(r"[\"'”’)\]]+", text[start:end]):
            prev_start, _ = merged[-1]
            merged[-1] = (prev_start, end)
        else:
            merged.append((start, end))
    return merged


def segment(text: str, paragraphs: Iterable[tuple[int, int]] | None = None) -> list[Sentence]:
    """Split ``text`` (or only its ``paragraphs`` spans, as the cleaner returns them) into sentences."""
    if paragraphs is None:
        paragraphs = [m.span() for m in re.finditer(r"[^\n]+", text)]
    sentences: list[Sentence] = []
    for p_start, p_end in paragraphs:
        for start, end in _merge_fragments(text, _paragraph_sentences(text, p_start, p_end)):
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences

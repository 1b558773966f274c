"""Pack an article's sentences into overlapping token windows with one marker per sentence.

A window is ``[CLS] [M] s_i ... [M] s_j ... [SEP]`` where ``[M]`` (the tokenizer's
separator token) precedes each sentence; the sentence's label is read at its
marker. Consecutive windows share at least ``overlap`` sentences: a window's
first sentences are *context* (already labelled by the previous window) and
the rest are its *own* sentences, so every sentence is labelled exactly once
and sees at least one sentence before it. A sentence longer than a window is
truncated to fit; its marker is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class SentenceTokens:
    """Token ids of one sentence and each token's character span within the sentence."""

    ids: list[int]
    offsets: list[tuple[int, int]]


@dataclass
class Window:
    """One encoder input: ids, and for each sentence in it (context or own) where its marker and tokens sit."""

    input_ids: list[int]
    sentence_indices: list[int]  # article sentence index of each sentence in the window
    own: list[bool]  # True where this window labels the sentence
    marker_positions: list[int]
    token_ranges: list[tuple[int, int]]  # [start, end) token positions of each sentence's tokens
    doc_index: int = 0


def tokenize_sentences(tokenizer, texts: Sequence[str]) -> list[SentenceTokens]:
    """Tokenize sentences in one batch call, without special tokens, keeping character offsets."""
    if not texts:
        return []
    encoded = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    return [SentenceTokens(list(ids), [tuple(o) for o in offs])
            for ids, offs in zip(encoded["input_ids"], encoded["offset_mapping"], strict=True)]


def build_windows(
    sentences: Sequence[SentenceTokens],
    cls_id: int,
    marker_id: int,
    sep_id: int,
    max_length: int = 256,
    overlap: int = 1,
    doc_index: int = 0,
) -> list[Window]:
    """Windows covering every sentence once as *own*, each starting with up to ``overlap`` context sentences."""
    if max_length < 8:
        raise ValueError("max_length must be at least 8 tokens")
    budget = max_length - 2  # [CLS] ... [SEP]
    limit = budget - 1  # longest sentence body that fits with its marker
    lengths = [min(len(s.ids), limit) + 1 for s in sentences]
    windows: list[Window] = []
    next_own = 0
    while next_own < len(sentences):
        start = next_own
        # Context: up to `overlap` previous sentences, as many as fit beside the first own sentence.
        context_start = next_own
        while (
            context_start > 0
            and next_own - context_start < overlap
            and sum(lengths[context_start - 1 : next_own + 1]) <= budget
        ):
            context_start -= 1
        used = sum(lengths[context_start:next_own])
        end = next_own
        while end < len(sentences) and (used + lengths[end] <= budget or end == start):
            used += lengths[end]
            end += 1
        windows.append(_make_window(sentences, context_start, next_own, end, lengths, cls_id, marker_id, sep_id,
                                    doc_index))
        next_own = end
    return windows


def _make_window(sentences, context_start, own_start, end, lengths, cls_id, marker_id, sep_id, doc_index) -> Window:
    ids = [cls_id]
    markers, ranges, indices, own = [], [], [], []
    for i in range(context_start, end):
        markers.append(len(ids))
        ids.append(marker_id)
        body = sentences[i].ids[: lengths[i] - 1]
        ranges.append((len(ids), len(ids) + len(body)))
        ids.extend(body)
        indices.append(i)
        own.append(i >= own_start)
    ids.append(sep_id)
    return Window(ids, indices, own, markers, ranges, doc_index)

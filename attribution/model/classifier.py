"""Inference with the windowed token-classification model.

Windows from many articles are batched together, sorted by length so padding
stays small, run under ``torch.inference_mode``, and their outputs put back in
article and sentence order. Each sentence is labelled by the window that owns
it (see :mod:`attribution.model.windows`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

from attribution.labels import LABELS
from attribution.model.saved import DEFAULT_OVERLAP, WINDOW_MAX_LENGTH
from attribution.model.tags import ID2TAG, SENTENCE_IDS, SPAN_IDS, check_label_maps
from attribution.model.windows import SentenceTokens, Window, build_windows, tokenize_sentences
from attribution.results import Prediction
from attribution.segment import Sentence


def set_threads(threads: int | None = None) -> int:
    """Use as many torch threads as cores this process may run on (or ``threads``)."""
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    torch.set_num_threads(max(1, threads))
    return threads


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Dynamic int8 quantization of the Linear layers (CPU inference)."""
    from torch.ao.quantization import quantize_dynamic

    return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def _span_from_tags(tags: list[str], offsets: list[tuple[int, int]], kind: str) -> tuple[int, int] | None:
    """The first contiguous B-/I- span of ``kind`` as character offsets within the sentence."""
    start = end = None
    for tag, (s, e) in zip(tags, offsets, strict=False):
        if tag == f"B-{kind}" or (tag == f"I-{kind}" and start is None):
            if start is not None:
                break
            start, end = s, e
        elif tag == f"I-{kind}" and start is not None:
            end = e
        elif start is not None:
            break
    return (start, end) if start is not None and end > start else None


def _by_article(windows: Sequence[Window]) -> list[list[int]]:
    """Indices of the windows of each article (by ``doc_index``), articles in order of first appearance."""
    groups: dict[int, list[int]] = {}
    for i, window in enumerate(windows):
        groups.setdefault(window.doc_index, []).append(i)
    return list(groups.values())


class WindowClassifier:
    """A saved windowed model, ready to label articles."""

    def __init__(self, model, tokenizer, max_length: int = WINDOW_MAX_LENGTH, overlap: int = DEFAULT_OVERLAP,
                 batch_size: int = 16, name: str = "window"):
        check_label_maps(model.config.id2label)
        self.model = model.eval()
        self._eager = None  # the uncompiled model, kept while a compiled one is on trial
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.overlap = overlap
        self.batch_size = batch_size
        self.name = name

    @classmethod
    def from_pretrained(cls, path: str | Path, quantize: str | None = None, batch_size: int = 16):
        """Load a model directory written by ``attribution train`` (fp16 weights are upcast to fp32; see
        :meth:`attribution.model.saved.SavedModel.load`)."""
        from attribution.model.saved import SavedModel

        return SavedModel.load(path, quantize, design="window").classifier(batch_size)

    def compile(self) -> None:
        """Run the encoder through ``torch.compile`` (about 1.2x faster on CPU, same labels, a minute or two of
        compilation on first use); falls back to eager mode if compilation fails (e.g. no C compiler)."""
        self._eager = self.model
        self.model = torch.compile(self.model, dynamic=True)

    def _run(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self._eager is None:
            return self.model(input_ids=ids, attention_mask=mask).logits
        try:
            logits = self.model(input_ids=ids, attention_mask=mask).logits
        except Exception as exc:  # any compiler failure (no C compiler, unsupported op): run eagerly
            print(f"attribution: torch.compile failed ({type(exc).__name__}: {str(exc)[:200]}); running uncompiled",
                  file=sys.stderr)
            self.model, self._eager = self._eager, None
            return self.model(input_ids=ids, attention_mask=mask).logits
        return logits

    def _windows(self, articles: Sequence[Sequence[Sentence]]) -> tuple[list[Window], list[list[SentenceTokens]]]:
        flat = [s.text for sentences in articles for s in sentences]
        tokens = tokenize_sentences(self.tokenizer, flat)
        per_article, windows, cursor = [], [], 0
        tok = self.tokenizer
        for doc_index, sentences in enumerate(articles):
            article_tokens = tokens[cursor : cursor + len(sentences)]
            cursor += len(sentences)
            per_article.append(article_tokens)
            windows.extend(build_windows(article_tokens, tok.cls_token_id, tok.sep_token_id, tok.sep_token_id,
                                         self.max_length, self.overlap, doc_index))
        return windows, per_article

    @torch.inference_mode()
    def _forward(self, windows: list[Window]) -> list[torch.Tensor]:
        """Logits per window, returned in the windows' order.

        Each article's windows are run apart from every other article's, in length-sorted batches of at most
        ``batch_size``: a window's logits then depend on its own article only, so records are byte-identical
        whatever else shares a run's batch (floating-point matrix products give last-bit differences with the
        shape of the batch), and the article's padding stays small.
        """
        outputs: list[torch.Tensor | None] = [None] * len(windows)
        pad = self.tokenizer.pad_token_id
        for members in _by_article(windows):
            order = sorted(members, key=lambda i: len(windows[i].input_ids))
            for b in range(0, len(order), self.batch_size):
                batch = order[b : b + self.batch_size]
                width = max(len(windows[i].input_ids) for i in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    n = len(windows[i].input_ids)
                    ids[row, :n] = torch.tensor(windows[i].input_ids)
                    mask[row, :n] = 1
                logits = self._run(ids, mask).float()
                for row, i in enumerate(batch):
                    outputs[i] = logits[row, : len(windows[i].input_ids)]
        return outputs  # type: ignore[return-value]

    def predict_articles(self, articles: Sequence[tuple[str, Sequence[Sentence]]]) -> list[list[Prediction]]:
        """Per article, per sentence: label, probabilities, and the tagged source and cue spans relative to the
        sentence (each from the window that owns the sentence)."""
        sentence_lists = [sentences for _, sentences in articles]
        windows, tokens = self._windows(sentence_lists)
        logits = self._forward(windows)
        results: list[list[Prediction | None]] = [[None] * len(s) for s in sentence_lists]
        sentence_ids = torch.tensor(SENTENCE_IDS)
        span_ids = torch.tensor(SPAN_IDS)
        for window, window_logits in zip(windows, logits, strict=True):
            for k, index in enumerate(window.sentence_indices):
                if not window.own[k]:
                    continue
                probs = torch.softmax(window_logits[window.marker_positions[k], sentence_ids], dim=-1).tolist()
                label = LABELS[max(range(len(LABELS)), key=probs.__getitem__)]
                start, end = window.token_ranges[k]
                tag_ids = span_ids[window_logits[start:end, span_ids].argmax(dim=-1)].tolist()
                tags = [ID2TAG[t] for t in tag_ids]
                offsets = tokens[window.doc_index][index].offsets[: end - start]
                results[window.doc_index][index] = Prediction(
                    label, dict(zip(LABELS, probs, strict=True)),
                    _span_from_tags(tags, offsets, "SRC"), _span_from_tags(tags, offsets, "CUE"),
                )
        return results  # type: ignore[return-value]

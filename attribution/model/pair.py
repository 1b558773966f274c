"""Inference for the per-sentence design: (previous sentence, sentence) pairs.

The model gives the label; it has no span head, so the source mention and cue of a sentence it labels
attributed come from the transparent extractor (:func:`attribution.sources.find_attribution`), the one
the rules baseline uses. Quality and speed against the windowed design are in the model card and the
benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from attribution.labels import DIRECT_FACT, LABELS
from attribution.model.saved import PAIR_MAX_LENGTH
from attribution.results import Prediction
from attribution.segment import Sentence
from attribution.sources import find_attribution


def _spans(sentence: Sentence, label: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Source and cue offsets of an attributed sentence, from the extractor, relative to the sentence."""
    found = find_attribution(sentence.text) if label != DIRECT_FACT else None
    if found is None:
        return None, None
    source = (found.source.start, found.source.end) if found.source else None
    cue_span = found.cue or found.hearsay_marker  # "reportedly" is the cue of sourceless hearsay, as in the rules
    cue = (cue_span.start, cue_span.end) if cue_span else None
    return source, cue


def sentence_pairs(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(previous sentence, sentence) for each sentence of one article, in order; the first sentence's previous
    is the empty string. Training (:func:`attribution.training.features.pair_features`) and inference build
    pairs here."""
    return [(texts[i - 1] if i else "", text) for i, text in enumerate(texts)]


def encode_pairs(tokenizer, pairs: Sequence[tuple[str, str]], max_length: int = PAIR_MAX_LENGTH,
                 tensors: bool = False):
    """The pair model's inputs for ``pairs`` of (previous sentence, sentence): the two as one sequence pair,
    truncated longest first to ``max_length`` tokens (at most :data:`PAIR_MAX_LENGTH`). ``tensors=True`` pads
    to the longest pair and returns torch tensors (inference batches); otherwise lists of ids, unpadded
    (training features, padded later by the collator). The one tokenizer call of training and inference."""
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    if tensors:
        return tokenizer(firsts, seconds, padding=True, truncation="longest_first", max_length=max_length,
                         return_tensors="pt")
    return tokenizer(firsts, seconds, truncation="longest_first", max_length=max_length)


#: The cost of one more batch in :func:`length_batches`, in padded tokens: a forward pass has a fixed cost (one
#: call through every layer) besides the work per token, so two batches are worth it only when splitting saves
#: more padding than this.
BATCH_COST_TOKENS = 32


def length_batches(lengths: Sequence[int], batch_size: int, batch_cost: int = BATCH_COST_TOKENS) -> list[list[int]]:
    """Indices of ``lengths`` in batches of at most ``batch_size``, shortest first, cut where padding is least.

    The inputs are sorted by length (ties by position) and split into runs of neighbours so that the tokens
    computed (each batch padded to its longest input), plus ``batch_cost`` per batch, are fewest: an exact
    dynamic programme over the cut points. A function of the lengths alone, so an article's batches, and hence its
    results, never depend on what else is scored with it."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    n = len(order)
    best = [0] + [0] * n  # best[j]: least cost of the first j inputs
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        width = lengths[order[j - 1]]  # sorted: the batch ending at j is padded to this
        best[j], cut[j] = min((best[i] + width * (j - i) + batch_cost, i) for i in range(max(0, j - batch_size), j))
    batches, j = [], n
    while j > 0:
        batches.append(order[cut[j] : j])
        j = cut[j]
    return batches[::-1]


class PairClassifier:
    """A saved pair model: one encoder pass per sentence, batched and length-sorted within each article.

    ``encoder`` (an :class:`attribution.model.onnx_backend.OnnxEncoder`) runs the forward passes in ONNX Runtime
    instead of PyTorch; the torch model then serves only its label map. ``tokens`` and ``padded_tokens`` count the
    real and the computed (padded) input tokens of every forward pass so far (the benchmark's padding share).
    """

    def __init__(self, model, tokenizer, batch_size: int = 32, max_length: int = PAIR_MAX_LENGTH,
                 name: str = "pair", encoder: Any = None):
        saved = tuple(model.config.id2label[i] for i in range(len(LABELS)))
        if saved != LABELS:
            raise ValueError(f"model label map {saved} does not match {LABELS}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length
        self.name = name
        self.encoder = encoder
        self.tokens = 0
        self.padded_tokens = 0

    @property
    def backend(self) -> str:
        """``"onnx"`` when an ONNX Runtime encoder runs the forward passes, else ``"torch"``."""
        return "torch" if self.encoder is None else "onnx"

    @classmethod
    def from_pretrained(cls, path: str | Path, quantize: str | None = None, batch_size: int = 32):
        """Load a pair model directory written by ``attribution train`` (see
        :meth:`attribution.model.saved.SavedModel.load`)."""
        from attribution.model.saved import SavedModel

        return SavedModel.load(path, quantize, design="pair").classifier(batch_size)

    @torch.inference_mode()
    def _article_probs(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """Class probabilities of one article's (previous sentence, sentence) pairs, in their order.

        The article is run on its own, in the batches of :meth:`batches`: a sentence's probabilities then depend
        on its own article only, so records are byte-identical whatever else shares a run's batch (floating-point
        matrix products give last-bit differences with the shape of the batch).
        """
        probs: list[list[float]] = [[]] * len(pairs)
        for batch, inputs in self.batches(pairs):
            out = torch.softmax(self.forward(inputs), dim=-1).tolist()
            mask = inputs["attention_mask"]
            self.tokens += int(mask.sum())
            self.padded_tokens += mask.shape[0] * mask.shape[1]
            for i, row in zip(batch, out, strict=True):
                probs[i] = row
        return probs

    def batches(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], dict[str, Any]]]:
        """The forward passes of one article's pairs: per batch, the indices of its pairs and the model's inputs.

        On PyTorch: length-sorted (by characters) batches of ``batch_size``, tokenized and padded per batch (the
        labels and probabilities the model has always given). On ONNX Runtime: the article tokenized in one call,
        unpadded, cut by :func:`length_batches` (a fraction of the fixed-size batches' padding), each batch padded
        here to its longest pair, as numpy arrays."""
        if self.encoder is None:
            order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
            return [(order[b : b + self.batch_size],
                     encode_pairs(self.tokenizer, [pairs[i] for i in order[b : b + self.batch_size]], self.max_length,
                                  tensors=True))
                    for b in range(0, len(order), self.batch_size)]
        import numpy as np

        encoded = encode_pairs(self.tokenizer, pairs, self.max_length)
        columns = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in encoded]
        lengths = [len(ids) for ids in encoded["input_ids"]]
        pad = {"input_ids": self.tokenizer.pad_token_id or 0, "attention_mask": 0, "token_type_ids": 0}
        out = []
        for batch in length_batches(lengths, self.batch_size):
            width = max(lengths[i] for i in batch)
            feeds = {}
            for name in columns:
                array = np.full((len(batch), width), pad[name], dtype=np.int64)
                for row, i in enumerate(batch):
                    array[row, : lengths[i]] = encoded[name][i]
                feeds[name] = array
            out.append((batch, feeds))
        return out

    @torch.inference_mode()
    def forward(self, inputs: dict[str, Any]) -> torch.Tensor:
        """The logits (float32, batch x labels) of one batch from :meth:`batches`, on this classifier's backend."""
        if self.encoder is None:
            return self.model(**inputs).logits.float()
        return torch.from_numpy(self.encoder(inputs)).float()

    def predict_articles(self, articles: Sequence[tuple[str, Sequence[Sentence]]]) -> list[list[Prediction]]:
        """Per article, per sentence: label, probabilities, and source and cue spans relative to the sentence."""
        results = []
        for _, sentences in articles:
            probs = self._article_probs(sentence_pairs([s.text for s in sentences]))
            article = []
            for sentence, row in zip(sentences, probs, strict=True):
                label = LABELS[max(range(len(LABELS)), key=row.__getitem__)]
                article.append(Prediction(label, dict(zip(LABELS, row, strict=True)), *_spans(sentence, label)))
            results.append(article)
        return results

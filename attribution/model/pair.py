"""Inference for the per-sentence design: (previous sentence, sentence) pairs.

The model gives the label; it has no span head, so the source mention and cue of a sentence it labels
attributed come from the transparent extractor (:func:`attribution.sources.find_attribution`), the one
the rules baseline uses. Quality and speed against the windowed design are in the model card and the
benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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


class PairClassifier:
    """A saved pair model: one encoder pass per sentence, batched and length-sorted within each article."""

    def __init__(self, model, tokenizer, batch_size: int = 32, max_length: int = PAIR_MAX_LENGTH,
                 name: str = "pair"):
        saved = tuple(model.config.id2label[i] for i in range(len(LABELS)))
        if saved != LABELS:
            raise ValueError(f"model label map {saved} does not match {LABELS}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length
        self.name = name

    @classmethod
    def from_pretrained(cls, path: str | Path, quantize: str | None = None, batch_size: int = 32):
        """Load a pair model directory written by ``attribution train`` (see
        :meth:`attribution.model.saved.SavedModel.load`)."""
        from attribution.model.saved import SavedModel

        return SavedModel.load(path, quantize, design="pair").classifier(batch_size)

    @torch.inference_mode()
    def _article_probs(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """Class probabilities of one article's (previous sentence, sentence) pairs, in their order.

        The article is run on its own, in length-sorted batches of at most ``batch_size`` pairs: a sentence's
        probabilities then depend on its own article only, so records are byte-identical whatever else shares
        a run's batch (floating-point matrix products give last-bit differences with the shape of the batch).
        """
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        probs: list[list[float]] = [[]] * len(pairs)
        for b in range(0, len(order), self.batch_size):
            batch = order[b : b + self.batch_size]
            encoded = encode_pairs(self.tokenizer, [pairs[i] for i in batch], self.max_length, tensors=True)
            out = torch.softmax(self.model(**encoded).logits.float(), dim=-1).tolist()
            for i, row in zip(batch, out, strict=True):
                probs[i] = row
        return probs

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

"""Turn labelled sentence records into model inputs: article windows with tags, or sentence pairs.

The windows are built by :mod:`attribution.model.windows`, the code inference
uses, so training sees exactly the inputs the shipped model will see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attribution.labels import LABEL2ID
from attribution.model.pair import encode_pairs, sentence_pairs
from attribution.model.saved import PAIR_MAX_LENGTH
from attribution.model.tags import IGNORE, TAG2ID, sentence_tag_id
from attribution.model.windows import build_windows, tokenize_sentences
from attribution.segment import Sentence

Record = Mapping[str, Any]

#: Record key of a sentence that gives context but is not trained on (see :mod:`attribution.training.augment`).
CONTEXT_ONLY = "context_only"

#: Record key of a teacher's probabilities over the labels (in LABELS order): a distillation record
#: (:mod:`attribution.training.distill`), trained on these soft targets instead of its ``label``.
TEACHER_PROBS = "teacher_probs"


def is_soft(record: Record) -> bool:
    """Whether a record trains on a teacher's probabilities (distillation) rather than on its label."""
    return bool(record.get(TEACHER_PROBS))


def group_articles(records: Iterable[Record]) -> list[list[Record]]:
    """Records grouped by ``doc_id`` (first-seen order), each article sorted by ``sent_idx``."""
    articles: dict[str, list[Record]] = {}
    for record in records:
        articles.setdefault(record["doc_id"], []).append(record)
    return [sorted(sentences, key=lambda r: r["sent_idx"]) for sentences in articles.values()]


def rebuilt_articles(records: Iterable[Record]) -> tuple[list[list[Record]], list[tuple[str, list[Sentence]]]]:
    """The records grouped into articles (:func:`group_articles`), and each article rebuilt as text plus
    sentences (the sentences joined by newlines, offsets into that text), the input a classifier takes."""
    grouped = group_articles(records)
    rebuilt = []
    for article in grouped:
        sentences, cursor = [], 0
        for i, record in enumerate(article):
            sentences.append(Sentence(i, cursor, cursor + len(record["text"]), record["text"]))
            cursor += len(record["text"]) + 1
        rebuilt.append(("\n".join(r["text"] for r in article), sentences))
    return grouped, rebuilt


def _bio(offsets: Sequence[tuple[int, int]], spans: Sequence[Sequence[int]], kind: str, tags: list[int]) -> None:
    for span_start, span_end in spans:
        first = True
        for i, (s, e) in enumerate(offsets):
            if e > span_start and s < span_end and e > s:
                tags[i] = TAG2ID[("B-" if first else "I-") + kind]
                first = False


def token_tags(offsets: Sequence[tuple[int, int]], record: Record) -> list[int]:
    """BIO tag ids for a sentence's tokens from its source and cue spans (offsets within the sentence)."""
    tags = [TAG2ID["O"]] * len(offsets)
    _bio(offsets, record.get("source_spans") or [], "SRC", tags)
    _bio(offsets, record.get("cue_spans") or [], "CUE", tags)
    return tags


def window_features(articles: Sequence[Sequence[Record]], tokenizer, max_length: int, overlap: int) -> list[dict]:
    """One feature dict (``input_ids``, ``attention_mask``, ``labels``, ``soft_positions``, ``soft_targets``) per
    window; context positions ignored, and so are ``context_only`` sentences (the unchanged sentences of an
    augmented article copy). A distillation sentence (:func:`is_soft`) has no hard label and no span tags: its
    marker position goes to ``soft_positions`` and the teacher's probabilities to ``soft_targets``, flattened
    (three per position), which :func:`soft_collator` turns back into a tensor."""
    features = []
    for article in articles:
        tokens = tokenize_sentences(tokenizer, [r["text"] for r in article])
        windows = build_windows(tokens, tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.sep_token_id,
                                max_length, overlap)
        for window in windows:
            labels = [IGNORE] * len(window.input_ids)
            soft_positions: list[int] = []
            soft_targets: list[float] = []
            for k, index in enumerate(window.sentence_indices):
                record = article[index]
                if not window.own[k] or record.get(CONTEXT_ONLY):
                    continue
                if is_soft(record):
                    soft_positions.append(window.marker_positions[k])
                    soft_targets.extend(float(p) for p in record[TEACHER_PROBS])
                    continue
                labels[window.marker_positions[k]] = sentence_tag_id(record["label"])
                start, end = window.token_ranges[k]
                labels[start:end] = token_tags(tokens[index].offsets[: end - start], record)
            if not soft_positions and all(label == IGNORE for label in labels):
                continue  # an augmented article's windows away from its one labelled sentence
            features.append({"input_ids": window.input_ids, "attention_mask": [1] * len(window.input_ids),
                             "labels": labels, "soft_positions": soft_positions, "soft_targets": soft_targets})
    return features


def pair_features(articles: Sequence[Sequence[Record]], tokenizer, max_length: int = PAIR_MAX_LENGTH) -> list[dict]:
    """(previous sentence, sentence) pairs with the sentence label, for the per-sentence design; built and
    tokenized by :func:`~attribution.model.pair.sentence_pairs` and :func:`~attribution.model.pair.encode_pairs`,
    as inference builds them. A ``context_only`` sentence is the previous sentence of the next, not trained on."""
    if any(is_soft(r) for article in articles for r in article):
        raise ValueError("distillation records (teacher_probs) train the window design only; the pair design "
                         "would read only their teacher's top label")
    pairs, labels = [], []
    for article in articles:
        for record, pair in zip(article, sentence_pairs([r["text"] for r in article]), strict=True):
            if not record.get(CONTEXT_ONLY):
                pairs.append(pair)
                labels.append(LABEL2ID[record["label"]])
    encoded = encode_pairs(tokenizer, pairs, max_length)
    return [{"input_ids": ids, "attention_mask": mask, "labels": label}
            for ids, mask, label in zip(encoded["input_ids"], encoded["attention_mask"], labels, strict=True)]


def soft_collator(base: Callable[[list[dict]], dict]) -> Callable[[list[dict]], dict]:
    """Wrap a token-classification collator: ``soft_positions``/``soft_targets`` of each feature become a
    ``soft_targets`` tensor (batch, length, labels) and a boolean ``soft_mask`` (batch, length), padded like the
    rest; features without the keys (or none soft) give an all-false mask."""
    import torch

    def collate(features: list[dict]) -> dict:
        positions = [list(f.pop("soft_positions", None) or []) for f in features]
        targets = [list(f.pop("soft_targets", None) or []) for f in features]
        batch = base(features)
        size, length = batch["input_ids"].shape
        soft = torch.zeros(size, length, len(LABEL2ID))
        mask = torch.zeros(size, length, dtype=torch.bool)
        for row, (where, probs) in enumerate(zip(positions, targets, strict=True)):
            if where:
                soft[row, where] = torch.tensor(probs, dtype=torch.float).reshape(len(where), len(LABEL2ID))
                mask[row, where] = True
        batch["soft_targets"], batch["soft_mask"] = soft, mask
        return batch

    return collate

"""The model's label space: sentence labels read at marker tokens, BIO span tags on ordinary tokens.

One token-classification head holds both, so the saved ``config.json`` carries
every label in ``id2label`` and a standard ``AutoModelForTokenClassification``
loads it. The sentence labels come from :mod:`attribution.labels`.
"""

from __future__ import annotations

from attribution.labels import LABELS

SENTENCE_PREFIX = "SENT-"
SENTENCE_TAGS: tuple[str, ...] = tuple(SENTENCE_PREFIX + label for label in LABELS)
SPAN_TAGS: tuple[str, ...] = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE")
ALL_TAGS: tuple[str, ...] = SENTENCE_TAGS + SPAN_TAGS

TAG2ID: dict[str, int] = {tag: i for i, tag in enumerate(ALL_TAGS)}
ID2TAG: dict[int, str] = dict(enumerate(ALL_TAGS))
SENTENCE_IDS: tuple[int, ...] = tuple(TAG2ID[t] for t in SENTENCE_TAGS)
SPAN_IDS: tuple[int, ...] = tuple(TAG2ID[t] for t in SPAN_TAGS)
IGNORE = -100


def sentence_tag_id(label: str) -> int:
    return TAG2ID[SENTENCE_PREFIX + label]


def check_label_maps(id2label: dict) -> None:
    """Refuse a model whose saved label map is not this version's tag set (labels renamed or reordered)."""
    saved = tuple(id2label[i] if i in id2label else id2label[str(i)] for i in range(len(id2label)))
    if saved != ALL_TAGS:
        raise ValueError(f"model label map {saved} does not match this version's tag set {ALL_TAGS}")

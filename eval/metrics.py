"""Metrics over aligned units: the label scores (scikit-learn), and the figures users of the tool care about.

``missed`` (a gold unit no prediction covers) is a wrong answer: it lowers the recall of the
gold label and counts against accuracy and kappa, but is nobody's false positive.
F1 uses scikit-learn's ``zero_division=0``: a label with no gold and no predicted units scores 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from attribution.eval.align import MISSED, AlignedUnit, DocAlignment, overlap
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, LABELS

#: Columns of the confusion matrix: the predicted labels, then ``missed``. Rows are ``LABELS``.
PREDICTED_COLUMNS: tuple[str, ...] = LABELS + (MISSED,)


def confusion_counts(gold: Sequence[str], predicted: Sequence[str]) -> np.ndarray:
    """The 3 x 4 confusion matrix: rows gold ``LABELS``, columns ``PREDICTED_COLUMNS``."""
    if not gold:
        return np.zeros((len(LABELS), len(PREDICTED_COLUMNS)), dtype=np.int64)
    full = confusion_matrix(gold, predicted, labels=list(PREDICTED_COLUMNS))
    return full[: len(LABELS)].astype(np.int64)


def f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Per-label F1 from confusion matrices of shape (..., 3, 4), as scikit-learn computes it.

    Vectorised so that the bootstrap can score a thousand resamples at once.
    """
    counts = np.asarray(counts, dtype=float)
    tp = np.diagonal(counts[..., : len(LABELS)], axis1=-2, axis2=-1)
    predicted = counts[..., : len(LABELS)].sum(axis=-2)
    gold = counts.sum(axis=-1)
    denominator = predicted + gold  # = 2tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * tp / np.where(denominator > 0, denominator, 1), 0.0)


def label_metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-label precision/recall/F1/support, macro-F1, accuracy, Cohen's kappa and the confusion matrix."""
    labels = list(LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kappa is undefined (nan) when both sides use a single label
        kappa = cohen_kappa_score(gold, predicted, labels=list(PREDICTED_COLUMNS))
    return {
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, predicted)),
        "cohen_kappa": None if np.isnan(kappa) else float(kappa),
        "confusion_matrix": {
            "rows": labels,
            "columns": list(PREDICTED_COLUMNS),
            "counts": confusion_counts(gold, predicted).tolist(),
        },
    }


def anonymous_shares(docs: Sequence[DocAlignment]) -> list[dict[str, Any]]:
    """Per article: gold share of anonymous units vs the share among the system's own sentences.

    The predicted share is what the tool's article profile reports (leaked boilerplate and the
    system's segmentation included); an article the system gave nothing for has share 0.
    Articles with no scored gold unit are left out.
    """
    rows = []
    for doc in docs:
        scored = doc.scored
        if not scored:
            continue
        gold_share = sum(u.gold.label == ANONYMOUS_SOURCE_QUOTE for u in scored) / len(scored)
        sentences = doc.predicted
        predicted_share = (
            sum(s.label == ANONYMOUS_SOURCE_QUOTE for s in sentences) / len(sentences) if sentences else 0.0
        )
        rows.append({
            "doc_id": doc.doc_id, "gold": gold_share, "predicted": predicted_share,
            "abs_error": abs(predicted_share - gold_share),
        })
    return rows


def span_f1(gold: tuple[int, int], predicted: tuple[int, int] | None) -> float:
    """Character-overlap F1 of two spans (0 when nothing is predicted)."""
    if predicted is None:
        return 0.0
    shared = max(0, min(gold[1], predicted[1]) - max(gold[0], predicted[0]))
    if shared == 0:
        return 0.0
    precision, recall = shared / (predicted[1] - predicted[0]), shared / (gold[1] - gold[0])
    return 2 * precision * recall / (precision + recall)


def source_match(units: Sequence[AlignedUnit]) -> dict[str, Any]:
    """Source-mention match over scored units whose gold names a source: mean overlap F1 and exact share."""
    with_source = [u for u in units if u.gold.source is not None]
    if not with_source:
        return {"units": 0, "overlap_f1": None, "exact": None}
    scores = [span_f1(u.gold.source, u.predicted.source if u.predicted else None) for u in with_source]
    exact = [u.predicted is not None and u.predicted.source == u.gold.source for u in with_source]
    return {"units": len(with_source), "overlap_f1": float(np.mean(scores)), "exact": float(np.mean(exact))}


def boilerplate_leaks(docs: Sequence[DocAlignment]) -> dict[str, Any]:
    """Gold boilerplate units that reached classification: count, rate, and which (offsets only)."""
    units = [u for doc in docs for u in doc.units if not u.gold.is_content]
    leaks = [u for u in units if u.leaked]
    return {
        "units": len(units),
        "leaked": len(leaks),
        "leak_rate": len(leaks) / len(units) if units else None,
        "leaks": [
            {"doc_id": u.gold.doc_id, "unit_id": u.gold.unit_id, "start": u.gold.start, "end": u.gold.end,
             "predicted": u.label,
             "overlap": overlap(u.gold.start, u.gold.end, u.predicted) if u.predicted else 0}
            for u in leaks
        ],
    }


def unaligned_predictions(docs: Sequence[DocAlignment]) -> int:
    """Predicted sentences that overlap no gold unit (text the gold set does not cover)."""
    count = 0
    for doc in docs:
        for sentence in doc.predicted:
            if not any(overlap(u.gold.start, u.gold.end, sentence) for u in doc.units):
                count += 1
    return count

"""Document-level bootstrap: confidence intervals, and paired comparisons between systems.

Sentences of one article are not independent (one writer, one topic, one sourcing habit), so
resampling draws whole documents with replacement. Each document is reduced once to its
confusion counts and its anonymous-share error; a resample is then a weighted sum, which
scores a thousand resamples in milliseconds. The same seeded draws are used for every system,
which makes the comparison *paired*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from attribution.eval.align import DocAlignment
from attribution.eval.metrics import anonymous_shares, confusion_counts, f1_from_counts

from attribution.labels import LABELS

#: Metrics resampled for every system; ``True`` when higher is better.
RESAMPLED: dict[str, bool] = {"macro_f1": True, **{f"f1/{label}": True for label in LABELS},
                              "anonymous_share_mae": False}


@dataclass(frozen=True)
class DocStats:
    """Per-document sufficient statistics: (n_docs, 3, 4) confusion counts, (n_docs,) anonymous-share errors."""

    counts: np.ndarray
    anon_error: np.ndarray  # nan where the document has no scored unit


def doc_stats(docs: Sequence[DocAlignment]) -> DocStats:
    """Reduce each aligned document (in gold order) to what the resampled metrics need."""
    counts = np.stack([confusion_counts([u.gold.label for u in d.scored], [u.label for u in d.scored])
                       for d in docs])
    errors = {row["doc_id"]: row["abs_error"] for row in anonymous_shares(docs)}
    return DocStats(counts, np.array([errors.get(d.doc_id, np.nan) for d in docs], dtype=float))


def resample_weights(n_docs: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, n_docs) multiplicities of each document in each resample, from a seeded generator."""
    draws = np.random.default_rng(seed).integers(0, n_docs, size=(n_resamples, n_docs))
    flat = draws + np.arange(n_resamples)[:, None] * n_docs
    return np.bincount(flat.ravel(), minlength=n_resamples * n_docs).reshape(n_resamples, n_docs)


def resampled_metrics(stats: DocStats, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Each :data:`RESAMPLED` metric, one value per resample (nan where undefined)."""
    counts = np.tensordot(weights, stats.counts, axes=(1, 0))
    f1 = f1_from_counts(counts)
    valid = ~np.isnan(stats.anon_error)
    total_error = weights @ np.where(valid, stats.anon_error, 0.0)
    n_articles = weights @ valid
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = np.where(n_articles > 0, total_error / np.maximum(n_articles, 1), np.nan)
    values = {"macro_f1": f1.mean(axis=-1), "anonymous_share_mae": mae}
    values.update({f"f1/{label}": f1[:, i] for i, label in enumerate(LABELS)})
    return values


def interval(values: np.ndarray, confidence: float = 0.95) -> list[float] | None:
    """The percentile interval of the resampled values (``None`` when no resample defines the metric)."""
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return [float(low), float(high)]


def paired_difference(
    baseline: np.ndarray, system: np.ndarray, point: float | None, higher_is_better: bool, confidence: float = 0.95
) -> dict[str, Any]:
    """System minus baseline over the same resamples: point difference, interval, share of resamples won.

    ``wins`` counts strict improvements only, so a system compared with itself wins 0 and ties 1.
    """
    diff = system - baseline
    defined = diff[~np.isnan(diff)]
    better = defined > 0 if higher_is_better else defined < 0
    return {
        "difference": point,
        "ci": interval(diff, confidence),
        "wins": float(better.mean()) if defined.size else None,
        "ties": float((defined == 0).mean()) if defined.size else None,
    }

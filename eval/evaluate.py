"""The evaluator's Python API: score one or more systems against a gold set, into one JSON-ready report.

Usage::

    from attribution.eval.gold import load_default_gold
    from attribution.eval.predictions import read_predictions, run_model

    gold = load_default_gold()
    report = evaluate(gold, [run_model(gold, "rules"), read_predictions("scored.jsonl")])
    report["systems"][0]["metrics"]["macro_f1"], report["comparisons"][0]["metrics"]["macro_f1"]

The report holds figures and offsets only, never corpus text, so it can be stored anywhere;
:mod:`attribution.eval.report` joins the text back for the error list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from attribution.eval.align import AlignedUnit, DocAlignment, align
from attribution.eval.bootstrap import (
    RESAMPLED,
    doc_stats,
    interval,
    paired_difference,
    resample_weights,
    resampled_metrics,
)
from attribution.eval.gold import GoldSet
from attribution.eval.metrics import (
    anonymous_shares,
    boilerplate_leaks,
    label_metrics,
    source_match,
    unaligned_predictions,
)
from attribution.eval.predictions import Predictions, check_predictions
from attribution.eval.provenance import run_metadata

from attribution.labels import LABELS
from attribution.summary import DEFAULT_RESAMPLES, DEFAULT_SEED  # one bootstrap default for the project


def gold_summary(gold: GoldSet) -> dict[str, Any]:
    """Sizes of the gold set: documents, units, what is scored, duplicates, boilerplate, labels."""
    docs = align(gold, Predictions("none", "none", {}))
    units = [u for d in docs for u in d.units]
    scored = [u for u in units if u.scored]
    return {
        "name": gold.name,
        "documents": len(gold.texts),
        "units": len(units),
        "scored_units": len(scored),
        "duplicate_units": sum(u.duplicate_of is not None for u in units),
        "boilerplate_units": sum(not u.gold.is_content for u in units),
        "units_with_source": sum(u.gold.source is not None for u in scored),
        "labels": {label: Counter(u.gold.label for u in scored)[label] for label in LABELS},
    }


def _offsets(unit: AlignedUnit) -> dict[str, Any]:
    return {"doc_id": unit.gold.doc_id, "unit_id": unit.gold.unit_id, "start": unit.gold.start,
            "end": unit.gold.end, "gold": unit.gold.label}


def _score(gold: GoldSet, system: Predictions) -> tuple[dict[str, Any], list[DocAlignment]]:
    """One system's figures (without intervals) and its aligned documents."""
    docs = align(gold, system)
    scored = [u for d in docs for u in d.scored]
    metrics = label_metrics([u.gold.label for u in scored], [u.label for u in scored])
    shares = anonymous_shares(docs)
    metrics["anonymous_share"] = {
        "mae": sum(r["abs_error"] for r in shares) / len(shares) if shares else None,
        "articles": len(shares),
        "per_article": shares,
    }
    metrics["source_match"] = source_match(scored)
    metrics["boilerplate"] = boilerplate_leaks(docs)
    result = {
        "name": system.name,
        "origin": system.origin,
        "metrics": metrics,
        "missing_documents": [d.doc_id for d in docs if not d.in_predictions],
        "failed_documents": dict(system.failed),
        "missed_units": [_offsets(u) for u in scored if u.predicted is None],
        "predicted_sentences": sum(len(d.predicted) for d in docs),
        "unaligned_predictions": unaligned_predictions(docs),
        "errors": [
            {**_offsets(u), "predicted": u.label,
             "predicted_start": u.predicted.start if u.predicted else None,
             "predicted_end": u.predicted.end if u.predicted else None}
            for u in scored if u.label != u.gold.label
        ],
    }
    return result, docs


def per_kind(gold: GoldSet, docs: Sequence[DocAlignment], resamples: int, seed: int,
             confidence: float) -> dict[str, dict[str, Any]]:
    """Per kind of text (corpus): macro-F1 and anonymous F1 with document-bootstrap intervals, and the
    anonymous share the system predicts against the true share over the kind's scored units."""
    groups: dict[str, list[DocAlignment]] = {}
    for doc in docs:
        groups.setdefault(gold.kind(doc.doc_id), []).append(doc)
    table = {}
    for kind, members in sorted(groups.items()):
        scored = [u for d in members for u in d.scored]
        if not scored:
            continue
        metrics = label_metrics([u.gold.label for u in scored], [u.label for u in scored])
        values = resampled_metrics(doc_stats(members), resample_weights(len(members), resamples, seed))
        anonymous = "anonymous_source_quote"
        table[kind] = {
            "documents": len(members), "units": len(scored),
            "macro_f1": metrics["macro_f1"], "macro_f1_ci": interval(values["macro_f1"], confidence),
            "anonymous_f1": metrics["per_label"][anonymous]["f1"],
            "anonymous_f1_ci": interval(values[f"f1/{anonymous}"], confidence),
            "anonymous_support": metrics["per_label"][anonymous]["support"],
            "anonymous_share_true": sum(u.gold.label == anonymous for u in scored) / len(scored),
            "anonymous_share_predicted": sum(u.label == anonymous for u in scored) / len(scored),
        }
    return table


def _point(metrics: dict[str, Any], name: str) -> float | None:
    if name == "macro_f1":
        return metrics["macro_f1"]
    if name == "anonymous_share_mae":
        return metrics["anonymous_share"]["mae"]
    return metrics["per_label"][name.split("/", 1)[1]]["f1"]


def _unique_names(systems: Sequence[Predictions]) -> list[str]:
    names: list[str] = []
    for system in systems:
        name, n = system.name, 2
        while name in names:
            name, n = f"{system.name}-{n}", n + 1
        names.append(name)
    return names


def evaluate(
    gold: GoldSet,
    systems: Sequence[Predictions],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Score each system; add bootstrap intervals and, for systems after the first, a paired comparison.

    Raises :class:`attribution.eval.errors.EvaluationInputError` for predictions that do not fit the gold set.
    """
    if not systems:
        raise ValueError("evaluate() needs at least one system")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError("resamples must be >= 1 and confidence between 0 and 1")
    weights = resample_weights(len(gold.texts), resamples, seed)
    results, resampled = [], []
    for system, name in zip(systems, _unique_names(systems), strict=True):
        result, docs = _score(gold, check_predictions(system, gold))
        result["name"] = name
        values = resampled_metrics(doc_stats(docs), weights)
        metrics = result["metrics"]
        metrics["macro_f1_ci"] = interval(values["macro_f1"], confidence)
        for label in LABELS:
            metrics["per_label"][label]["f1_ci"] = interval(values[f"f1/{label}"], confidence)
        metrics["anonymous_share"]["mae_ci"] = interval(values["anonymous_share_mae"], confidence)
        metrics["per_kind"] = per_kind(gold, docs, resamples, seed, confidence)
        results.append(result)
        resampled.append(values)
    comparisons = []
    for result, values in zip(results[1:], resampled[1:], strict=True):
        base = results[0]["metrics"]
        compared = {}
        for metric, higher_is_better in RESAMPLED.items():
            own, theirs = _point(result["metrics"], metric), _point(base, metric)
            point = None if own is None or theirs is None else own - theirs
            compared[metric] = paired_difference(
                resampled[0][metric], values[metric], point, higher_is_better, confidence
            )
        comparisons.append({"baseline": results[0]["name"], "system": result["name"], "metrics": compared})
    return {
        **run_metadata(),
        "settings": {"resamples": resamples, "seed": seed, "confidence": confidence},
        "labels": list(LABELS),
        "gold": gold_summary(gold),
        "systems": results,
        "comparisons": comparisons,
    }

"""The terminal view of a report: one block per system, then the paired comparisons."""

from __future__ import annotations

from typing import Any

LABEL_WIDTH = 24


def fmt_num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def fmt_ci(ci: list[float] | None, signed: bool = False) -> str:
    return "[n/a]" if ci is None else f"[{fmt_num(ci[0], signed)}, {fmt_num(ci[1], signed)}]"


def fmt_rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def gold_lines(report: dict[str, Any]) -> list[str]:
    """What was scored against: the gold set's size, and how the intervals were made."""
    gold, settings = report["gold"], report["settings"]
    labels = ", ".join(f"{n} {label}" for label, n in gold["labels"].items())
    return [
        f"gold: {gold['name']}: {gold['documents']} documents, {gold['scored_units']} scored units ({labels}); "
        f"{gold['duplicate_units']} repeated units skipped; {gold['boilerplate_units']} boilerplate units",
        f"intervals: {settings['confidence']:.0%} document-level bootstrap, {settings['resamples']} resamples, "
        f"seed {settings['seed']}",
    ]


def system_lines(system: dict[str, Any]) -> list[str]:
    """The block of one system: label table, headline figures, problems, confusion matrix."""
    m = system["metrics"]
    w = LABEL_WIDTH
    lines = [f"== {system['name']} ({system['origin']}) ==",
             f"{'label':<{w}} {'precision':>9} {'recall':>7} {'F1':>6}  {'95% CI':<15} {'support':>7}"]
    for label, row in m["per_label"].items():
        lines.append(f"{label:<{w}} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f}  "
                     f"{fmt_ci(row['f1_ci']):<15} {row['support']:>7}")
    support = sum(row["support"] for row in m["per_label"].values())
    macro_ci = fmt_ci(m["macro_f1_ci"])
    lines.append(f"{'macro-F1':<{w}} {'':>9} {'':>7} {m['macro_f1']:>6.3f}  {macro_ci:<15} {support:>7}")
    anon, source, boiler = m["anonymous_share"], m["source_match"], m["boilerplate"]
    lines += [
        f"accuracy {fmt_num(m['accuracy'])}   Cohen's kappa {fmt_num(m['cohen_kappa'])}",
        f"anonymous share error (MAE per article): {fmt_num(anon['mae'])} {fmt_ci(anon['mae_ci'])} "
        f"over {anon['articles']} articles",
        f"source mention overlap F1: {fmt_num(source['overlap_f1'])} (exact {fmt_num(source['exact'])}) "
        f"over {source['units']} units",
        f"boilerplate leak rate: {fmt_rate(boiler['leak_rate'])} ({boiler['leaked']}/{boiler['units']} units)",
        f"missed units: {len(system['missed_units'])}   documents missing from predictions: "
        f"{len(system['missing_documents'])}   failed documents: {len(system['failed_documents'])}",
    ]
    lines += [f"  missing: {doc_id}" for doc_id in system["missing_documents"]]
    lines += [f"  failed: {doc_id}: {error}" for doc_id, error in system["failed_documents"].items()]
    lines += kind_lines(m.get("per_kind") or {})
    cm = m["confusion_matrix"]
    widths = [max(len(c), 6) for c in cm["columns"]]
    lines.append("confusion matrix (rows gold, columns predicted):")
    lines.append(" " * w + " " + " ".join(f"{c:>{n}}" for c, n in zip(cm["columns"], widths, strict=True)))
    for label, counts in zip(cm["rows"], cm["counts"], strict=True):
        lines.append(f"{label:<{w}} " + " ".join(f"{c:>{n}}" for c, n in zip(counts, widths, strict=True)))
    return lines


def kind_lines(kinds: dict[str, dict[str, Any]]) -> list[str]:
    """The per-kind-of-text table: macro-F1, anonymous F1 (95% CIs), anonymous share predicted vs true."""
    if not kinds:
        return []
    lines = ["per kind of text:",
             f"  {'kind':<26} {'docs':>4} {'units':>5} {'macro-F1':>8} {'95% CI':<15} {'anon F1':>7} "
             f"{'95% CI':<15} {'anon':>4} {'share pred/true':>15}"]
    for kind, row in kinds.items():
        share = f"{row['anonymous_share_predicted']:.1%}/{row['anonymous_share_true']:.1%}"
        lines.append(f"  {kind:<26} {row['documents']:>4} {row['units']:>5} {row['macro_f1']:>8.3f} "
                     f"{fmt_ci(row['macro_f1_ci']):<15} {row['anonymous_f1']:>7.3f} "
                     f"{fmt_ci(row['anonymous_f1_ci']):<15} {row['anonymous_support']:>4} {share:>15}")
    return lines


def comparison_lines(report: dict[str, Any]) -> list[str]:
    """The paired bootstrap of each later system against the first (empty with one system)."""
    if not report["comparisons"]:
        return []
    lines = [f"== paired bootstrap vs {report['comparisons'][0]['baseline']} (system minus baseline) ==",
             f"{'system':<16} {'metric':<{LABEL_WIDTH + 3}} {'diff':>7}  {'95% CI':<17} {'wins':>6}"]
    for comparison in report["comparisons"]:
        for metric, row in comparison["metrics"].items():
            diff, ci = fmt_num(row["difference"], signed=True), fmt_ci(row["ci"], signed=True)
            lines.append(f"{comparison['system']:<16} {metric:<{LABEL_WIDTH + 3}} {diff:>7}  {ci:<17} "
                         f"{fmt_rate(row['wins']):>6}")
    lines.append("(wins: share of resamples where the system beats the baseline; lower is better for the MAE)")
    return lines


def format_table(report: dict[str, Any]) -> str:
    """The whole report as plain text for the terminal."""
    lines = gold_lines(report)
    for system in report["systems"]:
        lines += ["", *system_lines(system)]
    comparison = comparison_lines(report)
    if comparison:
        lines += ["", *comparison]
    return "\n".join(lines)

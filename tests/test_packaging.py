"""What ``pip install`` puts in site-packages, and what the runtime needs of the ``[train]`` extra.

The wheel holds one top-level package, ``attribution``: the repository's ``training/`` and ``eval/`` install as
``attribution.training`` and ``attribution.eval`` (nothing named ``training`` or ``eval`` can collide with
another project's). Scoring needs only the runtime dependencies; training, data preparation and the evaluator
say, in one line, that they need the extra.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from attribution import extras
from attribution.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(REPO)], check=True, capture_output=True, timeout=600)
    (path,) = out.glob("attribution-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_installs_one_top_level_package(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"attribution"}


def test_every_package_of_the_repository_is_in_the_wheel_under_attribution(wheel):
    names = set(wheel.namelist())
    for folder, installed in (("attribution", "attribution"), ("training", "attribution/training"),
                              ("eval", "attribution/eval")):
        for init in (REPO / folder).rglob("__init__.py"):
            package = init.parent.relative_to(REPO / folder)
            for module in init.parent.glob("*.py"):
                assert f"{installed}/{package.as_posix()}/{module.name}".replace("/./", "/") in names, module


def test_the_wheel_carries_the_default_model_the_gold_set_and_the_training_configs(wheel):
    names = set(wheel.namelist())
    assert "attribution/models/default/model.safetensors" in names
    assert "attribution/cleaning_detector.json" in names
    assert "attribution/eval/gold/units.jsonl" in names
    assert "attribution/training/configs/default.json" in names
    assert any(n.startswith("attribution/training/spec_labels/") for n in names)


def test_training_libraries_are_required_only_by_the_train_extra(wheel):
    (meta,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    requires = [line.split(":", 1)[1].strip() for line in wheel.read(meta).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    unconditional = {re.split(r"[=<>!~; \[]", r)[0].lower() for r in requires if "extra ==" not in r}
    train = {re.split(r"[=<>!~; \[]", r)[0].lower() for r in requires if 'extra == "train"' in r}
    assert {"torch", "transformers", "sentencex"} <= unconditional
    assert not unconditional & set(extras.TRAIN_LIBRARIES.values())
    assert train == set(extras.TRAIN_LIBRARIES.values())


def test_the_train_extra_of_pyproject_matches_the_runtime_list():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    train = {re.split(r"[=<>!~; \[]", r)[0].lower() for r in project["optional-dependencies"]["train"]}
    assert train == set(extras.TRAIN_LIBRARIES.values())


@pytest.fixture
def without_sklearn_and_datasets(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name.split(".")[0] in ("sklearn", "datasets") else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize("argv", [["evaluate", "--model", "rules", "-q"],
                                  ["prepare-data", "--out", "unused"],
                                  ["train", "--dataset", "unused"]])
def test_a_missing_training_extra_is_one_clear_line(argv, without_sklearn_and_datasets, capsys, tmp_path,
                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"attribution {argv[0]}: error: ") and "pip install 'attribution[train]'" in err
    assert "\n" not in err
    assert not (tmp_path / "unused").exists()


def test_the_api_names_the_extra_for_to_dataset_and_the_tfidf_baseline(without_sklearn_and_datasets):
    import attribution
    from attribution.model.tfidf import make_vectorizer

    with pytest.raises(extras.MissingExtraError, match=r"attribution\[train\]"):
        attribution.to_dataset([])
    with pytest.raises(extras.MissingExtraError, match="scikit-learn"):
        make_vectorizer()


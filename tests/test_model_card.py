"""Model cards a Hugging Face user expects: YAML metadata with a model-index of the gold-set results for project
models, none claimed for user runs, and a plain-``transformers`` usage snippet that reproduces the tool's labels."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml
from attribution.training.save import BASE_MODEL_NAME, write_model_card

import attribution
from attribution.pipeline import DEFAULT_MODEL_DIR


def _front_matter(card: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", card, re.S)
    assert match, "the card starts with YAML front matter"
    return yaml.safe_load(match.group(1))


@pytest.fixture
def default_copy(tmp_path):
    copy = tmp_path / "default"
    shutil.copytree(DEFAULT_MODEL_DIR, copy)
    return copy


def test_the_shipped_models_card_metadata_holds_its_gold_results(default_copy):
    meta = _front_matter(write_model_card(default_copy).read_text(encoding="utf-8"))
    assert meta["language"] == ["en"] and meta["license"] == "apache-2.0"
    assert meta["library_name"] == "transformers" and meta["pipeline_tag"] == "text-classification"
    assert meta["base_model"] == BASE_MODEL_NAME
    gold = json.loads((default_copy / "metrics.json").read_text())["gold"]["this model"]
    (entry,) = meta["model-index"]
    metrics = {m["name"]: m["value"] for m in entry["results"][0]["metrics"]}
    assert metrics["macro-F1"] == pytest.approx(gold["macro_f1"], abs=1e-4)
    for label, row in gold["per_label"].items():
        assert metrics[f"F1 {label}"] == pytest.approx(row["f1"], abs=1e-4)


def test_a_user_runs_card_claims_no_project_results(default_copy):
    config = json.loads((default_copy / "training_config.json").read_text())
    config.update(train_files=["my_labels.jsonl"], init_from="default")
    (default_copy / "training_config.json").write_text(json.dumps(config))
    card = write_model_card(default_copy).read_text(encoding="utf-8")
    meta = _front_matter(card)
    assert "model-index" not in meta and meta["language"] == ["en"]


def test_the_cards_plain_transformers_snippet_reproduces_the_tools_labels(default_copy):
    from transformers import pipeline

    card = write_model_card(default_copy).read_text(encoding="utf-8")
    snippet = re.findall(r"```python\n(.*?)```", card, re.S)[1]
    assert "text_pair" in snippet
    namespace: dict = {}
    exec(snippet.replace("path/to/this/model", str(default_copy)).replace("print(", "result = ("), namespace)
    assert namespace["result"]["label"] == "anonymous_source_quote"
    classify = pipeline("text-classification", model=str(default_copy))
    text = ("Port plan delayed\n\nThe port authority met on Monday. Officials said the plan would fail. "
            "Mayor Ellen Park said it would cost 3 million dollars. She said the vote was rushed. "
            "Rain fell across the region on Friday.")
    sentences = attribution.load().analyze(text).sentences
    previous = [""] + [s.text for s in sentences[:-1]]
    plain = [classify({"text": p, "text_pair": s.text})["label"] for p, s in zip(previous, sentences, strict=True)]
    assert plain == [s.label for s in sentences]


def test_the_card_shows_the_selection_set_and_a_table_per_kind_of_text(default_copy):
    metrics = json.loads((default_copy / "metrics.json").read_text())
    row = {"documents": 3, "units": 40, "macro_f1": 0.5, "macro_f1_ci": [0.4, 0.6], "anonymous_f1": 0.25,
           "anonymous_f1_ci": None, "anonymous_support": 4, "anonymous_share_true": 0.1,
           "anonymous_share_predicted": 0.05}
    metrics["selection"] = {"this model": {**metrics["gold"]["this model"], "per_kind": {"bbc_news": row}}}
    metrics["gold"]["this model"]["per_kind"] = {"wikinewssum": {**row, "macro_f1": 0.75}}
    (default_copy / "metrics.json").write_text(json.dumps(metrics))
    card = write_model_card(default_copy).read_text(encoding="utf-8")
    selection = card.index("### Selection set")
    assert selection < card.index("### Project hand-labelled evaluation set")
    assert "| this model | bbc_news | 3 | 40 | 0.500 (0.400–0.600) | 0.250 | 5.0% / 10.0% |" in card
    assert "| this model | wikinewssum | 3 | 40 | 0.750 (0.400–0.600) |" in card

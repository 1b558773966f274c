"""The saved model directory: one class writes and reads it, typed settings, version check, one input builder."""

from __future__ import annotations

import json
import re
import tomllib
import warnings
from pathlib import Path

import pytest
import torch

from attribution.labels import LABEL2ID, LABELS
from attribution.model.saved import (
    MODEL_CONFIG_FILE,
    PAIR_MAX_LENGTH,
    ModelSettings,
    ModelVersionWarning,
    SavedModel,
    library_versions,
    version_mismatches,
)
from attribution.pipeline import DEFAULT_MODEL_DIR
from attribution.segment import Sentence
from tests.tiny_model import tiny_pair_classifier, tiny_window_classifier

ROOT = Path(__file__).resolve().parents[1]

#: Project-written articles: ordinary sentences, an empty-context first sentence, a sentence long enough to be
#: truncated at PAIR_MAX_LENGTH tokens, and context-only records (training's augmented copies).
ARTICLES = [
    ["The council met on Monday.", "Officials said the talks on the bridge had stalled.",
     "Mayor Ellen Park said the plan would cost 40 million dollars.", "Rain fell across the region."],
    ["People familiar with the matter said " + " and ".join(f"{n} jobs in plant {n}" for n in range(60)) + ".",
     "The company declined to comment.", "Shares rose 4 percent on Friday."],
    ["According to the agency, 300 homes lost power.", "It was restored by night."],
]


def _sentences(texts: list[str]) -> list[Sentence]:
    out, cursor = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(i, cursor, cursor + len(text), text))
        cursor += len(text) + 1
    return out


def _caught(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    return result, [w for w in caught if issubclass(w.category, ModelVersionWarning)]


# --- settings ---------------------------------------------------------------------------------------------------


def test_settings_round_trip_through_json():
    settings = ModelSettings("window", 96, 2, "2026-01-02T03:04:05+00:00", {"torch": "2.13.0", "python": "3.11.7"})
    assert ModelSettings.from_json(settings.to_json()) == settings
    assert settings.input_length == 96 and settings.window_overlap == 2
    tfidf = ModelSettings("tfidf", versions={"attribution": "0.1.0"})
    assert json.loads(tfidf.to_json()) == {"design": "tfidf", "versions": {"attribution": "0.1.0"}}  # unset: left out
    assert ModelSettings.from_json(tfidf.to_json()) == tfidf and tfidf.input_length is None


def test_the_shipped_settings_file_loads_unchanged_and_writes_back_byte_for_byte():
    text = (DEFAULT_MODEL_DIR / MODEL_CONFIG_FILE).read_text(encoding="utf-8")
    settings = ModelSettings.from_json(text)
    assert settings.design == json.loads(text)["design"]
    assert settings.to_json() == text


@pytest.mark.parametrize(("text", "design", "length", "overlap"), [
    ('{"design": "pair"}', "pair", PAIR_MAX_LENGTH, 1),  # the oldest pair files: no length
    ("{}", "window", 256, 1),  # no design: the first (windowed) design
    ('{"design": "pair", "max_length": 256, "overlap": 1}', "pair", PAIR_MAX_LENGTH, 1),  # a pair run from a 256 config
    ('{"design": "tfidf", "versions": {"python": "3.11.7"}}', "tfidf", None, 1),  # what the baseline trainer writes
])
def test_older_settings_files_load_with_their_designs_defaults(text, design, length, overlap):
    settings = ModelSettings.from_json(text)
    assert (settings.design, settings.input_length, settings.window_overlap) == (design, length, overlap)


@pytest.mark.parametrize(("text", "names"), [
    ('{"design": "pair", "maxlength": 128}', "unknown key(s) maxlength"),
    ('{"design": "bert"}', "design must be one of"),
    ('{"max_length": 8}', "max_length must be"),
    ('{"max_length": 600}', "max_length must be"),
    ('{"max_length": "128"}', "max_length must be"),
    ('{"max_length": true}', "max_length must be"),
    ('{"overlap": 0}', "overlap must be"),
    ('{"saved_at": "yesterday"}', "saved_at must be"),
    ('{"versions": {"torch": 2}}', "versions must map"),
    ('["pair"]', "expected a JSON object"),
    ('{"design": "pair",', "not JSON"),
])
def test_bad_settings_are_clear_errors(text, names):
    with pytest.raises(ValueError, match=re.escape(names)):
        ModelSettings.from_json(text)


def test_a_bad_settings_file_is_named_in_the_error(tmp_path):
    (tmp_path / MODEL_CONFIG_FILE).write_text('{"design": "pair", "colour": "red"}')
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / MODEL_CONFIG_FILE)) + ".*colour"):
        SavedModel.settings_of(tmp_path)
    assert SavedModel.settings_of(tmp_path / "missing") is None


# --- save and load ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("design", ["pair", "window"])
def test_save_and_load_round_trip(tmp_path, design):
    from safetensors import safe_open

    from attribution.model.classifier import WindowClassifier
    from attribution.model.pair import PairClassifier

    tiny = tiny_pair_classifier() if design == "pair" else tiny_window_classifier(max_length=40)
    settings = ModelSettings(design, tiny.max_length, None if design == "pair" else 2)
    out = SavedModel(settings, tiny.model, tiny.tokenizer).save(tmp_path / design)
    assert not list(out.glob("*.bin"))
    with safe_open(out / "model.safetensors", framework="pt") as handle:
        assert {handle.get_tensor(name).dtype for name in handle.keys()} == {torch.float16}
    written = json.loads((out / MODEL_CONFIG_FILE).read_text())
    assert written["versions"]["torch"] == library_versions()["torch"] and "saved_at" in written
    assert next(tiny.model.parameters()).dtype == torch.float32  # the model in memory stays fp32

    loaded, mismatches = _caught(lambda: SavedModel.load(out))
    assert mismatches == []
    assert loaded.design == design and loaded.settings == ModelSettings.from_dict(written)
    assert next(loaded.model.parameters()).dtype == torch.float32
    expected = tiny.model.state_dict()
    assert all(torch.equal(value, expected[key]) for key, value in loaded.model.state_dict().items())
    text = ARTICLES[0][1]
    assert loaded.tokenizer(text)["input_ids"] == tiny.tokenizer(text)["input_ids"]

    classifier = loaded.classifier()
    assert isinstance(classifier, PairClassifier if design == "pair" else WindowClassifier)
    assert classifier.max_length == tiny.max_length and classifier.name == str(out)
    if design == "window":
        assert classifier.overlap == 2
    articles = [("\n".join(texts), _sentences(texts)) for texts in ARTICLES]
    assert ([[p.probs for p in a] for a in classifier.predict_articles(articles)]
            == [[p.probs for p in a] for a in tiny.predict_articles(articles)])

    int8 = SavedModel.load(out, quantize="int8")
    assert not any(type(m) is torch.nn.Linear for m in int8.model.modules())


def test_loading_as_the_other_design_is_refused(tmp_path):
    from attribution.model.pair import PairClassifier

    tiny = tiny_window_classifier()
    out = SavedModel(ModelSettings("window", 48), tiny.model, tiny.tokenizer).save(tmp_path / "w")
    with pytest.raises(ValueError, match="window-design model, not a pair-design one"):
        PairClassifier.from_pretrained(out)


def test_pickled_weights_are_refused_before_anything_is_read(tmp_path):
    (tmp_path / MODEL_CONFIG_FILE).write_text('{"design": "pair"}')
    (tmp_path / "pytorch_model.bin").write_bytes(b"not read")
    with pytest.raises(FileNotFoundError, match="pytorch_model.bin"):
        SavedModel.load(tmp_path)


def test_tfidf_baseline_round_trip(tmp_path):
    from attribution.model.tfidf import TfidfClassifier

    payload = {"classes": list(LABELS), "vocabulary": {"said": 0, "officials": 1, "rain": 2}, "idf": [1.0, 1.5, 1.2],
               "coef": [[-1.0, -1.0, 2.0], [2.0, 0.0, -1.0], [1.0, 3.0, -1.0]], "intercept": [0.1, 0.0, -0.1]}
    out = SavedModel(ModelSettings("tfidf"), payload).save(tmp_path / "tfidf")
    assert ModelSettings.read(out).design == "tfidf" and ModelSettings.read(out).versions
    classifier = TfidfClassifier.from_pretrained(out)
    texts = ["Officials said so.", "Rain fell."]
    labels = [p.label for p in classifier.predict_articles([("\n".join(texts), _sentences(texts))])[0]]
    assert labels == ["anonymous_source_quote", "direct_fact"]


# --- versions ---------------------------------------------------------------------------------------------------


def _bumped(version: str, part: int) -> str:
    """``version`` with its major (``part=0``) or minor (``part=1``) release one higher."""
    numbers = [int(n) for n in re.match(r"(\d+)\.(\d+)", version).groups()]
    numbers[part] += 1
    return f"{numbers[0]}.{numbers[1]}.0"


def test_a_version_mismatch_warns_once_naming_each_library(tmp_path):
    tiny = tiny_pair_classifier()
    out = SavedModel(ModelSettings("pair", 64), tiny.model, tiny.tokenizer).save(tmp_path / "old")
    running = library_versions()
    stamped = {**running, "torch": _bumped(running["torch"], 1), "transformers": _bumped(running["transformers"], 0),
               "attribution": _bumped(running["attribution"], 1)}
    settings = json.loads((out / MODEL_CONFIG_FILE).read_text())
    (out / MODEL_CONFIG_FILE).write_text(json.dumps({**settings, "versions": stamped}))
    loaded, caught = _caught(lambda: SavedModel.load(out))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert all(f"{name} {stamped[name]} (running {running[name]})" in message
               for name in ("torch", "transformers", "attribution"))
    assert loaded.classifier().predict_articles([("It rained.", _sentences(["It rained."]))])  # a warning only


def test_patch_releases_and_unstamped_libraries_do_not_warn():
    running = {"torch": "2.13.0+cpu", "transformers": "5.24.0", "attribution": "0.1.0"}
    assert version_mismatches({"torch": "2.13.4", "transformers": "5.24.1", "attribution": "0.1.9"}, running) == []
    assert version_mismatches({"torch": "not installed", "datasets": "1.0.0"}, running) == []
    assert version_mismatches({"torch": "2.12.0"}, running) == ["torch 2.12.0 (running 2.13.0+cpu)"]


def test_the_shipped_default_was_saved_with_the_pinned_versions_and_loads_without_a_warning():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = dict(re.match(r"([\w.-]+)==([\w.+-]+)", d).groups() for d in project["dependencies"] if "==" in d)
    pinned = {"attribution": project["version"], **pins}
    stamped = ModelSettings.read(DEFAULT_MODEL_DIR).versions
    assert version_mismatches(stamped, pinned) == []
    _, caught = _caught(lambda: SavedModel.load(DEFAULT_MODEL_DIR))
    assert caught == []


def test_the_shipped_default_gives_the_probabilities_of_the_former_loader():
    """The former loading and input code, kept here as the reference."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    settings = json.loads((DEFAULT_MODEL_DIR / MODEL_CONFIG_FILE).read_text())
    if settings.get("design") != "pair":
        pytest.skip("the shipped default is not a pair model")
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL_DIR, dtype=torch.float32,
                                                               use_safetensors=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(DEFAULT_MODEL_DIR)
    max_length = min(settings.get("max_length", 128), 128)
    classifier = SavedModel.load(DEFAULT_MODEL_DIR).classifier()
    for texts in ARTICLES:
        previous = [""] + texts[:-1]
        order = sorted(range(len(texts)), key=lambda i: len(previous[i]) + len(texts[i]))
        expected: list[list[float]] = [[]] * len(texts)
        with torch.inference_mode():
            for b in range(0, len(order), 32):
                batch = order[b : b + 32]
                encoded = tokenizer([previous[i] for i in batch], [texts[i] for i in batch], padding=True,
                                    truncation="longest_first", max_length=max_length, return_tensors="pt")
                for i, row in zip(batch, torch.softmax(model(**encoded).logits.float(), dim=-1).tolist(), strict=True):
                    expected[i] = row
        got = classifier.predict_articles([("\n".join(texts), _sentences(texts))])[0]
        assert [[p.probs[label] for label in LABELS] for p in got] == expected


# --- one input builder, one length limit ------------------------------------------------------------------------


def _old_pair_features(articles, tokenizer, max_length):
    """``attribution.training.features.pair_features`` before the shared builder (the reference)."""
    firsts, seconds, labels = [], [], []
    for article in articles:
        previous = ""
        for record in article:
            if record.get("context_only"):
                previous = record["text"]
                continue
            firsts.append(previous)
            seconds.append(record["text"])
            labels.append(LABEL2ID[record["label"]])
            previous = record["text"]
    encoded = tokenizer(firsts, seconds, truncation="longest_first", max_length=max_length)
    return [{"input_ids": ids, "attention_mask": mask, "labels": label}
            for ids, mask, label in zip(encoded["input_ids"], encoded["attention_mask"], labels, strict=True)]


def _old_inference_inputs(tokenizer, sentences, batch_size, max_length):
    """The ids ``PairClassifier`` fed its model per batch before the shared builder (the reference)."""
    previous = [""] + [s.text for s in sentences[:-1]]
    pairs = [(p, s.text) for p, s in zip(previous, sentences, strict=True)]
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    batches = []
    for b in range(0, len(order), batch_size):
        batch = order[b : b + batch_size]
        encoded = tokenizer([pairs[i][0] for i in batch], [pairs[i][1] for i in batch], padding=True,
                            truncation="longest_first", max_length=max_length, return_tensors="pt")
        batches.append((encoded["input_ids"].tolist(), encoded["attention_mask"].tolist()))
    return batches


def test_training_pair_features_are_the_former_ones():
    from attribution.training.features import pair_features

    tokenizer = tiny_pair_classifier().tokenizer
    labels = list(LABELS)
    articles = [[{"text": text, "label": labels[(a + i) % 3], **({"context_only": True} if (a + i) % 4 == 1 else {})}
                 for i, text in enumerate(texts)] for a, texts in enumerate(ARTICLES)]
    for max_length in (PAIR_MAX_LENGTH, 32):
        new = pair_features(articles, tokenizer, max_length)
        assert new == _old_pair_features(articles, tokenizer, max_length)
        assert max(len(f["input_ids"]) for f in new) == max_length  # the long sentence is truncated
    assert pair_features(articles, tokenizer) == _old_pair_features(articles, tokenizer, 128)


def test_inference_pair_inputs_are_the_former_ones():
    tiny = tiny_pair_classifier(max_length=PAIR_MAX_LENGTH)
    seen = []
    forward = tiny.model.forward

    def spy(input_ids=None, attention_mask=None, **kwargs):
        seen.append((input_ids.tolist(), attention_mask.tolist()))
        return forward(input_ids=input_ids, attention_mask=attention_mask, **kwargs)

    tiny.model.forward = spy
    for texts in ARTICLES:
        seen.clear()
        sentences = _sentences(texts)
        tiny.predict_articles([("\n".join(texts), sentences)])
        assert seen == _old_inference_inputs(tiny.tokenizer, sentences, tiny.batch_size, 128)


def test_the_pair_limit_is_one_constant_for_training_inference_and_the_card():
    from attribution.training.config import TrainConfig

    def config(design):
        return TrainConfig(design=design, max_length=256, train_files=["x.jsonl"], base_model="unused")

    assert config("pair").input_length == PAIR_MAX_LENGTH and config("window").input_length == 256
    assert ModelSettings("pair", 256).input_length == PAIR_MAX_LENGTH == ModelSettings("pair").input_length
    sources = {path: path.read_text() for path in [*(ROOT / "attribution").rglob("*.py"),
                                                    *(ROOT / "training").rglob("*.py"), *(ROOT / "bench").glob("*.py")]}
    literal = [str(p.relative_to(ROOT)) for p, text in sources.items()
               if re.search(r"max_length\W{1,4}128|128\)|min\([^)]*, 128", text)]
    assert literal == []  # the only 128 is PAIR_MAX_LENGTH's definition

"""The shipped default model: present, half precision, label maps frozen, and used by default."""

import json

import pytest

import attribution
from attribution.cli import main
from attribution.labels import LABELS
from attribution.model.tags import ALL_TAGS
from attribution.pipeline import DEFAULT_MODEL_DIR


def test_default_model_ships_in_half_precision_with_its_card():
    from safetensors import safe_open

    weights = DEFAULT_MODEL_DIR / "model.safetensors"
    assert weights.stat().st_size < 60 * 1024 * 1024
    with safe_open(weights, framework="pt") as handle:
        dtypes = {str(handle.get_tensor(name).dtype) for name in handle.keys()}
    assert dtypes == {"torch.float16"}
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())
    design = json.loads((DEFAULT_MODEL_DIR / "attribution_config.json").read_text())["design"]
    frozen = ALL_TAGS if design == "window" else LABELS  # the window design also tags source and cue tokens
    assert [config["id2label"][str(i)] for i in range(len(config["id2label"]))] == list(frozen)
    card = (DEFAULT_MODEL_DIR / "README.md").read_text()
    assert "macro-F1" in card and "rules" in card and f"({design} design)" in card


def test_load_without_a_name_uses_the_default_model():
    analyzer = attribution.load()
    assert analyzer.model_name == "default"
    result = analyzer.analyze("Officials said the talks stalled.\nThe council met on Monday.")
    assert len(result.sentences) == 2
    for s in result.sentences:
        assert s.label in LABELS and sum(s.probs.values()) == pytest.approx(1.0, abs=1e-4)


def test_score_uses_the_default_model_on_the_scraped_page(menafn_page, tmp_path):
    out = tmp_path / "s.jsonl"
    assert main(["score", str(menafn_page), "-o", str(out), "-q"]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    text = menafn_page.read_text(encoding="utf-8")
    assert len(records) == 14
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)
    for r in records:
        if r["source"] is not None:
            assert text[r["source_start"] : r["source_end"]] == r["source"]
    attributed = [r for r in records if r["label"] != "direct_fact"]
    assert attributed and any(r["source"] for r in attributed)  # the page's Axios / official sentences
    assert all(r["source"] is None for r in records if r["label"] == "direct_fact")


def test_int8_quantized_default_model_agrees_with_fp32(examples_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted((examples_dir / "articles").glob("*.txt"))]
    full = [s.label for r in attribution.load().analyze_many(texts) for s in r.sentences]
    int8 = [s.label for r in attribution.load(quantize="int8").analyze_many(texts) for s in r.sentences]
    agreement = sum(a == b for a, b in zip(full, int8, strict=True)) / len(full)
    assert agreement >= 0.9

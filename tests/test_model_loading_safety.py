"""Model directories load safetensors weights only: pickled weights are refused before anything runs."""

from __future__ import annotations

import json
import pickle

import pytest

from attribution.cli import main


class _Trap:
    """Unpickling this calls ``open(marker, "w")``: a file appearing proves code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _pickled_model_dir(tmp_path, design: str):
    from tests.tiny_model import tiny_pair_classifier, tiny_window_classifier

    classifier = tiny_pair_classifier() if design == "pair" else tiny_window_classifier()
    model_dir = tmp_path / design
    classifier.model.save_pretrained(model_dir)
    classifier.tokenizer.save_pretrained(model_dir)
    (model_dir / "model.safetensors").unlink()
    marker = tmp_path / "code-ran"
    (model_dir / "pytorch_model.bin").write_bytes(pickle.dumps(_Trap(marker)))
    (model_dir / "attribution_config.json").write_text(json.dumps({"design": design}))
    return model_dir, marker


@pytest.mark.parametrize("design", ["pair", "window"])
def test_a_pickled_model_is_refused_with_a_clear_error_and_never_unpickled(tmp_path, capsys, design):
    model_dir, marker = _pickled_model_dir(tmp_path, design)
    article = tmp_path / "a.txt"
    article.write_text("Officials said the talks stalled.\n")
    code = main(["score", "--model", str(model_dir), str(article), "-o", str(tmp_path / "out.jsonl"), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no model.safetensors" in err and "pytorch_model.bin" in err and "Traceback" not in err
    assert not marker.exists()
    assert not (tmp_path / "out.jsonl").exists()


def test_training_refuses_to_continue_a_pickled_model(tmp_path, capsys):
    model_dir, marker = _pickled_model_dir(tmp_path, "pair")
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"doc_id": "d", "sent_idx": 0, "text": "It rained.", "label": "direct_fact"})
                      + "\n")
    code = main(["train", "--train", str(labels), "--out", str(tmp_path / "run"), "--init-from", str(model_dir)])
    assert code != 0
    assert "no model.safetensors" in capsys.readouterr().err
    assert not marker.exists()

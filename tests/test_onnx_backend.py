"""The ONNX Runtime backend of the pair design (issue 18): export round trip, cache, fallback, batching.

Tiny random-weight pair models (``tests.tiny_model``) are saved as model directories and exported into a cache
folder of the test's own (``ATTRIBUTION_CACHE_DIR``). The tests that run ONNX Runtime skip where the ``[onnx]``
extra is not installed; the fallback and batching tests run everywhere.
"""

from __future__ import annotations

import itertools
import random
import sys
import warnings

import pytest

from attribution.model.onnx_backend import BackendWarning, onnx_available
from attribution.model.pair import length_batches

needs_onnx = pytest.mark.skipif(not onnx_available(), reason="the [onnx] extra (onnxruntime, onnx) is not installed")

#: A fixed sample, other than the export's own check pairs: empty and long previous sentences, several lengths.
SAMPLE = [
    ("", "The council met on Monday to discuss the budget."),
    ("The council met on Monday to discuss the budget.",
     "A senior aide, speaking on condition of anonymity, said the plan would be delayed by several weeks."),
    ("It rained.", "Mayor Ana Ruiz said the city would publish the figures next week, officials said."),
    ("People familiar with the matter said the deal was close.", "\"We are not going anywhere,\" she said."),
    ("Shares rose 4 percent.", "It rained."),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ATTRIBUTION_CACHE_DIR", str(folder))
    return folder / "onnx"


def _save_pair_model(path, hidden: int = 32):
    from attribution.model.saved import ModelSettings, SavedModel
    from tests.tiny_model import tiny_pair_classifier

    tiny = tiny_pair_classifier(hidden=hidden)
    SavedModel(ModelSettings("pair", 64), tiny.model, tiny.tokenizer).save(path)
    return path


@pytest.fixture(scope="module")
def pair_dir(tmp_path_factory):
    return _save_pair_model(tmp_path_factory.mktemp("pair") / "model")


def _sentences(texts):
    from attribution.segment import Sentence

    sentences, start = [], 0
    for idx, text in enumerate(texts):
        sentences.append(Sentence(idx, start, start + len(text), text))
        start += len(text) + 1
    return " ".join(texts), sentences


def _articles():
    texts = [p[1] for p in SAMPLE]
    return [_sentences(texts), _sentences(texts[::-1][:3]), _sentences(texts[1:2])]


@needs_onnx
def test_exported_graph_gives_pytorchs_logits_and_labels(pair_dir, cache):
    import numpy as np
    import torch

    from attribution.model.onnx_backend import GRAPH_FILE, OnnxEncoder, export_graph, model_hash
    from attribution.model.pair import encode_pairs
    from attribution.model.saved import SavedModel

    path = export_graph(pair_dir)
    assert path.name == GRAPH_FILE and path.parent.parent == cache
    torch_model = SavedModel.load(pair_dir)
    encoded = encode_pairs(torch_model.tokenizer, SAMPLE, tensors=True)
    with torch.inference_mode():
        expected = torch_model.model(**encoded).logits.numpy()
    got = OnnxEncoder(path)({name: tensor.numpy() for name, tensor in encoded.items()})
    assert np.abs(got - expected).max() < 1e-4
    assert (got.argmax(1) == expected.argmax(1)).all()
    # the cached graph is reused, not rebuilt, and its folder is named by the model, not by the run
    modified = path.stat().st_mtime_ns
    assert export_graph(pair_dir) == path and path.stat().st_mtime_ns == modified
    assert model_hash(pair_dir) in (path.parent / "export.json").read_text()


@needs_onnx
def test_onnx_classifier_labels_articles_as_torch_does(pair_dir, cache):
    from attribution.model.saved import SavedModel

    on_torch = SavedModel.load(pair_dir).classifier()
    with warnings.catch_warnings():
        warnings.simplefilter("error", BackendWarning)
        on_onnx = SavedModel.load(pair_dir, backend="onnx").classifier()
    assert (on_torch.backend, on_onnx.backend) == ("torch", "onnx")
    articles = _articles()
    expected, got = on_torch.predict_articles(articles), on_onnx.predict_articles(articles)
    assert [[p.label for p in a] for a in got] == [[p.label for p in a] for a in expected]
    for article_got, article_expected in zip(got, expected, strict=True):
        for p, q in zip(article_got, article_expected, strict=True):
            assert p.probs == pytest.approx(q.probs, abs=1e-5)
            assert (p.source, p.cue) == (q.source, q.cue)
    assert 0 < on_onnx.tokens <= on_onnx.padded_tokens


@needs_onnx
def test_int8_graph_is_cached_apart_and_runs(pair_dir, cache):
    from attribution.model.onnx_backend import export_graph

    fp32, int8 = export_graph(pair_dir), export_graph(pair_dir, "int8")
    assert int8.parent.name == fp32.parent.name + "-int8"
    assert int8.stat().st_size < fp32.stat().st_size
    classifier = __import__("attribution").load(str(pair_dir), quantize="int8", backend="onnx").classifier
    assert classifier.backend == "onnx" and classifier.encoder.path == int8
    assert all(len(a) == len(s) for a, (_, s) in zip(classifier.predict_articles(_articles()), _articles(),
                                                      strict=True))


def test_missing_onnxruntime_falls_back_to_torch_with_a_warning(pair_dir, cache, monkeypatch):
    import attribution

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now fails, find_spec says absent
    with pytest.warns(BackendWarning, match=r"onnx extra \(onnxruntime not installed"):
        classifier = attribution.load(str(pair_dir), backend="onnx").classifier
    assert classifier.backend == "torch"
    expected = attribution.load(str(pair_dir), backend="torch").classifier.predict_articles(_articles())
    assert classifier.predict_articles(_articles()) == expected
    with warnings.catch_warnings():  # auto: torch where the extra is missing, silently
        warnings.simplefilter("error", BackendWarning)
        assert attribution.load(str(pair_dir), backend="auto").classifier.backend == "torch"
    assert not cache.exists()


@needs_onnx
def test_corrupt_cached_graph_falls_back_to_torch_with_a_warning(pair_dir, cache):
    import attribution
    from attribution.model.onnx_backend import export_graph

    path = export_graph(pair_dir)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])  # a truncated file, as a full disk leaves
    with pytest.warns(BackendWarning, match="does not load.*export-onnx --force"):
        classifier = attribution.load(str(pair_dir), backend="onnx").classifier
    assert classifier.backend == "torch"
    expected = attribution.load(str(pair_dir), backend="torch").classifier.predict_articles(_articles())
    assert classifier.predict_articles(_articles()) == expected
    export_graph(pair_dir, force=True)  # the rebuild the warning names repairs it
    assert attribution.load(str(pair_dir), backend="onnx").classifier.backend == "onnx"


@needs_onnx
def test_failed_export_falls_back_and_leaves_no_graph(pair_dir, cache, monkeypatch):
    import attribution
    from attribution.model import onnx_backend

    def broken(*args):
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(onnx_backend, "_export_fp32", broken)
    with pytest.warns(BackendWarning, match="could not export.*exporter exploded"):
        assert attribution.load(str(pair_dir), backend="onnx").classifier.backend == "torch"
    assert not list(cache.rglob("*.onnx"))


def test_onnx_backend_on_a_windowed_model_runs_torch_with_a_warning(tmp_path, cache):
    from attribution.model.saved import ModelSettings, SavedModel
    from tests.tiny_model import tiny_window_classifier

    tiny = tiny_window_classifier(max_length=40)
    SavedModel(ModelSettings("window", 40, 1), tiny.model, tiny.tokenizer).save(tmp_path / "window")
    with pytest.warns(BackendWarning, match="pair-design models"):
        loaded = SavedModel.load(tmp_path / "window", backend="onnx")
    assert loaded.encoder is None


def test_unknown_backend_is_refused(pair_dir):
    import attribution

    with pytest.raises(ValueError, match="unknown backend 'tensorrt'"):
        attribution.load(str(pair_dir), backend="tensorrt")


@needs_onnx
def test_onnx_records_do_not_depend_on_the_batch(tmp_path, cache):
    """MiniLM's width (384), where matrix products differ in the last bits with the batch's shape."""
    from attribution.model.saved import SavedModel
    from tests.test_batch_independence import _check_independent

    model_dir = _save_pair_model(tmp_path / "wide", hidden=384)
    classifier = SavedModel.load(model_dir, backend="onnx").classifier()
    classifier.batch_size = 3  # several batches inside one article
    assert classifier.backend == "onnx"
    _check_independent(classifier)


@needs_onnx
def test_score_and_export_commands_take_the_backend(pair_dir, cache, tmp_path, capsys):
    import json

    from attribution.cli import main

    assert main(["export-onnx", "--model", str(pair_dir)]) == 0
    assert capsys.readouterr().out.strip().endswith("model.onnx")
    article = tmp_path / "a.txt"
    article.write_text("Officials said the talks had stalled. The vote is in June.\n", encoding="utf-8")
    outputs = {}
    for backend in ("torch", "onnx"):
        out = tmp_path / f"{backend}.jsonl"
        assert main(["score", str(article), "--model", str(pair_dir), "--backend", backend, "-q", "-o", str(out)]) == 0
        outputs[backend] = [json.loads(line)["label"] for line in out.read_text().splitlines()]
    assert outputs["onnx"] == outputs["torch"] and len(outputs["torch"]) == 2


def test_export_command_refuses_a_windowed_model(tmp_path, capsys):
    from attribution.cli import main
    from attribution.model.saved import MODEL_CONFIG_FILE

    (tmp_path / MODEL_CONFIG_FILE).write_text('{"design": "window"}')
    if not onnx_available():
        assert main(["export-onnx", "--model", str(tmp_path)]) == 2
        assert "pip install 'attribution[onnx]'" in capsys.readouterr().err
        return
    assert main(["export-onnx", "--model", str(tmp_path)]) == 2
    assert "window-design model" in capsys.readouterr().err


def test_batch_scorer_passes_the_backend_on(pair_dir, cache, monkeypatch):
    from attribution.batch import BatchScorer

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    scorer = BatchScorer(str(pair_dir), backend="onnx")
    with pytest.warns(BackendWarning):
        assert scorer.analyzer.classifier.backend == "torch"


def _cost(lengths, batches, batch_cost):
    return sum(max(lengths[i] for i in b) * len(b) + batch_cost for b in batches)


@pytest.mark.parametrize("seed", range(25))
def test_length_batches_are_the_least_padding_partition(seed):
    """Every input once, in batches of at most batch_size, shortest first; no split of the sorted inputs into runs
    costs less (brute force over every set of cut points)."""
    rng = random.Random(seed)
    lengths = [rng.randint(3, 128) for _ in range(rng.randint(1, 11))]
    batch_size, batch_cost = rng.randint(1, 5), rng.choice([0, 8, 32, 200])
    batches = length_batches(lengths, batch_size, batch_cost)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(1 <= len(b) <= batch_size for b in batches)
    flat = [i for b in batches for i in b]
    assert flat == sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    best = None
    n = len(flat)
    for k in range(n):
        for cuts in itertools.combinations(range(1, n), k):
            bounds = [0, *cuts, n]
            runs = [flat[a:b] for a, b in itertools.pairwise(bounds)]
            if all(len(r) <= batch_size for r in runs):
                cost = _cost(lengths, runs, batch_cost)
                best = cost if best is None else min(best, cost)
    assert _cost(lengths, batches, batch_cost) == best


def test_length_batches_cut_padding_below_fixed_size_batches():
    """An article of short and long sentences: fixed batches of 32 pad every pair to the longest."""
    lengths = [12, 110, 15, 18, 95, 14, 20, 16, 13, 101, 17, 22] * 2
    batches = length_batches(lengths, 32)
    computed = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    assert 1 - sum(lengths) / computed < 0.10
    assert 1 - sum(lengths) / (max(lengths) * len(lengths)) > 0.5
    assert length_batches([], 32) == []


def test_the_onnx_extra_is_pinned_and_matches_the_runtime_list():
    import re
    import tomllib
    from pathlib import Path

    from attribution.model.onnx_backend import ONNX_LIBRARIES

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    extra = project["optional-dependencies"]["onnx"]
    assert {re.split(r"[=<>!~; \[]", r)[0].lower() for r in extra} == set(ONNX_LIBRARIES.values())
    assert all("==" in r for r in extra)
    assert "attribution[onnx]" in project["optional-dependencies"]["dev"]
    assert not any(r.startswith(("onnx", "onnxruntime")) for r in project["dependencies"])


def test_loading_the_cli_imports_no_onnx_library():
    import subprocess

    script = "import sys, attribution.cli, attribution.pipeline; print([m for m in ('onnx', 'onnxruntime') " \
             "if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip() == "[]"

"""ONNX Runtime inference for the pair design: the exported graph, its cache, and the session that runs it.

The pair model (:mod:`attribution.model.pair`) runs on PyTorch by default; ``backend="onnx"`` runs the same
weights through ONNX Runtime instead: the model is exported with ``torch.onnx`` (eager attention, so that ONNX
Runtime's BERT optimizer fuses embeddings + LayerNorm, attention, bias + GELU and skip + LayerNorm), optimized,
and, for ``quantize="int8"``, quantized dynamically per channel. The graph is built by ``attribution export-onnx``
or on first use, checked against PyTorch on a fixed sample, and cached under :func:`cache_root` in a folder named
by the hash of the model's weights and config (plus the export recipe and ONNX Runtime version), written
atomically; it is never downloaded. Nothing here imports onnxruntime, onnx or torch at import time: the
``[onnx]`` extra is optional, and :func:`attribution.model.saved.SavedModel.load` falls back to PyTorch with a
:class:`BackendWarning` when it is missing or a graph cannot be built or read.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

#: The inference backends of the pair design.
BACKENDS = ("torch", "onnx")

#: Bumped whenever the export, optimization or quantization below changes: a graph cached by an older recipe is
#: then not reused (its folder name differs).
EXPORT_RECIPE = 1

#: The graph file inside a cache folder, and the description written beside it.
GRAPH_FILE = "model.onnx"
EXPORT_INFO_FILE = "export.json"

#: The largest difference of any logit between the fp32 graph and PyTorch on the check sample; a graph beyond it
#: is not cached (typical: 1e-5).
LOGIT_TOLERANCE = 1e-3

#: The distributions the ``[onnx]`` extra adds, by import name (keep in step with pyproject.toml).
ONNX_LIBRARIES = {"onnxruntime": "onnxruntime", "onnx": "onnx"}

#: The pairs every export is checked on: an empty previous sentence, short and long pairs, padding in the batch.
CHECK_PAIRS = (
    ("", "Officials said the talks had stalled."),
    ("Officials said the talks had stalled.", "The company reported a profit of 4 million dollars on Monday."),
    ("Mayor Ellen Park said the plan would cost more than expected, according to a statement released late on "
     "Friday.", "People familiar with the matter, who spoke on condition of anonymity, said jobs would go."),
    ("The bridge opened in 1932.", "It rained."),
)

#: Name prefixes of encoder nodes left in fp32 by int8 quantization (the pooler and classifier head are Gemm nodes,
#: never quantized). None: keeping the last layer, the attention projections or the feed-forward output products in
#: fp32 moved the label agreement with fp32 by one or two sentences in 2,381 (99.2-99.3% either way; README,
#: Performance), not enough to pay for the speed they cost.
INT8_KEEP_FP32: tuple[str, ...] = ()


class BackendWarning(UserWarning):
    """The ONNX backend was asked for but cannot run (extra missing, export failed, cached graph unreadable):
    the model runs on PyTorch instead, with the same labels it always had."""


class ExportError(RuntimeError):
    """An ONNX graph could not be built, or does not reproduce PyTorch's logits on the check sample."""


def onnx_available() -> bool:
    """Whether the ``[onnx]`` extra's libraries are installed (nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ONNX_LIBRARIES)


def cache_root() -> Path:
    """Where exported graphs are cached: ``$ATTRIBUTION_CACHE_DIR/onnx`` when set, else
    ``$XDG_CACHE_HOME/attribution/onnx`` (``~/.cache/attribution/onnx``)."""
    env = os.environ.get("ATTRIBUTION_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "onnx"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "attribution" / "onnx"


def model_hash(model_dir: str | Path) -> str:
    """SHA-256 of a model directory's weights (every ``*.safetensors`` file) and ``config.json``."""
    path = Path(model_dir)
    digest = hashlib.sha256()
    for file in sorted(path.glob("*.safetensors")) + [path / "config.json"]:
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _ort_version() -> str:
    from importlib.metadata import version

    return version("onnxruntime")


def graph_dir(model_dir: str | Path, quantize: str | None = None) -> Path:
    """The cache folder of a model's graph: ``<sha256 of weights, config, recipe, onnxruntime version>[-int8]``."""
    digest = hashlib.sha256(f"{model_hash(model_dir)} recipe {EXPORT_RECIPE} onnxruntime {_ort_version()}".encode())
    return cache_root() / (digest.hexdigest()[:40] + ("-int8" if quantize == "int8" else ""))


def _sample(tokenizer) -> dict[str, Any]:
    from attribution.model.pair import encode_pairs

    return encode_pairs(tokenizer, list(CHECK_PAIRS), tensors=True)


def _export_fp32(model_dir: Path, work: Path) -> tuple[Path, Any, Any]:
    """The model exported from PyTorch and run through ONNX Runtime's BERT optimizer; also its check inputs and
    PyTorch's logits on them."""
    import torch
    from onnxruntime.transformers import optimizer
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    # eager attention: the SDPA graph is not one the BERT optimizer recognises, so attention would stay unfused
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32, use_safetensors=True,
                                                               attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    sample = _sample(tokenizer)
    names = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in sample]
    with torch.inference_mode():
        expected = model(**sample).logits.float().numpy()
    raw = work / "exported.onnx"
    with warnings.catch_warnings():  # the tracer's notes on shapes it treats as constant (checked below)
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(sample[name] for name in names), str(raw), input_names=names,
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in names},
                                        "logits": {0: "batch"}})
    config = model.config
    optimized = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                         hidden_size=config.hidden_size)
    out = work / "optimized.onnx"
    optimized.save_model_to_file(str(out))
    feeds = {name: sample[name].numpy() for name in names}
    return out, feeds, expected


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8, per channel, of the encoder's matrix products but those of :data:`INT8_KEEP_FP32`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False)
    keep = [node.name for node in graph.graph.node if INT8_KEEP_FP32 and node.name.startswith(INT8_KEEP_FP32)]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer's advice to pre-process, logged on the root logger
    try:
        quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=keep,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.setLevel(level)


def export_graph(model_dir: str | Path, quantize: str | None = None, force: bool = False) -> Path:
    """The cached graph of a pair model (``quantize="int8"``: its int8 version), built first when missing (or
    ``force``): exported, optimized, quantized if asked, checked on :data:`CHECK_PAIRS` (fp32: every logit within
    :data:`LOGIT_TOLERANCE` of PyTorch's, the same labels) and moved into place atomically, so a reader never
    sees half a file. Raises :class:`ExportError` when the graph does not run or does not match."""
    model_dir = Path(model_dir)
    if quantize not in (None, "none", "fp32", "int8"):
        raise ValueError(f"unknown quantization {quantize!r}; use int8 or none")
    quantize = "int8" if quantize == "int8" else None
    folder = graph_dir(model_dir, quantize)
    target = folder / GRAPH_FILE
    if target.is_file() and not force:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        graph, feeds, expected = _export_fp32(model_dir, work)
        if quantize == "int8":
            quantized = work / "int8.onnx"
            _quantize(graph, quantized)
            graph = quantized
        got = OnnxEncoder(graph, threads=1)(feeds)
        difference = float(abs(got - expected).max())
        if got.shape != expected.shape:
            raise ExportError(f"the exported graph gives logits of shape {got.shape}, PyTorch {expected.shape}")
        if quantize is None and (difference > LOGIT_TOLERANCE or (got.argmax(1) != expected.argmax(1)).any()):
            raise ExportError(f"the exported graph's logits differ from PyTorch's by {difference:.2g} "
                              f"(tolerance {LOGIT_TOLERANCE:g})")
        info = {"model": str(model_dir.resolve()), "model_sha256": model_hash(model_dir), "quantize": quantize,
                "recipe": EXPORT_RECIPE, "onnxruntime": _ort_version(), "check_max_logit_difference": difference}
        (folder / EXPORT_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        staged = work / GRAPH_FILE
        os.replace(graph, staged)
        staged.chmod(0o644 & ~_umask())
        os.replace(staged, target)  # atomic within one filesystem: the old graph or the new one, never half
    except ExportError:
        raise
    except Exception as exc:  # any exporter, optimizer or runtime failure
        raise ExportError(f"could not export {model_dir} to ONNX ({type(exc).__name__}: {str(exc)[:300]})") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OnnxEncoder:
    """An ONNX Runtime session over a pair graph: ``encoder(feeds)`` gives the logits (numpy, batch x labels).

    ``threads`` intra-op threads (as PyTorch's, see :func:`attribution.model.classifier.set_threads`), one
    inter-op thread, and no spinning: idle threads sleep instead of busy-waiting, which on a machine shared with
    other work costs less than it gains. An unreadable graph raises from the constructor."""

    def __init__(self, path: str | Path, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads is None:
            threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only
        self.path = Path(path)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def __call__(self, feeds: dict[str, Any]):
        return self.session.run(None, {name: feeds[name] for name in self.input_names})[0]


def load_encoder(model_dir: str | Path, quantize: str | None = None) -> OnnxEncoder | None:
    """The ONNX session of a pair model (its graph built and cached on first use), or ``None`` with a
    :class:`BackendWarning` saying why when it cannot run: the ``[onnx]`` extra missing, the export failing, or a
    cached graph that does not load (corrupt, truncated: delete it or run ``attribution export-onnx --force``)."""
    if not onnx_available():
        missing = ", ".join(dist for name, dist in ONNX_LIBRARIES.items() if importlib.util.find_spec(name) is None)
        _fall_back(f"the ONNX backend needs the onnx extra ({missing} not installed: pip install 'attribution[onnx]')")
        return None
    try:
        target = export_graph(model_dir, quantize)
    except ExportError as exc:
        _fall_back(str(exc))
        return None
    try:
        return OnnxEncoder(target)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types for unreadable graphs
        _fall_back(f"the cached ONNX graph {target} does not load ({type(exc).__name__}: {str(exc)[:200]}); "
                   "delete it or rebuild it with attribution export-onnx --force")
        return None


def _fall_back(why: str) -> None:
    warnings.warn(f"{why}; running on PyTorch instead (same labels, slower)", BackendWarning, stacklevel=3)

"""``attribution export-onnx``: build (or rebuild) a pair model's ONNX Runtime graph in the user cache.

``attribution score --backend onnx`` builds the graph on first use anyway; this command does it ahead of a run
(say, once per machine before a batch job) and prints where the graph lies. See
:mod:`attribution.model.onnx_backend` for the export, the check against PyTorch and the cache.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from attribution.extras import MissingExtraError


def run_export_onnx(args: argparse.Namespace) -> int:
    """Export a pair model to ONNX (optimized; int8 with --quantize int8), check it against PyTorch, cache it."""
    from attribution.model import onnx_backend
    from attribution.model.saved import SavedModel
    from attribution.pipeline import DEFAULT_MODEL, DEFAULT_MODEL_DIR

    if not onnx_backend.onnx_available():
        raise MissingExtraError("export-onnx needs the onnx extra (onnxruntime, onnx): pip install 'attribution[onnx]'")
    model_dir = DEFAULT_MODEL_DIR if args.model in (None, DEFAULT_MODEL) else Path(args.model)
    settings = SavedModel.settings_of(model_dir)
    if settings is None:
        raise FileNotFoundError(f"{model_dir}: not a model directory from attribution train")
    if settings.design != "pair":
        raise ValueError(f"{model_dir} is a {settings.design}-design model; the ONNX backend runs pair models")
    quantize = None if args.quantize == "none" else args.quantize
    try:
        path = onnx_backend.export_graph(model_dir, quantize, force=args.force)
    except onnx_backend.ExportError as exc:
        print(f"attribution export-onnx: error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export-onnx", help="build a pair model's ONNX Runtime graph in the user cache",
                              description=run_export_onnx.__doc__)
    p.add_argument("--model", default=None, help="'default' (the shipped model, the default) or a pair model directory")
    p.add_argument("--quantize", choices=("none", "int8"), default="none",
                   help="also quantize the graph to int8 (dynamic, per channel; default: none)")
    p.add_argument("--force", action="store_true", help="rebuild the graph even if one is cached")
    p.set_defaults(func=run_export_onnx)

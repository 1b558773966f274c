"""Throughput benchmark: score a fixed article set end to end with each system, in one run.

Each system runs in its own subprocess (so peak RSS is its own) over the same
articles: by default 300 BBC News articles from the data directory, else
articles generated from the project's examples. Prints articles/s,
sentences/s, tokens/s (real encoder tokens, padding not counted), the forward-only
ceiling (sentences/s of the bare forward passes on the same batches or windows,
so the pipeline's overhead over model compute is visible), the padding share of
the tokens computed, the start-up time (loading the model) and peak RSS. The
default model runs on each backend and precision side by side: PyTorch fp32 and
int8, and, with the [onnx] extra, ONNX Runtime fp32 and int8 (their graphs are
built before the timed runs, so start-up is that of a cached graph).

    python bench/throughput.py [--model DIR] [--compare DIR] [--articles 300] [--data-dir DIR] [--skip-compile]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from attribution.pipeline import DEFAULT_MODEL_DIR

REPO = Path(__file__).resolve().parents[1]


def load_articles(n: int, data_dir: str | None) -> tuple[list[str], str]:
    from attribution.corpora import DataMissingError, resolve_data_dir

    try:
        path = resolve_data_dir(data_dir) / "bbc_news" / "bbc_news_articles.jsonl.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for _, line in zip(range(n), handle, strict=False)]
        return texts, f"{len(texts)} BBC News articles from {path.parent}"
    except (DataMissingError, FileNotFoundError):
        base = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples" / "articles").glob("*.txt"))]
        texts = [f"Edition {i}.\n" + base[i % len(base)] for i in range(n)]
        return texts, f"{n} articles generated from examples/articles"


def run_system(system: str, model: str, options: dict, n: int, data_dir: str | None) -> dict:
    """Score the article set with one system (inside this process) and measure it.

    With ``compile``, a first pass over 30 articles compiles the model; the timed pass is the second.
    """
    import attribution

    texts, _ = load_articles(n, data_dir)
    loading = time.perf_counter()
    analyzer = attribution.load(model, **options)
    startup = time.perf_counter() - loading
    if options.get("compile"):
        warm = time.perf_counter()
        for _ in analyzer.analyze_many(texts[:30]):
            pass
        print(f"compiled in {time.perf_counter() - warm:.0f}s", file=sys.stderr)
    started = time.perf_counter()
    sentences = 0
    lengths = []
    for result in analyzer.analyze_many(texts):
        sentences += len(result.sentences)
        lengths.extend(len(s.text) for s in result.sentences)
    elapsed = time.perf_counter() - started
    out = {"system": system, "articles": len(texts), "sentences": sentences, "seconds": elapsed,
           "startup_seconds": startup, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    clf = analyzer.classifier
    if hasattr(clf, "batches"):  # pair model: its padding share, and the bare forward passes on the same batches
        from attribution.clean import clean
        from attribution.model.pair import sentence_pairs
        from attribution.segment import segment

        out["tokens"], out["padding"] = clf.tokens, 1 - clf.tokens / clf.padded_tokens if clf.padded_tokens else 0.0
        out["backend"] = clf.backend
        batches = [inputs for t in texts for _, inputs in
                   clf.batches(sentence_pairs([s.text for s in segment(t, clean(t).content)]))]
        started = time.perf_counter()
        for inputs in batches:
            clf.forward(inputs)
        out["forward_seconds"] = time.perf_counter() - started
    if hasattr(clf, "_windows"):  # windowed model: count tokens and time the bare encoder on the same windows
        from attribution.clean import clean
        from attribution.segment import segment

        articles = [segment(t, clean(t).content) for t in texts]
        windows, _ = clf._windows(articles)
        out["tokens"] = sum(len(w.input_ids) for w in windows)
        started = time.perf_counter()
        clf._forward(windows)
        out["forward_seconds"] = time.perf_counter() - started
    return out


def run_pair_base_size(n: int, data_dir: str | None) -> dict:
    """The per-sentence pair design with a base-size (110M) random-weight BERT, timed on the same sentences."""
    import torch
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from attribution.clean import clean
    from attribution.model.classifier import set_threads
    from attribution.model.pair import encode_pairs
    from attribution.model.saved import PAIR_MAX_LENGTH
    from attribution.segment import segment

    set_threads()
    texts, _ = load_articles(n, data_dir)
    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    model = BertForSequenceClassification(BertConfig(num_labels=3)).eval()  # bert-base shape, random weights
    pairs = []
    for text in texts:
        previous = ""
        for s in segment(text, clean(text).content):
            pairs.append((previous, s.text))
            previous = s.text
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    started = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), 32):
            batch = [pairs[i] for i in order[b : b + 32]]
            enc = encode_pairs(tokenizer, batch, PAIR_MAX_LENGTH, tensors=True)
            model(**enc)
    elapsed = time.perf_counter() - started
    return {"system": "pair design, base-size (110M) encoder", "articles": len(texts), "sentences": len(pairs),
            "seconds": elapsed, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _onnx_systems(model_dir: str) -> list[tuple[str, str, dict]]:
    """The ONNX Runtime rows of a pair model, their graphs built (and cached) here, before anything is timed; none,
    with a note, without the [onnx] extra or for another design."""
    from attribution.model import onnx_backend

    if _design(model_dir) != "pair":
        return []
    if not onnx_backend.onnx_available():
        notes.append("onnx rows left out: the [onnx] extra is not installed (pip install 'attribution[onnx]')")
        return []
    # built in a process of its own: the export's memory must not count in the rows' peak RSS (a child inherits it)
    subprocess.run([sys.executable, __file__, "--worker", json.dumps(["export", model_dir, {}])], check=True,
                   cwd=REPO, capture_output=True)
    return [("default model fp32 (onnx)", model_dir, {"backend": "onnx"}),
            ("default model int8 (onnx)", model_dir, {"backend": "onnx", "quantize": "int8"})]


#: Lines printed under the table (rows left out and why).
notes: list[str] = []


def _design(model_dir: str) -> str:
    from attribution.model.saved import MODEL_CONFIG_FILE, SavedModel

    settings = SavedModel.settings_of(model_dir)
    if settings is None:
        raise SystemExit(f"{model_dir}: not a model directory from `attribution train` (no {MODEL_CONFIG_FILE})")
    return settings.design


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR), help="the model to time as the default")
    parser.add_argument("--compare", action="append", default=[], metavar="DIR",
                        help="another model directory to time in the same run (repeatable), e.g. a windowed model")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--data-dir")
    parser.add_argument("--skip-base-size", action="store_true", help="skip the 110M pair-design timing")
    parser.add_argument("--skip-compile", action="store_true", help="skip the torch.compile timing")
    parser.add_argument("--base-size-articles", type=int, default=50,
                        help="articles for the (slow) 110M pair-design timing; its rates are per sentence")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        system, model, options = json.loads(args.worker)
        if system == "export":  # the ONNX graphs of the model, built before the timed runs
            from attribution.model.onnx_backend import export_graph

            result = {"graphs": [str(export_graph(model, quantize)) for quantize in (None, "int8")]}
        elif system == "pair-base":
            result = run_pair_base_size(args.articles, args.data_dir)
        else:
            result = run_system(system, model, options, args.articles, args.data_dir)
        print(json.dumps(result))
        return
    _, described = load_articles(args.articles, args.data_dir)
    print(f"articles: {described}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    systems = [("rules", "rules", {})]
    if Path(args.model).is_dir():
        torch = {"backend": "torch"}
        systems += [("default model fp32 (torch)", args.model, torch),
                    ("default model fp32 (torch), 2 workers", args.model, {**torch, "workers": 2}),
                    ("default model int8 (torch)", args.model, {**torch, "quantize": "int8"})]
        systems += _onnx_systems(args.model)
        if not args.skip_compile and _design(args.model) == "window":
            systems.append(("default model fp32, compiled", args.model, {"compile": True}))
    for other in args.compare:
        name = f"{Path(other).name} ({_design(other)} design) fp32"
        systems.append((name, other, {}))
        if not args.skip_compile and _design(other) == "window":
            systems.append((f"{name}, compiled", other, {"compile": True}))
    if not args.skip_base_size:
        systems.append(("pair-base", "", {}))
    header = (f"{'system':40} {'art/s':>7} {'sent/s':>7} {'tok/s':>7} {'fwd sent/s':>10} {'overhead':>8} "
              f"{'padding':>7} {'start s':>7} {'RSS MB':>6}")
    print(header)
    for system in systems:
        n = args.base_size_articles if system[0] == "pair-base" else args.articles
        command = [sys.executable, __file__, "--worker", json.dumps(system), "--articles", str(n)]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        tok_s = f"{r['tokens'] / r['seconds']:7.0f}" if "tokens" in r else f"{'-':>7}"
        fwd = f"{r['sentences'] / r['forward_seconds']:10.1f}" if "forward_seconds" in r else f"{'-':>10}"
        overhead = f"{r['seconds'] / r['forward_seconds'] - 1:8.0%}" if "forward_seconds" in r else f"{'-':>8}"
        padding = f"{r['padding']:7.1%}" if "padding" in r else f"{'-':>7}"
        startup = f"{r['startup_seconds']:7.1f}" if "startup_seconds" in r else f"{'-':>7}"
        print(f"{r['system']:40} {r['articles'] / r['seconds']:7.1f} {r['sentences'] / r['seconds']:7.1f} {tok_s} "
              f"{fwd} {overhead} {padding} {startup} {r['peak_rss_mb']:6.0f}", flush=True)
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()

"""Peak memory of ``attribution score`` as the input grows: streaming keeps it flat.

Generates JSONL inputs of N project-written articles (five sentences each, with
scraped-page noise) and runs the real command on each in a subprocess, with
sentence and article outputs on disk, printing N, seconds, articles/s and the
subprocess's peak RSS. Flat RSS across N is what streaming promises.

    python bench/streaming_memory.py [--sizes 1000 10000 100000] [--model rules] [--workers 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = (
    " date 2026-0{m}-1{d} 200\nSorry!!\nCouncil weighs budget item {n}\n\n"
    "The council met on Monday to discuss budget item {n}, which covers {k} projects. "
    "A senior aide, speaking on condition of anonymity, said the plan would be delayed until {m} June. "
    "Mayor Ana Ruiz said the city would publish the figures for item {n} next week. "
    "Critics said the plan left out {k} neighbourhoods. "
    "The vote is scheduled for June {d}.\n\nCopyright 2026 The Gazette. All rights reserved.\n"
)


def write_input(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = TEMPLATE.format(n=i, k=i % 97, m=1 + i % 9, d=i % 10)
            handle.write(json.dumps({"id": f"a{i}", "outlet": f"outlet{i % 5}", "text": text}) + "\n")


def run(n: int, model: str, workers: int, quantize: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "in.jsonl"
        write_input(source, n)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "attribution.cli", "score", str(source), "--model", model,
                        "--workers", str(workers), "--quantize", quantize, "-o", str(tmp_path / "s.jsonl"),
                        "--articles", str(tmp_path / "a.jsonl"), "-q"], check=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lines = sum(1 for _ in (tmp_path / "a.jsonl").open(encoding="utf-8"))
    # ru_maxrss of children is the largest child so far: sizes run in increasing order, so it is this run's
    # unless an earlier, smaller run peaked higher (then the figure is an upper bound).
    return {"articles": n, "written": lines, "seconds": seconds, "peak_rss_mb": max(peak, before) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--model", default="rules")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--quantize", default="none")
    args = parser.parse_args()
    print(f"model {args.model}, workers {args.workers}, quantize {args.quantize}")
    print(f"{'articles':>9} {'written':>8} {'seconds':>8} {'art/s':>7} {'peak RSS MB':>12}")
    for n in sorted(args.sizes):
        r = run(n, args.model, args.workers, args.quantize)
        print(f"{r['articles']:9d} {r['written']:8d} {r['seconds']:8.1f} {r['articles'] / r['seconds']:7.1f} "
              f"{r['peak_rss_mb']:12.0f}", flush=True)


if __name__ == "__main__":
    main()

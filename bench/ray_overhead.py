"""Ray engine benchmark: the local run against Ray with 1 and 2 actors on the same articles, in one run.

Scores the article set (300 BBC News articles from the data directory by default, else articles generated from
the project's examples, as ``bench/throughput.py`` loads them) in this process with 1 and with every torch thread,
then through :class:`attribution.ray_engine.RayAnalyzer` (what ``attribution score --engine ray`` runs) on a local
Ray cluster with 1 and 2 actors of 1 CPU each. Prints, per run, the scoring seconds and sentences/s, the start-up
(model load; for Ray also the cluster and actors) and Ray's overhead: 1 actor against the local run on 1 thread
(the same compute), 2 actors against the local run on every thread (the same cores). Each row is printed as
soon as it is measured.

    python bench/ray_overhead.py [--articles 300] [--model default] [--data-dir DIR] [--actors 1,2]
                                 [--local-threads 1,2]

Needs the ``[ray]`` extra. The figures are for the machine it runs on; the README quotes a run on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import load_articles  # noqa: E402  (the same article set as the throughput benchmark)


def _local(model: str, texts: list[str], threads: int) -> dict:
    import torch

    import attribution

    torch.set_num_threads(threads)
    started = time.perf_counter()
    analyzer = attribution.load(model)
    loaded = time.perf_counter()
    sentences = sum(len(result.sentences) for result in analyzer.analyze_many(texts))
    return {"run": f"local, {threads} thread{'s' if threads > 1 else ''}", "start": loaded - started,
            "seconds": time.perf_counter() - loaded, "sentences": sentences}


def _ray(model: str, texts: list[str], actors: int) -> dict:
    import ray

    from attribution.ray_engine import RayAnalyzer

    started = time.perf_counter()
    analyzer = RayAnalyzer(model, actors=actors, cpus_per_actor=1, quiet=True)
    ray.get([worker.model_name.remote() for worker in analyzer._workers])  # every actor has loaded its model
    loaded = time.perf_counter()
    try:
        sentences = sum(len(result.sentences) for result in analyzer.analyze_many(texts))
    finally:
        seconds = time.perf_counter() - loaded
        analyzer.close()
    return {"run": f"ray, {actors} actor{'s' if actors > 1 else ''}", "start": loaded - started,
            "seconds": seconds, "sentences": sentences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--model", default="default", help="default (the shipped model), rules or a model directory")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--actors", default="1,2", help="comma-separated actor counts (default: 1,2)")
    parser.add_argument("--local-threads", default=None,
                        help="comma-separated torch thread counts of the local runs (default: 1 and every core)")
    args = parser.parse_args()
    from attribution.ray_engine import require_ray

    ray = require_ray("bench/ray_overhead.py")
    texts, described = load_articles(args.articles, args.data_dir)
    cores = os.cpu_count() or 1
    print(f"{described}; model {args.model}; {cores} cores")
    threads = ([int(n) for n in args.local_threads.split(",")] if args.local_threads
               else sorted({1, cores}))
    print(f"{'run':<18} {'start s':>8} {'scoring s':>10} {'sentences':>10} {'sentences/s':>12}", flush=True)
    rows: list[dict] = []

    def report(row: dict) -> None:  # each row as soon as it is measured
        row["rate"] = row["sentences"] / row["seconds"] if row["seconds"] else 0.0
        rows.append(row)
        print(f"{row['run']:<18} {row['start']:>8.1f} {row['seconds']:>10.2f} {row['sentences']:>10,} "
              f"{row['rate']:>12,.0f}", flush=True)

    for n in threads:
        report(_local(args.model, texts, n))
    cluster_started = time.perf_counter()
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False, logging_level="error")
    print(f"(local Ray cluster started in {time.perf_counter() - cluster_started:.1f}s, not in the figures)",
          flush=True)
    try:
        for actors in (int(n) for n in args.actors.split(",")):
            report(_ray(args.model, texts, actors))
    finally:
        ray.shutdown()
    by_run = {row["run"]: row for row in rows}

    def overhead(ray_run: str, local_run: str) -> None:
        if ray_run in by_run and local_run in by_run:
            a, b = by_run[ray_run], by_run[local_run]
            print(f"ray overhead, {ray_run} against {local_run}: {100 * (a['seconds'] / b['seconds'] - 1):+.0f}% "
                  f"scoring, {100 * ((a['seconds'] + a['start']) / (b['seconds'] + b['start']) - 1):+.0f}% with "
                  "start-up")

    overhead("ray, 1 actor", "local, 1 thread")
    overhead("ray, 2 actors", f"local, {cores} threads")
    if "ray, 1 actor" in by_run and "ray, 2 actors" in by_run:
        print(f"2 actors against 1: {by_run['ray, 2 actors']['rate'] / by_run['ray, 1 actor']['rate']:.2f}x the "
              "sentences/s")
    assert len({row["sentences"] for row in rows}) == 1, "the runs scored different sentence counts"


if __name__ == "__main__":
    main()

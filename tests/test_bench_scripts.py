"""Every benchmark script runs: each is started on a tiny input and must print its figures.

The figures themselves are measured by hand (README, Performance); this only keeps the scripts from rotting
(a bench importing a removed function went unnoticed before). A new script in ``bench/`` needs an entry in
``TINY_RUNS``, or this test fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: Per script: its arguments for a tiny run, and a text its output must contain.
TINY_RUNS = {
    "throughput.py": (["--articles", "3", "--skip-base-size", "--skip-compile", "--data-dir", "/nonexistent"],
                      "default model int8 (torch)"),
    "streaming_memory.py": (["--sizes", "3", "--model", "rules"], "peak RSS MB"),
    "int8_agreement.py": (["--inputs", "examples/articles"], "int8 vs fp32 label agreement on"),
    "source_extraction.py": (["--quick"], "unpunctuated       8,000"),
    "ray_overhead.py": (["--articles", "3", "--model", "rules", "--data-dir", "/nonexistent"],
                        "2 actors against 1:"),
}
#: Scripts that need an optional extra (import name): skipped, with the reason, where it is not installed.
NEEDS = {"ray_overhead.py": "ray"}


def test_every_bench_script_has_a_tiny_run():
    assert sorted(p.name for p in (REPO / "bench").glob("*.py")) == sorted(TINY_RUNS)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(TINY_RUNS))
def test_bench_script_runs_on_a_tiny_input(script, tmp_path):
    if script in NEEDS and importlib.util.find_spec(NEEDS[script]) is None:
        pytest.skip(f"{script} needs {NEEDS[script]} (pip install 'attribution[{NEEDS[script]}]')")
    args, expected = TINY_RUNS[script]
    # this checkout's package, whatever is installed; ONNX graphs built in a cache of the test's own
    env = {**os.environ, "PYTHONPATH": str(REPO), "ATTRIBUTION_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=900, check=False, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout, done.stdout[-3000:]

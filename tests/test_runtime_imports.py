"""The runtime stays light: scoring with the rules loads neither torch, scikit-learn, datasets nor ray.

Subcommands import their modules when they run, so `attribution score --model rules` starts fast and needs
none of the training stack. Checked in a fresh interpreter, whose ``sys.modules`` holds only what the run
imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "sklearn", "datasets", "transformers", "accelerate", "pandas", "matplotlib", "ray")

SCRIPT = """
import json, sys
from attribution.cli import main
imported_at_start = [m for m in {heavy!r} if m in sys.modules]
code = main(["score", "--model", "rules", {examples!r}, "-o", {out!r}, "-q"])
print(json.dumps({{"code": code, "start": imported_at_start, "after": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def test_scoring_with_the_rules_imports_no_heavy_library(tmp_path):
    script = SCRIPT.format(heavy=HEAVY, examples=str(REPO / "examples"), out=str(tmp_path / "s.jsonl"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=300,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "start": [], "after": []}
    assert (tmp_path / "s.jsonl").stat().st_size > 0

"""What a result was made with: time, code version and library versions, stored beside every figure."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

#: Distributions whose versions can change a score.
LIBRARIES = ("attribution", "scikit-learn", "numpy", "pandas", "pyarrow", "matplotlib", "sentencex",
             "torch", "transformers")

_REPO = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=_REPO, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def git_state() -> dict[str, Any]:
    """The commit (and whether the tree has local changes) of the checkout this evaluator runs from.

    ``None`` when the code is not a git checkout (an installed package), or git is unavailable.
    """
    top = _git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != _REPO:
        return {"git_commit": None, "git_dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": _git("rev-parse", "HEAD"), "git_dirty": bool(status) if status is not None else None}


def library_versions() -> dict[str, str | None]:
    """Installed versions of :data:`LIBRARIES` (``None`` for one not installed), and Python's."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def run_metadata() -> dict[str, Any]:
    """Timestamp (UTC, ISO 8601), git state and library versions."""
    return {"created": datetime.now(UTC).isoformat(timespec="seconds"), **git_state(),
            "versions": library_versions()}

"""Strict JSON-lines reading shared by the gold loaders and the training-file readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def iter_json_objects(path: Path, error: type[Exception] = ValueError) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a missing file, bad JSON or a non-object raises ``error``."""
    if not path.is_file():
        raise error(f"{path}: file not found")
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{path}:{line_no}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise error(f"{path}:{line_no}: expected a JSON object")
            yield line_no, record

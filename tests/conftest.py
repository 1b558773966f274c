"""Shared fixtures: paths to the shared data and example page, skipped cleanly where absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLE_PAGE = SHARED / "examples" / "scraped_page_menafn.txt"


@pytest.fixture
def menafn_page() -> Path:
    if not EXAMPLE_PAGE.exists():
        pytest.skip("../shared/examples/scraped_page_menafn.txt is not present")
    return EXAMPLE_PAGE


@pytest.fixture
def examples_dir() -> Path:
    return REPO / "examples"

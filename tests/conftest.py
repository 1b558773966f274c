"""Shared fixtures: paths to the shared data and example page, skipped cleanly where absent; one tiny
random-weight encoder per test session for the training tests."""

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


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide random-weight encoder (``tests.tiny_model.tiny_encoder``), built once per session."""
    from tests.tiny_model import tiny_encoder

    return tiny_encoder(tmp_path_factory.mktemp("tiny") / "encoder")

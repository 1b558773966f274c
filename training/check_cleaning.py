"""Measure the cleaner against the spec labels' boilerplate units: ``python -m attribution.training.check_cleaning``.

The spec annotators labelled every unit the cleaner of the day let through, and marked page furniture
that should not have reached classification as ``boilerplate`` (LABELS.md rule 11). Running today's
cleaner over the same documents says how many of those lines it now removes, and how many content units
(the three labels) it would wrongly remove. These documents are training data, not the evaluation set:
this is the development measure for cleaning rules; the gold set's leak rate (``attribution evaluate``)
is the held-out one. Line text goes to the terminal only (``--show``), never to a file.

Each figure is given per kind of text (the document's corpus) and in all, twice: with the rules alone
("rules") and with the rules and the learned detector ("+ detector", :mod:`attribution.boilerplate`). The
shipped detector was fitted on these same spec documents, so its figure here is a training figure; the
held-out figure for them (every document scored by a model fitted without it, from the training command) is
printed under it from the weights file. ``--spec-dir eval/gold`` gives the held-out figure on the gold set.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from attribution.training.spec import SPEC_DIR, document_units

from attribution.boilerplate import BoilerplateDetector, default_detector
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


def check_documents(documents: Iterable[tuple[str, str, Sequence[dict]]],
                    detector: BoilerplateDetector | bool = True) -> CleaningCheck:
    """Score the cleaner on ``(doc_id, text, units)``; units carry ``start``, ``end`` and ``label``.
    ``detector`` is passed to :func:`attribution.clean.clean` (``False``: the rules alone)."""
    result = CleaningCheck()
    for doc_id, text, units in documents:
        covered = bytearray(len(text))
        for removal in clean(text, detector=detector).removed:
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


def check_by_corpus(documents: Iterable[tuple[str, str, str, Sequence[dict]]],
                    detector: BoilerplateDetector | bool = True) -> dict[str, tuple[CleaningCheck, CleaningCheck]]:
    """``(rules alone, rules + detector)`` per corpus and under ``"all"``, for ``(doc_id, corpus, text, units)``."""
    out: dict[str, tuple[CleaningCheck, CleaningCheck]] = {}
    for doc_id, corpus, text, units in documents:
        pair = (check_documents([(doc_id, text, units)], detector=False),
                check_documents([(doc_id, text, units)], detector=detector))
        for key in (corpus, "all"):
            total = out.setdefault(key, (CleaningCheck(), CleaningCheck()))
            for into, part in zip(total, pair, strict=True):
                into.boilerplate += part.boilerplate
                into.boilerplate_removed += part.boilerplate_removed
                into.content += part.content
                into.content_removed += part.content_removed
                into.leaked += part.leaked
                into.lost += part.lost
    return out


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.1%})" if whole else "0/0"


def table(rows: dict[str, tuple[CleaningCheck, CleaningCheck]] | dict[str, dict]) -> list[str]:
    """The figures as text lines: boilerplate units removed and content units removed, rules and + detector."""
    lines = [f"{'corpus':14} {'boilerplate removed: rules':>28} {'+ detector':>18} {'content removed: rules':>24} "
             f"{'+ detector':>16}"]
    for corpus in sorted(rows, key=lambda c: (c == "all", c)):
        before, after = rows[corpus]
        lines.append(f"{corpus:14} {_share(before.boilerplate_removed, before.boilerplate):>28} "
                     f"{_share(after.boilerplate_removed, after.boilerplate):>18} "
                     f"{_share(before.content_removed, before.content):>24} "
                     f"{_share(after.content_removed, after.content):>16}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="shared data directory (default: $ATTRIBUTION_DATA_DIR or ../shared/data)")
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    parser.add_argument("--detector", type=Path, help="weights file of the detector (default: the shipped one)")
    parser.add_argument("--show", action="store_true",
                        help="print the lines leaked and the content wrongly removed (rules + detector)")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    if not (args.spec_dir / "units.jsonl").exists():
        raise SystemExit(f"no spec labels in {args.spec_dir}")
    detector = BoilerplateDetector.load(args.detector) if args.detector else default_detector()
    texts: dict[str, str] = {}  # kept for --show

    def documents() -> Iterable[tuple[str, str, str, list[dict]]]:
        for doc_id, document, text, units in document_units(args.spec_dir, data_dir):
            texts[doc_id] = text
            yield doc_id, document.get("corpus", ""), text, units

    try:
        rows = check_by_corpus(documents(), detector=detector or False)
    except ValueError as exc:  # a unit of an unlisted document, a changed corpus
        raise SystemExit(str(exc)) from None
    print(f"units removed by the cleaner, {args.spec_dir}:")
    print("\n".join(table(rows)))
    if detector is None:
        print("(no detector weights in the package: + detector is the rules alone)")
    held_out = (detector.meta.get("held_out") if detector else None) or {}
    rules_only = (detector.meta.get("rules_only") if detector else None) or {}
    if held_out and args.spec_dir.resolve() == SPEC_DIR.resolve():
        print("held out (each spec document cleaned with a detector fitted without it; from the training run):")
        print("\n".join(table({corpus: (from_meta(rules_only.get(corpus, {})), from_meta(figures))
                               for corpus, figures in held_out.items()})))
    if args.show and "all" in rows:
        after = rows["all"][1]
        for kind, spans in (("leaked", after.leaked), ("removed content", after.lost)):
            for doc_id, start, end in spans:
                print(f"{kind:16} {doc_id} {start}-{end}  {texts[doc_id][start:end][:100]!r}")
    return 0


def from_meta(figures: dict) -> CleaningCheck:
    return CleaningCheck(figures.get("boilerplate", 0), figures.get("boilerplate_removed", 0),
                         figures.get("content", 0), figures.get("content_removed", 0))


if __name__ == "__main__":
    raise SystemExit(main())

"""Spans against the corpus authors: ``python -m attribution.training.check_spans``.

On the PolNeAR articles labelled to the spec (``training/spec_labels``), the project's readers marked a source
mention and a cue in every attributed unit; PolNeAR's authors marked Source and Cue spans in the same text.
For each attributed unit where both sides marked a span inside the unit, this counts how often the readers'
span equals one of PolNeAR's exactly and how often it overlaps one, and sorts the rest by the kind of
difference (a determiner, a title or role word, a comma-set apposition or clause, a possessive, other), so
that the systematic differences are settled in ``docs/labels.md`` and both sources of spans can train one
model. Offsets and counts only are printed; ``--show N`` prints N examples of each difference to the terminal.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from attribution.training import polnear
from attribution.training.brat import read_brat
from attribution.training.span_convention import cue_span, source_span
from attribution.training.spec import SPEC_DIR, read_standoff

from attribution.corpora import load_text, resolve_data_dir

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "some", "one", "two", "three", "several", "many",
               "his", "her", "their", "its", "our"}
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator", "former", "secretary", "candidate",
          "presidential", "democratic", "republican", "gop", "chairman", "leader", "spokesman", "spokeswoman",
          "director", "chief", "executive", "minister", "vice", "state", "house", "speaker", "attorney", "general"}


def polnear_spans(data_dir: Path, convention: bool = False) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """doc_id → {"source": [...], "cue": [...]}: the outer extent of every Source and Cue PolNeAR marks
    (moved to the project's span convention, :mod:`attribution.training.span_convention`, if asked)."""
    out: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for split in polnear.SPLITS:
        for stem, text_path, ann in polnear.article_files(data_dir, split):
            doc = read_brat(ann)
            text = text_path.read_text(encoding="utf-8") if convention else ""
            spans: dict[str, list[tuple[int, int]]] = {"source": [], "cue": []}
            for span in doc.spans.values():
                kind = span.type.lower()
                if kind in spans and span.fragments:
                    extent = (span.fragments[0][0], span.fragments[-1][1])
                    if convention:
                        extent = (source_span if kind == "source" else cue_span)(text, *extent)
                    spans[kind].append(extent)
            out[f"polnear:{split}/{stem}"] = spans
    return out


def _words(text: str) -> list[str]:
    return [w.strip(".,'’\"“”").lower() for w in text.split() if w.strip(".,'’\"“”")]


def difference(ours: tuple[int, int], theirs: tuple[int, int], text: str) -> str:
    """The kind of difference between two overlapping spans: what the longer one adds."""
    if ours[0] <= theirs[0] and theirs[1] <= ours[1]:
        longer, extra = "ours longer", text[ours[0]:theirs[0]] + " " + text[theirs[1]:ours[1]]
    elif theirs[0] <= ours[0] and ours[1] <= theirs[1]:
        longer, extra = "PolNeAR longer", text[theirs[0]:ours[0]] + " " + text[ours[1]:theirs[1]]
    else:
        return "crossing"
    words = _words(extra)
    if "," in extra or "who" in words or "which" in words:
        what = "apposition or clause"
    elif words and all(w in DETERMINERS for w in words):
        what = "determiner"
    elif words and all(w in TITLES or w in DETERMINERS for w in words):
        what = "title or role"
    elif "'s" in extra or "’s" in extra:
        what = "possessive"
    else:
        what = "other"
    return f"{longer}: {what}"


def compare(data_dir: Path, spec_dir: Path = SPEC_DIR, show: int = 0, convention: bool = False,
            rounds: set[int] | None = None,
            theirs_by_doc: dict[str, dict[str, list[tuple[int, int]]]] | None = None) -> dict[str, dict]:
    """Per span kind (source, cue): units compared, exact and overlap shares, differences, one-sided units
    (only the documents of the labelling ``rounds`` given, else all); ``theirs_by_doc`` is
    :func:`polnear_spans`' result when the caller has read it already."""
    standoff = read_standoff(spec_dir)
    if standoff is None:
        raise SystemExit(f"no spec labels in {spec_dir}")
    if theirs_by_doc is None:
        theirs_by_doc = polnear_spans(data_dir, convention)
    result: dict[str, dict] = {}
    examples: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for kind in ("source", "cue"):
        counts: Counter = Counter()
        differences: Counter = Counter()
        for unit in standoff.units:
            doc = standoff.documents.get(unit["doc_id"], {})
            if doc.get("corpus") != "polnear" or unit["label"] not in ("reported_claim", "anonymous_source_quote"):
                continue
            if rounds is not None and int(doc.get("round", 1)) not in rounds:
                continue
            theirs = [s for s in theirs_by_doc.get(unit["doc_id"], {}).get(kind, [])
                      if unit["start"] <= s[0] and s[1] <= unit["end"]]
            start, end = unit.get(f"{kind}_start"), unit.get(f"{kind}_end")
            ours = (start, end) if start is not None else None
            counts["attributed units"] += 1
            if ours is None and not theirs:
                counts["neither"] += 1
                continue
            if ours is None:
                counts["PolNeAR only"] += 1
                continue
            if not theirs:
                counts["ours only"] += 1
                continue
            counts["compared"] += 1
            if ours in theirs:
                counts["exact"] += 1
                counts["overlap"] += 1
                continue
            overlapping = [s for s in theirs if s[0] < ours[1] and ours[0] < s[1]]
            if not overlapping:
                differences["disjoint"] += 1
                continue
            counts["overlap"] += 1
            text = texts.setdefault(unit["doc_id"], load_text(doc["locator"], data_dir))
            what = difference(ours, overlapping[0], text)
            differences[what] += 1
            if show and len(examples.setdefault(f"{kind} {what}", [])) < show:
                examples[f"{kind} {what}"].append(f"ours {text[ours[0]:ours[1]]!r} | PolNeAR "
                                                  f"{text[overlapping[0][0]:overlapping[0][1]]!r}")
        compared = counts["compared"] or 1
        result[kind] = {**dict(counts), "exact_share": round(counts["exact"] / compared, 4),
                        "overlap_share": round(counts["overlap"] / compared, 4),
                        "differences": dict(differences.most_common())}
    result["_examples"] = examples
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attribution.training.check_spans", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    parser.add_argument("--show", type=int, default=0, help="print N examples of each kind of difference")
    parser.add_argument("--json", type=Path, default=None, help="write the figures (no text) here")
    parser.add_argument("--raw", action="store_true",
                        help="PolNeAR's spans as the authors marked them (default: moved to the project's convention)")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    print("PolNeAR spans " + ("as marked" if args.raw else "moved to the project's convention (--raw: as marked)"))
    results = {}
    theirs = polnear_spans(data_dir, not args.raw)  # every BRAT file read once, for the three groups
    for name, rounds in (("all rounds", None), ("spec rounds 1-2", {1, 2}), ("spec round 3", {3})):
        result = compare(data_dir, args.spec_dir, args.show if rounds is None else 0, not args.raw, rounds, theirs)
        examples = result.pop("_examples")
        results[name] = result
        print(f"== {name}")
        for kind in ("source", "cue"):
            r = result[kind]
            print(f"{kind}: {r.get('compared', 0)} units with a span on both sides of {r.get('attributed units', 0)}"
                  f" attributed: exact {r['exact_share']:.1%}, overlap {r['overlap_share']:.1%}; ours only "
                  f"{r.get('ours only', 0)}, PolNeAR only {r.get('PolNeAR only', 0)}, neither {r.get('neither', 0)}")
            for what, n in r["differences"].items():
                print(f"  {what}: {n}")
        for key, lines in examples.items():
            print(f"-- {key}")
            for line in lines:
                print("  " + line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

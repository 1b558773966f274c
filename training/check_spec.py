"""Score the PolNeAR converter against the labels made to the spec: ``python -m attribution.training.check_spec``.

The spec split (``training/spec_labels/``) holds PolNeAR *train* articles labelled sentence by sentence
directly to LABELS.md, from the text alone: the annotators never saw converter output. The converter
never labels those articles for training (spec documents are excluded from the converted splits), so
converting them here and comparing is a blind measure of the converter.

The spec-labelled PolNeAR documents of the first labelling round are split by document, deterministically
(:func:`half_of`, a hash of the doc id), into two halves: ``dev``, whose errors may be read to improve the
converter, and ``test``, held out: its error listing is printed only when asked for by name (``--errors
test``/``all``). Documents of the second round (``"round": 2`` in documents.jsonl), labelled after the
converter changes made on ``dev``, form a third held-out group, ``fresh``; the PolNeAR articles of the third
spec round (``"round": 3``, chosen for hard cases) a fourth, ``spec_round3``.

Round 3 (``training/checks/round3.jsonl``) is a further blind check: PolNeAR train articles that are not
spec-labelled, each read by two annotators; the converter is scored on the units both readings agree on.
``--consensus MODEL`` also scores the consensus filter (:mod:`attribution.training.consensus`): the converter on the
sentences the filter keeps, with the share it keeps.

A spec unit is matched to the converted sentence with exactly the same offsets; spec units the converter
does not emit (different segmentation, dropped as page noise or annotator Discard) are counted as
``unmatched`` and listed, not scored. Sentence text goes to the terminal only, never to a file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from attribution.training import polnear
from attribution.training.brat import read_brat
from attribution.training.records import Provenance, SentenceRecord
from attribution.training.spec import BOILERPLATE, SPEC_DIR, document_rounds, load_units, read_standoff

from attribution.corpora import DATA_DIR_ENV, load_text, resolve_data_dir
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, REPORTED_CLAIM

LABELS = (DIRECT_FACT, REPORTED_CLAIM, ANONYMOUS_SOURCE_QUOTE)
HALVES = ("dev", "test", "fresh", "spec_round3")
_SALT = "check_spec:"


def half_of(doc_id: str) -> str:
    """``dev`` or ``test`` for a document: a pure function of its doc id (about half each)."""
    bucket = int(hashlib.sha1((_SALT + doc_id).encode("utf-8")).hexdigest(), 16) % 2
    return "dev" if bucket == 0 else "test"


def group_of(doc_id: str, rounds: dict[str, int]) -> str:
    """``fresh`` for a second-round document, ``spec_round<N>`` for a later round's, else its first-round half."""
    n = rounds.get(doc_id, 1)
    return half_of(doc_id) if n == 1 else "fresh" if n == 2 else f"spec_round{n}"


def spec_units(spec_dir: Path, data_dir: Path) -> list[SentenceRecord]:
    """The non-boilerplate spec units of PolNeAR documents, text joined from the data directory."""
    return [u for u in load_units(spec_dir, data_dir) if u.doc_id.startswith(f"{polnear.CORPUS}:")]


def convert_documents(data_dir: Path, doc_ids: set[str]) -> dict[tuple[str, int, int], SentenceRecord]:
    """Convert the given PolNeAR documents with the current converter: (doc_id, start, end) → record."""
    by_split: dict[str, set[str]] = {}
    for doc_id in doc_ids:
        split, _, stem = doc_id.partition(":")[2].partition("/")
        by_split.setdefault(split, set()).add(stem)
    converted = {}
    for split, stems in sorted(by_split.items()):
        entities = polnear.load_entities(data_dir, split)
        files = {stem: (text, ann) for stem, text, ann in polnear.article_files(data_dir, split)}
        missing = stems - set(files)
        if missing:
            raise FileNotFoundError(f"PolNeAR {split}: no annotation for {sorted(missing)} in {data_dir}")
        for stem in sorted(stems):
            text_path, ann_path = files[stem]
            records = polnear.convert_article(
                text_path.read_text(encoding="utf-8"), read_brat(ann_path), entities.get(stem, []),
                doc_id=f"{polnear.CORPUS}:{split}/{stem}", ann_file=ann_path.relative_to(data_dir).as_posix())
            for record in records:
                converted[(record.doc_id, record.start, record.end)] = record
    return converted


@dataclass
class Score:
    """Scores of one half: confusion (converted, spec) → n, errors and unmatched units."""

    documents: int = 0
    confusion: Counter = field(default_factory=Counter)
    errors: list[tuple[SentenceRecord, SentenceRecord]] = field(default_factory=list)  # (converted, spec)
    unmatched: list[SentenceRecord] = field(default_factory=list)

    @property
    def n(self) -> int:
        return sum(self.confusion.values())

    @property
    def correct(self) -> int:
        return sum(v for (c, s), v in self.confusion.items() if c == s)

    def per_converted(self) -> dict[str, tuple[int, int]]:
        """converted label → (correct, n): the precision of each converted label."""
        return {label: (self.confusion[(label, label)], sum(v for (c, _), v in self.confusion.items() if c == label))
                for label in LABELS}

    def per_spec(self) -> dict[str, tuple[int, int]]:
        """spec label → (found, n): the recall of each spec label."""
        return {label: (self.confusion[(label, label)], sum(v for (_, s), v in self.confusion.items() if s == label))
                for label in LABELS}

    def to_dict(self) -> dict:
        def share(pair: tuple[int, int]) -> dict:
            return {"correct": pair[0], "n": pair[1], "rate": round(pair[0] / pair[1], 4) if pair[1] else None}

        return {
            "documents": self.documents, "matched": self.n, "unmatched": len(self.unmatched),
            "overall": share((self.correct, self.n)),
            "accuracy_per_converted_label": {k: share(v) for k, v in self.per_converted().items()},
            "recall_per_spec_label": {k: share(v) for k, v in self.per_spec().items()},
            "confusion_converted_to_spec": {f"{c} -> {s}": v for (c, s), v in sorted(self.confusion.items())},
        }


def score(units: list[SentenceRecord], converted: dict[tuple[str, int, int], SentenceRecord]) -> Score:
    result = Score(documents=len({u.doc_id for u in units}))
    for unit in units:
        record = converted.get((unit.doc_id, unit.start, unit.end))
        if record is None:
            result.unmatched.append(unit)
            continue
        result.confusion[(record.label, unit.label)] += 1
        if record.label != unit.label:
            result.errors.append((record, unit))
    return result


def score_halves(units: list[SentenceRecord], converted: dict[tuple[str, int, int], SentenceRecord],
                 halves: tuple[str, ...] = HALVES, rounds: dict[str, int] | None = None) -> dict[str, Score]:
    """One :class:`Score` per group in ``halves``, plus ``all`` when more than one group is asked for."""
    rounds = rounds or {}
    out = {half: score([u for u in units if group_of(u.doc_id, rounds) == half], converted) for half in halves}
    if len(halves) > 1:
        out["all"] = score([u for u in units if group_of(u.doc_id, rounds) in halves], converted)
    return out


SECOND_PASS = Path(__file__).parent / "checks" / "spec_second_pass.jsonl"


def read_second_pass(path: Path) -> dict[tuple[str, int, int], str]:
    """A second, independent labelling of spec units, stand-off: (doc_id, start, end) → label."""
    labels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row["label"] not in (*LABELS, BOILERPLATE):
                raise ValueError(f"{path}:{n}: unknown label {row['label']!r}")
            labels[(row["doc_id"], int(row["start"]), int(row["end"]))] = row["label"]
    return labels


def second_pass_agreement(first: list[SentenceRecord], boilerplate: set[tuple[str, int, int]],
                          second: dict[tuple[str, int, int], str],
                          converted: dict[tuple[str, int, int], SentenceRecord]) -> dict:
    """How far the spec labels are from a second reading, and the converter against each reading.

    ``first``: the spec's content units; ``boilerplate``: keys of the units it marked boilerplate.
    The converter is scored on the units both readings call content, against each reading and
    against their consensus (the units both readings give the same label)."""
    from sklearn.metrics import cohen_kappa_score

    firsts = {(u.doc_id, u.start, u.end): u.label for u in first}
    firsts.update({key: BOILERPLATE for key in boilerplate})
    both = [key for key in second if key in firsts]
    a, b = [firsts[k] for k in both], [second[k] for k in both]
    content = [k for k in both if firsts[k] != BOILERPLATE and second[k] != BOILERPLATE]
    scored = [k for k in content if k in converted]
    consensus = [k for k in scored if firsts[k] == second[k]]

    def accuracy(keys: list, reference: dict) -> dict:
        hits = sum(converted[k].label == reference[k] for k in keys)
        return {"correct": hits, "n": len(keys), "rate": round(hits / len(keys), 4) if keys else None}

    return {
        "documents": len({k[0] for k in both}), "units": len(both),
        "agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(both), 4) if both else None,
        "kappa": round(float(cohen_kappa_score(a, b)), 4) if len(set(a) | set(b)) > 1 else None,
        "content_units": len(content),
        "content_agreement": round(sum(firsts[k] == second[k] for k in content) / len(content), 4)
        if content else None,
        "confusion_first_to_second": dict(sorted(Counter(f"{x} -> {y}" for x, y in zip(a, b, strict=True)
                                                         if x != y).items())),
        "converter_vs_first": accuracy(scored, firsts),
        "converter_vs_second": accuracy(scored, second),
        "converter_on_consensus": accuracy(consensus, firsts),
    }


def format_agreement(result: dict, name: str = "second reading", first: str = "the spec labels") -> str:
    def pct(d: dict) -> str:
        return f"{d['correct']}/{d['n']} = {d['rate']:.1%}" if d["n"] else "0/0"

    if not result["units"]:
        return f"== {name}: none of these units was read twice"
    lines = [f"== {name}: {result['documents']} documents, {result['units']} units",
             f"agreement with {first} {result['agreement']:.1%} (Cohen's kappa {result['kappa']}); "
             f"on the {result['content_units']} units both call content {result['content_agreement']:.1%}",
             f"disagreements ({first} -> second): " + ", ".join(f"{k} {v}" for k, v in
                                                             result["confusion_first_to_second"].items()),
             f"converter vs {first} {pct(result['converter_vs_first'])}; vs second reading "
             f"{pct(result['converter_vs_second'])}; on the units both readings agree on "
             f"{pct(result['converter_on_consensus'])}"]
    return "\n".join(lines)


ROUND3 = Path(__file__).parent / "checks" / "round3.jsonl"


def read_round3(path: Path, data_dir: Path) -> tuple[list[SentenceRecord], dict[tuple[str, int, int], str]]:
    """The round-3 check (PolNeAR *train* articles read blind twice, never spec-labelled, stand-off:
    doc_id, start, end, sample, label_a, label_b): the first reading as units (text joined from the data
    directory) and the second as (doc_id, start, end) → label."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts: dict[str, str] = {}
    first, second = [], {}
    seen: set[tuple[str, int, int]] = set()
    for n, row in enumerate(rows, 1):
        for key in ("label_a", "label_b"):
            if row[key] not in (*LABELS, BOILERPLATE):
                raise ValueError(f"{path}:{n}: unknown label {row[key]!r}")
        doc_id, start, end = row["doc_id"], int(row["start"]), int(row["end"])
        if (doc_id, start, end) in seen:
            raise ValueError(f"{path}:{n}: unit {doc_id} {start}-{end} is listed twice")
        seen.add((doc_id, start, end))
        if doc_id not in texts:
            split, _, stem = doc_id.partition(":")[2].partition("/")
            texts[doc_id] = load_text({"file": f"{polnear.CORPUS}/{split}/text/{stem}.txt"}, data_dir)
        text = texts[doc_id]
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{path}:{n}: offsets {start}-{end} outside {doc_id} ({len(text)} chars)")
        first.append(SentenceRecord(doc_id=doc_id, corpus=polnear.CORPUS, sent_idx=n, start=start, end=end,
                                    text=text[start:end], label=row["label_a"], source_spans=[], cue_spans=[],
                                    prev_text="", next_text="", n_sentences=0,
                                    provenance=Provenance(path.name, [], "round3", row.get("sample", ""))))
        second[(doc_id, start, end)] = row["label_b"]
    return first, second


def agreed_units(first: list[SentenceRecord], second: dict[tuple[str, int, int], str]) -> list[SentenceRecord]:
    """The content units both readings give the same label: the reference the converter is scored on."""
    return [u for u in first if u.label != BOILERPLATE and second.get((u.doc_id, u.start, u.end)) == u.label]


def consensus_score(units: list[SentenceRecord], converted: dict[tuple[str, int, int], SentenceRecord],
                    votes: dict, min_prob: float) -> tuple[Score, int]:
    """The converter scored on the sentences the consensus filter keeps, and how many matched sentences
    there were before filtering (the filter's coverage is the kept share of those)."""
    matched = [u for u in units if (u.doc_id, u.start, u.end) in converted]
    kept = {k: r for k, r in converted.items() if k in votes and votes[k].agree(min_prob)}
    return score([u for u in matched if (u.doc_id, u.start, u.end) in kept], kept), len(matched)


def _pct(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]} = {pair[0] / pair[1]:.1%}" if pair[1] else "0/0"


def format_score(name: str, result: Score) -> str:
    short = {DIRECT_FACT: "direct", REPORTED_CLAIM: "reported", ANONYMOUS_SOURCE_QUOTE: "anonymous"}
    lines = [f"== {name}: {result.documents} documents, {result.n} sentences matched, "
             f"{len(result.unmatched)} labelled units not emitted by the converter",
             f"overall {_pct((result.correct, result.n))}"]
    lines.append("accuracy per converted label: " + "; ".join(
        f"{short[k]} {_pct(v)}" for k, v in result.per_converted().items()))
    lines.append("recall per spec label:        " + "; ".join(
        f"{short[k]} {_pct(v)}" for k, v in result.per_spec().items()))
    lines.append("confusion (rows converted, columns spec):")
    lines.append(f"{'':>12}" + "".join(f"{short[s]:>11}" for s in LABELS))
    for c in LABELS:
        lines.append(f"{short[c]:>12}" + "".join(f"{result.confusion[(c, s)]:>11}" for s in LABELS))
    return "\n".join(lines)


def format_errors(name: str, result: Score, width: int = 200) -> str:
    lines = [f"-- {name}: {len(result.errors)} errors (converted → spec), {len(result.unmatched)} unmatched"]
    for record, unit in sorted(result.errors, key=lambda p: (p[0].doc_id, p[0].start)):
        text = " ".join(unit.text.split())
        lines.append(f"{record.label:>22} → {unit.label:<22} {unit.doc_id} {unit.start}-{unit.end} "
                     f"[{record.provenance.rule}] {record.provenance.detail}\n    {text[:width]}")
    for unit in sorted(result.unmatched, key=lambda u: (u.doc_id, u.start)):
        text = " ".join(unit.text.split())
        lines.append(f"{'(not emitted)':>22}   {unit.label:<22} {unit.doc_id} {unit.start}-{unit.end}\n"
                     f"    {text[:width]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attribution.training.check_spec",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", help=f"shared data directory (default: ${DATA_DIR_ENV}, else ../shared/data)")
    parser.add_argument("--spec-dir", default=str(SPEC_DIR), help="stand-off spec labels (documents/units.jsonl)")
    parser.add_argument("--half", choices=(*HALVES, "all"), default="all",
                        help="which group to score: dev, test (round-1 halves), fresh (round 2), or all (each "
                             "group separately, then together)")
    parser.add_argument("--errors", choices=(*HALVES, "round3", "all", "none"), default="dev",
                        help="whose error listing to print (default dev: the held-out groups' errors are "
                             "listed only when asked for by name)")
    parser.add_argument("--second-pass", default=str(SECOND_PASS),
                        help="a second, independent labelling of spec units (doc_id, start, end, label): "
                             "agreement with the spec labels and the converter on the units both agree on "
                             "(default: training/checks/spec_second_pass.jsonl; 'none' to skip)")
    parser.add_argument("--round3", default=str(ROUND3),
                        help="blind double reading of further PolNeAR train articles (doc_id, start, end, sample, "
                             "label_a, label_b): agreement, and the converter on the units both readings agree on "
                             "(default: training/checks/round3.jsonl; 'none' to skip)")
    parser.add_argument("--consensus", metavar="MODEL",
                        help="also score the consensus filter (training/consensus.py) with this reader model: "
                             "the converter on the sentences the filter keeps, per group")
    parser.add_argument("--min-prob", type=float, default=0.5, help="the filter's least model probability")
    args = parser.parse_args(argv)

    data_dir = resolve_data_dir(args.data_dir)
    units = spec_units(Path(args.spec_dir), data_dir)
    if not units:
        print(f"no PolNeAR spec units in {args.spec_dir}", file=sys.stderr)
        return 1
    halves = HALVES if args.half == "all" else (args.half,)
    rounds = document_rounds(Path(args.spec_dir))
    units = [u for u in units if group_of(u.doc_id, rounds) in halves]
    converted = convert_documents(data_dir, {u.doc_id for u in units})
    results = score_halves(units, converted, halves, rounds)
    for name, result in results.items():
        print(format_score(name, result))
    second_path = Path(args.second_pass)
    if args.second_pass != "none" and second_path.exists():
        second = read_second_pass(second_path)
        boilerplate = {(u["doc_id"], u["start"], u["end"]) for u in read_standoff(Path(args.spec_dir)).units
                       if u["label"] == BOILERPLATE and group_of(u["doc_id"], rounds) in halves}
        print(format_agreement(second_pass_agreement(units, boilerplate, second, converted)))
    groups = {half: [u for u in units if group_of(u.doc_id, rounds) == half] for half in halves}
    round3_path = Path(args.round3)
    if args.round3 not in ("none", str(ROUND3)) and not round3_path.exists():
        print(f"no round-3 file {round3_path}", file=sys.stderr)
        return 1
    base_group = {half: half for half in halves}
    if args.round3 != "none" and round3_path.exists() and args.half == "all":
        first, second = read_round3(round3_path, data_dir)
        converted.update(convert_documents(data_dir, {u.doc_id for u in first}))
        boilerplate = {(u.doc_id, u.start, u.end) for u in first if u.label == BOILERPLATE}
        content = [u for u in first if u.label != BOILERPLATE]
        print(format_agreement(second_pass_agreement(content, boilerplate, second, converted), "round 3",
                               "the first reading"))
        groups["round3"] = agreed_units(first, second)
        base_group["round3"] = "round3"
        for sample in sorted({u.provenance.detail for u in groups["round3"]}):
            name = f"round3 ({sample} articles)"
            groups[name] = [u for u in groups["round3"] if u.provenance.detail == sample]
            base_group[name] = None  # scored, its errors listed with round3's
        for name in [g for g in groups if g.startswith("round3")]:
            results[name] = score(groups[name], converted)
            print(format_score(name + ", units both readings agree on", results[name]))
    if args.consensus:
        from attribution.training.consensus import check_reader, vote

        import attribution

        check_reader(args.consensus)
        votes = vote([r.to_dict() for r in converted.values()], attribution.load(args.consensus).classifier)
        for name, group in groups.items():
            kept, matched = consensus_score(group, converted, votes, args.min_prob)
            print(format_score(f"{name}, consensus filter ({args.consensus}, min prob {args.min_prob}): "
                               f"kept {_pct((kept.n, matched))} of matched", kept))
            results[f"{name}, kept by the consensus filter"] = kept
            base_group[f"{name}, kept by the consensus filter"] = base_group.get(name)
    listed = {"none": (), "all": (*HALVES, "round3")}.get(args.errors, (args.errors,))
    for name, result in results.items():
        if base_group.get(name) in listed:
            print(format_errors(name, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Labelling rounds to the spec: choose unlabelled documents, cut them into units, and join the readers' labels.

A round has three steps, each a command, so that a round can be repeated and audited:

``select``
    picks documents that are neither labelled yet (``training/spec_labels``) nor in ``eval/gold`` nor in a
    corpus's held-out part, by a fixed rule per corpus (every sourcing story; tracker snippets, BBC articles
    per topic and Wikinews source pages in hash order; PolNeAR train articles ranked by the hard cases they
    hold), and writes ``documents.jsonl`` (locator + fingerprint, no text) for the round.
``packets``
    cuts each document into units with the project's segmenter (on the raw page, so boilerplate lines are
    units too) and writes one reading packet per reader: every document's units with their ids and text, in
    a working folder outside the repository (the text belongs to the corpus owners and never enters it).
``join``
    reads the readers' answers (one JSON line per unit: ``unit_id``, ``label``, and the ``source`` and ``cue``
    as written, each optionally with ``source_at``/``cue_at``, the character offset of the mention inside
    the unit when the same words occur twice) and writes the stand-off units with absolute offsets. A span
    that is not found verbatim in its unit, a unit without an answer, or an unknown label is an error.

``merge``
    joins every reader's answers, keeps the documents whose first reader finished them, applies the settled
    labels of units the two readings disagree on (``--settled``: doc_id, start, end, label, spans, and the
    first reader's label), marks the selection set (:func:`choose_selection`) and writes the round into
    ``training/spec_labels`` (replacing an earlier merge of the same round) and the second readings into
    ``training/checks/spec_round<N>_second.jsonl``.
``agreement``
    prints the two readings' agreement and Cohen's kappa per corpus (labels, and source/cue spans).

The readers' answers are the only hand-made input; everything else is rebuilt by these commands.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from attribution.training.span_convention import cue_span, extend_source
from attribution.training.spec import SPEC_DIR, doc_ids, read_standoff

from attribution.corpora import load_text, resolve_data_dir, text_fingerprint
from attribution.labels import BOILERPLATE, LABELS
from attribution.segment import segment

GOLD_DIR = Path(__file__).resolve().parents[1] / "eval" / "gold"
TRACKER_FILE = "anonymous_source_tracker/anon_snippets.jsonl.gz"
BBC_FILE = "bbc_news/bbc_news_articles.jsonl.gz"
WIKINEWS_FILE = "wikinewssum_sample/wikinewssum_en_sample.jsonl.gz"
UNIT_LABELS = (*LABELS, BOILERPLATE)
CHECKS_DIR = Path(__file__).parent / "checks"
#: The selection set: per kind of text, at least this many content units and anonymous units (issue 16)
SELECTION_MIN_UNITS = 150
SELECTION_MIN_ANONYMOUS = 20
#: ... taking at most this share of a corpus's documents of the round, so that training keeps the rest
SELECTION_MAX_SHARE = 0.5

# Hard cases of issue 16 that a PolNeAR article is ranked by (count of matches per pattern, capped).
HARD_CASES = {
    "inverted_trailing": re.compile(r",[\"\u201d]? (?:adds|added|says|said|notes|noted|explains|explained|writes|wrote)"
                                    r" (?:[A-Z][a-z]+ )?(?:[a-z]+ )?[A-Z][a-z]+(?: [A-Z][a-z]+)*\."),
    "back_reference": re.compile(r"\b(?:the|The) (?:company|utility|official|spokesman|spokeswoman|agency|department|"
                                 r"campaign|senator|governor|group|lawyer|source) (?:added|said|noted|continued|"
                                 r"wrote|explained)\b"),
    "organisation_says": re.compile(r"\b(?:[A-Z][a-z]+ )+(?:Inc|Corp|Bank|Association|Foundation|Department|Agency|"
                                    r"Committee|Institute|Council|Commission|Campaign|Party)(?: of [A-Z][a-z]+)* "
                                    r"(?:said|says|announced|reported)\b"),
    "quote_with_verb": re.compile(r"[\"\u201c][^\"\u201d]{0,80}\b(?:believe|think|know|feel)\b[^\"\u201d]{0,80}"
                                  r"[,.]?[\"\u201d],? (?:he|she|they|[A-Z][a-z]+) (?:said|says|added)"),
    "sourced_heading": re.compile(r"(?m)^[^\n]{3,80}:\s*$"),
    "multi_sentence_quote": re.compile(r"[\"\u201c][^\"\u201d\n]{20,}[.!?] [A-Z][^\"\u201d\n]{20,}[\"\u201d]"),
}


#: What makes a BBC article or Wikinews page "anonymity-rich" for a round that needs more anonymous units
ANONYMITY = re.compile(r"\b(?:sources? (?:said|say|close|told)|officials (?:said|say)|insiders|analysts (?:said|say)|"
                       r"critics|experts (?:said|say|believe)|observers|aides|diplomats|people familiar|"
                       r"(?:person|someone|source) close to|asked not to be (?:named|identified)|"
                       r"condition of anonymity|"
                       r"not authori[sz]ed to|declined to be (?:named|identified)|speaking anonymously)\b",
                       re.IGNORECASE)
ANONYMITY_MIN_HITS = 1


def _hash_order(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _used(spec_dir: Path) -> set[str]:
    return doc_ids(spec_dir) | doc_ids(GOLD_DIR)


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _document(doc_id: str, corpus: str, locator: dict, data_dir: Path, round_: int) -> dict:
    text = load_text(locator, data_dir)
    return {"doc_id": doc_id, "corpus": corpus, "locator": locator, "chars": len(text),
            "sha256_16": text_fingerprint(text), "round": round_}


def candidates(corpus: str, data_dir: Path) -> Iterable[tuple[str, dict]]:
    """Every document of ``corpus`` in the data directory as ``(doc_id, locator)``, in the selection order.

    ``<corpus>+anonymous`` keeps only the documents with at least :data:`ANONYMITY_MIN_HITS` matches of
    :data:`ANONYMITY` (a round that needs more anonymous units for the selection set), in the same order.
    """
    if corpus.endswith("+anonymous"):
        for doc_id, locator in candidates(corpus.removesuffix("+anonymous"), data_dir):
            if len(ANONYMITY.findall(load_text(locator, data_dir))) >= ANONYMITY_MIN_HITS:
                yield doc_id, locator
        return
    if corpus == "journ_sourcing_gt":
        folder = data_dir / "journ_sourcing_gt" / "articles_with_boilerplate"
        for path in sorted(folder.glob("*.txt")):
            yield f"journ:{path.stem}", {"file": path.relative_to(data_dir).as_posix()}
    elif corpus == "anonymous_source_tracker":
        rows = _jsonl(data_dir / TRACKER_FILE)
        locator = {"file": TRACKER_FILE, "field": "content", "clean": "snippet"}
        items = [(f"tracker:{hashlib.sha1(r['link'].encode()).hexdigest()[:12]}:{n}", {**locator, "line": n})
                 for n, r in enumerate(rows)]
        yield from sorted(items, key=lambda item: _hash_order(item[0]))
    elif corpus == "bbc_news":
        rows = _jsonl(data_dir / BBC_FILE)
        items = [(f"bbc:{r['id']}", {"file": BBC_FILE, "key": "id", "value": r["id"], "field": "text"}) for r in rows]
        # round-robin over the five topics, each in hash order, so any prefix is balanced across topics
        by_topic: dict[str, list] = {}
        for item in sorted(items, key=lambda item: _hash_order(item[0])):
            by_topic.setdefault(item[0].split(":")[1].split("/")[0], []).append(item)
        queues = [by_topic[t] for t in sorted(by_topic)]
        while any(queues):
            for queue in queues:
                if queue:
                    yield queue.pop(0)
    elif corpus == "wikinewssum":
        items = []
        for row in _jsonl(data_dir / WIKINEWS_FILE):
            for item, source in enumerate(row.get("sources") or []):
                if (source.get("maintext") or "").strip():
                    items.append((f"wikinews:{row['sample_index']}/{item}",
                                  {"file": WIKINEWS_FILE, "key": "sample_index", "value": row["sample_index"],
                                   "field": "sources", "item": item, "item_field": "maintext"}))
        yield from sorted(items, key=lambda item: _hash_order(item[0]))
    elif corpus == "polnear":
        folder = data_dir / "polnear" / "train" / "text"
        scored = []
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            score = sum(min(len(p.findall(text)), 3) for p in HARD_CASES.values())
            kinds = sum(1 for p in HARD_CASES.values() if p.search(text))
            scored.append((-kinds, -score, len(text), path))
        for *_, path in sorted(scored, key=lambda s: (s[0], s[1], _hash_order(s[3].stem))):
            yield f"polnear:train/{path.stem}", {"file": path.relative_to(data_dir).as_posix()}
    else:
        raise ValueError(f"unknown corpus {corpus!r}")


def select(quota: dict[str, int], data_dir: Path, spec_dir: Path, round_: int, *,
           max_chars: int = 12000, skip: Iterable[str] = ()) -> list[dict]:
    """The round's documents: per corpus, the first ``quota[corpus]`` unused candidates (0 or less: all);
    ``skip`` names documents already chosen (an earlier wave of the same round)."""
    used = _used(spec_dir) | set(skip)
    chosen = []
    for corpus, n in quota.items():
        picked = 0
        for doc_id, locator in candidates(corpus, data_dir):
            if doc_id in used or 0 < n <= picked:
                continue
            document = _document(doc_id, corpus.removesuffix("+anonymous"), locator, data_dir, round_)
            if document["chars"] > max_chars or document["chars"] < 40:
                continue
            chosen.append(document)
            picked += 1
    return chosen


def units_of(text: str) -> list[tuple[int, int]]:
    """The units a reader labels: every segment of the raw page, blank lines dropped."""
    return [(s.start, s.end) for s in segment(text) if s.text.strip()]


def write_packets(documents: Sequence[dict], data_dir: Path, out_dir: Path, readers: int,
                  second_share: float = 0.25, *, first_index: int = 0, first_reader: int = 0,
                  extra_second: dict[str, int] | None = None) -> dict:
    """One packet per reader, balanced by units; ``second_share`` of the documents also go to a second reader.

    A later wave of the same round numbers its documents from ``first_index`` and its readers from
    ``first_reader``, adds to ``assignments.json``, and may give documents of an earlier wave to one of its
    readers for a second reading (``extra_second``: doc_id → that reader's index in this wave), copied from the
    earlier packet so that the unit ids are the same.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    loads = [0] * readers
    plan: dict[int, list[dict]] = {r: [] for r in range(readers)}
    assignments_path = out_dir / "assignments.json"
    assignments: dict[str, list[int]] = (json.loads(assignments_path.read_text(encoding="utf-8"))
                                         if first_reader and assignments_path.exists() else {})
    if extra_second:
        earlier = {doc["doc_id"]: doc for path in sorted(out_dir.glob("packet_*.jsonl")) for doc in _jsonl(path)}
        for doc_id, reader in extra_second.items():
            plan[reader].append(earlier[doc_id])
            loads[reader] += len(earlier[doc_id]["units"])
            assignments[doc_id] = [*assignments[doc_id][:1], first_reader + reader]
    for d_idx, document in enumerate(documents, first_index):
        text = load_text(document["locator"], data_dir)
        spans = units_of(text)
        units = [{"unit_id": f"{d_idx:03d}-{u:03d}", "start": s, "end": e, "text": text[s:e]}
                 for u, (s, e) in enumerate(spans)]
        first = min(range(readers), key=lambda r: loads[r])
        who = [first]
        if int(_hash_order("second:" + document["doc_id"]), 16) % 1000 < second_share * 1000 and readers > 1:
            who.append(min((r for r in range(readers) if r != first), key=lambda r: loads[r]))
        for r in who:
            loads[r] += len(units)
            plan[r].append({"doc_id": document["doc_id"], "corpus": document["corpus"], "units": units})
        assignments[document["doc_id"]] = [first_reader + r for r in who]
    for r, docs in plan.items():
        with open(out_dir / f"packet_{first_reader + r}.jsonl", "w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
        with open(out_dir / f"packet_{first_reader + r}.txt", "w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(f"=== DOCUMENT {doc['doc_id']} ({doc['corpus']}) ===\n")
                for unit in doc["units"]:
                    handle.write(f"[{unit['unit_id']}] {unit['text']}\n")
                handle.write("\n")
    assignments_path.write_text(json.dumps(assignments, indent=1), encoding="utf-8")
    return {"units_per_reader": loads, "documents": len(documents)}


def _locate(span: str | None, at: int | None, unit_text: str, where: str) -> tuple[int, int] | None:
    if not span:
        return None
    if at is not None:
        if unit_text[at : at + len(span)] != span:
            raise ValueError(f"{where}: {span!r} is not at offset {at} of the unit")
        return at, at + len(span)
    found = [m.start() for m in re.finditer(re.escape(span), unit_text)]
    if not found:
        raise ValueError(f"{where}: {span!r} does not occur in the unit")
    # without an offset: a whole-word occurrence ("he" is not the "he" of "The"), outside quotation marks
    # (the cue "said", not a "said" inside the quote) where there is one, else the first
    whole = [f for f in found if _whole_word(unit_text, f, f + len(span))] or found
    outside = [f for f in whole if not _quoted(unit_text, f)] or whole
    return outside[0], outside[0] + len(span)


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() and text[start].isalnum()) and not (after.isalnum() and text[end - 1].isalnum())


def _quoted(text: str, at: int) -> bool:
    """Whether ``at`` lies inside a quotation (an odd number of straight or opening curly quotes before it)."""
    before = text[:at]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


class _Texts(dict):
    """Document texts joined on first use."""

    def __init__(self, documents: dict[str, dict], data_dir: Path | None):
        super().__init__()
        self.documents, self.data_dir = documents, data_dir

    def __missing__(self, doc_id: str) -> str:
        self[doc_id] = load_text(self.documents[doc_id]["locator"], self.data_dir)
        return self[doc_id]


def _answers(path: Path) -> dict[tuple[str | None, str], dict]:
    """A reader's answers by (doc_id, unit_id); the last answer for a unit wins."""
    return {(record.get("doc_id"), record["unit_id"]): record for record in _jsonl(path)}


def join(documents: Sequence[dict], packet_path: Path, answers_path: Path,
         data_dir: Path | None = None) -> list[dict]:
    """Stand-off units (absolute offsets) for the documents of one packet, from its reader's answers."""
    return _join(documents, _jsonl(packet_path), _answers(answers_path), answers_path.name, data_dir)


def _join(documents: Sequence[dict], packet: Sequence[dict], answers: dict[tuple[str | None, str], dict],
          reader: str, data_dir: Path | None) -> list[dict]:
    by_id = {d["doc_id"]: d for d in documents}
    text_of = _Texts(by_id, data_dir)
    units = []
    for doc in packet:
        if doc["doc_id"] not in by_id:
            raise ValueError(f"{reader}: {doc['doc_id']} is not in the round's documents")
        for unit in doc["units"]:
            record = answers.get((doc["doc_id"], unit["unit_id"])) or answers.get((None, unit["unit_id"]))
            where = f"{reader} {doc['doc_id']} {unit['unit_id']}"
            if record is None:
                raise ValueError(f"{where}: no answer")
            label = record["label"]
            if label not in UNIT_LABELS:
                raise ValueError(f"{where}: unknown label {label!r}")
            source = cue = None
            if label in ("reported_claim", "anonymous_source_quote"):
                source = _locate(record.get("source"), record.get("source_at"), unit["text"], where)
                cue = _locate(record.get("cue"), record.get("cue_at"), unit["text"], where)
            s0 = unit["start"]
            # the span convention (training/span_convention.py): a head mention takes in its apposition, a cue
            # its auxiliaries; idempotent for spans that already follow it
            if source:
                cue_abs = (s0 + cue[0], s0 + cue[1]) if cue else None
                full = extend_source(text_of[doc["doc_id"]], s0 + source[0], s0 + source[1], cue_abs, unit["end"])
                source = (full[0] - s0, full[1] - s0)
            if cue:
                full = cue_span(text_of[doc["doc_id"]], s0 + cue[0], s0 + cue[1])
                cue = (full[0] - s0, full[1] - s0)
            units.append({"doc_id": doc["doc_id"], "unit_id": unit["unit_id"], "start": unit["start"],
                          "end": unit["end"], "label": label,
                          "source_start": s0 + source[0] if source else None,
                          "source_end": s0 + source[1] if source else None,
                          "cue_start": s0 + cue[0] if cue else None, "cue_end": s0 + cue[1] if cue else None})
    return units


def _key(unit: dict) -> tuple[str, int, int]:
    return unit["doc_id"], unit["start"], unit["end"]


def choose_selection(documents: Sequence[dict], units: Sequence[dict]) -> set[str]:
    """The round's documents held out as the selection set, per corpus in a fixed hash order.

    Documents are added until the corpus has :data:`SELECTION_MIN_UNITS` content units (after that, only
    documents that hold anonymous units) and :data:`SELECTION_MIN_ANONYMOUS` anonymous ones, or
    :data:`SELECTION_MAX_SHARE` of its documents. Where anonymous units are rare this makes the selection set
    richer in them than the corpus, so its anonymous share is a calibration check on that set, not the corpus's.
    The rule reads only the hand labels (never a model), so it is fixed before any recipe is tried.
    """
    by_doc: dict[str, list[dict]] = {}
    for unit in units:
        by_doc.setdefault(unit["doc_id"], []).append(unit)
    chosen: set[str] = set()
    by_corpus: dict[str, list[dict]] = {}
    for document in documents:
        by_corpus.setdefault(document["corpus"], []).append(document)
    for docs in by_corpus.values():
        content = anonymous = taken = 0
        limit = int(len(docs) * SELECTION_MAX_SHARE)
        for document in sorted(docs, key=lambda d: _hash_order("selection:" + d["doc_id"])):
            if (content >= SELECTION_MIN_UNITS and anonymous >= SELECTION_MIN_ANONYMOUS) or taken >= limit:
                break
            mine = by_doc.get(document["doc_id"], [])
            anonymous_here = sum(u["label"] == "anonymous_source_quote" for u in mine)
            if content >= SELECTION_MIN_UNITS and not anonymous_here:
                continue  # enough units already: only documents that bring anonymous units are added
            chosen.add(document["doc_id"])
            taken += 1
            content += sum(u["label"] != BOILERPLATE for u in mine)
            anonymous += anonymous_here
    return chosen


def _readings(documents: Sequence[dict], packets: Path,
              data_dir: Path | None) -> dict[str, list[list[dict]]]:
    """Per document, the complete readings in reader order of assignment (first reader first)."""
    assignments = json.loads((packets / "assignments.json").read_text(encoding="utf-8"))
    by_reader: dict[int, dict[str, list[dict]]] = {}
    for reader in sorted({r for who in assignments.values() for r in who}):
        answers = packets / f"answers_{reader}.jsonl"
        if not answers.exists():
            continue
        answered = _answers(answers)
        # only the documents every unit of which the reader answered
        complete = [doc for doc in _jsonl(packets / f"packet_{reader}.jsonl")
                    if all((doc["doc_id"], u["unit_id"]) in answered for u in doc["units"])]
        by_reader[reader] = {}
        for unit in _join(documents, complete, answered, answers.name, data_dir):
            by_reader[reader].setdefault(unit["doc_id"], []).append(unit)
    return {doc_id: [by_reader[r][doc_id] for r in who if doc_id in by_reader.get(r, {})]
            for doc_id, who in assignments.items()}


def merge(documents: Sequence[dict], packets: Path, spec_dir: Path, second_out: Path,
          settled: Path | None = None, data_dir: Path | None = None) -> dict:
    """Write the round into ``spec_dir`` and its second readings to ``second_out``; returns counts."""
    readings = _readings(documents, packets, data_dir)
    fixes = {_key(u): u for u in _jsonl(settled)} if settled and settled.exists() else {}
    round_docs, round_units, second = [], [], []
    for document in documents:
        mine = readings.get(document["doc_id"], [])
        if not mine:
            continue
        first, *others = mine  # a document whose second reader did not get to it is read once
        for unit in first:
            fix = fixes.get(_key(unit))
            if fix is not None:
                unit.update({k: fix[k] for k in ("label", "source_start", "source_end", "cue_start", "cue_end")
                             if k in fix})
            round_units.append(unit)
        for other in others[:1]:
            second.extend(other)
        round_docs.append(document)
    selection = choose_selection(round_docs, round_units)
    round_docs = [{**d, "split": "selection" if d["doc_id"] in selection else "spec"} for d in round_docs]
    round_ = {d["round"] for d in documents}
    standoff = read_standoff(spec_dir)
    keep_docs = [d for d in standoff.documents.values() if d.get("round", 1) not in round_] if standoff else []
    kept = {d["doc_id"] for d in keep_docs}
    keep_units = [u for u in standoff.units if u["doc_id"] in kept] if standoff else []
    _write_jsonl(spec_dir / "documents.jsonl", [*keep_docs, *round_docs])
    _write_jsonl(spec_dir / "units.jsonl", [*keep_units, *round_units])
    _write_jsonl(second_out, second)
    return {"documents": len(round_docs), "units": len(round_units),
            "content_units": sum(u["label"] != BOILERPLATE for u in round_units),
            "second_read_documents": len({u["doc_id"] for u in second}), "second_units": len(second),
            "selection_documents": len(selection), "settled": len(fixes)}


def agreement(first: Sequence[dict], second: Sequence[dict], corpus_of: dict[str, str]) -> dict[str, dict]:
    """Per corpus (and ``all``): units both readings cover, label agreement, Cohen's kappa, span agreement."""
    from sklearn.metrics import cohen_kappa_score

    firsts = {_key(u): u for u in first}
    rows: dict[str, list[tuple[dict, dict]]] = {}
    for unit in second:
        other = firsts.get(_key(unit))
        if other is not None:
            rows.setdefault(corpus_of[unit["doc_id"]], []).append((other, unit))
            rows.setdefault("all", []).append((other, unit))
    table = {}
    for corpus, pairs in sorted(rows.items()):
        a, b = [x["label"] for x, _ in pairs], [y["label"] for _, y in pairs]
        both = [(x, y) for x, y in pairs if x["label"] == y["label"] and x["label"] in LABELS[1:]]
        table[corpus] = {
            "documents": len({x["doc_id"] for x, _ in pairs}), "units": len(pairs),
            "agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(pairs), 4),
            "kappa": round(float(cohen_kappa_score(a, b)), 4) if len(set(a) | set(b)) > 1 else None,
            "attributed_both": len(both),
            "source_exact": _share(both, "source"), "cue_exact": _share(both, "cue"),
            "disagreements": dict(sorted(Counter(f"{x} -> {y}" for x, y in zip(a, b, strict=True)
                                                 if x != y).items())),
        }
    return table


def _share(pairs: Sequence[tuple[dict, dict]], span: str) -> float | None:
    if not pairs:
        return None
    same = sum((x[f"{span}_start"], x[f"{span}_end"]) == (y[f"{span}_start"], y[f"{span}_end"]) for x, y in pairs)
    return round(same / len(pairs), 4)


def _write_jsonl(path: Path, records: Iterable[dict]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attribution.training.label_packets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("select", help="choose the round's documents")
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--quota", action="append", default=[], metavar="CORPUS=N",
                   help="documents per corpus (0: all), e.g. journ_sourcing_gt=0 bbc_news=50")
    p.add_argument("--out", type=Path, required=True, help="the round's documents.jsonl")
    p = sub.add_parser("packets", help="cut the round's documents into reading packets")
    p.add_argument("documents", type=Path)
    p.add_argument("--readers", type=int, required=True)
    p.add_argument("--second-share", type=float, default=0.25)
    p.add_argument("--out", type=Path, required=True, help="a working folder outside the repository")
    p = sub.add_parser("join", help="join one reader's answers into stand-off units")
    p.add_argument("documents", type=Path)
    p.add_argument("packet", type=Path)
    p.add_argument("answers", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("merge", help="write a finished round into the spec labels")
    p.add_argument("documents", type=Path)
    p.add_argument("packets", type=Path, help="the round's working folder (packets, answers, assignments.json)")
    p.add_argument("--settled", type=Path, default=None, help="settled labels of the disagreements")
    p.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    p.add_argument("--second-out", type=Path, default=None)
    p = sub.add_parser("agreement", help="two readings' agreement per corpus")
    p.add_argument("--round", type=int, default=3)
    p.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    if args.command == "select":
        quota = {}
        for item in args.quota:
            corpus, _, n = item.partition("=")
            quota[corpus] = int(n or 0)
        documents = select(quota, data_dir, SPEC_DIR, args.round)
        _write_jsonl(args.out, documents)
        print(f"{len(documents)} documents -> {args.out}", file=sys.stderr)
    elif args.command == "packets":
        documents = _jsonl(args.documents)
        print(json.dumps(write_packets(documents, data_dir, args.out, args.readers, args.second_share)))
    elif args.command == "join":
        units = join(_jsonl(args.documents), args.packet, args.answers, data_dir)
        _write_jsonl(args.out, units)
        print(f"{len(units)} units -> {args.out}", file=sys.stderr)
    elif args.command == "merge":
        documents = _jsonl(args.documents)
        round_ = documents[0]["round"]
        second_out = args.second_out or CHECKS_DIR / f"spec_round{round_}_second.jsonl"
        print(json.dumps(merge(documents, args.packets, args.spec_dir, second_out, args.settled, data_dir)))
    else:
        print(format_agreement(round_agreement(args.spec_dir, args.round)))
    return 0


def round_agreement(spec_dir: Path, round_: int, checks_dir: Path = CHECKS_DIR) -> dict[str, dict]:
    """The agreement table of a merged round: the first readings (settled units restored to the first reader's
    label) against the second readings in ``training/checks``."""
    standoff = read_standoff(spec_dir)
    if standoff is None:
        raise SystemExit(f"no spec labels in {spec_dir}")
    second_path = checks_dir / f"spec_round{round_}_second.jsonl"
    settled_path = checks_dir / f"spec_round{round_}_settled.jsonl"
    settled = {_key(u): u for u in _jsonl(settled_path)} if settled_path.exists() else {}
    first = []
    for unit in standoff.units:
        fix = settled.get(_key(unit))
        first.append({**unit, **fix.get("first", {})} if fix else unit)
    corpus_of = {doc_id: d["corpus"] for doc_id, d in standoff.documents.items()}
    return agreement(first, _jsonl(second_path), corpus_of)


def format_agreement(table: dict[str, dict]) -> str:
    lines = [f"{'corpus':<26} {'docs':>4} {'units':>5} {'agree':>6} {'kappa':>6} {'attr.':>5} {'src=':>6} "
             f"{'cue=':>6}  disagreements (first -> second)"]
    for corpus, row in table.items():
        def pct(v):
            return "n/a" if v is None else f"{v:.1%}"
        lines.append(f"{corpus:<26} {row['documents']:>4} {row['units']:>5} {pct(row['agreement']):>6} "
                     f"{row['kappa'] if row['kappa'] is not None else 'n/a':>6} {row['attributed_both']:>5} "
                     f"{pct(row['source_exact']):>6} {pct(row['cue_exact']):>6}  "
                     + ", ".join(f"{k} {v}" for k, v in row["disagreements"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

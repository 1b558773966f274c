"""Splits: by document, deterministic, disjoint, and never holding an evaluation-set document."""

import json

import pytest
from attribution.training.records import Provenance, SentenceRecord
from attribution.training.splits import GOLD_DIR, check_disjoint, gold_doc_ids, story_split


def test_story_split_is_a_pure_function_of_the_doc_id():
    ids = [f"journ:{n}-story" for n in range(200)]
    first = [story_split(i) for i in ids]
    assert first == [story_split(i) for i in ids]
    assert 0.15 < first.count("dev") / len(first) < 0.45


def test_check_disjoint_rejects_a_document_on_two_sides_or_in_the_evaluation_set():
    check_disjoint({"train": ["a", "a", "b"], "dev": ["c"]}, held_out={"z"})
    with pytest.raises(ValueError, match="both"):
        check_disjoint({"train": ["a"], "dev": ["a"]}, held_out=set())
    with pytest.raises(ValueError, match="evaluation document"):
        check_disjoint({"train": ["z"]}, held_out={"z"})


def test_gold_doc_ids_use_the_converters_doc_id_scheme():
    ids = gold_doc_ids()
    if not (GOLD_DIR / "documents.jsonl").exists():
        pytest.skip("no evaluation set in this checkout")
    prefixes = {i.split(":", 1)[0] for i in ids}
    assert prefixes <= {"polnear", "journ", "bbc", "wikinews"}
    for doc_id in ids:
        if doc_id.startswith("polnear:"):
            assert doc_id.split(":", 1)[1].split("/", 1)[0] in {"train", "dev"}


def _record(doc_id):
    return SentenceRecord(doc_id, "polnear", 0, 0, 1, "x", "direct_fact", [], [], "", "", 1, Provenance("f"))


def test_collect_drops_evaluation_documents_everywhere(tmp_path, monkeypatch):
    from attribution.training import journ, polnear, prepare, tracker

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "documents.jsonl").write_text(json.dumps({"doc_id": "polnear:dev/held", "locator": {}}) + "\n")
    (gold / "units.jsonl").write_text("")
    seen_excludes = []

    def fake_polnear(data_dir, split, exclude=frozenset(), progress=None):
        seen_excludes.append(set(exclude))
        return [_record(f"polnear:{split}/{n}") for n in ("held", "a") if f"polnear:{split}/{n}" not in exclude]

    monkeypatch.setattr(polnear, "convert_split", fake_polnear)
    monkeypatch.setattr(journ, "convert", lambda data_dir, exclude=frozenset(): iter(()))
    monkeypatch.setattr(tracker, "convert", lambda data_dir, exclude=frozenset(): iter(()))
    splits, report = prepare.collect(tmp_path, gold_dir=gold, spec_dir=tmp_path / "no_spec")
    all_ids = {r.doc_id for records in splits.values() for r in records}
    assert "polnear:dev/held" not in all_ids
    assert all("polnear:dev/held" in e for e in seen_excludes)
    assert "spec" not in splits and report["held_out_documents"] == 1


def test_collect_also_splits_the_spec_labels_by_labelling_round(tmp_path, monkeypatch):
    from attribution.training import journ, polnear, prepare, tracker

    from attribution.corpora import text_fingerprint

    spec = tmp_path / "spec"
    spec.mkdir()
    docs, units = [], []
    for n, round_ in ((1, None), (2, 2)):
        text = f"Officials said the bridge {n} is unsafe. It closed on Monday."
        (tmp_path / f"d{n}.txt").write_text(text, encoding="utf-8")
        doc = {"doc_id": f"bbc:d{n}", "corpus": "bbc_news", "locator": {"file": f"d{n}.txt"}, "chars": len(text),
               "sha256_16": text_fingerprint(text)}
        docs.append({**doc, "round": round_} if round_ else doc)
        units += [{"doc_id": f"bbc:d{n}", "unit_id": "u0", "start": 0, "end": text.index(".") + 1,
                   "label": "anonymous_source_quote"},
                  {"doc_id": f"bbc:d{n}", "unit_id": "u1", "start": text.index("It"), "end": len(text),
                   "label": "direct_fact"}]
    (spec / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    (spec / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units))
    monkeypatch.setattr(polnear, "convert_split", lambda data_dir, split, exclude=frozenset(), progress=None: [])
    monkeypatch.setattr(journ, "convert", lambda data_dir, exclude=frozenset(): iter(()))
    monkeypatch.setattr(tracker, "convert", lambda data_dir, exclude=frozenset(): iter(()))
    splits, _ = prepare.collect(tmp_path, gold_dir=tmp_path / "no_gold", spec_dir=spec)
    assert {r.doc_id for r in splits["spec"]} == {"bbc:d1", "bbc:d2"}
    assert [r.doc_id for r in splits["spec_round1"]] == ["bbc:d1", "bbc:d1"]
    assert [r.doc_id for r in splits["spec_round2"]] == ["bbc:d2", "bbc:d2"]

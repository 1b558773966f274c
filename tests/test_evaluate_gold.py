"""The project's hand-labelled set: it loads through the stand-off loader and the rules baseline scores on it.

Skipped where the shared data directory is absent (the texts are joined from it, never stored here).
"""

from __future__ import annotations

import json

import pytest
from attribution.eval.gold import DEFAULT_GOLD_DIR, load_default_gold

from attribution.cli import main
from attribution.corpora import DataMissingError, resolve_data_dir
from attribution.labels import LABELS


@pytest.fixture(scope="module")
def data_dir():
    try:
        return resolve_data_dir(None)
    except DataMissingError:
        pytest.skip("the shared data directory is not present")


def test_gold_manifest_is_stand_off():
    # The repository holds offsets and fingerprints only: no text fields.
    for name in ("documents.jsonl", "units.jsonl"):
        for line in (DEFAULT_GOLD_DIR / name).read_text(encoding="utf-8").splitlines():
            assert "text" not in json.loads(line)


def test_default_gold_loads_and_matches_its_fingerprints(data_dir):
    gold = load_default_gold(data_dir)
    assert gold.name == "eval/gold" and len(gold.texts) >= 10
    content = [u for u in gold.units if u.is_content]
    assert {u.label for u in content} == set(LABELS)
    assert all(gold.texts[u.doc_id][u.start : u.end].strip() for u in gold.units)


def test_rules_baseline_scores_on_the_default_gold(data_dir, tmp_path, capsys):
    out = tmp_path / "rules.json"
    argv = ["evaluate", "--model", "rules", "--data-dir", str(data_dir), "--bootstrap", "100", "-q", "--json", str(out)]
    assert main(argv) == 0
    assert "== rules (model rules) ==" in capsys.readouterr().out
    system = json.loads(out.read_text(encoding="utf-8"))["systems"][0]
    metrics = system["metrics"]
    assert 0.3 < metrics["macro_f1"] <= 1.0
    low, high = metrics["macro_f1_ci"]
    assert low <= metrics["macro_f1"] <= high
    assert metrics["boilerplate"]["units"] > 0 and system["missing_documents"] == []


def test_rounds_select_disjoint_documents_that_make_up_the_whole_set(data_dir):
    whole = load_default_gold(data_dir)
    first, second = (load_default_gold(data_dir, rounds=[n]) for n in (1, 2))
    assert first.name == "eval/gold round 1" and second.name == "eval/gold round 2"
    assert not set(first.texts) & set(second.texts)
    assert set(first.texts) | set(second.texts) == set(whole.texts)
    assert len(first.units) + len(second.units) == len(whole.units)
    assert all(u.doc_id in second.texts for u in second.units)


def test_round_errors_are_clear(data_dir, tmp_path, capsys):
    assert main(["evaluate", "--model", "rules", "--round", "7", "--data-dir", str(data_dir), "-q"]) == 2
    assert "no documents of round(s) [7]" in capsys.readouterr().err
    units, docs = tmp_path / "u.jsonl", tmp_path / "d.jsonl"
    docs.write_text('{"doc_id": "d", "text": "A fact."}\n', encoding="utf-8")
    units.write_text('{"doc_id": "d", "start": 0, "end": 7, "label": "direct_fact"}\n', encoding="utf-8")
    argv = ["evaluate", "--model", "rules", "--gold", str(units), "--docs", str(docs), "--round", "1", "-q"]
    assert main(argv) == 2
    assert "--round selects documents of the project's gold set" in capsys.readouterr().err


def test_a_prediction_file_over_the_whole_set_scores_round_by_round(data_dir, tmp_path, capsys):
    gold = load_default_gold(data_dir)
    pred = tmp_path / "all.jsonl"
    with pred.open("w", encoding="utf-8") as handle:  # every content unit predicted direct_fact, all 23 docs
        for unit in gold.units:
            if unit.is_content:
                handle.write(json.dumps({"doc_id": unit.doc_id, "start": unit.start, "end": unit.end,
                                         "label": "direct_fact"}) + "\n")
    scores = {}
    for round_ in ("1", "2"):
        out = tmp_path / f"r{round_}.json"
        argv = ["evaluate", "--pred", str(pred), "--round", round_, "--data-dir", str(data_dir), "--bootstrap", "20",
                "-q", "--json", str(out)]
        assert main(argv) == 0, capsys.readouterr().err
        system = json.loads(out.read_text(encoding="utf-8"))["systems"][0]
        assert system["missing_documents"] == []
        scores[round_] = system["metrics"]["per_label"]["direct_fact"]["support"]
    whole = sum(1 for u in gold.units if u.label == "direct_fact")
    assert scores["1"] + scores["2"] == whole and min(scores.values()) > 0


def test_round_two_documents_are_the_documented_draw(data_dir):
    from attribution.eval.select_round2 import select

    listed = [json.loads(line)["doc_id"] for line in (DEFAULT_GOLD_DIR / "documents.jsonl").read_text().splitlines()
              if json.loads(line).get("round") == 2]
    assert select(data_dir) == listed


def test_the_selection_set_holds_every_kind_of_text_and_no_training_or_gold_document(data_dir):
    from attribution.eval.gold import load_selection
    from attribution.training.spec import SPEC_DIR, document_splits

    selection = load_selection(data_dir)
    assert selection.name == "selection set (training/spec_labels)"
    assert set(selection.texts) == {d for d, s in document_splits(SPEC_DIR).items() if s == "selection"}
    gold = {json.loads(line)["doc_id"] for line in (DEFAULT_GOLD_DIR / "documents.jsonl").read_text().splitlines()}
    assert not gold & set(selection.texts)
    per_kind: dict[str, list[str]] = {}
    for unit in selection.units:
        if unit.is_content:
            per_kind.setdefault(selection.kind(unit.doc_id), []).append(unit.label)
    assert set(per_kind) == {"polnear", "journ_sourcing_gt", "bbc_news", "wikinewssum", "anonymous_source_tracker"}
    for labels in per_kind.values():  # issue 16: at least 150 content units and 20 anonymous per kind
        assert len(labels) >= 150 and labels.count("anonymous_source_quote") >= 20

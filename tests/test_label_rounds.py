"""Labelling rounds (training/label_packets.py): select, cut into packets, join answers, merge with the
selection set, agreement; and the selection split through prepare-data and the evaluator's per-kind table."""

import gzip
import json

import pytest
from attribution.training import label_packets as lp
from attribution.training.spec import document_splits, read_standoff

from attribution.corpora import clean_snippet, load_text

TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def _gz(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")


@pytest.fixture
def data_dir(tmp_path):
    root = tmp_path / "data"
    bbc = []
    for t in TOPICS:
        for n in range(3):
            bbc.append({"id": f"{t}/{n:03d}", "category": t, "text": (
                f"Plant {n} closes in {t} town\n\nThe plant in the {t} town closed on Monday after {n + 2} years. "
                "Officials who asked not to be named said the owner had run out of money.\n\n"
                f"\"We did everything we could,\" said Dana Whitfield, the owner.\n\nShare this story")})
    _gz(root / lp.BBC_FILE, bbc)
    _gz(root / lp.TRACKER_FILE, [
        {"link": "http://a.example/1", "content": "... the plan, <b>a source close to</b> the mayor<br>\nsaid ..."},
        {"link": "http://a.example/1", "content": "<b>People familiar with the talks</b> said a deal was near."},
    ])
    journ = root / "journ_sourcing_gt" / "articles_with_boilerplate"
    journ.mkdir(parents=True)
    (journ / "1-Bridge_story.txt").write_text("Skip to content\nThe bridge reopened on Friday, the city said.\n"
                                              "Sign up for our newsletter\n", encoding="utf-8")
    return root


def test_locator_by_line_and_snippet_cleaning_join_the_plain_snippet(data_dir):
    locator = {"file": lp.TRACKER_FILE, "line": 1, "field": "content", "clean": "snippet"}
    assert load_text(locator, data_dir) == "People familiar with the talks said a deal was near."
    text, highlights = clean_snippet("x <b>a source</b> y<br>z")
    assert text == "x a source y z" and [text[a:b] for a, b in highlights] == ["a source"]
    with pytest.raises(ValueError, match="unknown cleaning"):
        load_text({**locator, "clean": "nonsense"}, data_dir)


def test_select_balances_topics_skips_used_documents_and_is_deterministic(data_dir, tmp_path):
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "documents.jsonl").write_text(json.dumps({"doc_id": "bbc:sport/000", "corpus": "bbc_news"}) + "\n")
    (spec / "units.jsonl").write_text("")
    quota = {"bbc_news": 5, "journ_sourcing_gt": 0, "anonymous_source_tracker": 0}
    first = lp.select(quota, data_dir, spec, round_=3)
    assert first == lp.select(quota, data_dir, spec, round_=3)
    bbc = [d["doc_id"] for d in first if d["corpus"] == "bbc_news"]
    assert len(bbc) == 5 and {i.split(":")[1].split("/")[0] for i in bbc} == set(TOPICS)
    assert "bbc:sport/000" not in bbc
    assert [d["doc_id"] for d in first if d["corpus"] == "journ_sourcing_gt"] == ["journ:1-Bridge_story"]
    assert len([d for d in first if d["corpus"] == "anonymous_source_tracker"]) == 2  # same link, two ids
    assert all(d["round"] == 3 and len(d["sha256_16"]) == 16 and "text" not in d for d in first)


def _answer(unit):
    text = unit["text"]
    if text.startswith(("Share", "Skip", "Sign up")):
        return {"label": "boilerplate"}
    if "asked not to be named" in text:
        return {"label": "anonymous_source_quote", "source": "Officials", "cue": "said"}
    if "said Dana Whitfield" in text:
        return {"label": "reported_claim", "source": "Dana Whitfield", "cue": "said"}
    if "the city said" in text:
        return {"label": "reported_claim", "source": "the city", "cue": "said"}
    return {"label": "direct_fact"}


def _answer_all(packets, readers, flip=None):
    for r in range(readers):
        with open(packets / f"answers_{r}.jsonl", "w", encoding="utf-8") as handle:
            for line in (packets / f"packet_{r}.jsonl").read_text().splitlines():
                doc = json.loads(line)
                for unit in doc["units"]:
                    answer = _answer(unit)
                    if flip and r == flip[0] and unit["text"].startswith("The plant"):
                        answer = {"label": flip[1]}
                    handle.write(json.dumps({"doc_id": doc["doc_id"], "unit_id": unit["unit_id"], **answer}) + "\n")


def test_packets_join_and_merge_write_stand_off_units_with_spans(data_dir, tmp_path):
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "documents.jsonl").write_text(json.dumps({"doc_id": "bbc:old/1", "corpus": "bbc_news"}) + "\n")
    (spec / "units.jsonl").write_text(json.dumps({"doc_id": "bbc:old/1", "start": 0, "end": 1, "label": "x"}) + "\n")
    documents = lp.select({"bbc_news": 0}, data_dir, spec, round_=3)
    packets = tmp_path / "r3"
    summary = lp.write_packets(documents, data_dir, packets, readers=2, second_share=1.0)
    assert summary["documents"] == len(documents)
    assignments = json.loads((packets / "assignments.json").read_text())
    assert all(len(set(who)) == 2 for who in assignments.values())  # every document read twice, by two readers
    _answer_all(packets, 2, flip=(1, "reported_claim"))
    second = tmp_path / "second.jsonl"
    counts = lp.merge(documents, packets, spec, second, data_dir=data_dir)
    assert counts["documents"] == len(documents) and counts["second_read_documents"] == len(documents)
    standoff = read_standoff(spec)
    assert "bbc:old/1" in standoff.documents  # other rounds are kept
    for doc_id, doc in standoff.documents.items():
        if doc.get("round") != 3:
            continue
        text = load_text(doc["locator"], data_dir)
        mine = [u for u in standoff.units if u["doc_id"] == doc_id]
        anonymous = next(u for u in mine if u["label"] == "anonymous_source_quote")
        # the head mention is extended over its relative clause (training/span_convention.py)
        assert text[anonymous["source_start"]:anonymous["source_end"]] == "Officials who asked not to be named"
        assert text[anonymous["cue_start"]:anonymous["cue_end"]] == "said"
        assert any(u["label"] == "boilerplate" and text[u["start"]:u["end"]] == "Share this story" for u in mine)
    splits = document_splits(spec)
    selected = [d for d, s in splits.items() if s == "selection"]
    assert 0 < len(selected) <= len(documents) * lp.SELECTION_MAX_SHARE
    # merging again replaces the round instead of appending it twice
    lp.merge(documents, packets, spec, second, data_dir=data_dir)
    assert len(read_standoff(spec).units) == len(standoff.units)
    first = [u for u in read_standoff(spec).units if u["doc_id"] != "bbc:old/1"]
    table = lp.agreement(first, lp._jsonl(second), {d["doc_id"]: d["corpus"] for d in documents})
    row = table["bbc_news"]
    assert row["units"] == len(first) and row["agreement"] < 1.0
    assert set(row["disagreements"]) <= {"direct_fact -> reported_claim", "reported_claim -> direct_fact"}
    assert row["source_exact"] == 1.0 and row["kappa"] is not None


def test_join_refuses_a_span_not_in_the_unit_and_a_missing_answer(data_dir, tmp_path):
    spec = tmp_path / "spec"
    spec.mkdir()
    documents = lp.select({"journ_sourcing_gt": 0}, data_dir, spec, round_=3)
    packets = tmp_path / "r3"
    lp.write_packets(documents, data_dir, packets, readers=1)
    doc = json.loads((packets / "packet_0.jsonl").read_text().splitlines()[0])
    answers = packets / "answers_0.jsonl"
    rows = [{"doc_id": doc["doc_id"], "unit_id": u["unit_id"], **_answer(u)} for u in doc["units"]]
    rows[1]["source"] = "the mayor"
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match="does not occur"):
        lp.join(documents, packets / "packet_0.jsonl", answers, data_dir)
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows[:1]))
    with pytest.raises(ValueError, match="no answer"):
        lp.join(documents, packets / "packet_0.jsonl", answers, data_dir)
    rows[1].update(source="the city", source_at=0)
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match="not at offset"):
        lp.join(documents, packets / "packet_0.jsonl", answers, data_dir)


def test_choose_selection_stops_at_the_quota_and_at_half_the_corpus():
    docs = [{"doc_id": f"bbc:x/{n}", "corpus": "bbc_news"} for n in range(10)]
    units = [{"doc_id": d["doc_id"], "label": label} for d in docs
             for label in ["direct_fact"] * 60 + ["anonymous_source_quote"] * 10]
    chosen = lp.choose_selection(docs, units)
    assert len(chosen) == 3  # 3 x 70 content >= 150 and 3 x 10 anonymous >= 20
    few = [{"doc_id": d["doc_id"], "label": "direct_fact"} for d in docs]
    assert len(lp.choose_selection(docs, few)) == 5  # never more than half the corpus's documents


def test_selection_documents_are_held_out_of_spec_and_scored_per_kind(data_dir, tmp_path):
    from attribution.eval.evaluate import evaluate
    from attribution.eval.gold import load_default_gold
    from attribution.eval.predictions import run_model
    from attribution.training import journ, polnear, prepare, tracker

    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "documents.jsonl").write_text("")
    (spec / "units.jsonl").write_text("")
    documents = lp.select({"bbc_news": 0, "journ_sourcing_gt": 0}, data_dir, spec, round_=3)
    packets = tmp_path / "r3"
    lp.write_packets(documents, data_dir, packets, readers=1)
    _answer_all(packets, 1)
    lp.merge(documents, packets, spec, tmp_path / "second.jsonl", data_dir=data_dir)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "documents.jsonl").write_text("")
    (gold / "units.jsonl").write_text("")
    import unittest.mock as mock

    with mock.patch.object(polnear, "convert_split", lambda *a, **k: []), \
            mock.patch.object(journ, "convert", lambda *a, **k: iter(())), \
            mock.patch.object(tracker, "convert", lambda *a, **k: iter(())):
        splits, report = prepare.collect(data_dir, gold_dir=gold, spec_dir=spec)
    chosen = {d for d, s in document_splits(spec).items() if s == "selection"}
    assert chosen and {r.doc_id for r in splits["selection"]} == chosen
    assert not chosen & {r.doc_id for r in splits["spec"]}
    assert not chosen & {r.doc_id for r in splits.get("spec_round3", [])}
    assert report["span_coverage"]["selection"]
    selection = load_default_gold(data_dir, spec, split="selection")
    assert set(selection.texts) == chosen
    report = evaluate(selection, [run_model(selection, "rules", quiet=True)], resamples=20)
    kinds = report["systems"][0]["metrics"]["per_kind"]
    assert set(kinds) == {selection.kind(d) for d in chosen}
    for row in kinds.values():
        assert 0 <= row["macro_f1"] <= 1 and 0 <= row["anonymous_share_true"] <= 1


def test_a_span_without_offset_is_the_whole_word_outside_the_quotation():
    text = "\"The plan said no,\" he said."
    assert lp._locate("he", None, text, "u") == (text.index(" he ") + 1, text.index(" he ") + 3)
    assert lp._locate("said", None, text, "u") == (text.rindex("said"), text.rindex("said") + 4)
    inside = text.index("said")
    assert lp._locate("said", inside, text, "u") == (inside, inside + 4)  # an explicit offset wins

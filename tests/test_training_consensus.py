"""The consensus filter for converted labels (``training/consensus.py``, ``attribution filter-data``).

The rules baseline stands in for the reader model where the votes must be known in advance: on these
project-written sentences it gives the label noted beside each, with probability 0.8-0.85.
"""

import json

import pytest
from attribution.training.consensus import DISPUTED_SUFFIX, SUMMARY_FILE, VOTES_FILE, Votes, filter_dataset, vote
from attribution.training.prepare import _features
from attribution.training.records import Provenance, SentenceRecord

from attribution.cli import main
from attribution.results import Prediction

SENTENCES = [
    ("The council met on Monday for 40 minutes.", "direct_fact"),
    ("Mayor Ellen Park said the plan would cost 900 dollars.", "reported_claim"),
    ("Officials said talks on 12 contracts had stalled.", "anonymous_source_quote"),
    ("The bridge opened in 1990.", "direct_fact"),
]


def _records(doc_id: str, corpus: str = "polnear", labels: list[str] | None = None) -> list[dict]:
    """One article of SENTENCES as prepared records, labelled as the rules would unless ``labels`` says."""
    rows, cursor = [], 0
    for i, (text, label) in enumerate(SENTENCES):
        rows.append(SentenceRecord(
            doc_id=doc_id, corpus=corpus, sent_idx=i, start=cursor, end=cursor + len(text), text=text,
            label=labels[i] if labels else label, source_spans=[], cue_spans=[], prev_text="", next_text="",
            n_sentences=len(SENTENCES), provenance=Provenance("test.ann", [], "test", "")).to_dict())
        cursor += len(text) + 1
    return rows


class _ByLength:
    """A reader model whose vote depends on the sentence: short ones are the writer's, long ones reported,
    with a probability that tells the sentences apart."""

    def predict_articles(self, articles):
        out = []
        for _, sentences in articles:
            row = []
            for s in sentences:
                label = "direct_fact" if len(s.text) < 30 else "reported_claim"
                p = round(len(s.text) / 100, 2)
                row.append(Prediction(label, {"direct_fact": p, "reported_claim": p, "anonymous_source_quote": 0.0}))
            out.append(row)
        return out


def test_votes_need_both_readers_and_the_models_probability():
    assert Votes("reported_claim", "reported_claim", "reported_claim", 0.7).agree(0.5)
    assert not Votes("reported_claim", "reported_claim", "reported_claim", 0.7).agree(0.8)
    assert not Votes("reported_claim", "direct_fact", "reported_claim", 0.9).agree(0.5)
    assert not Votes("reported_claim", "reported_claim", "direct_fact", 0.9).agree(0.5)


@pytest.mark.parametrize("batch", [1, 16])
def test_votes_are_keyed_by_offsets_whatever_the_order_of_the_records(batch):
    a = _records("polnear:train/a")
    b = _records("polnear:train/b", labels=["anonymous_source_quote"] * 4)
    for i, record in enumerate(b):  # article b in another order: its sentence 0 is SENTENCES[3], and so on
        record["sent_idx"] = 3 - i
    shuffled = [b[2], a[3], a[0], b[0], a[2], b[3], a[1], b[1]]  # two articles interleaved, out of order
    votes = vote(shuffled, _ByLength(), batch=batch)
    assert len(votes) == 8
    for record in a + b:
        v = votes[(record["doc_id"], record["start"], record["end"])]
        text = record["text"]
        assert v == Votes(record["label"], dict(SENTENCES)[text],
                          "direct_fact" if len(text) < 30 else "reported_claim", round(len(text) / 100, 2))
    with pytest.raises(ValueError, match="more than once"):
        vote(a + a[:1], _ByLength())


def _dataset(tmp_path):
    from datasets import Dataset, DatasetDict

    wrong = ["reported_claim", "reported_claim", "direct_fact", "direct_fact"]  # two converter errors
    train = (_records("polnear:train/a") + _records("polnear:train/b", labels=wrong)
             + _records("journ_sourcing_gt:s1") + _records("spec:bbc_news:x", corpus="spec:bbc_news", labels=wrong))
    splits = {"train": train, "dev": _records("polnear:dev/c", labels=wrong)}
    path = tmp_path / "prepared"
    DatasetDict({k: Dataset.from_list(v, features=_features()) for k, v in splits.items()}).save_to_disk(str(path))
    (path / "prepare_report.json").write_text("{}\n")
    return path


def test_filter_keeps_what_both_readers_confirm_and_keeps_the_rest_apart(tmp_path):
    from datasets import load_from_disk

    source = _dataset(tmp_path)
    summary = filter_dataset(source, "rules", tmp_path / "out")
    out = load_from_disk(str(tmp_path / "out"))
    assert sorted(out) == ["dev", "train", "train" + DISPUTED_SUFFIX]
    assert len(out["dev"]) == 4  # not asked for: copied unchanged
    kept = [(r["doc_id"], r["sent_idx"]) for r in out["train"]]
    disputed = [(r["doc_id"], r["sent_idx"]) for r in out["train" + DISPUTED_SUFFIX]]
    assert disputed == [("polnear:train/b", 0), ("polnear:train/b", 2)]
    assert len(kept) + len(disputed) == 16  # nothing lost
    assert [i for d, i in kept if d == "spec:bbc_news:x"] == [0, 1, 2, 3]  # hand labels are not filtered
    assert summary["splits"]["train"]["direct_fact"] == {"kept": 5, "disputed": 1}
    assert summary["splits"]["train"]["anonymous_source_quote"] == {"kept": 2, "disputed": 0}
    assert summary["splits"]["train"]["reported_claim"] == {"kept": 3, "disputed": 1}
    lines = [json.loads(x) for x in (tmp_path / "out" / VOTES_FILE).read_text().splitlines()]
    assert len(lines) == 12 and sum(not x["kept"] for x in lines) == 2
    assert all("text" not in x for x in lines)  # offsets and labels only
    assert json.loads((tmp_path / "out" / SUMMARY_FILE).read_text())["min_prob"] == 0.5
    assert (tmp_path / "out" / "prepare_report.json").exists()

    strict = filter_dataset(source, "rules", tmp_path / "strict", min_prob=0.9)  # above every rules confidence
    assert all(c["kept"] == 0 for c in strict["splits"]["train"].values())


def test_a_split_left_empty_still_loads(tmp_path):
    from datasets import load_from_disk

    filter_dataset(_dataset(tmp_path), "rules", tmp_path / "out", splits=["train", "dev"], min_prob=0.95)
    out = load_from_disk(str(tmp_path / "out"))  # every converted sentence disputed: train holds the spec ones
    assert len(out["dev"]) == 0 and len(out["dev" + DISPUTED_SUFFIX]) == 4
    assert {r["corpus"] for r in out["train"]} == {"spec:bbc_news"}


def test_filter_errors_are_clear(tmp_path):
    source = _dataset(tmp_path)
    with pytest.raises(ValueError, match="must differ"):
        filter_dataset(source, "rules", source)
    with pytest.raises(ValueError, match=r"no split \['test'\]"):
        filter_dataset(source, "rules", tmp_path / "o1", splits=["test"])
    with pytest.raises(ValueError, match="min_prob"):
        filter_dataset(source, "rules", tmp_path / "o2", min_prob=1.5)
    memorised = tmp_path / "reader"
    memorised.mkdir()
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "training_config.json").write_text(json.dumps({"stages": [["train"]]}))
    (memorised / "training_config.json").write_text(json.dumps({"stages": [["spec", "dev:100"]],
                                                                "init_from": str(earlier)}))
    with pytest.raises(ValueError, match=r"trained on converted labels \(dev, train\)"):
        filter_dataset(source, memorised, tmp_path / "o3")
    cases = [({"stages": [["spec", "train_disputed:50"]]}, r"converted labels \(train_disputed\)"),
             ({"stages": [["spec"]], "init_from": str(tmp_path / "gone")}, "not here"),
             ({"train_files": ["mine.jsonl"], "init_from": str(earlier)}, r"converted labels \(train\)")]
    for config, message in cases:
        (memorised / "training_config.json").write_text(json.dumps(config))
        with pytest.raises(ValueError, match=message):
            filter_dataset(source, memorised, tmp_path / "o4")
    (memorised / "training_config.json").unlink()
    with pytest.raises(ValueError, match="no training_config.json"):
        filter_dataset(source, memorised, tmp_path / "o5")
    with pytest.raises(ValueError, match="named twice"):
        filter_dataset(source, "rules", tmp_path / "o6", splits=["train", "train"])
    filter_dataset(source, "rules", tmp_path / "once")
    with pytest.raises(ValueError, match="already has"):
        filter_dataset(tmp_path / "once", "rules", tmp_path / "twice")


def test_filter_data_command(tmp_path, capsys):
    source = _dataset(tmp_path)
    assert main(["filter-data", "--dataset", str(source), "--model", "rules", "--out", str(tmp_path / "f"),
                 "--splits", "train", "dev"]) == 0
    out = capsys.readouterr().out
    assert "train  reported_claim           kept      3 /      4 (75.0%)" in out
    assert "dev    direct_fact              kept      1 /      2 (50.0%)" in out
    assert main(["filter-data", "--dataset", str(source), "--model", str(tmp_path / "missing"),
                 "--out", str(tmp_path / "g")]) == 2
    assert "not found" in capsys.readouterr().err

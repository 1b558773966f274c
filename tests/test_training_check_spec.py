"""The spec check of the PolNeAR converter (``python -m attribution.training.check_spec``) on a data directory
written for the test: two small articles with BRAT relations, labelled to the spec in stand-off files."""

import json

import pytest
from attribution.training import check_spec
from attribution.training.check_spec import convert_documents, half_of, score_halves, spec_units

from attribution.corpora import text_fingerprint

ARTICLE = (
    "Bridge talks stall.\n\n"
    "The council met on Monday. "
    "The bridge is unsafe, a senior official said. "
    "Mayor Jane Roe said the bridge would reopen.\n"
)


def _stems():
    """Two article stems that fall in different halves (found, not assumed: the split is a hash)."""
    found = {}
    for i in range(100):
        stem = f"art{i}"
        found.setdefault(half_of(f"polnear:train/{stem}"), stem)
        if len(found) == 2:
            return found["dev"], found["test"]
    raise AssertionError("no two stems in different halves")


def _write(tmp_path, labels_by_stem, rounds=None):
    data = tmp_path / "data"
    root = data / "polnear" / "train"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    spec = tmp_path / "spec"
    spec.mkdir()
    documents, units = [], []
    for stem, labels in labels_by_stem.items():
        (root / "text" / f"{stem}.txt").write_text(ARTICLE, encoding="utf-8")
        (root / "attributions" / f"{stem}_ann1.ann").write_text(_ann_lines(), encoding="utf-8")
        doc_id = f"polnear:train/{stem}"
        documents.append({"doc_id": doc_id, "corpus": "polnear",
                          "locator": {"file": f"polnear/train/text/{stem}.txt"}, "chars": len(ARTICLE),
                          "sha256_16": text_fingerprint(ARTICLE), **({"round": rounds[stem]} if rounds and stem
                                                                        in rounds else {})})
        for n, (sentence, label) in enumerate(labels):
            start = ARTICLE.index(sentence)
            units.append({"doc_id": doc_id, "unit_id": f"u{n}", "start": start, "end": start + len(sentence),
                          "label": label, "source_start": None, "source_end": None, "cue_start": None,
                          "cue_end": None})
    (spec / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in documents))
    (spec / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units))
    return data, spec


def _ann_lines():
    def at(phrase, nth=0):
        start = -1
        for _ in range(nth + 1):
            start = ARTICLE.index(phrase, start + 1)
        return f"{start} {start + len(phrase)}\t{phrase}"

    return (
        f"T1\tContent {at('The bridge is unsafe')}\nT2\tCue {at('said')}\nT3\tSource {at('a senior official')}\n"
        "E1\tAttribution:T2 Content:T1 Cue:T2 Source:T3\n"
        f"T4\tContent {at('the bridge would reopen')}\nT5\tCue {at('said', 1)}\nT6\tSource {at('Mayor Jane Roe')}\n"
        "E2\tAttribution:T5 Content:T4 Cue:T5 Source:T6\n"
    )


GOLD = [
    ("Bridge talks stall.", "direct_fact"),
    ("The council met on Monday.", "direct_fact"),
    ("The bridge is unsafe, a senior official said.", "anonymous_source_quote"),
    ("Mayor Jane Roe said the bridge would reopen.", "reported_claim"),
]
#: The same article, with two labels the converter does not give (a disagreement to score).
DISAGREEING = [GOLD[0], ("The council met on Monday.", "reported_claim"), GOLD[2],
               ("Mayor Jane Roe said the bridge would reopen.", "anonymous_source_quote")]


def test_halves_are_a_deterministic_function_of_the_document():
    assert half_of("polnear:train/x") == half_of("polnear:train/x")
    halves = {half_of(f"polnear:train/doc{i}") for i in range(40)}
    assert halves == {"dev", "test"}


def test_scores_per_half_with_confusion_and_errors(tmp_path):
    dev_stem, test_stem = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD, test_stem: DISAGREEING})
    units = spec_units(spec, data)
    assert len(units) == 8
    converted = convert_documents(data, {u.doc_id for u in units})
    results = score_halves(units, converted)
    assert set(results) == {"dev", "test", "fresh", "spec_round3", "all"} and results["fresh"].n == 0
    dev, test, both = results["dev"], results["test"], results["all"]
    assert (dev.correct, dev.n, dev.errors) == (4, 4, [])
    assert (test.correct, test.n) == (2, 4)
    assert test.confusion[("direct_fact", "reported_claim")] == 1
    assert test.confusion[("reported_claim", "anonymous_source_quote")] == 1
    assert test.per_converted()["reported_claim"] == (0, 1)       # precision of the converted label
    assert test.per_spec()["anonymous_source_quote"] == (1, 2)    # recall of the spec label
    assert (both.correct, both.n) == (6, 8)
    record, unit = sorted(test.errors, key=lambda p: p[1].start)[0]
    assert (record.label, unit.label, unit.doc_id) == ("direct_fact", "reported_claim", f"polnear:train/{test_stem}")
    summary = both.to_dict()
    assert summary["overall"] == {"correct": 6, "n": 8, "rate": 0.75}
    assert summary["confusion_converted_to_spec"]["direct_fact -> reported_claim"] == 1


def test_second_round_documents_form_the_fresh_group(tmp_path):
    dev_stem, test_stem = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD, test_stem: DISAGREEING}, rounds={test_stem: 2})
    rounds = check_spec.document_rounds(spec)
    assert rounds == {f"polnear:train/{dev_stem}": 1, f"polnear:train/{test_stem}": 2}
    units = spec_units(spec, data)
    results = score_halves(units, convert_documents(data, {u.doc_id for u in units}), rounds=rounds)
    assert (results["dev"].n, results["test"].n, results["fresh"].n) == (4, 0, 4)
    assert results["fresh"].correct == 2


def test_spec_units_the_converter_does_not_emit_are_counted_not_scored(tmp_path):
    dev_stem, _ = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD + [("The council met", "direct_fact")]})
    units = spec_units(spec, data)
    result = score_halves(units, convert_documents(data, {u.doc_id for u in units}), ("dev",))["dev"]
    assert set(score_halves(units, {}, ("dev",))) == {"dev"}
    assert result.n == 4 and [u.text for u in result.unmatched] == ["The council met"]


def test_command_line_prints_both_halves_and_lists_only_the_asked_for_errors(tmp_path, capsys):
    dev_stem, test_stem = _stems()
    data, spec = _write(tmp_path, {dev_stem: DISAGREEING, test_stem: DISAGREEING})
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none"]) == 0
    out = capsys.readouterr().out
    assert "== dev:" in out and "== test:" in out and "== all:" in out
    assert "-- dev: 2 errors" in out and "-- test:" not in out  # the held-out half's errors stay hidden
    assert f"polnear:train/{dev_stem}" in out and "[named source or hearsay]" in out
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none", "--half", "test",
                            "--errors", "test"]) == 0
    out = capsys.readouterr().out
    assert "== test:" in out and "== dev:" not in out and "-- test: 2 errors" in out
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none",
                            "--errors", "none"]) == 0
    assert "errors (converted" not in capsys.readouterr().out


def test_a_spec_document_without_annotations_is_an_error(tmp_path):
    dev_stem, _ = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD})
    for ann in (data / "polnear" / "train" / "attributions").glob("*.ann"):
        ann.unlink()
    with pytest.raises(FileNotFoundError, match=dev_stem):
        convert_documents(data, {f"polnear:train/{dev_stem}"})


def _second_pass(tmp_path, stem, labels):
    path = tmp_path / "second.jsonl"
    rows = [{"doc_id": f"polnear:train/{stem}", "start": ARTICLE.index(s), "end": ARTICLE.index(s) + len(s),
             "label": label} for s, label in labels]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_second_reading_measures_the_spec_labels_and_scores_the_converter_on_consensus(tmp_path, capsys):
    dev_stem, _ = _stems()
    data, spec = _write(tmp_path, {dev_stem: DISAGREEING})
    second = [("Bridge talks stall.", "boilerplate"), *GOLD[1:]]  # agrees with the spec on one unit of four
    path = _second_pass(tmp_path, dev_stem, second)
    units = spec_units(spec, data)
    converted = convert_documents(data, {u.doc_id for u in units})
    result = check_spec.second_pass_agreement(units, set(), check_spec.read_second_pass(path), converted)
    assert (result["units"], result["agreement"], result["content_units"]) == (4, 0.25, 3)
    assert result["confusion_first_to_second"] == {"anonymous_source_quote -> reported_claim": 1,
                                                   "direct_fact -> boilerplate": 1,
                                                   "reported_claim -> direct_fact": 1}
    assert result["converter_vs_first"] == {"correct": 1, "n": 3, "rate": 0.3333}
    assert result["converter_vs_second"] == {"correct": 3, "n": 3, "rate": 1.0}
    assert result["converter_on_consensus"] == {"correct": 1, "n": 1, "rate": 1.0}
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none",
                            "--second-pass", str(path), "--errors", "none"]) == 0
    assert "== second reading: 1 documents, 4 units" in capsys.readouterr().out
    path.write_text(json.dumps({"doc_id": "x", "start": 0, "end": 1, "label": "opinion"}) + "\n")
    with pytest.raises(ValueError, match="unknown label 'opinion'"):
        check_spec.read_second_pass(path)


def test_a_second_reading_of_other_documents_is_reported_as_such(tmp_path, capsys):
    dev_stem, _ = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD})
    path = _second_pass(tmp_path, "another-article", GOLD)
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none",
                            "--second-pass", str(path), "--errors", "none"]) == 0
    assert "none of these units was read twice" in capsys.readouterr().out


def _round3(tmp_path, stem, first, second, sample="random"):
    path = tmp_path / "round3.jsonl"
    rows = [{"doc_id": f"polnear:train/{stem}", "start": ARTICLE.index(s), "end": ARTICLE.index(s) + len(s),
             "sample": sample, "label_a": a, "label_b": b}
            for (s, a), (_, b) in zip(first, second, strict=True)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_round3_is_scored_on_the_units_both_readings_agree_on(tmp_path, capsys):
    dev_stem, test_stem = _stems()
    data, spec = _write(tmp_path, {dev_stem: GOLD})
    (data / "polnear" / "train" / "text" / f"{test_stem}.txt").write_text(ARTICLE, encoding="utf-8")
    (data / "polnear" / "train" / "attributions" / f"{test_stem}_ann1.ann").write_text(_ann_lines())
    # the readings disagree on the first unit; on the other three they agree, once against the converter
    path = _round3(tmp_path, test_stem, [("Bridge talks stall.", "boilerplate"), *DISAGREEING[1:]], DISAGREEING)
    first, second = check_spec.read_round3(path, data)
    assert [u.text for u in first] == [s for s, _ in GOLD]
    agreed = check_spec.agreed_units(first, second)
    assert [u.label for u in agreed] == [label for _, label in DISAGREEING[1:]]
    converted = convert_documents(data, {u.doc_id for u in agreed})
    result = check_spec.score(agreed, converted)
    assert (result.correct, result.n) == (1, 3)
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", str(path),
                            "--errors", "none"]) == 0
    out = capsys.readouterr().out
    assert "== round 3: 1 documents, 4 units" in out
    assert "== round3, units both readings agree on: 1 documents, 3 sentences matched" in out
    assert "== round3 (random articles)" in out and "overall 1/3 = 33.3%" in out
    assert "-- round3" not in out  # held out: errors only when asked for by name
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", str(path),
                            "--consensus", "rules", "--errors", "round3"]) == 0
    out = capsys.readouterr().out
    assert "== round3, consensus filter (rules, min prob 0.5): kept" in out
    assert "-- round3: 2 errors" in out and "-- round3, kept by the consensus filter:" in out
    assert "-- dev" not in out and "-- round3 (random articles)" not in out
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec),
                            "--round3", str(tmp_path / "absent.jsonl")]) == 1


def test_round3_file_errors_are_clear(tmp_path):
    dev_stem, _ = _stems()
    data, _ = _write(tmp_path, {dev_stem: GOLD})
    path = _round3(tmp_path, dev_stem, GOLD, [(s, "opinion") for s, _ in GOLD])
    with pytest.raises(ValueError, match="unknown label 'opinion'"):
        check_spec.read_round3(path, data)
    path.write_text(json.dumps({"doc_id": f"polnear:train/{dev_stem}", "start": 0, "end": 10 ** 6,
                                "label_a": "direct_fact", "label_b": "direct_fact"}) + "\n")
    with pytest.raises(ValueError, match="outside"):
        check_spec.read_round3(path, data)
    path.write_text(json.dumps({"doc_id": "polnear:train/absent", "start": 0, "end": 5,
                                "label_a": "direct_fact", "label_b": "direct_fact"}) + "\n")
    with pytest.raises(FileNotFoundError, match="absent"):
        check_spec.read_round3(path, data)


def test_the_consensus_filter_is_scored_on_what_it_keeps(tmp_path, capsys):
    from attribution.training.consensus import Votes

    dev_stem, _ = _stems()
    data, spec = _write(tmp_path, {dev_stem: DISAGREEING})
    units = spec_units(spec, data)
    converted = convert_documents(data, {u.doc_id for u in units})
    keys = sorted(converted)
    # the readers confirm the first three sentences: two the converter gets right, one it gets wrong
    votes = {k: Votes(converted[k].label, converted[k].label, converted[k].label, 0.9 if i < 3 else 0.4)
             for i, k in enumerate(keys)}
    kept, matched = check_spec.consensus_score(units, converted, votes, 0.5)
    assert matched == 4 and kept.n == 3 and kept.correct == 2
    assert check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none",
                            "--consensus", "rules"]) == 0
    out = capsys.readouterr().out
    assert "== dev, consensus filter (rules, min prob 0.5): kept" in out
    assert "-- dev, kept by the consensus filter:" in out and "-- test" not in out
    memorised = tmp_path / "reader"
    memorised.mkdir()
    (memorised / "training_config.json").write_text(json.dumps({"stages": [["train"]]}))
    with pytest.raises(ValueError, match="trained on converted labels"):
        check_spec.main(["--data-dir", str(data), "--spec-dir", str(spec), "--round3", "none",
                         "--consensus", str(memorised)])

"""The stand-off loader of hand labels: offsets into a data directory round trip to the text."""

import json

import pytest
from attribution.training.spec import load_units, read_standoff

from attribution.corpora import text_fingerprint

ARTICLE = "Officials met on Monday. A senior official said the deal was off.\nShare this story\n"


def _write(tmp_path, units, fingerprint=None):
    data = tmp_path / "data"
    (data / "polnear" / "dev" / "text").mkdir(parents=True)
    (data / "polnear" / "dev" / "text" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    labels = tmp_path / "spec_labels"
    labels.mkdir()
    doc = {"doc_id": "polnear:dev/x", "corpus": "polnear", "locator": {"file": "polnear/dev/text/x.txt"},
           "chars": len(ARTICLE), "sha256_16": fingerprint or text_fingerprint(ARTICLE)}
    (labels / "documents.jsonl").write_text(json.dumps(doc) + "\n")
    (labels / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units))
    return data, labels


def _unit(text, label, source=None, cue=None):
    start = ARTICLE.index(text)
    unit = {"doc_id": "polnear:dev/x", "unit_id": f"u{start}", "start": start, "end": start + len(text),
            "label": label, "source_start": None, "source_end": None, "cue_start": None, "cue_end": None}
    if source:
        s = ARTICLE.index(source, start)
        unit["source_start"], unit["source_end"] = s, s + len(source)
    if cue:
        c = ARTICLE.index(cue, start)
        unit["cue_start"], unit["cue_end"] = c, c + len(cue)
    return unit


def test_round_trip_of_offsets_and_spans(tmp_path):
    units = [
        _unit("Officials met on Monday.", "direct_fact"),
        _unit("A senior official said the deal was off.", "anonymous_source_quote", "A senior official", "said"),
        _unit("Share this story", "boilerplate"),
    ]
    data, labels = _write(tmp_path, units)
    counts = {}
    records = list(load_units(labels, data, counts=counts))
    assert [r.label for r in records] == ["direct_fact", "anonymous_source_quote"]
    assert counts["boilerplate"] == 1
    second = records[1]
    assert second.text == "A senior official said the deal was off."
    (s0, s1), = second.source_spans
    (c0, c1), = second.cue_spans
    assert second.text[s0:s1] == "A senior official" and second.text[c0:c1] == "said"
    assert second.prev_text == records[0].text and records[0].next_text == second.text


def test_missing_files_mean_no_split(tmp_path):
    assert read_standoff(tmp_path) is None
    assert list(load_units(tmp_path, tmp_path)) == []


def test_changed_corpus_is_an_error(tmp_path):
    data, labels = _write(tmp_path, [_unit("Officials met on Monday.", "direct_fact")], fingerprint="0" * 16)
    with pytest.raises(ValueError, match="fingerprint"):
        list(load_units(labels, data))

"""``attribution evaluate`` end to end on small gold and prediction files written by the test."""

from __future__ import annotations

import json

import pytest

from attribution.cli import main
from attribution.labels import ANONYMOUS_SOURCE_QUOTE as AN
from attribution.labels import DIRECT_FACT as DF
from attribution.labels import LABELS
from attribution.labels import REPORTED_CLAIM as RC
from attribution.write import RecordWriter

DOCS = {
    "harbour": ["Share this page", "The harbour closed on Tuesday.", "Port officials said storms were coming.",
                "A dock worker, who asked not to be named, said pay was cut."],
    "school": ["The school board voted on Monday.", "Its chair said the vote was fair.",
               "People familiar with the talks said a deal was near.", "Advertisement"],
}
LABELS_BY_DOC = {"harbour": ["boilerplate", DF, AN, AN], "school": [DF, RC, AN, "boilerplate"]}


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def gold_files(tmp_path):
    docs, units, spans = [], [], {}
    for doc_id, sentences in DOCS.items():
        text = "\n".join(sentences)
        docs.append({"doc_id": doc_id, "text": text})
        cursor = 0
        for sentence, label in zip(sentences, LABELS_BY_DOC[doc_id], strict=True):
            start = text.index(sentence, cursor)
            cursor = start + len(sentence)
            spans[(doc_id, sentence)] = (start, cursor)
            unit = {"doc_id": doc_id, "start": start, "end": cursor, "label": label, "text": sentence}
            if sentence.startswith("Port officials"):
                unit["source"] = "Port officials"
            units.append(unit)
    return _write_jsonl(tmp_path / "units.jsonl", units), _write_jsonl(tmp_path / "docs.jsonl", docs), spans


def _records(spans, labels):
    """Sentence records as ``attribution score`` writes them, for every sentence with a label in ``labels``."""
    records = []
    for n, ((doc_id, sentence), (start, end)) in enumerate(spans.items()):
        if sentence in labels:
            records.append({"doc_id": doc_id, "sent_idx": n, "start": start, "end": end, "text": sentence,
                            "label": labels[sentence], "probs": {label: 1 / 3 for label in LABELS},
                            "source": None, "source_start": None, "source_end": None, "source_type": None,
                            "cue": None, "cue_start": None, "cue_end": None})
    return records


def _write(path, records):
    with RecordWriter(path) as writer:
        for record in records:
            writer.write(record)
    return path


def test_evaluate_two_systems_with_json_and_report(tmp_path, gold_files, capsys):
    units, docs, spans = gold_files
    perfect = {s: label for doc_id in DOCS for s, label in zip(DOCS[doc_id], LABELS_BY_DOC[doc_id], strict=True)
               if label != "boilerplate"}
    # The second system leaks "Share this page", misses one unit and mislabels one.
    sloppy = {**perfect, "Share this page": DF, "People familiar with the talks said a deal was near.": RC}
    del sloppy["The school board voted on Monday."]
    first = _write(tmp_path / "perfect.csv", _records(spans, perfect))
    second = _write(tmp_path / "sloppy.parquet", _records(spans, sloppy))
    out_json, report_dir = tmp_path / "out" / "eval.json", tmp_path / "report"
    argv = ["evaluate", "--gold", str(units), "--docs", str(docs), "--pred", str(first), "--pred", str(second),
            "--bootstrap", "50", "--seed", "3", "--json", str(out_json), "--report", str(report_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "== perfect (file" in out and "== sloppy (file" in out and "paired bootstrap vs perfect" in out
    assert "boilerplate leak rate: 50.0% (1/2 units)" in out and "missed units: 1" in out

    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert {"created", "git_commit", "versions", "settings", "gold", "systems", "comparisons"} <= set(report)
    assert report["settings"] == {"resamples": 50, "seed": 3, "confidence": 0.95}
    assert report["versions"]["scikit-learn"] and report["gold"]["scored_units"] == 6
    good, bad = (s["metrics"] for s in report["systems"])
    assert good["macro_f1"] == 1.0 and good["boilerplate"]["leak_rate"] == 0.0
    assert bad["accuracy"] == pytest.approx(4 / 6) and bad["boilerplate"]["leaked"] == 1
    assert bad["confusion_matrix"]["counts"] == [[1, 0, 0, 1], [0, 1, 0, 0], [0, 1, 2, 0]]
    # Gold names one source; neither system predicts one.
    assert bad["source_match"] == {"units": 1, "overlap_f1": 0.0, "exact": 0.0}
    comparison = report["comparisons"][0]["metrics"]["macro_f1"]
    assert comparison["difference"] == pytest.approx(bad["macro_f1"] - 1.0) and comparison["wins"] == 0.0
    assert "text" not in json.dumps(report["systems"][1]["errors"])  # offsets only, no corpus text

    assert sorted(p.name for p in report_dir.iterdir()) == [
        "confusion_perfect.png", "confusion_sloppy.png", "errors_perfect.md", "errors_sloppy.md",
        "report.json", "report.md",
    ]
    assert (report_dir / "confusion_sloppy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    errors = (report_dir / "errors_sloppy.md").read_text(encoding="utf-8")
    # The error list shows gold vs predicted, the sentence and the one before it.
    assert "gold `anonymous_source_quote`, predicted `reported_claim`" in errors
    assert "> Its chair said the vote was fair.\n\nsentence:\n\n> People familiar with the talks" in errors
    assert "gold `direct_fact`, predicted `missed`" in errors and "> (start of document)" in errors
    assert "boilerplate classified as `direct_fact`" in errors and "> Share this page" in errors
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "![confusion matrix](confusion_sloppy.png)" in md and "| **macro-F1** |" in md


def test_evaluate_runs_the_rules_model_over_the_gold_documents(gold_files, capsys):
    units, docs, _ = gold_files
    assert main(["evaluate", "--gold", str(units), "--docs", str(docs), "--model", "rules", "-q",
                 "--bootstrap", "20"]) == 0
    out = capsys.readouterr().out
    assert "== rules (model rules) ==" in out and "macro-F1" in out and "documents missing from predictions: 0" in out


def test_jsonl_output_of_score_is_accepted_as_is(tmp_path, gold_files, capsys):
    units, docs, _ = gold_files
    # Score the gold texts under their doc_ids, then evaluate the file score wrote.
    articles = _write_jsonl(tmp_path / "articles.jsonl",
                            [{"id": doc_id, "text": "\n".join(sentences)} for doc_id, sentences in DOCS.items()])
    predictions = tmp_path / "scored.jsonl"
    assert main(["score", "--model", "rules", str(articles), "-o", str(predictions), "-q"]) == 0
    assert main(["evaluate", "--gold", str(units), "--docs", str(docs), "--pred", str(predictions),
                 "--bootstrap", "20"]) == 0
    assert "== scored (file" in capsys.readouterr().out

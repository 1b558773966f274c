"""Bad evaluator input: a clear message saying what and where, a non-zero exit, never a traceback."""

from __future__ import annotations

import csv
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from attribution.eval.errors import EvaluationInputError
from attribution.eval.gold import gold_from_records, load_default_gold, load_gold_files

from attribution.cli import main
from attribution.corpora import text_fingerprint
from attribution.labels import DIRECT_FACT as DF
from attribution.labels import REPORTED_CLAIM as RC

TEXT = "The ferry left at noon. Witnesses said it was late."
UNITS = [{"doc_id": "d", "start": 0, "end": 23, "label": DF}, {"doc_id": "d", "start": 24, "end": 51, "label": RC}]
GOOD_PRED = [{"doc_id": "d", "start": 0, "end": 23, "label": DF}, {"doc_id": "d", "start": 24, "end": 51, "label": RC}]


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _csv(path, records, fields=None):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields or list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


@pytest.fixture
def gold_args(tmp_path):
    docs = _jsonl(tmp_path / "docs.jsonl", [{"doc_id": "d", "text": TEXT}])
    units = _jsonl(tmp_path / "units.jsonl", UNITS)
    return ["--gold", str(units), "--docs", str(docs), "--bootstrap", "10"]


def _fails(capsys, argv, *fragments):
    assert main(["evaluate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attribution evaluate: error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_good_input_passes(tmp_path, gold_args, capsys):
    assert main(["evaluate", *gold_args, "--pred", str(_jsonl(tmp_path / "p.jsonl", GOOD_PRED))]) == 0
    assert "macro-F1" in capsys.readouterr().out


def test_unknown_label_names_file_and_line(tmp_path, gold_args, capsys):
    pred = _jsonl(tmp_path / "p.jsonl", [GOOD_PRED[0], {**GOOD_PRED[1], "label": "opinion"}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:2", "unknown label 'opinion'", "direct_fact")


def test_boilerplate_is_not_a_predicted_label(tmp_path, gold_args, capsys):
    pred = _csv(tmp_path / "p.csv", [{**GOOD_PRED[0], "label": "boilerplate"}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:2", "unknown label 'boilerplate'")


def test_missing_column_in_jsonl_record(tmp_path, gold_args, capsys):
    pred = _jsonl(tmp_path / "p.jsonl", [{"doc_id": "d", "start": 0, "label": DF}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:1", "missing column(s) end")


def test_missing_column_in_csv_header(tmp_path, gold_args, capsys):
    pred = _csv(tmp_path / "p.csv", [{"doc_id": "d", "start": 0, "end": 23}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], str(pred), "missing column(s) label")


def test_missing_column_in_parquet(tmp_path, gold_args, capsys):
    pred = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist([{"doc_id": "d", "end": 23, "label": DF}]), pred)
    _fails(capsys, [*gold_args, "--pred", str(pred)], str(pred), "missing column(s) start")


def test_missing_and_non_numeric_offsets(tmp_path, gold_args, capsys):
    pred = _csv(tmp_path / "p.csv", [{"doc_id": "d", "start": "", "end": 23, "label": DF}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:2", "missing value for 'start'")
    pred = _jsonl(tmp_path / "p.jsonl", [{"doc_id": "d", "start": "zero", "end": 23, "label": DF}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:1", "'start' must be a whole number")


def test_doc_ids_absent_from_gold(tmp_path, gold_args, capsys):
    pred = _jsonl(tmp_path / "p.jsonl", [*GOOD_PRED, {"doc_id": "other", "start": 0, "end": 5, "label": DF}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], "1 doc_id(s) not in the gold set", "'other'", f"{pred}:3")


def test_overlapping_predictions(tmp_path, gold_args, capsys):
    pred = _jsonl(tmp_path / "p.jsonl", [{**GOOD_PRED[0], "end": 30}, GOOD_PRED[1]])
    _fails(capsys, [*gold_args, "--pred", str(pred)], "overlapping predictions in d", "0..30", "24..51",
           f"{pred}:1", f"{pred}:2")


def test_prediction_outside_the_text(tmp_path, gold_args, capsys):
    pred = _jsonl(tmp_path / "p.jsonl", [{**GOOD_PRED[1], "end": 99}])
    _fails(capsys, [*gold_args, "--pred", str(pred)], f"{pred}:1", "not inside the 51-char text of d")


def test_unreadable_prediction_files(tmp_path, gold_args, capsys):
    _fails(capsys, [*gold_args, "--pred", str(tmp_path / "absent.jsonl")], "absent.jsonl: file not found")
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"doc_id": "d"\n', encoding="utf-8")
    _fails(capsys, [*gold_args, "--pred", str(bad)], f"{bad}:1: not valid JSON")
    txt = tmp_path / "p.txt"
    txt.write_text("hello", encoding="utf-8")
    _fails(capsys, [*gold_args, "--pred", str(txt)], "unsupported prediction file type")


def test_document_missing_from_predictions_is_not_an_error(tmp_path, gold_args, capsys):
    docs = _jsonl(tmp_path / "docs2.jsonl", [{"doc_id": "d", "text": TEXT}, {"doc_id": "e", "text": TEXT}])
    units = _jsonl(tmp_path / "units2.jsonl", [*UNITS, *({**u, "doc_id": "e"} for u in UNITS)])
    pred = _jsonl(tmp_path / "p.jsonl", GOOD_PRED)
    assert main(["evaluate", "--gold", str(units), "--docs", str(docs), "--pred", str(pred), "--bootstrap", "10"]) == 0
    out = capsys.readouterr().out
    assert "documents missing from predictions: 1" in out and "missing: e" in out and "missed units: 2" in out


def test_command_line_misuse(tmp_path, gold_args, capsys):
    _fails(capsys, gold_args, "nothing to score")
    _fails(capsys, ["--gold", gold_args[1], "--model", "rules"], "--gold UNITS.jsonl and --docs DOCS.jsonl go together")
    _fails(capsys, [*gold_args, "--model", str(tmp_path / "no-model")], "model", "cannot be loaded")


def test_missing_data_directory(tmp_path, capsys):
    _fails(capsys, ["--model", "rules", "--data-dir", str(tmp_path / "nowhere")], "data directory", "not found")


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ({"doc_id": "d", "start": 0, "end": 23, "label": "fact"}, "unknown label 'fact'"),
        ({"doc_id": "x", "start": 0, "end": 23, "label": DF}, "doc_id 'x' has no document text"),
        ({"doc_id": "d", "start": 20, "end": 80, "label": DF}, "span 20..80 is not inside the 51-char text"),
        ({"doc_id": "d", "start": 0, "end": 23, "label": DF, "text": "The ferry left at one."}, "'text' differs"),
        ({"doc_id": "d", "start": 24, "end": 51, "label": RC, "source": "Officials"}, "source 'Officials' does not"),
        ({"doc_id": "d", "start": 0, "label": DF}, "missing end"),
    ],
)
def test_bad_gold_units(unit, message):
    with pytest.raises(EvaluationInputError, match="gold unit 1: " + re.escape(message)):
        gold_from_records({"d": TEXT}, [unit])


def test_overlapping_gold_units_and_empty_gold(tmp_path):
    with pytest.raises(EvaluationInputError, match="units u0000 and u0001 of d overlap"):
        gold_from_records({"d": TEXT}, [UNITS[0], {**UNITS[1], "start": 20}])
    with pytest.raises(EvaluationInputError, match="no content units"):
        gold_from_records({"d": TEXT}, [{**UNITS[0], "label": "boilerplate"}])
    docs = _jsonl(tmp_path / "docs.jsonl", [{"doc_id": "d", "text": TEXT}, {"doc_id": "d", "text": TEXT}])
    with pytest.raises(EvaluationInputError, match=r"docs.jsonl:2: doc_id 'd' repeated"):
        load_gold_files(_jsonl(tmp_path / "units.jsonl", UNITS), docs)


def _manifest(tmp_path, text_on_disk):
    data = tmp_path / "data"
    (data / "corpus").mkdir(parents=True)
    (data / "corpus" / "d.txt").write_text(text_on_disk, encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    _jsonl(gold_dir / "documents.jsonl", [{"doc_id": "d", "corpus": "corpus", "locator": {"file": "corpus/d.txt"},
                                           "chars": len(TEXT), "sha256_16": text_fingerprint(TEXT)}])
    _jsonl(gold_dir / "units.jsonl", [{**u, "unit_id": f"00-{i:03d}", "source_start": None, "source_end": None,
                                       "cue_start": None, "cue_end": None} for i, u in enumerate(UNITS)])
    return data, gold_dir


def test_project_format_joins_texts_by_locator(tmp_path):
    data, gold_dir = _manifest(tmp_path, TEXT)
    gold = load_default_gold(data, gold_dir)
    assert gold.texts == {"d": TEXT} and [u.unit_id for u in gold.units] == ["00-000", "00-001"]


def test_project_format_detects_a_changed_corpus(tmp_path):
    data, gold_dir = _manifest(tmp_path, TEXT.replace("noon", "none"))
    with pytest.raises(EvaluationInputError, match="corpus text differs from the one labelled"):
        load_default_gold(data, gold_dir)

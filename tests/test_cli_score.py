import json

import pyarrow.parquet as pq
import pytest

from attribution.cli import main
from attribution.labels import LABELS
from attribution.pipeline import DEFAULT_MODEL_DIR


def _read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_score_directory_writes_sentences_and_articles(tmp_path, examples_dir, capsys):
    out, arts = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", str(examples_dir / "articles"), "-o", str(out),
                 "--articles", str(arts)]) == 0
    sentences, articles = _read_jsonl(out), _read_jsonl(arts)
    assert {a["doc_id"] for a in articles} == {"harbor_bridge", "scraped_clinic"}
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (examples_dir / "articles").glob("*.txt")}
    for record in sentences:
        assert set(record) >= {"doc_id", "sent_idx", "start", "end", "text", "label", "probs", "source", "cue"}
        assert texts[record["doc_id"]][record["start"] : record["end"]] == record["text"]
        assert record["label"] in LABELS and set(record["probs"]) == set(LABELS)
    clinic = next(a for a in articles if a["doc_id"] == "scraped_clinic")
    assert clinic["metadata"]["date"] == "2026-03-14" and clinic["metadata"]["http_status"] == 200
    assert {"scrape_header", "error_banner", "duplicate", "legal_disclaimer", "comments_footer"} <= set(
        clinic["cleaning"]["by_rule"]
    )
    n_clinic = sum(r["doc_id"] == "scraped_clinic" for r in sentences)
    assert sum(clinic["counts"].values()) == clinic["n_sentences"] == n_clinic
    assert "scored 2 articles" in capsys.readouterr().err


def test_score_jsonl_with_bad_row_reports_error_and_goes_on(tmp_path, examples_dir, capsys):
    arts = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", str(examples_dir / "articles.jsonl"), "-o", str(tmp_path / "s.jsonl"),
                 "--articles", str(arts)]) == 0
    articles = {a["doc_id"]: a for a in _read_jsonl(arts)}
    assert articles["empty-row"]["status"] == "error" and "empty" in articles["empty-row"]["error"]
    assert articles["market-01"]["status"] == "ok" and articles["market-01"]["metadata"]["outlet"] == "Example Ledger"
    err = capsys.readouterr().err
    assert "scored 2 articles" in err and "failed 1" in err


def test_score_csv_with_mapped_columns_to_csv_and_parquet(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('art,body\nA1,"The agency said it would appeal. Officials said the ruling was flawed."\n',
                   encoding="utf-8")
    out_csv, out_pq = tmp_path / "s.csv", tmp_path / "s.parquet"
    base = ["score", "--model", "rules", str(src), "--id-column", "art", "--text-column", "body", "-q"]
    assert main([*base, "-o", str(out_csv)]) == 0
    assert main([*base, "-o", str(out_pq), "--articles", str(tmp_path / "a.parquet")]) == 0
    header = out_csv.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"doc_id", "label", "prob_direct_fact", "source"} <= set(header)
    table = pq.read_table(out_pq).to_pylist()
    assert [r["label"] for r in table] == ["reported_claim", "anonymous_source_quote"]
    assert pq.read_table(tmp_path / "a.parquet").num_rows == 1


def test_score_stdout_and_missing_path(tmp_path, capsys):
    src = tmp_path / "x.txt"
    src.write_text("Analysts said demand was weak.", encoding="utf-8")
    assert main(["score", "--model", "rules", str(src), "-q"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["label"] == "anonymous_source_quote"
    assert main(["score", "--model", "rules", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unknown_model_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "x.txt"
    src.write_text("Text.", encoding="utf-8")
    assert main(["score", str(src), "--model", str(tmp_path / "nomodel")]) == 2
    assert "not found" in capsys.readouterr().err


def test_menafn_page_end_to_end(menafn_page, tmp_path):
    out = tmp_path / "s.jsonl"
    assert main(["score", "--model", "rules", str(menafn_page), "-o", str(out), "-q"]) == 0
    records = _read_jsonl(out)
    text = menafn_page.read_text(encoding="utf-8")
    assert len(records) == 14
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)
    labels = [r["label"] for r in records]
    assert labels.count("anonymous_source_quote") >= 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_explicit_format_overrides_suffix(tmp_path, fmt):
    src = tmp_path / "x.txt"
    src.write_text("The board said it would meet.", encoding="utf-8")
    out = tmp_path / "out.data"
    assert main(["score", "--model", "rules", str(src), "-o", str(out), "--format", fmt, "-q"]) == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("{") == (fmt == "jsonl")


def test_compile_auto_only_for_windowed_models_on_large_inputs(tmp_path, monkeypatch):
    import attribution.cli as cli

    small = tmp_path / "a.txt"
    small.write_text("The council met on Monday.", encoding="utf-8")
    def should(*extra):
        return cli._should_compile(cli.build_parser().parse_args(["score", str(small), *extra]), [small])

    assert cli.build_parser().parse_args(["score", str(small)]).compile == "auto"
    assert should() is False  # a small input is not worth compiling
    monkeypatch.setattr(cli, "AUTO_COMPILE_BYTES", 10)
    windowed = tmp_path / "windowed"
    windowed.mkdir()
    (windowed / "attribution_config.json").write_text('{"design": "window"}', encoding="utf-8")
    assert should("--model", str(windowed)) is True  # a windowed model on a large input
    default_design = json.loads((DEFAULT_MODEL_DIR / "attribution_config.json").read_text())["design"]
    assert should() is (default_design == "window")  # the shipped default (pair design) is not compiled
    assert should("--model", "rules") is False
    assert should("--compile", "no") is False
    monkeypatch.setattr(cli, "AUTO_COMPILE_BYTES", 10**12)
    assert should("--compile", "yes") is True

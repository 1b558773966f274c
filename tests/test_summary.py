"""Corpus summary: grouping, error handling, bootstrap intervals, readers, files and the CLI."""

from __future__ import annotations

import copy
import csv
import json

import pytest

import attribution
from attribution.cli import main
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, LABELS
from attribution.summary import (
    GROUP_COLUMNS,
    MAX_PLOTTED_GROUPS,
    MISSING_GROUP,
    SOURCE_COLUMNS,
    SummaryBuilder,
    group_of,
    plotted_groups,
    read_article_records,
)
from attribution.write import RecordWriter

# Short texts written for these tests (labels as the rules baseline gives them).
ANONYMOUS = ("The council approved the budget on Tuesday. People familiar with the matter said the vote had been "
             "delayed twice. An official who spoke on condition of anonymity said more cuts were coming.")
NAMED = ("The bridge opened in 1990. Mayor Dana Whitfield said the repairs would take a year. The city spent four "
         "million dollars on the project. Whitfield said the work was overdue.")
PLAIN = "The river rose two metres overnight. Schools in the valley were closed on Monday."
MIXED = ("The company reportedly plans to close two plants. Priya Raman said margins would suffer. A person briefed "
         "on the plan said the closures were final.")


@pytest.fixture(scope="module")
def results():
    analyzer = attribution.load("rules")
    inputs = [
        ("a1", ANONYMOUS, {"outlet": "Ledger", "date": "2026-02-03", "path": "/corpus/ledger/a1.txt"}),
        ("a2", NAMED, {"outlet": "Ledger", "date": "2026-01-20", "path": "/corpus/ledger/a2.txt"}),
        ("a3", PLAIN, {"outlet": "Courier", "date": "2026-02-28", "path": "/corpus/courier/a3.txt"}),
        ("a4", MIXED, {"outlet": "Courier", "date": "2025-12-01", "path": "/corpus/courier/a4.txt"}),
        ("a5", NAMED, {"date": "2026-01-05", "path": "/corpus/other/a5.txt"}),
        ("bad", "", {"outlet": "Ledger", "date": "2026-02-10", "path": "/corpus/ledger/bad.txt"}),
    ]
    return [analyzer.analyze(text, doc_id=doc_id, metadata=meta) for doc_id, text, meta in inputs]


@pytest.fixture(scope="module")
def records(results):
    return [r.to_record() for r in results]


def _summary(records, by, **kwargs):
    builder = SummaryBuilder(by, **kwargs)
    for record in records:
        builder.add(record)
    return builder.result()


def _pooled(records, label):
    ok = [r for r in records if r["status"] == "ok"]
    return sum(r["counts"][label] for r in ok) / sum(r["n_sentences"] for r in ok)


def test_texts_get_the_labels_the_tests_rely_on(records):
    by_id = {r["doc_id"]: r for r in records}
    assert by_id["a1"]["counts"][ANONYMOUS_SOURCE_QUOTE] == 2
    assert by_id["a3"]["counts"][ANONYMOUS_SOURCE_QUOTE] == 0
    assert by_id["a4"]["counts"][ANONYMOUS_SOURCE_QUOTE] == 1
    assert by_id["bad"]["status"] == "error"


def test_group_by_outlet_pools_sentences_and_counts_errors(records):
    summary = _summary(records, "outlet")
    assert [g["group"] for g in summary.groups] == ["Courier", "Ledger", MISSING_GROUP]
    ledger = summary.group("Ledger")
    ledger_records = [r for r in records if r["metadata"].get("outlet") == "Ledger"]
    assert ledger["articles"] == 2 and ledger["n_errors"] == 1
    assert ledger["sentences"] == sum(r["n_sentences"] for r in ledger_records if r["status"] == "ok") == 7
    for label in LABELS:
        assert ledger[f"share_{label}"] == pytest.approx(_pooled(ledger_records, label))
    assert sum(ledger[f"share_{label}"] for label in LABELS) == pytest.approx(1.0)
    assert ledger["share_articles_with_anonymous"] == 0.5
    courier = summary.group("Courier")
    assert courier["mean_hearsay_share"] == pytest.approx((0.0 + 1 / 3) / 2)
    assert summary.group(MISSING_GROUP)["articles"] == 1


def test_no_key_gives_one_group_and_error_records_stay_out_of_the_shares(records):
    with_error = _summary(records, None)
    without = _summary([r for r in records if r["status"] == "ok"], None)
    (group,) = with_error.groups
    assert group["group"] == "all" and group["n_errors"] == 1 and group["articles"] == 5
    assert without.groups[0]["n_errors"] == 0
    for column in GROUP_COLUMNS[3:]:
        assert group[column] == without.groups[0][column]


def test_a_group_of_only_errors_has_no_shares(records):
    error = next(r for r in records if r["status"] == "error")
    summary = _summary([error], "outlet")
    (group,) = summary.groups
    assert (group["articles"], group["n_errors"], group["sentences"]) == (0, 1, 0)
    assert group[f"share_{ANONYMOUS_SOURCE_QUOTE}"] is None and group["anonymous_ci_low"] is None


def test_group_by_date_month_and_year_in_chronological_order(records):
    months = _summary(records, "date:month")
    assert [g["group"] for g in months.groups] == ["2025-12", "2026-01", "2026-02"]
    assert months.group("2026-02")["articles"] == 2 and months.group("2026-02")["n_errors"] == 1
    assert months.group("2026-01")["articles"] == 2
    years = _summary(records, "date:year")
    assert [(g["group"], g["articles"]) for g in years.groups] == [("2025", 1), ("2026", 4)]


def test_group_keys_for_missing_invalid_dates_and_directories(records):
    record = copy.deepcopy(records[0])
    assert group_of(record, "dir") == "ledger"
    assert group_of(record, "date") == "2026-02-03"
    assert group_of(record, "nonexistent") == MISSING_GROUP
    record["metadata"]["date"] = "03/02/2026"
    assert group_of(record, "date:month") == "(invalid date)"
    del record["metadata"]["date"]
    assert group_of(record, "date:month") == MISSING_GROUP
    record["metadata"]["http_status"] = 200
    assert group_of(record, "http_status") == "200"
    assert [g["group"] for g in _summary(records, "dir").groups] == ["courier", "ledger", "other"]


def test_top_sources_merge_across_articles(records):
    summary = _summary(records, None, top=2)
    sources = summary.sources_of("all")
    assert len(sources) == 2
    whitfield = sources[0]
    # NAMED is scored twice (a2, a5): its source has two sentences in each article.
    assert whitfield == {"group": "all", "source": "Mayor Dana Whitfield", "sentences": 4, "articles": 2}


def test_bootstrap_interval_contains_the_point_and_narrows_with_more_articles(records):
    small = _summary(records, None, resamples=500, seed=1).groups[0]
    point = small[f"share_{ANONYMOUS_SOURCE_QUOTE}"]
    assert small["anonymous_ci_low"] <= point <= small["anonymous_ci_high"]
    assert small["anonymous_ci_low"] < small["anonymous_ci_high"]
    large = _summary(records * 25, None, resamples=500, seed=1).groups[0]
    assert large[f"share_{ANONYMOUS_SOURCE_QUOTE}"] == pytest.approx(point)
    assert large["anonymous_ci_low"] <= point <= large["anonymous_ci_high"]
    assert (large["anonymous_ci_high"] - large["anonymous_ci_low"]) < 0.5 * (
        small["anonymous_ci_high"] - small["anonymous_ci_low"])
    again = _summary(records, None, resamples=500, seed=1).groups[0]
    assert again == small  # seeded


def test_add_accepts_article_results(results, records):
    builder = SummaryBuilder("outlet")
    for result in results:
        builder.add(result)
    assert builder.result() == _summary(records, "outlet")


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_reads_back_what_record_writer_writes(tmp_path, results, records, suffix):
    path = tmp_path / f"articles.{suffix}"
    with RecordWriter(path) as out:
        for result in results:
            out.write(result.to_record())
    back = list(read_article_records(path))
    assert len(back) == len(records)
    for got, want in zip(back, records, strict=True):
        for key in ("doc_id", "status", "error", "n_sentences", "counts", "profile", "metadata", "cleaning"):
            assert got[key] == want[key], (suffix, key)
    assert _summary(back, "date:month") == _summary(records, "date:month")


def test_write_produces_tables_and_figures(tmp_path, records):
    builder = SummaryBuilder("outlet", resamples=200)
    for record in records:
        builder.add(record)
    paths = builder.write(tmp_path / "out")
    assert [p.name for p in paths] == ["groups.csv", "top_sources.csv", "anonymous_share.png", "label_mix.png"]
    for path in paths:
        assert path.is_file() and path.stat().st_size > 0
    for png in paths[2:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    with paths[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == GROUP_COLUMNS
    assert [r["group"] for r in rows] == ["Courier", "Ledger", MISSING_GROUP]
    assert float(rows[1][f"share_{ANONYMOUS_SOURCE_QUOTE}"]) == pytest.approx(2 / 7, abs=1e-6)
    with paths[1].open(encoding="utf-8", newline="") as handle:
        sources = list(csv.DictReader(handle))
    assert tuple(sources[0]) == SOURCE_COLUMNS
    assert {"group": "Ledger", "source": "Mayor Dana Whitfield", "sentences": "2", "articles": "1"} in sources


def test_many_groups_plot_the_latest_forty_and_say_so(tmp_path, records):
    ok = next(r for r in records if r["status"] == "ok")
    many = []
    for i in range(50):
        record = copy.deepcopy(ok)
        record["metadata"]["date"] = f"{2020 + i // 12}-{i % 12 + 1:02d}-15"
        many.append(record)
    summary = _summary(many, "date:month", resamples=50)
    shown, note = plotted_groups(summary)
    assert len(summary.groups) == 50 and len(shown) == MAX_PLOTTED_GROUPS
    assert shown[0]["group"] == "2020-11" and shown[-1]["group"] == "2024-02"
    assert "40 of 50" in note
    builder = SummaryBuilder("date:month", resamples=50)
    for record in many:
        builder.add(record)
    assert all(p.stat().st_size > 0 for p in builder.write(tmp_path))


def test_cli_summarize(tmp_path, results, capsys):
    arts = tmp_path / "articles.parquet"
    with RecordWriter(arts) as out:
        for result in results:
            out.write(result.to_record())
    out_dir = tmp_path / "summary"
    assert main(["summarize", str(arts), "--by", "date:month", "--out", str(out_dir), "--top", "3",
                 "--resamples", "200", "--seed", "7"]) == 0
    printed = capsys.readouterr().out
    assert "6 article records (5 scored, 1 errors) in 3 groups by date:month" in printed
    assert printed.index("2025-12") < printed.index("2026-01") < printed.index("2026-02")
    assert {p.name for p in out_dir.iterdir()} == {"groups.csv", "top_sources.csv", "anonymous_share.png",
                                                  "label_mix.png"}


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_sentence_records_are_refused_clearly(tmp_path, results, suffix, capsys):
    path = tmp_path / f"sentences.{suffix}"
    with RecordWriter(path) as out:
        for result in results:
            for record in result.sentence_records():
                out.write(record)
    with pytest.raises(ValueError, match="sentence record"):
        list(read_article_records(path))
    assert main(["summarize", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "sentence record" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_other_bad_inputs_are_refused(tmp_path):
    text = tmp_path / "articles.txt"
    text.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown article-records format"):
        list(read_article_records(text))
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "x", "text": "An input table, not scored output."}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not an article record"):
        list(read_article_records(other))
    with pytest.raises(ValueError, match="sentence record"):
        SummaryBuilder(None).add({"doc_id": "d", "sent_idx": 0, "label": "direct_fact"})

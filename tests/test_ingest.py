import json

import pytest

from attribution.ingest import InputError, iter_documents, parse_header


def test_header_line_is_parsed_into_metadata():
    assert parse_header(" date 2025-04-29 403\nSorry!!") == {"date": "2025-04-29", "http_status": 403}
    assert parse_header("date 2024-01-02\nText") == {"date": "2024-01-02"}
    assert parse_header("The date 2025-04-29 was chosen.") == {}


def test_directory_is_read_recursively_with_file_stems_as_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("First article.", encoding="utf-8")
    (tmp_path / "two.txt").write_text(" date 2025-01-01 200\nSecond article.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    docs = list(iter_documents([tmp_path]))
    assert [d.doc_id for d in docs] == ["one", "two"]
    assert docs[1].metadata["date"] == "2025-01-01"
    assert docs[1].text.startswith(" date")  # the original text is kept whole; cleaning reports the header


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_bad_files_become_error_documents(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (doc,) = iter_documents([path])
    assert doc.doc_id == "bad"
    assert message in doc.error


def test_missing_path_stops_with_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(iter_documents([tmp_path / "nope.txt"]))


def test_jsonl_rows_with_custom_columns_and_bad_rows(tmp_path):
    path = tmp_path / "arts.jsonl"
    rows = [{"key": "x1", "body": "Text one.", "outlet": "A"}, {"key": "x2", "body": None}, {"key": "x3"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    docs = list(iter_documents([path], id_column="key", text_column="body"))
    assert [d.doc_id for d in docs] == ["x1", "x2", "x3", "arts:4"]
    assert docs[0].error is None and docs[0].metadata["outlet"] == "A"
    assert "no text" in docs[1].error and "no 'body' field" not in docs[1].error  # null, not missing
    assert "no 'body' field" in docs[2].error
    assert "invalid JSON" in docs[3].error


def test_csv_and_parquet_tables(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = tmp_path / "t.csv"
    csv_path.write_text('id,text,outlet\n007,"Hello there, world.",B\n008,,B\n', encoding="utf-8")
    docs = list(iter_documents([csv_path]))
    assert [d.doc_id for d in docs] == ["007", "008"]
    assert docs[0].text == "Hello there, world."
    assert docs[1].error
    pq.write_table(pa.table({"id": ["p1"], "text": ["Parquet text."]}), tmp_path / "t.parquet")
    (doc,) = iter_documents([tmp_path / "t.parquet"])
    assert (doc.doc_id, doc.text) == ("p1", "Parquet text.")


def test_table_without_text_column_is_one_error_record(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,body\n1,abc\n", encoding="utf-8")
    (doc,) = iter_documents([path])
    assert "column 'text' not found" in doc.error and "body" in doc.error


def test_repeated_ids_are_made_unique(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text("Text.", encoding="utf-8")
    docs = list(iter_documents([tmp_path]))
    assert [d.doc_id for d in docs] == ["same", "same~2"]


def test_date_columns_of_parquet_tables_become_iso_metadata(tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["a"], "text": ["The council met."], "published": [datetime.date(2025, 4, 29)],
                      "seen": [datetime.datetime(2025, 4, 29, 8, 30)]})
    pq.write_table(table, tmp_path / "t.parquet")
    (doc,) = iter_documents([tmp_path / "t.parquet"])
    assert doc.metadata["published"] == "2025-04-29" and doc.metadata["seen"] == "2025-04-29T08:30:00"


def _jsonl(path, ids):
    path.write_text("".join(json.dumps({"id": i, "text": f"Article {n} was published."}) + "\n"
                            for n, i in enumerate(ids)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("given", "final"),
    [
        (["x", "x", "x~2"], ["x", "x~2", "x~2~2"]),
        (["x~2", "x", "x"], ["x~2", "x", "x~3"]),
        (["x", "x~2", "x", "x"], ["x", "x~2", "x~3", "x~4"]),
        (["x", "x", "x~2", "x~2", "x"], ["x", "x~2", "x~2~2", "x~2~3", "x~3"]),
        (["x~3", "x", "x", "x", "x~2"], ["x~3", "x", "x~2", "x~4", "x~2~2"]),
    ],
)
def test_final_ids_never_collide_whatever_the_given_ids(tmp_path, given, final):
    docs = list(iter_documents([_jsonl(tmp_path / "in.jsonl", given)]))
    assert [d.doc_id for d in docs] == final
    assert [d.metadata.get("original_doc_id", d.doc_id) for d in docs] == given
    assert [d.text for d in docs] == [f"Article {n} was published." for n in range(len(given))]
    assert [d.doc_id for d in iter_documents([tmp_path / "in.jsonl"])] == final  # the same again: resume needs it


def test_generated_ids_do_not_collide_with_row_ids_or_file_stems(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"text": "No id here."}\n{"id": "t:1", "text": "An id like a generated one."}\n'
                                      '{"id": "t:1~2", "text": "Like a renamed one."}\n'
                                      '{"id": "a", "text": "Named like a file."}\n', encoding="utf-8")
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "a.txt").write_text("A file.", encoding="utf-8")
    (tmp_path / "z" / "a~2.txt").write_text("A file named like a renamed id.", encoding="utf-8")
    ids = [d.doc_id for d in iter_documents([tmp_path / "t.jsonl", tmp_path / "z"])]
    assert ids == ["t:1", "t:1~2", "t:1~2~2", "a", "a~2", "a~2~2"]
    assert len(set(ids)) == len(ids)


def test_resume_over_colliding_ids_skips_exactly_the_finished_articles(tmp_path, capsys):
    from attribution.cli import main

    inputs = _jsonl(tmp_path / "in.jsonl", ["x", "x", "x~2", "y", "x"])
    full_s, full_a = tmp_path / "full_s.jsonl", tmp_path / "full_a.jsonl"
    assert main(["score", "--model", "rules", str(inputs), "-o", str(full_s), "--articles", str(full_a), "-q"]) == 0
    records = [json.loads(line) for line in full_a.read_text().splitlines()]
    assert [r["doc_id"] for r in records] == ["x", "x~2", "x~2~2", "y", "x~3"]
    sentences = [json.loads(line) for line in full_s.read_text().splitlines()]
    assert [s["text"] for s in sentences] == [f"Article {n} was published." for n in range(5)]
    part_s, part_a = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    part_s.write_text("".join(full_s.read_text().splitlines(True)[:2]))
    part_a.write_text("".join(full_a.read_text().splitlines(True)[:2]))  # x and x~2 finished
    assert main(["score", "--model", "rules", str(inputs), "-o", str(part_s), "--articles", str(part_a),
                 "--resume"]) == 0
    assert "skipped 2 already in the output" in capsys.readouterr().err
    assert part_s.read_text() == full_s.read_text() and part_a.read_text() == full_a.read_text()

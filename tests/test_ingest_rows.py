"""One record per table row, text decoded by its byte-order mark, and ``-`` for standard input."""

import io
import json
import sys

import pytest

from attribution.cli import main
from attribution.ingest import InputError, iter_documents


def _by_id(docs):
    return {d.doc_id: d for d in docs}


def test_a_latin1_byte_costs_its_row_a_warning_and_the_other_rows_nothing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,text\na,The mayor spoke.\nb,The caf\xe9 closed.\nc,Officials said so.\n")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert all(d.error is None for d in docs)
    assert docs[1].text == "The caf\ufffd closed."
    (warning,) = docs[1].warnings
    assert "invalid UTF-8" in warning and "t.csv row 2 (line 3)" in warning and "0xe9" in warning
    assert docs[0].warnings == [] and docs[2].warnings == []


def test_ragged_rows_are_error_records_naming_file_row_and_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text,outlet\n"
                    "a,First article.,A\n"
                    "b,Too many,cells,here\n"
                    "c,Too few\n"
                    "d,Last article.,D\n", encoding="utf-8")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["a", "t:2", "t:3", "d"]
    assert docs[0].error is None and docs[3].text == "Last article." and docs[3].metadata["outlet"] == "D"
    assert docs[1].error == "t.csv row 2 (line 3): 4 cells, but the header has 3 columns"
    assert docs[2].error == "t.csv row 3 (line 4): 2 cells, but the header has 3 columns"
    assert docs[1].metadata == {"path": str(path), "row": 2}


def test_quoted_cells_with_line_breaks_are_one_cell_and_later_lines_are_counted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\r\n'
                    'a,"First paragraph.\r\n\r\nSecond paragraph, with a comma and ""quotes""."\r\n'
                    '\r\n'
                    'b,"One\nmore"\r\n'
                    'c,bad,row\r\n', encoding="utf-8")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["a", "b", "t:3"]
    assert docs[0].text == 'First paragraph.\r\n\r\nSecond paragraph, with a comma and "quotes".'
    assert docs[1].text == "One\nmore"
    assert docs[2].error.startswith("t.csv row 3 (line 8):")  # lines inside cells and the blank line 5 count


def test_csv_cells_stay_strings_and_empty_cells_are_missing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text,count,note\n007,Text one.,12,\n,Text two.,3,x\n009,"",4,y\n', encoding="utf-8")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["007", "t:2", "009"]
    assert docs[0].metadata["count"] == "12" and docs[0].metadata["note"] is None
    assert docs[1].error is None and docs[1].text == "Text two."
    assert "no text" in docs[2].error


def test_a_column_named_like_an_internal_key_is_plain_metadata(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text,__error__,__warning__\na,The council met.,oops,careful\n", encoding="utf-8")
    (doc,) = iter_documents([path])
    assert doc.error is None and doc.warnings == []
    assert doc.metadata["__error__"] == "oops" and doc.metadata["__warning__"] == "careful"


def test_an_unclosed_quote_is_an_error_for_its_row_and_earlier_rows_keep_their_records(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,Fine.\nb,"Never closed.\nc,Swallowed.\n', encoding="utf-8")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["a", "t:2"]
    assert docs[0].text == "Fine."
    assert "t.csv row 2 (line 3)" in docs[1].error and "never closed" in docs[1].error


def test_the_header_is_checked_first_and_an_empty_table_is_one_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,body\n1,abc\n2,def\n", encoding="utf-8")
    (doc,) = iter_documents([path])
    assert "column 'text' not found" in doc.error
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    (doc,) = iter_documents([empty])
    assert doc.doc_id == "empty" and "unreadable table" in doc.error and "no header" in doc.error


def test_a_parquet_file_broken_part_way_keeps_the_rows_read_before(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    n = 2500
    pq.write_table(pa.table({"id": [f"p{i}" for i in range(n)], "text": [f"Article {i}." for i in range(n)]}),
                   path, row_group_size=1024, compression="none")
    offset = pq.ParquetFile(path).metadata.row_group(2).column(1).data_page_offset
    data = bytearray(path.read_bytes())
    data[offset : offset + 64] = b"\xff" * 64  # the third row group's page header: unreadable
    path.write_bytes(bytes(data))
    docs = list(iter_documents([path]))
    assert len(docs) == 2049
    assert [d.doc_id for d in docs[:2048]] == [f"p{i}" for i in range(2048)]
    assert all(d.error is None for d in docs[:2048])
    last = docs[-1]
    assert last.doc_id == "t:2049" and last.error.startswith("unreadable table from row 2049 of t.parquet on:")
    assert "\n" not in last.error and last.metadata["row"] == 2049


def test_a_parquet_file_that_cannot_be_opened_is_one_error_record(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file")
    (doc,) = iter_documents([path])
    assert doc.doc_id == "bad" and doc.error.startswith("unreadable table:")


def test_jsonl_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"id": "a", "text": "Fine."}\n\n[1, 2]\n{"id": "b", "text": "caf\xe9"}\n{broken\n')
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["a", "rows:2", "b", "rows:4"]
    assert docs[1].error == "rows.jsonl line 3: expected a JSON object"
    assert docs[2].text == "caf\ufffd" and "invalid UTF-8 on line 4 of rows.jsonl" in docs[2].warnings[0]
    assert docs[3].error.startswith("rows.jsonl line 5: invalid JSON")


TEXT = "The café reopened, the owner said.\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
def test_text_files_with_a_byte_order_mark_are_decoded_by_it(tmp_path, encoding):
    import codecs

    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    path = tmp_path / "a.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    (doc,) = iter_documents([path])
    assert doc.error is None and doc.text == TEXT and doc.warnings == []


def test_nul_bytes_without_a_mark_stay_binary_and_bad_utf16_is_a_warning(tmp_path):
    (tmp_path / "nomark.txt").write_bytes(TEXT.encode("utf-16-le"))
    (tmp_path / "odd.txt").write_bytes(TEXT.encode("utf-16") + b"\x00\xd8")  # a lone high surrogate at the end
    docs = _by_id(iter_documents([tmp_path]))
    assert "binary" in docs["nomark"].error
    assert docs["odd"].error is None and docs["odd"].text == TEXT + "\ufffd"
    assert "invalid UTF-16" in docs["odd"].warnings[0]


def test_tables_with_a_utf16_mark_are_read_too(tmp_path):
    (tmp_path / "t.csv").write_bytes('id,text\nc1,"Le café, dit-il."\n'.encode("utf-16"))
    row = json.dumps({"id": "j1", "text": "Le café."}, ensure_ascii=False) + "\n"
    (tmp_path / "t.jsonl").write_bytes(b"\xfe\xff" + row.encode("utf-16-be"))
    docs = _by_id(iter_documents([tmp_path / "t.csv", tmp_path / "t.jsonl"]))
    assert docs["c1"].text == "Le café, dit-il." and docs["j1"].text == "Le café."


def _stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _articles(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dash_reads_jsonl_rows_from_stdin(tmp_path, monkeypatch):
    rows = [{"key": "s1", "body": "The mayor said the bridge would close."}, {"body": "Officials said so."}]
    _stdin(monkeypatch, ("\n".join(json.dumps(r) for r in rows) + "\n\n").encode("utf-8"))
    articles = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", "-", "--id-column", "key", "--text-column", "body",
                 "-o", str(tmp_path / "s.jsonl"), "--articles", str(articles), "-q"]) == 0
    records = _articles(articles)
    assert [r["doc_id"] for r in records] == ["s1", "stdin:2"]
    assert all(r["status"] == "ok" for r in records) and records[0]["metadata"]["path"] == "<stdin>"


def test_dash_reads_one_text_from_stdin_decoded_as_files_are(tmp_path, monkeypatch):
    _stdin(monkeypatch, b'{"id": "looks like a row"}\nThe caf\xe9 closed, the owner said.\n')
    articles = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", "-", "-o", str(tmp_path / "s.jsonl"), "--articles", str(articles),
                 "-q"]) == 0
    (record,) = _articles(articles)
    assert record["doc_id"] == "stdin" and record["status"] == "ok"
    assert any("invalid UTF-8" in w for w in record["warnings"])
    sentences = _articles(tmp_path / "s.jsonl")
    assert "caf\ufffd" in "".join(s["text"] for s in sentences)


def test_stdin_with_a_utf16_mark_and_stdin_given_twice(tmp_path, monkeypatch):
    _stdin(monkeypatch, "The minister said the talks would resume.".encode("utf-16"))
    (doc,) = iter_documents(["-"])
    assert (doc.doc_id, doc.text, doc.error) == ("stdin", "The minister said the talks would resume.", None)
    with pytest.raises(InputError, match="only once"):
        list(iter_documents(["-", "-"]))
    assert main(["score", "--model", "rules", "-", "-", "-q"]) == 2


def test_a_file_named_dash_is_read_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("The file named dash.", encoding="utf-8")
    _stdin(monkeypatch, b"From standard input.")
    docs = list(iter_documents(["./-", "-"]))
    assert [(d.doc_id, d.text) for d in docs] == [("-", "The file named dash."), ("stdin", "From standard input.")]

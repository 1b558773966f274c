"""A batch run that survives anything: bad bytes, mojibake, HTML, huge or odd inputs, and random text."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import attribution
from attribution.cli import main
from attribution.ingest import iter_documents
from attribution.repair import repair_mojibake
from tests.tiny_model import tiny_window_classifier

ARTICLE = ("José Andrés said the kitchen would reopen on Monday. Officials said the inspection had been "
           "routine. The restaurant employs 40 people.")


def test_mojibake_is_repaired_and_reported_with_offsets():
    broken = ARTICLE.encode("utf-8").decode("latin-1")  # UTF-8 read as Latin-1
    assert "JosÃ© AndrÃ©s" in broken
    fixed, repairs = repair_mojibake(broken)
    assert fixed == ARTICLE
    assert [(r.before, r.after) for r in repairs] == [("JosÃ©", "José"), ("AndrÃ©s", "Andrés")]
    for r in repairs:
        assert broken[r.orig_start : r.orig_end] == r.before and fixed[r.start : r.end] == r.after
    assert repair_mojibake(ARTICLE) == (ARTICLE, [])  # right text is left alone: quotes, accents, dashes
    curly = "“It’s done,” she said — naïve café."
    assert repair_mojibake(curly) == (curly, [])


def test_analysis_of_mojibake_reports_the_repair_and_indexes_the_repaired_text():
    broken = ARTICLE.encode("utf-8").decode("latin-1")
    result = attribution.load("rules").analyze(broken, doc_id="m")
    assert result.ok and result.text == ARTICLE
    assert any("mojibake" in w for w in result.warnings)
    assert len(result.to_record()["repairs"]) == 2
    assert all(result.text[s.start : s.end] == s.text for s in result.sentences)
    assert result.sentences[0].source == "José Andrés"


def test_invalid_bytes_are_replaced_and_flagged_not_fatal(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("The café said it would close. Officials said inspections continue.".encode("cp1252"))
    (doc,) = iter_documents([path])
    assert doc.error is None and "\ufffd" in doc.text
    assert "invalid UTF-8" in doc.warnings[0]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_bytes(b'{"id": "ok", "text": "Fine text here."}\n{"id": "bad", "text": "caf\xe9 closed."}\n')
    docs = {d.doc_id: d for d in iter_documents([jsonl])}
    assert docs["ok"].warnings == [] and "invalid UTF-8 on line 2" in docs["bad"].warnings[0]


HTML_PAGE = """<html><head><title>Harbor bridge closes | The Gazette</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article><h1>Harbor bridge closes for repairs</h1>
<p>The harbor bridge will close for six weeks of repairs, the transport department said on Monday.</p>
<p>A senior transportation official, speaking on condition of anonymity, said the work could take longer.</p>
<p>Mayor Dana Whitfield said the city would run extra ferries during the closure.</p></article>
<footer>Copyright 2026 The Gazette. All rights reserved.</footer></body></html>"""


def test_html_files_and_columns_are_reduced_to_article_text(tmp_path):
    (tmp_path / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "r1", "html": HTML_PAGE}) + "\n"
                                         + json.dumps({"id": "r2", "html": "<html><body></body></html>"}) + "\n")
    (doc,) = iter_documents([tmp_path / "page.html"])
    assert doc.metadata["extracted_from"] == "html" and doc.metadata["html_title"].startswith("Harbor bridge")
    assert "<p>" not in doc.text and "Home" not in doc.text and "six weeks" in doc.text
    rows = list(iter_documents([tmp_path / "rows.jsonl"], html_column="html"))
    assert rows[0].text == doc.text and rows[1].error == "no article text found in the HTML"
    result = attribution.load("rules").analyze_batch([doc])[0]
    labels = {s.text[:20]: s.label for s in result.sentences}
    assert "anonymous_source_quote" in labels.values() and "reported_claim" in labels.values()


def test_too_long_inputs_get_an_error_record_and_the_run_goes_on(tmp_path, capsys):
    rows = [{"id": "long", "text": "The council met. " * 200}, {"id": "short", "text": "The council met today."}]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    arts = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", str(path), "-o", str(tmp_path / "s.jsonl"), "--articles", str(arts),
                 "--max-chars", "1000"]) == 0
    records = {r["doc_id"]: r for r in map(json.loads, arts.read_text().splitlines())}
    assert records["long"]["status"] == "error" and "input too long: 3,400 characters" in records["long"]["error"]
    assert records["short"]["status"] == "ok"
    assert "failed 1" in capsys.readouterr().err


def test_non_english_text_is_scored_with_a_warning():
    german = ("Die Regierung hat am Montag beschlossen, dass die Steuern steigen werden. Der Minister sagte, man "
              "werde die Pläne prüfen und im Sommer vorlegen. Kritiker warnten vor den Folgen für die Wirtschaft "
              "und die Familien im ganzen Land, sagte ein Sprecher der Opposition.")
    result = attribution.load("rules").analyze(german)
    assert result.ok and any("does not look like English" in w for w in result.warnings)
    assert attribution.load("rules").analyze(ARTICLE * 3).warnings == []


@pytest.mark.slow
def test_a_one_megabyte_article_without_punctuation_is_processed():
    text = ("word " * 12 + "\n") * 17_000  # 1.02 MB, no sentence punctuation, many lines
    assert len(text) > 1_000_000
    result = attribution.load("rules").analyze(text, doc_id="big")
    assert result.ok and result.sentences
    assert all(text[s.start : s.end] == s.text for s in result.sentences)


ODD_TEXTS = [
    "«Unbalanced quote said the official. “Another one opens, ‘and this too. He said \"no.",
    "| Name | Votes |\n|---|---|\n| Smith | 1,204 |\n| Jones | 987 |\n",
    "- item one\n- item two, officials said\n* item three\n1. numbered\n",
    "no punctuation at all just words and more words and officials said nothing",
    "\u200b\u200b\ufeff\u00a0\u2028\u2029 zero-width and separators.\r\n\r\nWindows line ends said Ms. Lee.\r\n",
    "政府は月曜日に発表した。当局者によると、交渉は停滞している。",
    "مسؤولون قالوا إن المحادثات توقفت.",
    "\ud83d\ude00 emoji 😀 said the source 👍🏽.",
    "A" * 5000,
    ". . . ! ? ... ;;; ---",
]


@pytest.fixture(scope="module")
def analyzers():
    return [attribution.load("rules", batch_size=3), attribution.Analyzer(tiny_window_classifier(), batch_size=3)]


def _check_run(analyzer, items):
    results = list(analyzer.analyze_many(items))
    assert len(results) == len(items)  # exactly one article record per input
    for item, result in zip(items, results, strict=True):
        assert result.doc_id == item["id"]
        record = result.to_record()
        json.dumps(record)
        if not result.ok:
            assert result.error and not result.sentences
            continue
        previous_end = -1
        for s in result.sentences:
            assert result.text[s.start : s.end] == s.text and s.text.strip()
            assert s.start >= previous_end  # in order, never overlapping
            previous_end = s.end
            assert abs(sum(s.probs.values()) - 1) < 1e-3
            for start, end in ((s.source_start, s.source_end), (s.cue_start, s.cue_end)):
                assert start is None or s.start <= start < end <= s.end


def test_odd_inputs_survive_both_classifiers(analyzers):
    items = [{"id": f"odd{i}", "text": text} for i, text in enumerate(ODD_TEXTS)]
    items.append({"id": "bytes", "text": b"\xff\xfe broken \x80 bytes said officials."})
    for analyzer in analyzers:
        _check_run(analyzer, items)


_ALPHABET = st.sampled_from(list("abcdefghij ABCDEFG .,;:!?'\"“”‘’«»()-—\n\r\t\u00a0\u200bÃ©€ü😀0123456789"))
_WORDS = st.sampled_from(["said", "officials", "Mr.", "Dr.", "according to", "sources", "the", "Sorry!!",
                          "Copyright 2026", " date 2025-04-29 403", "\n\n", "Comments", "“", "”", "Ã©", "â€™"])
_TEXT = st.one_of(st.text(max_size=400), st.lists(st.one_of(_ALPHABET, _WORDS), max_size=120).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4))
def test_fuzz_ingest_clean_segment_classify(analyzers, texts):
    items = [{"id": f"f{i}", "text": t} for i, t in enumerate(texts)]
    for analyzer in analyzers:
        _check_run(analyzer, items)


def test_lone_surrogates_in_a_jsonl_row_do_not_stop_the_run(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "x\\ud800", "outlet": "Gaz\\udc80ette", "text": "The minister said the plan \\ud800 '
                    'would work. Officials said it would not."}\n{"id": "ok", "text": "The council met."}\n')
    arts = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", str(path), "-o", str(tmp_path / "s.jsonl"), "--articles", str(arts),
                 "-q"]) == 0
    records = [json.loads(line) for line in arts.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"]
    assert records[0]["doc_id"] == "x\ufffd" and records[0]["metadata"]["outlet"] == "Gaz\ufffdette"
    assert "lone surrogate" in records[0]["warnings"][0]


def test_html_in_a_declared_charset_is_decoded_with_it(tmp_path):
    page = HTML_PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').replace("Harbor bridge closes for",
                                                                                   "Café bridge closes for")
    (tmp_path / "latin.html").write_bytes(page.encode("latin-1"))
    (doc,) = iter_documents([tmp_path / "latin.html"])
    assert "Café bridge" in doc.text and "\ufffd" not in doc.text
    assert doc.warnings == ["decoded as iso8859-1, the page's charset"]


def test_scripts_without_spaces_get_the_language_warning():
    chinese = "政府周一宣布将提高税收。部长说，计划将在夏季提交。批评者警告说，这将对经济和家庭产生影响。" * 2
    result = attribution.load("rules").analyze(chinese)
    assert any("Latin script" in w for w in result.warnings)


def test_a_file_name_that_is_not_utf8_does_not_stop_the_run(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in ((b"caf\xe9.txt", b""), (b"ok.txt", b"The council met.")):  # an empty file: error record
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(content)
    arts = tmp_path / "a.jsonl"
    assert main(["score", "--model", "rules", str(folder), "-o", str(tmp_path / "s.jsonl"), "--articles", str(arts),
                 "-q"]) == 0
    records = {r["doc_id"]: r for r in map(json.loads, arts.read_text(encoding="utf-8").splitlines())}
    assert records["caf\ufffd"]["status"] == "error" and "\ufffd" in records["caf\ufffd"]["metadata"]["path"]
    assert records["ok"]["status"] == "ok"

"""Users' own labels may carry the source and cue of a sentence (as text or offsets) and train the span head."""

from __future__ import annotations

import json

import pytest
from attribution.training.features import token_tags
from attribution.training.user_data import UserDataError, read_user_file

from attribution.model.tags import ID2TAG

SENTENCE = "The terminal will cost $1.2 billion, the authority's director, Maria Lopez, said."


def _write(tmp_path, rows, name="labels.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_source_and_cue_as_text_or_offsets_become_sentence_spans(tmp_path):
    start = SENTENCE.index("Maria Lopez")
    path = _write(tmp_path, [
        {"doc_id": "a", "sent_idx": 0, "text": SENTENCE, "label": "reported_claim", "source": "Maria Lopez",
         "cue": "said"},
        {"doc_id": "a", "sent_idx": 1, "text": SENTENCE, "label": "reported_claim",
         "source": [start, start + 11], "cue": [[SENTENCE.index("said"), SENTENCE.index("said") + 4]]},
        {"doc_id": "a", "sent_idx": 2, "text": "Rain fell.", "label": "direct_fact", "source": None, "cue": ""},
    ])
    first, second, third = read_user_file(path)
    for record in (first, second):
        (s, e), (c, d) = record["source_spans"][0], record["cue_spans"][0]
        assert (SENTENCE[s:e], SENTENCE[c:d]) == ("Maria Lopez", "said")
    assert third["source_spans"] == third["cue_spans"] == []


def test_a_csv_source_column_is_read_and_articles_carry_spans_too(tmp_path):
    table = tmp_path / "labels.csv"
    table.write_text(f'doc_id,sent_idx,text,label,source,cue\na,0,"{SENTENCE}",reported_claim,Maria Lopez,said\n'
                     "a,1,Rain fell.,direct_fact,,\n", encoding="utf-8")
    records = read_user_file(table)
    assert [len(r["source_spans"]) for r in records] == [1, 0]
    article = _write(tmp_path, [{"doc_id": "b", "sentences": [
        {"text": SENTENCE, "label": "reported_claim", "source": "the authority's director, Maria Lopez"}]}],
        "articles.jsonl")
    (record,) = read_user_file(article)
    s, e = record["source_spans"][0]
    assert SENTENCE[s:e] == "the authority's director, Maria Lopez"


@pytest.mark.parametrize("source", ["Jane Roe", [70, 200], [5, 2], "  "])
def test_a_span_not_in_the_sentence_is_an_error_naming_the_line(tmp_path, source):
    path = _write(tmp_path, [{"doc_id": "a", "sent_idx": 0, "text": SENTENCE, "label": "reported_claim",
                              "source": source}])
    with pytest.raises(UserDataError, match=r"labels\.jsonl:1 source"):
        read_user_file(path)


def test_user_spans_become_the_window_models_source_and_cue_tags(tmp_path):
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer

    path = _write(tmp_path, [{"doc_id": "a", "sent_idx": 0, "text": SENTENCE, "label": "reported_claim",
                              "source": "Maria Lopez", "cue": "said"}])
    (record,) = read_user_file(path)
    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    offsets = tokenizer(SENTENCE, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    tags = token_tags(offsets, record)
    tagged = {kind: " ".join(SENTENCE[s:e] for (s, e), t in zip(offsets, tags, strict=True)
                             if ID2TAG[t].endswith(kind)) for kind in ("SRC", "CUE")}
    assert tagged == {"SRC": "Maria Lopez", "CUE": "said"}

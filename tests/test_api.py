import attribution
from attribution.labels import LABELS


def test_analyze_returns_offsets_labels_cleaning_and_profile():
    text = (" date 2026-01-01 200\nSorry!!\nTalks stall\n"
            "Officials said the talks stalled. The mayor said she was hopeful.")
    result = attribution.load("rules").analyze(text, doc_id="t1")
    assert result.ok and result.doc_id == "t1"
    assert [s.text for s in result.sentences] == [
        "Talks stall", "Officials said the talks stalled.", "The mayor said she was hopeful."]
    assert all(text[s.start : s.end] == s.text for s in result.sentences)
    assert result.cleaning["by_rule"] == {"scrape_header": 1, "error_banner": 1}
    assert result.metadata == {"date": "2026-01-01", "http_status": 200}
    profile = result.profile
    assert profile["counts"] == {"direct_fact": 1, "reported_claim": 1, "anonymous_source_quote": 1}
    assert profile["anonymous_mentions"] == ["Officials"]
    assert [s["source"] for s in profile["named_sources"]] == ["The mayor"]


def test_analyze_many_streams_mixed_inputs_in_order():
    items = ["The council met.", {"id": "r2", "text": "Critics said it failed.", "outlet": "X"}, {"id": "r3"}]
    results = list(attribution.load("rules", batch_size=2).analyze_many(iter(items)))
    assert [r.doc_id for r in results] == ["doc-0", "r2", "r3"]
    assert [r.status for r in results] == ["ok", "ok", "error"]
    assert results[1].metadata == {"outlet": "X"}


def test_analyze_many_is_lazy():
    consumed = []

    def source():
        for n in range(100):
            consumed.append(n)
            yield f"Sentence number {n} is plain."

    stream = attribution.load("rules", batch_size=4).analyze_many(source())
    next(stream)
    assert len(consumed) <= 5  # one batch read ahead, not the whole input


def test_results_to_dataframe_and_dataset():
    results = list(attribution.load("rules").analyze_many(["Analysts said so. It rained.", "The board met."]))
    frame = attribution.to_dataframe(results)
    assert list(frame["label"]) == ["anonymous_source_quote", "direct_fact", "direct_fact"]
    articles = attribution.to_dataframe(results, level="articles")
    assert len(articles) == 2
    dataset = attribution.to_dataset(results)
    assert dataset.num_rows == 3 and set(LABELS) <= set(__import__("json").loads(dataset[0]["probs"]))


def test_unknown_quantization_is_refused_for_every_model_kind():
    import pytest

    with pytest.raises(ValueError, match="unknown quantization 'int4'"):
        attribution.load("rules", quantize="int4")

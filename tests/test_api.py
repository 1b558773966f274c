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


def _sentence(idx, label, source=None, source_type=None, text="x"):
    from attribution.results import SentenceResult

    return SentenceResult("d", idx, idx * 10, idx * 10 + 1, text, label, {}, source=source, source_type=source_type)


def test_profile_merges_mentions_of_one_source_and_resolves_pronouns():
    from attribution.profile import build_profile

    rc, anon, df = "reported_claim", "anonymous_source_quote", "direct_fact"
    sentences = [
        _sentence(0, rc, "Russian President Vladimir Putin", "named"),
        _sentence(1, rc, "Putin", "named"),
        _sentence(2, rc, "the Russian president", "named"),
        _sentence(3, rc, "Mayor Ana Ruiz", "named"),
        _sentence(4, rc, "she", "pronoun"),
        _sentence(5, rc, "Mr. Putin", "named"),
        _sentence(6, anon, "a senior official", "anonymous"),
        _sentence(7, rc, "the company", "named"),
        _sentence(8, df, text="He was reportedly ill."),
        _sentence(9, rc, "Maria Putin", "named"),  # another Putin: a different given name is another person
    ]
    profile = build_profile(sentences, {"removed_count": 3})
    named = {e["source"]: e for e in profile["named_sources"]}
    assert named["Russian President Vladimir Putin"]["sentences"] == 4
    assert named["Russian President Vladimir Putin"]["mentions"] == [
        "Russian President Vladimir Putin", "Putin", "the Russian president", "Mr. Putin"]
    assert named["Maria Putin"]["sentences"] == 1
    assert named["Mayor Ana Ruiz"]["sentences"] == 2  # "she" resolved to the most recent named source
    assert named["the company"]["sentences"] == 1  # a description with no earlier name stays its own entry
    assert profile["anonymous_mentions"] == ["a senior official"]
    assert profile["hearsay_share"] == 0.1 and profile["removed_by_cleaning"] == 3
    assert [e["source"] for e in profile["named_sources"]][0] == "Russian President Vladimir Putin"


def test_predicted_spans_are_trimmed_of_edge_punctuation():
    from attribution.stages import _span_text

    text = "A senior official, speaking anonymously, said so."
    assert _span_text(text, (0, 18)) == ("A senior official", 0, 17)
    assert _span_text(text, (17, 19)) == (None, None, None)
    assert _span_text(text, None) == (None, None, None)


def test_profile_does_not_merge_a_bare_role_into_a_longer_title_or_credit_pronouns_across_anonymous_sources():
    from attribution.profile import build_profile

    rc, anon = "reported_claim", "anonymous_source_quote"
    profile = build_profile([
        _sentence(0, rc, "Vice President Kamala Harris", "named"),
        _sentence(1, rc, "the president", "named"),
        _sentence(2, anon, "a senior aide", "anonymous"),
        _sentence(3, rc, "he", "pronoun"),
    ])
    named = {e["source"]: e["sentences"] for e in profile["named_sources"]}
    assert named == {"Vice President Kamala Harris": 1, "the president": 1}

import pytest
from attribution.training.features import token_tags, window_features

from attribution.model.tags import ALL_TAGS, ID2TAG, IGNORE, SENTENCE_TAGS, TAG2ID, check_label_maps
from attribution.model.windows import SentenceTokens, build_windows

CLS, SEP = 101, 102


def _sentences(lengths):
    return [SentenceTokens(list(range(1000 + 10 * i, 1000 + 10 * i + n)), [(j, j + 1) for j in range(n)])
            for i, n in enumerate(lengths)]


@pytest.mark.parametrize("lengths", [[5], [5, 7, 3, 9, 4, 6, 8], [30, 2, 2, 30], [3] * 40])
@pytest.mark.parametrize(("max_length", "overlap"), [(16, 1), (24, 2), (64, 1)])
def test_every_sentence_is_owned_by_exactly_one_window(lengths, max_length, overlap):
    windows = build_windows(_sentences(lengths), CLS, SEP, SEP, max_length, overlap)
    owned = [i for w in windows for i, own in zip(w.sentence_indices, w.own, strict=True) if own]
    assert owned == list(range(len(lengths)))
    for w in windows:
        assert len(w.input_ids) <= max_length
        assert w.input_ids[0] == CLS and w.input_ids[-1] == SEP
        for marker, (start, end) in zip(w.marker_positions, w.token_ranges, strict=True):
            assert w.input_ids[marker] == SEP and start == marker + 1 and end <= len(w.input_ids) - 1


def test_later_windows_start_with_context_sentences():
    windows = build_windows(_sentences([6] * 10), CLS, SEP, SEP, max_length=24, overlap=1)
    assert len(windows) > 1
    for w in windows[1:]:
        assert w.own[0] is False and all(w.own[1:])


def test_sentence_longer_than_window_is_truncated_and_keeps_its_marker():
    windows = build_windows(_sentences([3, 100, 3]), CLS, SEP, SEP, max_length=20, overlap=1)
    long_window = next(w for w in windows if 1 in w.sentence_indices and w.own[w.sentence_indices.index(1)])
    k = long_window.sentence_indices.index(1)
    start, end = long_window.token_ranges[k]
    assert end - start == 20 - 3 and len(long_window.input_ids) <= 20


def test_tag_set_and_label_map_round_trip():
    assert ALL_TAGS[: len(SENTENCE_TAGS)] == SENTENCE_TAGS
    assert {v: k for k, v in TAG2ID.items()} == ID2TAG
    check_label_maps({str(k): v for k, v in ID2TAG.items()})  # as read back from config.json
    with pytest.raises(ValueError, match="does not match"):
        check_label_maps({0: "SENT-reported_claim", 1: "SENT-direct_fact", **{i: ALL_TAGS[i] for i in range(2, 8)}})


def test_bio_tags_follow_character_spans():
    offsets = [(0, 1), (2, 8), (9, 17), (18, 22), (23, 27)]  # "A senior official told Axios"
    record = {"source_spans": [[0, 17]], "cue_spans": [[18, 22]]}
    assert [ID2TAG[t] for t in token_tags(offsets, record)] == ["B-SRC", "I-SRC", "I-SRC", "B-CUE", "O"]


def test_window_features_label_markers_and_ignore_context(tmp_path):
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    article = [{"text": f"Sentence number {i} is here.", "label": "direct_fact" if i % 2 else "reported_claim",
                "source_spans": [], "cue_spans": []} for i in range(12)]
    features = window_features([article], tokenizer, max_length=32, overlap=1)
    sentence_labels = [TAG2ID[t] for t in SENTENCE_TAGS]
    marked = [lab for f in features for lab in f["labels"] if lab in sentence_labels]
    assert len(marked) == len(article)  # context markers are ignored, own markers labelled once
    assert [ID2TAG[m] for m in marked] == ["SENT-" + r["label"] for r in article]
    assert all(f["labels"][0] == IGNORE and f["labels"][-1] == IGNORE for f in features)


def test_pair_features_truncate_a_long_first_sentence_without_context():
    from attribution.training.config import default_base_model
    from attribution.training.features import pair_features
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    long_text = " ".join(["The committee reviewed the budget line by line"] * 40) + "."
    article = [{"text": long_text, "label": "direct_fact"}, {"text": "Officials said so.", "label":
                                                             "anonymous_source_quote"}]
    features = pair_features([article], tokenizer, max_length=64)
    assert [len(f["input_ids"]) <= 64 for f in features] == [True, True]
    assert [f["labels"] for f in features] == [0, 2]

from collections import Counter

import numpy as np
import pytest
from attribution.training.augment import (
    ANONYMOUS_PLURAL,
    ANONYMOUS_SINGULAR,
    named_version,
    swap_sources,
    unnamed_version,
)
from attribution.training.config import TrainConfig
from attribution.training.features import CONTEXT_ONLY, pair_features, window_features

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, REPORTED_CLAIM
from attribution.model.tags import IGNORE


def _record(doc, i, text, label, source=None, cue=None):
    spans = lambda s: [[text.index(s), text.index(s) + len(s)]] if s else []  # noqa: E731
    return {"doc_id": doc, "sent_idx": i, "start": 0, "end": len(text), "text": text, "label": label,
            "source_spans": spans(source), "cue_spans": spans(cue)}


def _article(doc):
    return [
        _record(doc, 0, "The council met on Monday.", DIRECT_FACT),
        _record(doc, 1, "Retired surgeon Ben Carson said the plan would fail.", REPORTED_CLAIM,
                "Retired surgeon Ben Carson", "said"),
        _record(doc, 2, "He added that costs were rising.", REPORTED_CLAIM, "He", "added"),
        _record(doc, 3, "A Democratic strategist said the vote was close.", ANONYMOUS_SOURCE_QUOTE,
                "A Democratic strategist", "said"),
        _record(doc, 4, "The bridge opened in 1990.", DIRECT_FACT),
    ]


@pytest.mark.parametrize("mention, expected", [
    ("Retired surgeon Ben Carson", "a retired surgeon"),
    ("Sanders aide Jeff Weaver", "a Sanders aide"),
    ("U.S. ambassador Nikki Haley", "a U.S. ambassador"),
])
def test_a_named_source_with_a_role_keeps_the_role_unnamed(mention, expected):
    assert unnamed_version(mention, np.random.default_rng(0)) == expected


@pytest.mark.parametrize("mention", ["he", "they", "the 46-year-old", "federal rules", "Rick Tyler, a spokesman",
                                     "a senior official"])
def test_pronouns_back_references_documents_and_unnamed_sources_are_not_made_unnamed(mention):
    assert unnamed_version(mention, np.random.default_rng(0)) is None


@pytest.mark.parametrize("mention", ["the FBI", "his lawyer Rudy Giuliani", "Smith and Jones"])
def test_determiners_possessives_and_pairs_never_become_a_role(mention):
    replacement = unnamed_version(mention, np.random.default_rng(0))
    assert replacement in ANONYMOUS_SINGULAR + ANONYMOUS_PLURAL  # a stock phrase, not "a the" or "a his lawyer"
    assert (replacement in ANONYMOUS_PLURAL) is (" and " in mention)


def test_a_source_named_elsewhere_in_the_article_is_not_unnamed():
    article = _article("d0")
    article[4] = _record("d0", 4, "Carson later repeated the claim.", DIRECT_FACT)  # delayed naming: rule 8
    swapped = [r for r in swap_sources(article, 1.0, seed=3) if not r.get(CONTEXT_ONLY)]
    assert all(r["label"] != ANONYMOUS_SOURCE_QUOTE for r in swapped) and swapped == []


def test_a_spokesperson_role_is_not_kept_because_an_unnamed_spokesperson_is_on_the_record():
    replacement = unnamed_version("Company spokesman Tom Hale", np.random.default_rng(0))
    assert replacement is not None and "spokes" not in replacement


@pytest.mark.parametrize("mention", ["a senior official who spoke on condition of anonymity",
                                     "people familiar with the talks", "Many", "he", "Reuters", "one of the aides",
                                     "a source close to him", "a lawyer for the bloggers"])
def test_anonymity_phrases_quantifiers_and_named_sources_get_no_name(mention):
    assert named_version(mention, np.random.default_rng(0)) is None


def test_an_unnamed_role_gets_a_name_and_a_group_two_names():
    rng = np.random.default_rng(0)
    single = named_version("a Democratic strategist", rng)
    assert single.startswith("Democratic strategist ") and len(single.split()) == 4
    group = named_version("senior officials", rng)
    assert " and " in group and all(w[0].isupper() for w in group.replace(" and ", " ").split())


def test_swaps_are_balanced_labelled_alone_and_keep_offsets_consistent():
    records = [r for d in range(4) for r in _article(f"d{d}")]
    augmented = swap_sources(records, 1.0, seed=3)
    labelled = [r for r in augmented if not r.get(CONTEXT_ONLY)]
    assert Counter(r["label"] for r in labelled) == {REPORTED_CLAIM: 4, ANONYMOUS_SOURCE_QUOTE: 4}
    for record in labelled:
        (start, end), = record["source_spans"]
        source = record["text"][start:end]
        cue = [record["text"][s:e] for s, e in record["cue_spans"]]
        assert cue == ["said"]
        if record["label"] == ANONYMOUS_SOURCE_QUOTE:
            assert source == "A retired surgeon" and record["text"].startswith("A retired surgeon said")
        else:
            assert source.startswith("Democratic strategist ") and "Ben Carson" not in record["text"]
        assert record["end"] - record["start"] == len(record["text"])
        copy = [r for r in augmented if r["doc_id"] == record["doc_id"]]
        assert len(copy) == 5 and sum(not r.get(CONTEXT_ONLY) for r in copy) == 1  # one swap per article copy
    assert all("#swap" in r["doc_id"] for r in augmented)
    assert swap_sources(records, 1.0, seed=3) == augmented  # deterministic
    assert swap_sources(records, 0.0, seed=3) == []


def test_the_swap_share_limits_the_number_of_swaps():
    records = [r for d in range(8) for r in _article(f"d{d}")]
    labelled = [r for r in swap_sources(records, 0.5, seed=1) if not r.get(CONTEXT_ONLY)]
    assert Counter(r["label"] for r in labelled) == {REPORTED_CLAIM: 4, ANONYMOUS_SOURCE_QUOTE: 4}


def test_context_only_sentences_are_not_trained_on():
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer

    tiny_tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    article = _article("d0")
    full = window_features([article], tiny_tokenizer, 256, 1)
    marked = [dict(r, **{CONTEXT_ONLY: i != 1}) for i, r in enumerate(article)]
    only_one = window_features([marked], tiny_tokenizer, 256, 1)
    count = lambda feats: sum(label != IGNORE for f in feats for label in f["labels"])  # noqa: E731
    assert count(only_one) < count(full)
    assert only_one[0]["input_ids"] == full[0]["input_ids"]  # the context is still read
    assert window_features([[dict(r, **{CONTEXT_ONLY: True}) for r in article]], tiny_tokenizer, 256, 1) == []
    pairs = pair_features([marked], tiny_tokenizer, 128)
    assert len(pairs) == 1 and pairs[0]["labels"] == 1  # reported_claim, with its previous sentence as context


@pytest.mark.parametrize("values", [{"source_swap": 1.5}, {"source_swap": -0.1},
                                    {"stages": [["train"]], "stage_source_swap": [0.5, 0.5]}])
def test_swap_settings_are_validated(values):
    with pytest.raises(ValueError, match="source_swap"):
        TrainConfig(base_model="x", **values)

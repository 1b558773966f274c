"""Distillation: teacher probabilities as soft targets at sentence markers, the unlabelled pool, training on it."""

import gzip
import json
import math

import pytest
import torch
from attribution.training.config import TrainConfig
from attribution.training.distill import unlabelled_bbc
from attribution.training.features import pair_features, soft_collator, window_features
from attribution.training.train import soft_cross_entropy, train

from attribution.labels import LABELS
from attribution.model.tags import IGNORE, SENTENCE_IDS, TAG2ID
from tests.tiny_model import synthetic_records


def _tokenizer():
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(default_base_model())


def _article():
    return [
        {"doc_id": "a", "sent_idx": 0, "text": "Mayor Ellen Park said the plan would cost 40 dollars.",
         "label": "reported_claim", "source_spans": [[0, 15]], "cue_spans": [[16, 20]]},
        {"doc_id": "a", "sent_idx": 1, "text": "Officials said the talks had stalled.", "label": "direct_fact",
         "teacher_probs": [0.1, 0.2, 0.7]},
    ]


def test_a_distillation_sentence_gets_a_soft_target_at_its_marker_and_no_hard_tag():
    tokenizer = _tokenizer()
    (feature,) = window_features([_article()], tokenizer, max_length=64, overlap=1)
    ids, labels = feature["input_ids"], feature["labels"]
    markers = [i for i, t in enumerate(ids) if t == tokenizer.sep_token_id][:2]  # [CLS] [M] s0 [M] s1 [SEP]
    assert labels[markers[0]] == TAG2ID["SENT-reported_claim"]
    assert feature["soft_positions"] == [markers[1]]
    assert feature["soft_targets"] == pytest.approx([0.1, 0.2, 0.7])
    assert all(label == IGNORE for label in labels[markers[1]:])  # the soft sentence: no label, no span tags
    assert TAG2ID["B-SRC"] in labels[: markers[1]]  # the hard sentence keeps its span tags


def test_the_pair_design_refuses_distillation_records():
    with pytest.raises(ValueError, match="window design only"):
        pair_features([_article()], _tokenizer())


def test_soft_collator_pads_and_masks_only_the_soft_positions():
    from transformers import DataCollatorForTokenClassification

    tokenizer = _tokenizer()
    hard_only = [{**r, "teacher_probs": None} for r in _article()]
    features = (window_features([_article()], tokenizer, 64, 1)
                + window_features([[{**r, "doc_id": "b"} for r in hard_only[:1]]], tokenizer, 64, 1))
    where = features[0]["soft_positions"][0]
    batch = soft_collator(DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORE))(features)
    assert batch["soft_targets"].shape == (*batch["input_ids"].shape, len(LABELS))
    assert batch["soft_mask"].sum().item() == 1 and batch["soft_mask"][0, where]
    assert batch["soft_targets"][0, where].tolist() == pytest.approx([0.1, 0.2, 0.7])
    assert "soft_positions" not in batch


def test_soft_cross_entropy_is_the_teachers_entropy_when_the_student_matches_it():
    targets = torch.tensor([0.1, 0.2, 0.7])
    logits = torch.zeros(1, 2, len(TAG2ID))
    logits[0, 1, list(SENTENCE_IDS)] = targets.log()
    logits[0, 1, TAG2ID["O"]] = 50.0  # span tags take no part in the sentence-label softmax
    soft = torch.zeros(1, 2, 3)
    soft[0, 1] = targets
    mask = torch.tensor([[False, True]])
    entropy = -(targets * targets.log()).sum().item()
    assert soft_cross_entropy(logits, soft, mask).item() == pytest.approx(entropy, rel=1e-5)
    wrong = logits.clone()
    wrong[0, 1, list(SENTENCE_IDS)] = torch.tensor([5.0, 0.0, 0.0])
    assert soft_cross_entropy(wrong, soft, mask).item() > entropy + 1


def _prepared(tmp_path, soft_only: bool = False):
    from datasets import Dataset, DatasetDict

    def rows(n, seed, soft):
        out = []
        for r in synthetic_records(n, seed):
            row = {**r, "source_spans": [], "cue_spans": []}
            if soft:
                probs = [0.05] * len(LABELS)
                probs[LABELS.index(r["label"])] = 0.9
                row["teacher_probs"] = probs
            out.append(row)
        return out

    splits = {"dev": Dataset.from_list(rows(5, 2, False)), "distill": Dataset.from_list(rows(20, 3, True))}
    if not soft_only:
        splits["train"] = Dataset.from_list(rows(10, 1, False))
    DatasetDict(splits).save_to_disk(str(tmp_path / "prepared"))
    return tmp_path / "prepared"


@pytest.mark.parametrize("soft_only", [False, True])
def test_training_on_hard_and_soft_records_saves_a_model_that_predicts(tmp_path, tiny_base, soft_only):
    import attribution

    stages = [["distill"]] if soft_only else [["train", "distill"]]
    config = TrainConfig(output_dir=str(tmp_path / "model"), base_model=str(tiny_base),
                         dataset_dir=str(_prepared(tmp_path, soft_only)), design="window", stages=stages,
                         epochs=2, batch_size=4, max_length=48, learning_rate=1e-3)
    lines = []
    summary = train(config, log=lines.append)
    assert any("120 of them distillation sentences" in line for line in lines)
    assert all(math.isfinite(stage["train_loss"]) and stage["train_loss"] > 0 for stage in summary["history"])
    result = attribution.load(str(tmp_path / "model")).analyze("The council met on Monday. Officials said so.")
    assert [s.label in LABELS for s in result.sentences] == [True, True]


def test_distill_weight_is_validated():
    with pytest.raises(ValueError, match="distill_weight"):
        TrainConfig(design="window", distill_weight=-1)


def test_the_unlabelled_pool_leaves_out_labelled_articles_and_their_duplicates(tmp_path):
    rows = [{"id": "politics/001", "text": "A.", "duplicate_group": None},
            {"id": "politics/002", "text": "B.", "duplicate_group": "politics/002"},
            {"id": "politics/003", "text": "B.", "duplicate_group": "politics/002"},  # a copy of a labelled one
            {"id": "tech/004", "text": "C.", "duplicate_group": "tech/004"},
            {"id": "tech/005", "text": "C.", "duplicate_group": "tech/004"}]  # two copies: one is kept
    folder = tmp_path / "bbc_news"
    folder.mkdir()
    with gzip.open(folder / "bbc_news_articles.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in rows))
    kept = [a["id"] for a in unlabelled_bbc(tmp_path, {"bbc:politics/002"})]
    assert sorted(kept)[0] == "bbc:politics/001" and len(kept) == 2
    assert {"bbc:politics/002", "bbc:politics/003"}.isdisjoint(kept)
    assert len({k for k in kept if k.startswith("bbc:tech/")}) == 1
    assert kept == [a["id"] for a in unlabelled_bbc(tmp_path, {"bbc:politics/002"})]  # a fixed order


def test_a_student_keeps_the_named_encoder_layers_and_loads_as_a_smaller_model(tmp_path, tiny_base):
    import attribution
    from attribution.model.saved import SavedModel

    config = TrainConfig(output_dir=str(tmp_path / "student"), base_model=str(tiny_base),
                         dataset_dir=str(_prepared(tmp_path)), design="window", stages=[["train", "distill"]],
                         encoder_layers=[1], epochs=1, batch_size=4, max_length=48)
    train(config, log=lambda _: None)
    saved = SavedModel.load(tmp_path / "student", design="window")
    assert saved.model.config.num_hidden_layers == 1 and len(saved.model.base_model.encoder.layer) == 1
    assert len(attribution.load(str(tmp_path / "student")).analyze("Officials said so.").sentences) == 1
    with pytest.raises(ValueError, match="layers the base model lacks"):
        train(TrainConfig(output_dir=str(tmp_path / "bad"), base_model=str(tiny_base),
                          dataset_dir=str(_prepared(tmp_path)), design="window", stages=[["train"]],
                          encoder_layers=[0, 5], epochs=1, batch_size=4, max_length=48), log=lambda _: None)


@pytest.mark.parametrize("layers", [[], [2, 1], [1, 1], [-1]])
def test_encoder_layers_are_validated(layers):
    with pytest.raises(ValueError, match="encoder_layers"):
        TrainConfig(design="window", encoder_layers=layers)

import csv
import json

import pytest
from attribution.training.config import TrainConfig
from attribution.training.train import split_name, train
from attribution.training.user_data import Columns, UserDataError, read_user_file

import attribution
from attribution.cli import main
from attribution.labels import LABELS
from tests.tiny_model import synthetic_records, write_jsonl

ARTICLE = ("Budget talks stall\n"
           "Officials said the talks had stalled on Friday. The council met on Monday. "
           "Mayor Ellen Park said the plan would cost 40 dollars. The plant employs 12 people.")


@pytest.fixture(scope="module")
def user_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user")
    return (write_jsonl(folder / "train.jsonl", synthetic_records(20, seed=1)),
            write_jsonl(folder / "dev.jsonl", synthetic_records(5, seed=2)))


def _config(tmp_path, base, files, **kw):
    return TrainConfig(output_dir=str(tmp_path / "model"), base_model=str(base), dataset_dir=None,
                       train_files=[str(files[0])], dev_files=[str(files[1])], epochs=1, batch_size=4,
                       max_length=48, **kw)


@pytest.mark.parametrize("design", ["window", "pair"])
def test_train_save_load_predict_round_trip(tmp_path, tiny_base, user_files, design):
    config = _config(tmp_path, tiny_base, user_files, design=design, save_dtype="float32", max_train_examples=40)
    summary = train(config, log=lambda m: None, force=True)  # a few steps: the tiny model only round-trips
    assert summary["history"][0]["steps"] >= 2
    out = tmp_path / "model"
    for name in ("config.json", "model.safetensors", "attribution_config.json", "training_config.json",
                 "metrics.json", "README.md", "tokenizer.json"):
        assert (out / name).exists(), name
    assert not (out / "checkpoints").exists()
    saved = json.loads((out / "config.json").read_text())
    assert TrainConfig.load(out / "training_config.json") == TrainConfig.from_dict(config.portable_dict())
    first = attribution.load(out).analyze(ARTICLE)
    second = attribution.load(out).analyze(ARTICLE)
    assert [s.label for s in first.sentences] == [s.label for s in second.sentences]
    for a, b in zip(first.sentences, second.sentences, strict=True):
        assert a.probs == pytest.approx(b.probs, abs=1e-6)
        assert set(a.probs) == set(LABELS)
    if design == "window":
        assert saved["id2label"]["0"] == "SENT-direct_fact"
    else:
        assert [saved["id2label"][str(i)] for i in range(3)] == list(LABELS)


def test_half_precision_weights_keep_the_labels(tmp_path, tiny_base, user_files):
    for name, dtype in (("a", "float32"), ("b", "float16")):
        train(_config(tmp_path / name, tiny_base, user_files, save_dtype=dtype, max_train_examples=30),
              log=lambda m: None, force=True)
    full = attribution.load(tmp_path / "a" / "model").analyze(ARTICLE)
    half = attribution.load(tmp_path / "b" / "model").analyze(ARTICLE)
    assert (tmp_path / "b" / "model" / "model.safetensors").stat().st_size < (
        tmp_path / "a" / "model" / "model.safetensors").stat().st_size
    assert [s.label for s in full.sentences] == [s.label for s in half.sentences]


def test_retrain_from_user_csv_with_mapped_columns_via_cli(tmp_path, tiny_base):
    rows = synthetic_records(8, seed=3)
    path = tmp_path / "mine.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["article", "position", "sentence", "voice"])
        writer.writeheader()
        for r in rows:
            writer.writerow({"article": r["doc_id"], "position": r["sent_idx"], "sentence": r["text"],
                             "voice": r["label"]})
    out = tmp_path / "csvmodel"
    code = main(["train", "--train", str(path), "--out", str(out), "--base-model", str(tiny_base), "--epochs", "1",
                 "--batch-size", "4", "--max-length", "48", "--doc-id-column", "article", "--order-column",
                 "position", "--text-column", "sentence", "--label-column", "voice"])
    assert code == 0
    continued = tmp_path / "continued"
    assert main(["train", "--train", str(path), "--out", str(continued), "--init-from", str(out), "--epochs", "1",
                 "--batch-size", "4", "--max-length", "48", "--doc-id-column", "article", "--order-column",
                 "position", "--text-column", "sentence", "--label-column", "voice"]) == 0
    assert json.loads((continued / "training_config.json").read_text())["init_from"] == out.name  # no machine path


def test_whole_article_records_are_read(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"doc_id": "x", "sentences": [
        {"text": "The council met.", "label": "direct_fact"}, {"text": "Critics said no.", "label":
                                                              "anonymous_source_quote"}]}])
    records = read_user_file(path)
    assert [(r["doc_id"], r["sent_idx"], r["label"]) for r in records] == [
        ("x", 0, "direct_fact"), ("x", 1, "anonymous_source_quote")]


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"doc_id": "a", "sent_idx": 0, "text": "Hi.", "label": "opinion"}\n', ".jsonl", "unknown label 'opinion'"),
        ("", ".jsonl", "no records"),
        ('{"doc_id": "a", "text": "Hi.", "label": "direct_fact"}\n', ".jsonl", "missing column(s) sent_idx"),
        ("doc_id,sent_idx,text\n", ".csv", "no records"),
        ("doc_id,sent_idx,text\na,0,Hi.\n", ".csv", "missing column(s) label"),
        ('{"doc_id": "a", "sent_idx": "first", "text": "Hi.", "label": "direct_fact"}\n', ".jsonl", "integer"),
        ("not json\n", ".jsonl", "not valid JSON"),
        ("a\tb\n", ".tsv", "unsupported file type"),
    ],
)
def test_bad_training_files_give_clear_errors(tmp_path, content, suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_user_file(path, Columns())


def test_bad_training_file_via_cli_is_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc_id": "a", "sent_idx": 0, "text": "Hi.", "label": "nope"}\n', encoding="utf-8")
    assert main(["train", "--train", str(path), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "unknown label 'nope'" in err and "bad.jsonl:1" in err


@pytest.mark.parametrize("bad", [{"design": "cnn"}, {"overlap": 0}, {"max_length": 4}, {"class_weighting": "x"},
                                 {"dataset_dir": None}, {"stages": [["train"]], "stage_epochs": [1, 2]},
                                 {"stages": [["train"], ["spec"]], "stage_epochs": [1, 0]},
                                 {"stages": [["train"], ["spec"]], "stage_class_weighting": ["none", "x"]},
                                 {"stages": [["train"], ["spec", "train:0"]]}, {"stages": [["train:many"]]}])
def test_config_is_validated(bad):
    with pytest.raises(ValueError, match="invalid training config"):
        TrainConfig(**{"base_model": "x", **bad})


def test_a_stage_entry_with_a_size_draws_whole_articles_of_that_split():
    from attribution.training.features import group_articles
    from attribution.training.train import stage_part

    records = synthetic_records(30, seed=5)
    sample = stage_part({"train": records}, "train:40", seed=13)
    assert sample == stage_part({"train": records}, "train:40", seed=13)  # deterministic
    assert 40 <= len(sample) < len(records)
    by_doc = {doc[0]["doc_id"]: doc for doc in group_articles(records)}
    assert all(doc == by_doc[doc[0]["doc_id"]] for doc in group_articles(sample))  # whole articles only
    assert stage_part({"train": records}, "train", seed=13) is records


def test_config_json_round_trip_and_unknown_keys(tmp_path):
    config = TrainConfig(base_model="x", epochs=3, stages=[["train"], ["spec"]])
    config.save(tmp_path / "c.json")
    assert TrainConfig.load(tmp_path / "c.json") == config
    (tmp_path / "d.json").write_text('{"epochs": 1, "colour": "red"}')
    with pytest.raises(ValueError, match="unknown training config keys: colour"):
        TrainConfig.load(tmp_path / "d.json")


@pytest.mark.slow
def test_real_encoder_fine_tune_beats_majority_class(tmp_path):
    """One real fine-tune of the shipped all-MiniLM-L6-v2 on a small project-written sample."""
    from collections import Counter

    train_rows, held_out = synthetic_records(40, seed=11), synthetic_records(10, seed=12)
    files = (write_jsonl(tmp_path / "t.jsonl", train_rows), write_jsonl(tmp_path / "d.jsonl", held_out))
    config = TrainConfig(output_dir=str(tmp_path / "real"), dataset_dir=None, train_files=[str(files[0])],
                         dev_files=[str(files[1])], epochs=5, batch_size=4, max_length=96, learning_rate=1e-4)
    train(config, log=lambda m: None)
    analyzer = attribution.load(tmp_path / "real")
    from itertools import groupby

    correct = total = 0
    for _, group in groupby(held_out, key=lambda r: r["doc_id"]):
        rows = list(group)
        result = analyzer.analyze("\n".join(r["text"] for r in rows))
        assert len(result.sentences) == len(rows)
        correct += sum(s.label == r["label"] for s, r in zip(result.sentences, rows, strict=True))
        total += len(rows)
    majority = Counter(r["label"] for r in held_out).most_common(1)[0][1] / total
    assert correct / total > majority + 0.2


def test_tfidf_baseline_round_trip_without_pickle(tmp_path):
    from attribution.training.baselines import train_tfidf

    out = train_tfidf(synthetic_records(40, seed=5), tmp_path / "tfidf")
    assert not list(out.glob("*.pkl")) and json.loads((out / "baseline.json").read_text())["classes"] == list(LABELS)
    analyzer = attribution.load(out)
    held_out = synthetic_records(6, seed=6)
    result = analyzer.analyze("\n".join(r["text"] for r in held_out))
    accuracy = sum(s.label == r["label"] for s, r in zip(result.sentences, held_out, strict=True)) / len(held_out)
    assert accuracy > 0.8
    again = attribution.load(out).analyze("\n".join(r["text"] for r in held_out))
    assert [s.probs for s in again.sentences] == [s.probs for s in result.sentences]


def test_model_report_writes_dev_figures_into_metrics_and_card(tmp_path, tiny_base, user_files):
    from attribution.training.model_report import dev_metrics
    from attribution.training.save import write_model_card

    config = _config(tmp_path, tiny_base, user_files, max_train_examples=30)
    train(config, log=lambda m: None, force=True)
    records = synthetic_records(4, seed=9)
    figures = dev_metrics(str(tmp_path / "model"), records)
    assert sum(v["support"] for v in figures["per_label"].values()) == len(records) == figures["sentences"]
    rules = dev_metrics("rules", records)
    assert rules["macro_f1"] > 0.5  # the templates use the cues the rules know
    metrics_path = tmp_path / "model" / "metrics.json"
    metrics = json.loads(metrics_path.read_text())
    metrics["dev"] = {"this model": figures, "rules": rules}
    gold_rules = {**rules, "source_overlap_f1": 0.4321}
    metrics["gold_round1"] = {"rules": gold_rules}
    metrics["dev:spec_round2"] = {"rules": rules}
    metrics_path.write_text(json.dumps(metrics))
    card = write_model_card(tmp_path / "model").read_text()
    assert "| rules | **macro-F1** |" in card and f"{rules['macro_f1']:.3f}" in card
    round1 = card.split("### Its first round only")[1]
    assert "| rules | source mention overlap F1 | | | 0.432 | |" in round1
    assert "### Dev: the `spec_round2` split" in card.split("### Project hand-labelled")[0]


def test_readme_example_training_file_reads():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "training" / "examples" / "my_labels.jsonl"
    records = read_user_file(path)
    assert {r["label"] for r in records} == set(LABELS)
    assert [r["sent_idx"] for r in records if r["doc_id"] == "ledger-01"] == [0, 1, 2, 3]


def test_shipped_training_configs_are_valid_and_name_prepared_splits():
    from pathlib import Path

    splits = {"train", "dev", "weak", "spec", "spec_round1", "spec_round2", "spec_round3",
              "selection"}  # what prepare-data writes
    distilled = splits | {"distill"}  # and what python -m attribution.training.distill adds to a copy
    configs = sorted((Path(__file__).resolve().parents[1] / "training" / "configs").glob("*.json"))
    assert configs
    for path in configs:
        config = TrainConfig.load(path)
        named = {split_name(n) for stage in config.stages for n in stage}
        named |= set(config.train_splits) | {config.dev_split}
        known = distilled if config.dataset_dir == "data/prepared_distill" else splits
        assert named <= known, (path.name, named - known)


def test_pair_model_spans_come_from_the_extractor_for_attributed_sentences_only():
    from attribution.model.pair import _spans
    from attribution.segment import Sentence

    article = "The council met on Monday. Mayor Jane Roe said the bridge would reopen."
    start = article.index("Mayor")
    sentence = Sentence(1, start, len(article), article[start:])
    source, cue = _spans(sentence, "reported_claim")  # relative to the sentence: the attribute stage places them
    assert sentence.text[source[0] : source[1]] == "Mayor Jane Roe" and sentence.text[cue[0] : cue[1]] == "said"
    assert _spans(sentence, "direct_fact") == (None, None)  # the label decides; no spans on the writer's voice
    hearsay = "The firm was reportedly close to a deal."
    _, cue = _spans(Sentence(0, 0, len(hearsay), hearsay), "reported_claim")
    assert hearsay[cue[0] : cue[1]] == "reportedly"
    plain = Sentence(0, 0, start - 1, article[: start - 1])
    assert _spans(plain, "anonymous_source_quote") == (None, None)  # nothing found: no span invented


def test_init_from_continues_the_saved_models_design_and_refuses_another(tmp_path, tiny_base, user_files, capsys):
    train_file, _ = user_files
    pair = tmp_path / "pair"
    assert main(["train", "--train", str(train_file), "--out", str(pair), "--base-model", str(tiny_base),
                 "--design", "pair", "--epochs", "1", "--batch-size", "4", "--max-length", "48"]) == 0
    continued = tmp_path / "continued"
    assert main(["train", "--train", str(train_file), "--out", str(continued), "--init-from", str(pair),
                 "--epochs", "1", "--batch-size", "4", "--max-length", "48"]) == 0
    assert json.loads((continued / "attribution_config.json").read_text())["design"] == "pair"
    assert attribution.load(str(continued)).analyze("Officials said the talks stalled.").sentences
    assert main(["train", "--train", str(train_file), "--out", str(tmp_path / "x"), "--init-from", str(pair),
                 "--design", "window", "--epochs", "1"]) == 2
    assert "is a pair-design model; it cannot be continued as the window design" in capsys.readouterr().err
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"epochs": 1, "batch_size": 4, "max_length": 48}))  # no design: inherited
    assert main(["train", "--config", str(config), "--train", str(train_file), "--out", str(tmp_path / "y"),
                 "--init-from", str(pair)]) == 0
    assert json.loads((tmp_path / "y" / "attribution_config.json").read_text())["design"] == "pair"
    assert main(["train", "--train", str(train_file), "--out", str(tmp_path / "z"), "--init-from",
                 str(tmp_path / "missing")]) == 2
    assert "no such model directory" in capsys.readouterr().err

"""The Label Studio round trip: ``attribution annotate`` writes pre-annotated tasks and their labelling interface;
``attribution train --train EXPORT.json`` reads the annotators' export back as sentence records with spans."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest
from attribution.training.config import TrainConfig
from attribution.training.train import load_records
from attribution.training.user_data import UserDataError, read_user_file

import attribution
from attribution.annotate import SPAN_LABELS, annotate, label_config, margin
from attribution.cli import main
from attribution.labels import LABELS
from attribution.results import ArticleResult, SentenceResult

ARTICLE = ("Council approves budget\n\nThe council met on Monday for two hours. Officials said the plan would "
           "fail. Mayor Ellen Park said it would cost 3 million dollars. Rain fell across the region on Friday.\n")
SECOND = "Sources said talks on the contract had stalled. The plant employs 400 people.\n"


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "budget.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "plant.txt").write_text(SECOND, encoding="utf-8")
    return folder


def _annotate(tmp_path, articles, *extra: str) -> list[dict]:
    out = tmp_path / "tasks.json"
    assert main(["annotate", str(articles), "--out", str(out), "--model", "rules", "-q", *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_tasks_hold_the_text_and_the_models_sentences_spans_and_scores(tmp_path, articles):
    tasks = _annotate(tmp_path, articles)
    inputs = [{"id": "budget", "text": ARTICLE}, {"id": "plant", "text": SECOND}]
    scored = attribution.load("rules").analyze_many(inputs)
    expected = {r.doc_id: r for r in scored}
    assert sorted(t["data"]["doc_id"] for t in tasks) == ["budget", "plant"]
    for task in tasks:
        result = expected[task["data"]["doc_id"]]
        text = task["data"]["text"]
        assert text == result.text
        (prediction,) = task["predictions"]
        sentences = [r for r in prediction["result"] if r["value"]["labels"][0] in LABELS]
        assert [(r["value"]["start"], r["value"]["end"], r["value"]["labels"]) for r in sentences] == [
            (s.start, s.end, [s.label]) for s in result.sentences]
        assert [r["score"] for r in sentences] == [pytest.approx(s.probs[s.label]) for s in result.sentences]
        spans = {(r["value"]["labels"][0], r["value"]["start"], r["value"]["end"]) for r in prediction["result"]
                 if r["value"]["labels"][0] in SPAN_LABELS}
        wanted = {(kind, start, end) for s in result.sentences
                  for kind, start, end in (("Source", s.source_start, s.source_end), ("Cue", s.cue_start, s.cue_end))
                  if start is not None}
        assert spans == wanted and spans  # both articles have an attributed sentence
        for item in prediction["result"]:
            assert item["type"] == "labels" and item["to_name"] == "text" and item["id"]
            assert item["value"]["text"] == text[item["value"]["start"]:item["value"]["end"]]
        assert task["data"]["min_margin"] == pytest.approx(min(margin(s.probs) for s in result.sentences), abs=1e-6)


def test_label_config_matches_the_results_names_and_the_label_set(tmp_path, articles):
    config_path = tmp_path / "label_config.xml"
    tasks = _annotate(tmp_path, articles, "--label-config", str(config_path))
    root = ET.fromstring(config_path.read_text(encoding="utf-8"))
    assert config_path.read_text(encoding="utf-8") == label_config()
    (text_tag,) = root.iter("Text")
    controls = {c.get("name"): [label.get("value") for label in c.iter("Label")] for c in root.iter("Labels")}
    assert sorted(map(tuple, controls.values())) == sorted([LABELS, SPAN_LABELS])
    assert all(c.get("toName") == text_tag.get("name") for c in root.iter("Labels"))
    assert text_tag.get("value") == "$" + next(iter(tasks[0]["data"]))  # $text names the data field
    for task in tasks:
        for item in task["predictions"][0]["result"]:
            assert item["to_name"] == text_tag.get("name")
            assert item["value"]["labels"][0] in controls[item["from_name"]]


def _result(doc_id: str, sentence_probs: list[tuple[str, float]]) -> ArticleResult:
    """An article whose sentences have the given label and top probability (the rest split evenly)."""
    sentences, text = [], ""
    for i, (label, top) in enumerate(sentence_probs):
        sentence = f"Sentence {i} of {doc_id}."
        probs = {other: (1 - top) / 2 for other in LABELS} | {label: top}
        sentences.append(SentenceResult(doc_id, i, len(text), len(text) + len(sentence), sentence, label, probs))
        text += sentence + " "
    return ArticleResult(doc_id, "ok", sentences=sentences, text=text)


RESULTS = [
    _result("sure", [("direct_fact", 0.95), ("direct_fact", 0.9)]),
    _result("one-doubt", [("direct_fact", 0.99), ("reported_claim", 0.36), ("direct_fact", 0.99)]),  # smallest min
    _result("lukewarm", [("direct_fact", 0.6), ("reported_claim", 0.6)]),  # smallest mean margin
    _result("anon", [("anonymous_source_quote", 0.8)]),
    _result("mixed", [("direct_fact", 0.8), ("anonymous_source_quote", 0.7)]),
]


def _ids(tasks):
    return [t["data"]["doc_id"] for t in tasks]


def test_uncertain_selection_takes_the_smallest_margins_mean_or_min():
    assert _ids(annotate(RESULTS, "m", "uncertain", 2)) == ["lukewarm", "mixed"]
    assert _ids(annotate(RESULTS, "m", "uncertain", 2, by="min")) == ["one-doubt", "lukewarm"]


def test_random_selection_is_seeded():
    first = _ids(annotate(RESULTS, "m", "random", 3, seed=1))
    assert first == _ids(annotate(RESULTS, "m", "random", 3, seed=1)) and len(set(first)) == 3
    assert {tuple(_ids(annotate(RESULTS, "m", "random", 3, seed=s))) for s in range(10)} != {tuple(first)}


def test_stratified_selection_takes_every_predicted_label_mix():
    mixes = {t["data"]["predicted"] for t in annotate(RESULTS, "m")}
    assert len(mixes) == 4
    chosen = annotate(RESULTS, "m", "stratified", 4, seed=3)
    assert {t["data"]["predicted"] for t in chosen} == mixes


@pytest.mark.parametrize(("flags", "message"), [(["--n", "2"], "--n needs --select"),
                                                (["--select", "uncertain"], "needs --n")])
def test_selection_flags_are_checked(tmp_path, articles, capsys, flags, message):
    assert main(["annotate", str(articles), "--out", str(tmp_path / "t.json"), "--model", "rules", *flags]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "t.json").exists()


def _accept(task: dict, annotation_id: int = 1, **extra) -> dict:
    """An annotation as Label Studio exports it after the annotator accepted the pre-annotations."""
    return {"id": annotation_id, "result": copy.deepcopy(task["predictions"][0]["result"]), "was_cancelled": False,
            "created_at": "2026-01-01T10:00:00.000000Z", "updated_at": "2026-01-01T10:00:00.000000Z", **extra}


def _export(tmp_path, tasks: list[dict]) -> str:
    exported = []
    for n, task in enumerate(tasks, start=1):
        exported.append({"id": n, "project": 1, **task})
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    return str(path)


def _find(result: list[dict], text: str, label: str) -> dict:
    return next(r for r in result if r["value"]["text"] == text and r["value"]["labels"] == [label])


def test_round_trip_corrected_labels_and_spans_come_back(tmp_path, articles):
    tasks = _annotate(tmp_path, articles)
    budget = next(t for t in tasks if t["data"]["doc_id"] == "budget")
    text = budget["data"]["text"]
    superseded = _accept(budget, 1)
    corrected = _accept(budget, 2, updated_at="2026-01-02T09:00:00.000000Z")
    # The annotator relabels one sentence and narrows a source span: "Mayor Ellen Park" -> "Ellen Park" only.
    rain = next(r for r in corrected["result"] if r["value"]["text"].startswith("Rain fell"))
    rain["value"]["labels"] = ["reported_claim"]
    source = _find(corrected["result"], "Mayor Ellen Park", "Source")
    start = text.index("Ellen Park")
    source["value"].update(start=start, end=start + len("Ellen Park"), text="Ellen Park")
    cancelled = _accept(budget, 3, was_cancelled=True, updated_at="2026-01-03T09:00:00.000000Z", result=[])
    budget["annotations"] = [corrected, superseded, cancelled]  # the latest non-cancelled one wins
    plant = next(t for t in tasks if t["data"]["doc_id"] == "plant")
    plant["annotations"] = []  # not labelled yet: left out
    path = _export(tmp_path, tasks)

    records = read_user_file(path)
    assert {r["doc_id"] for r in records} == {"budget"}
    predicted = attribution.load("rules").analyze(ARTICLE, "budget").sentences
    assert [r["text"] for r in records] == [s.text for s in predicted]
    by_text = {r["text"]: r for r in records}
    rain_record = next(r for t, r in by_text.items() if t.startswith("Rain fell"))
    assert rain_record["label"] == "reported_claim" != next(s.label for s in predicted if s.text.startswith("Rain"))
    mayor = next(r for t, r in by_text.items() if t.startswith("Mayor"))
    s, e = mayor["source_spans"][0]
    assert mayor["text"][s:e] == "Ellen Park" and mayor["label"] == "reported_claim"
    c, d = mayor["cue_spans"][0]
    assert mayor["text"][c:d] == "said"
    for record, sentence in zip(records, predicted, strict=True):
        if record is not rain_record:
            assert record["label"] == sentence.label
    # what `attribution train --train export.json` trains on
    stages, _dev = load_records(TrainConfig(train_files=[path]))
    assert [(r["text"], r["label"], r["source_spans"]) for r in stages["user"]] == [
        (r["text"], r["label"], r["source_spans"]) for r in records]


def test_annotated_spans_that_are_not_segmenter_sentences_are_taken_as_annotated(tmp_path):
    text = "The council met. It voted twice.  Critics said no."
    result = [
        {"id": "a", "type": "labels", "from_name": "sentence", "to_name": "text",
         "value": {"start": 0, "end": 33, "text": text[:33], "labels": ["direct_fact"]}},  # two sentences as one
        {"id": "b", "type": "labels", "from_name": "sentence", "to_name": "text",
         "value": {"start": 34, "end": 50, "text": text[34:], "labels": ["anonymous_source_quote"]}},
        {"id": "c", "type": "labels", "from_name": "attribution", "to_name": "text",
         "value": {"start": 34, "end": 41, "text": "Critics", "labels": ["Source"]}},
    ]
    path = _export(tmp_path, [{"data": {"text": text}, "annotations": [{"id": 9, "result": result}]}])
    records = read_user_file(path)
    assert [(r["doc_id"], r["sent_idx"], r["text"], r["label"]) for r in records] == [
        ("task-1", 0, "The council met. It voted twice.", "direct_fact"),
        ("task-1", 1, "Critics said no.", "anonymous_source_quote")]
    assert records[1]["source_spans"] == [[0, 7]] and records[0]["source_spans"] == []


def test_utf16_offsets_of_older_label_studio_versions_are_read(tmp_path):
    text = "Fans cheered 🎉 loudly. Officials said the match was fixed."
    start16 = text.index("Officials") + 1  # the emoji counts two UTF-16 code units
    end16 = len(text) + 1
    result = [{"id": "a", "type": "labels", "from_name": "sentence", "to_name": "text",
               "value": {"start": start16, "end": end16, "text": text[text.index("Officials"):],
                         "labels": ["anonymous_source_quote"]}},
              {"id": "b", "type": "labels", "from_name": "attribution", "to_name": "text",
               "value": {"start": start16, "end": start16 + 9, "text": "Officials", "labels": ["Source"]}}]
    path = _export(tmp_path, [{"data": {"text": text, "doc_id": "d"}, "annotations": [{"result": result}]}])
    (record,) = read_user_file(path)
    assert record["text"] == "Officials said the match was fixed." and record["source_spans"] == [[0, 9]]


def _span(start: int, end: int, label: str, text: str) -> dict:
    return {"id": f"{start}-{label}", "type": "labels", "from_name": "x", "to_name": "text",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


TEXT = "The council met. Critics said no."


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ([_span(0, 16, "direct_fact", TEXT), _span(10, 33, "reported_claim", TEXT)], "overlap"),
        ([_span(0, 16, "direct_fact", TEXT), _span(0, 16, "reported_claim", TEXT)], "labelled both"),
        ([_span(0, 16, "opinion", TEXT)], "unknown label 'opinion'"),
        ([_span(0, 16, "direct_fact", TEXT), _span(17, 24, "Source", TEXT)], "lies in no labelled sentence"),
        ([{**_span(0, 16, "direct_fact", TEXT), "value": {"start": 0, "end": 16, "text": "Another text",
                                                        "labels": ["direct_fact"]}}], "does not match"),
    ],
)
def test_bad_annotations_are_errors_naming_the_task(tmp_path, result, message):
    path = _export(tmp_path, [{"data": {"text": "Fine.", "doc_id": "ok"},
                               "annotations": [{"result": [_span(0, 5, "direct_fact", "Fine.")]}]},
                              {"data": {"text": TEXT, "doc_id": "bad"}, "annotations": [{"result": result}]}])
    with pytest.raises(UserDataError, match=f"task 2: .*{message}"):
        read_user_file(path)


def test_tasks_without_annotations_are_refused_with_what_to_do(tmp_path, articles, capsys):
    _annotate(tmp_path, articles)
    assert main(["train", "--train", str(tmp_path / "tasks.json"), "--out", str(tmp_path / "m")]) == 2
    assert "no task has a labelled sentence" in capsys.readouterr().err


def test_a_json_file_of_json_lines_is_still_read_as_records(tmp_path):
    path = tmp_path / "labels.json"
    path.write_text('{"doc_id": "a", "sent_idx": 0, "text": "Hi there.", "label": "direct_fact"}\n'
                    '{"doc_id": "a", "sent_idx": 1, "text": "Bye now.", "label": "direct_fact"}\n', encoding="utf-8")
    assert [r["text"] for r in read_user_file(path)] == ["Hi there.", "Bye now."]


def test_doccano_jsonl_exports_are_read_both_ways(tmp_path):
    text = "The council met. Critics said no."
    path = tmp_path / "doccano.jsonl"
    rows = [{"id": 7, "text": text, "label": [[17, 33, "anonymous_source_quote"], [0, 16, "direct_fact"],
                                               [17, 24, "Source"], [25, 29, "Cue"]]},
            {"id": 8, "text": text, "entities": [{"id": 1, "label": "reported_claim", "start_offset": 0,
                                                  "end_offset": 16}]},
            {"id": 9, "text": "Not labelled yet.", "label": []}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    records = read_user_file(path)
    assert [(r["doc_id"], r["sent_idx"], r["text"], r["label"]) for r in records] == [
        ("7", 0, "The council met.", "direct_fact"), ("7", 1, "Critics said no.", "anonymous_source_quote"),
        ("8", 0, "The council met.", "reported_claim")]
    assert (records[1]["source_spans"], records[1]["cue_spans"]) == ([[0, 7]], [[8, 12]])
    path.write_text(json.dumps({"id": 1, "text": text, "label": [[0, 16, "opinion"]]}) + "\n", encoding="utf-8")
    with pytest.raises(UserDataError, match=r"doccano.jsonl:1: unknown label 'opinion'"):
        read_user_file(path)


def test_a_json_list_that_is_not_label_studio_tasks_says_so(tmp_path):
    path = tmp_path / "min.json"  # Label Studio's JSON-MIN export: flat rows, no 'data'
    path.write_text(json.dumps([{"id": 1, "text": TEXT, "sentence": [{"start": 0, "end": 16,
                                                                       "labels": ["direct_fact"]}]}]), encoding="utf-8")
    with pytest.raises(UserDataError, match="not of Label Studio tasks.*JSON-MIN"):
        read_user_file(path)


def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, articles, capsys):
    article = articles / "budget.txt"
    before = article.read_bytes()
    assert main(["annotate", str(article), "--out", str(article), "--model", "rules", "-q"]) == 2
    assert "would overwrite it" in capsys.readouterr().err
    link = tmp_path / "link.jsonl"
    link.symlink_to(article)
    assert main(["annotate", str(article), "--out", str(tmp_path / "t.json"), "--label-config", str(link),
                 "--model", "rules", "-q"]) == 2
    assert article.read_bytes() == before
    assert not (tmp_path / "t.json").exists()
    out = tmp_path / "same.json"
    assert main(["annotate", str(articles), "--out", str(out), "--label-config", str(out), "--model", "rules",
                 "-q"]) == 2
    assert not out.exists()


def test_round_trip_through_training_the_corrected_sentences_come_out_corrected(tmp_path, articles, tiny_base):
    """annotate -> correct as an annotator would -> export -> train -> the trained model gives the corrections."""
    tasks = _annotate(tmp_path, articles)
    budget = next(t for t in tasks if t["data"]["doc_id"] == "budget")
    corrected = _accept(budget, 1)
    changed = {}
    for sentence, label in (("Rain fell", "reported_claim"), ("The council met", "anonymous_source_quote")):
        result = next(r for r in corrected["result"] if r["value"]["text"].startswith(sentence))
        assert result["value"]["labels"] != [label]  # a real correction of the pre-annotation
        result["value"]["labels"] = [label]
        changed[result["value"]["text"]] = label
    budget["annotations"] = [corrected]
    next(t for t in tasks if t["data"]["doc_id"] == "plant")["annotations"] = []
    export = _export(tmp_path, tasks)
    model = tmp_path / "corrected"
    # a few sentences: many epochs at a high rate so the tiny model learns them (forced past the step check)
    assert main(["train", "--train", str(export), "--out", str(model), "--base-model", str(tiny_base), "--epochs", "60",
                 "--batch-size", "2", "--learning-rate", "3e-3", "--max-length", "48", "--force", "--seed", "0"]) == 0
    sentences = attribution.load(str(model)).analyze(ARTICLE, "budget").sentences
    got = {s.text: s.label for s in sentences}
    assert {text: got[text] for text in changed} == changed
    wanted = {r["text"]: r["label"] for r in read_user_file(export)}
    assert got == wanted

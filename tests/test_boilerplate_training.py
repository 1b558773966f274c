"""Retraining the boilerplate detector by one command on whatever spec labels exist: a small stand-off label set
written here (its own texts in a temporary data directory), split by document, threshold chosen on held-out
folds, weights written as JSON that the cleaner then uses."""

from __future__ import annotations

import json
import random

from attribution.training.boilerplate_noise import KINDS, noisy_page
from attribution.training.train_boilerplate import choose_threshold, folds, labelled_page, main

from attribution.boilerplate import BoilerplateDetector
from attribution.clean import DETECTOR_RULE, clean

SUBJECTS = ["The council", "The central bank", "Police", "The union", "The minister", "Residents", "The court"]
VERBS = ["approved the plan on Monday", "raised rates by a quarter point", "said the road would reopen",
         "rejected the offer", "will meet again next week", "warned of further delays", "opened an inquiry"]
FURNITURE = ["Share this story", "Photo: Ana Lopez/Getty Images", "Read more: Council votes on budget",
             "Sign up for our morning newsletter", "Print | Email | Share", "Advertisement",
             "Related: Bridge closed after storm", "Follow us on Twitter"]


def _article(rng: random.Random, n: int) -> tuple[str, list[dict]]:
    lines = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS).split(' ')[0]} {rng.choice(['plan', 'deal', 'rates'])}"]
    while len(lines) < n:
        who = rng.choice(["officials", "a spokesman", "reports"])
        line = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}, {who} said."
        if line not in lines:
            lines.append(line)
    labels = ["direct_fact"] * len(lines)
    for _ in range(3):
        at = rng.randint(1, len(lines))
        lines.insert(at, rng.choice(FURNITURE))
        labels.insert(at, "boilerplate")
    text = "\n".join(lines)
    units, start = [], 0
    for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
        units.append({"unit_id": f"{i:03d}", "start": start, "end": start + len(line), "label": label})
        start += len(line) + 1
    return text, units


def _spec(tmp_path, n_docs: int = 9):
    data, spec = tmp_path / "data", tmp_path / "spec"
    (data / "toy").mkdir(parents=True)
    spec.mkdir()
    rng = random.Random(3)
    documents, units = [], []
    for d in range(n_docs):
        text, doc_units = _article(rng, rng.randint(6, 12))
        (data / "toy" / f"{d}.txt").write_text(text, encoding="utf-8")
        doc_id = f"toy:{d}"
        documents.append({"doc_id": doc_id, "corpus": "toy", "locator": {"file": f"toy/{d}.txt"}, "chars": len(text)})
        units += [{"doc_id": doc_id, **u} for u in doc_units]
    (spec / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    (spec / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units), encoding="utf-8")
    return data, spec


def test_one_command_retrains_the_detector_on_the_spec_labels(tmp_path, capsys):
    data, spec = _spec(tmp_path)
    out = tmp_path / "detector.json"
    assert main(["--data-dir", str(data), "--spec-dir", str(spec), "--output", str(out), "--folds", "3",
                 "--copies", "1"]) == 0
    detector = BoilerplateDetector.load(out)
    assert 0.5 <= detector.threshold <= 1.0
    held_out = detector.meta["held_out"]
    assert set(held_out) == {"toy", "all"} and held_out["all"]["boilerplate"] == 27
    assert held_out["all"]["content_removed"] <= 0.004 * held_out["all"]["content"]
    assert "held out" in capsys.readouterr().out
    page = "\n".join(["Harbour talks resume", "The council approved the plan on Monday, officials said.",
                      "Share this story on Facebook", "The court opened an inquiry, reports said."])
    result = clean(page, detector=detector)
    assert [page[s:e] for s, e in result.content] == [page.split("\n")[i] for i in (0, 1, 3)]


def test_lines_take_the_label_of_their_units():
    text = "Headline here\nShare this\nA sentence. Another sentence.\nmenu"
    units = [{"start": 0, "end": 13, "label": "direct_fact"}, {"start": 14, "end": 24, "label": "boilerplate"},
             {"start": 25, "end": 36, "label": "boilerplate"}, {"start": 37, "end": 54, "label": "reported_claim"}]
    page = labelled_page("d", "toy", text, units)
    assert page.labels == [0, 1, 0, None]  # a line holding a content unit is content; an unlabelled line, neither
    assert page.content_units == [1, 0, 1, 0] and page.bp_units == [0, 1, 1, 0]


def test_folds_split_by_document_and_the_threshold_keeps_within_the_budget():
    pages = [labelled_page(f"d{i}", "toy", "A line.\nAnother line of the text.", [
        {"start": 0, "end": 7, "label": "direct_fact"}, {"start": 8, "end": 32, "label": "boilerplate"}])
        for i in range(10)]
    groups = folds(pages, 3, seed=1)
    assert sorted(i for g in groups for i in g) == list(range(10)) and all(groups)
    # content lines at 0.9 (one unit each), boilerplate lines at 0.95: a budget of none keeps the threshold above 0.9
    probabilities = [[0.9, 0.95] for _ in pages]
    assert choose_threshold(pages, probabilities, 0.0) > 0.9
    assert choose_threshold(pages, probabilities, 1.0) <= 0.9


def test_generated_noise_marks_every_line_it_adds():
    rng = random.Random(5)
    article = [f"Sentence {i} of the article, the council said." for i in range(8)]
    for _ in range(20):
        lines, noise = noisy_page(article, rng, kinds=len(KINDS))
        assert [line for line, added in zip(lines, noise, strict=True) if not added] == article
        assert all(line.strip() for line in lines) and any(noise)


def test_a_detector_that_fires_is_reported_by_name_and_spares_the_headline():
    always = BoilerplateDetector({}, bias=10.0, threshold=0.5)
    page = "Headline\nFirst sentence of the body, which is long enough to read as prose.\nAnother line, the last one."
    removed = clean(page, detector=always).removed
    assert [(r.rule, r.text) for r in removed] == [(DETECTOR_RULE, "First sentence of the body, which is long "
                                                    "enough to read as prose."), (DETECTOR_RULE, "Another line, "
                                                                                                 "the last one.")]

"""The learned boilerplate detector beside the cleaning rules: each kind of page noise on pages written here, content
sentences never removed, every removal reported (with the probability), the switch back to the rules alone, and
the weights file's round trip. The noise lines are written for these tests (other names, sites and wordings than
the training generator's templates), so they check what the detector learned, not what it was shown."""

from __future__ import annotations

import json
import random

import pytest

import attribution
from attribution import stages
from attribution.boilerplate import DETECTOR_PATH, FORMAT_VERSION, BoilerplateDetector, default_detector
from attribution.clean import DETECTOR_RULE, clean
from attribution.cli import main
from attribution.html_report import render_text

ARTICLE = [
    "Harbour council approves new ferry contract",
    "The harbour council approved a ten-year ferry contract on Tuesday after months of negotiation.",
    "The deal, worth about 48 million euros, covers three vessels and a new terminal building.",
    "Council leader Mirela Vasquez said the vote ended a long period of uncertainty for island residents.",
    "\"We finally have a service people can plan their lives around,\" she told reporters after the meeting.",
    "Opposition members argued that the tender had favoured the incumbent operator.",
    "One councillor, who asked not to be named, said the price had been agreed before the debate began.",
    "The operator has run the crossing since 2009 and employs 310 people on the islands.",
    "Fares will rise by 2 percent next year and then follow inflation, according to the contract.",
    "Passengers have complained for years about cancelled sailings in winter.",
    "The new terminal is due to open in the spring of 2028.",
    "A public consultation on the timetable starts next month.",
]

#: Each kind of noise the issue names, as lines a scraped page carries; where on the page they go.
NOISE: dict[str, tuple[str, list[str]]] = {
    "header_fields": ("top", ["Source URL: https://www.islandchronicle.example/ferry-contract",
                              "Published: 2027-03-02", "Section: Islands and ferries"]),
    "menu": ("top", ["Front Page Islands Ferries Opinion Weather Obituaries Classifieds"]),
    "share_bar": ("after_headline", ["Share via Facebook Telegram Email Print"]),
    "print_bar": ("end", ["Email this story to a friend | Printable Version"]),
    "promo": ("middle", ["What to know about the ferry strike:", "Unions reject new shift pattern",
                         "Timetable cut for the winter months", "Who owns the island ferries"]),
    "photo_credit_slash": ("after_headline", ["Marta Quintero/Getty Images"]),
    "photo_credit_file": ("middle", ["Henrik Aalto / Reuters file"]),
    "print_footer": ("middle", ["https://www.islandchronicle.example/2027/03/02/ferry-contract-approved/ 2/5"]),
    "byline": ("after_headline", ["Island Chronicle transport reporter"]),
    "newsletter": ("end", ["Sign up for The Harbour Letter", "Get it sent to your inbox."]),
    "also_see": ("middle", ["ALSO SEE: Storm closes the northern pier for a week"]),
    "bare_bullets": ("middle", ["-", "-"]),
    "cookie_notice": ("top", ["We use cookies to personalise content and analyse our traffic.", "Accept all"]),
}


def _page(kind: str) -> tuple[str, list[str]]:
    """A page of the test article with one kind of noise put in where pages carry it; the noise lines."""
    place, noise = NOISE[kind]
    lines = list(ARTICLE)
    at = {"top": 0, "after_headline": 1, "middle": 6, "end": len(lines)}[place]
    lines[at:at] = noise
    return "\n".join(lines), noise


def _kept(text: str, **kwargs) -> list[str]:
    return [text[s:e] for s, e in clean(text, **{"detector": True, **kwargs}).content]


def test_the_package_ships_a_detector():
    detector = default_detector()
    assert detector is not None and DETECTOR_PATH.exists()
    assert 0.5 <= detector.threshold < 1.0
    assert detector.meta["held_out"]["all"]["content"] > 0  # figures of the training run travel with it


@pytest.mark.parametrize("kind", sorted(NOISE))
def test_each_kind_of_noise_is_removed_and_the_article_kept(kind):
    page, noise = _page(kind)
    result = clean(page, detector=True)
    assert [page[s:e] for s, e in result.content] == ARTICLE
    assert sorted(r.text for r in result.removed) == sorted(noise)


def test_the_detector_finds_noise_the_rules_let_through():
    """Without the detector these kinds reach classification: the detector, not a rule, removes them."""
    by_detector = set()
    for kind in NOISE:
        page, noise = _page(kind)
        rules_only = _kept(page, detector=False)
        if any(line in rules_only for line in noise):
            removed = {r.text: r.rule for r in clean(page, detector=True).removed}
            assert all(removed[line] == DETECTOR_RULE for line in noise if line in rules_only)
            by_detector.add(kind)
    assert {"print_footer", "also_see", "promo", "bare_bullets", "print_bar", "photo_credit_file"} <= by_detector


def test_a_block_printed_twice_is_removed_both_times():
    """A link list under the article and again at the foot of the page (a short list in the middle of the text,
    where a sub-heading could stand, is not always caught)."""
    related = ["Lighthouse keeper retires after 40 years", "New bakery opens on the quay"]
    page = "\n".join([*ARTICLE, "Most read", *related, "Share via Facebook Telegram Email Print", *related])
    result = clean(page, detector=True)
    assert [page[s:e] for s, e in result.content] == ARTICLE
    assert [r.rule for r in result.removed if r.text == related[1]] == [DETECTOR_RULE, DETECTOR_RULE]


def test_ordinary_sentences_of_generated_articles_are_never_removed():
    """Articles put together at random from plain news sentences, short ones and quotes among them."""
    people = ["Ana Ruiz", "Tomasz Wrona", "Keiko Sato", "Idris Bello", "Greta Holm", "Marcus Lee"]
    roles = ["the finance minister", "a spokeswoman for the company", "the city's mayor", "police", "the union"]
    subjects = ["The council", "The bank", "Prices", "The court", "Exports", "The government", "Workers"]
    verbs = ["rose sharply in March", "rejected the proposal on Friday", "will vote on the plan next week",
             "were cut by 3 percent", "appealed against the ruling", "reached a deal late on Sunday"]
    rng = random.Random(19)
    for _ in range(30):
        lines = [f"{rng.choice(subjects)} {rng.choice(verbs)}"]  # the headline
        while len(lines) < rng.randint(5, 15):
            form = rng.randrange(6)
            if form == 0:
                line = f"{rng.choice(subjects)} {rng.choice(verbs)}, {rng.choice(roles)} said."
            elif form == 1:
                day = rng.choice(["Monday", "Friday"])
                line = f"\"We will not accept this,\" {rng.choice(people)} told reporters on {day}."
            elif form == 2:
                line = f"{rng.choice(people)} declined to comment."
            elif form == 3:
                line = (f"{rng.choice(subjects)} {rng.choice(verbs)}. {rng.choice(subjects)} "
                        f"{rng.choice(verbs)}, according to {rng.choice(roles)}.")
            elif form == 4:
                line = f"The figure was {rng.randint(2, 900)} million in {rng.randint(1990, 2026)}."
            else:
                line = f"{rng.choice(roles).capitalize()} said {rng.choice(subjects).lower()} {rng.choice(verbs)}."
            if line not in lines:  # a repeated paragraph is the duplicate rule's to remove
                lines.append(line)
        page = "\n".join(lines)
        assert _kept(page) == _kept(page, detector=False) == lines


def test_every_detector_removal_is_reported_with_its_probability():
    page, noise = _page("print_footer")
    report = clean(page, detector=True).report()
    (removal,) = report["removed"]
    detector = default_detector()
    assert removal["rule"] == DETECTOR_RULE and report["by_rule"] == {DETECTOR_RULE: 1}
    assert detector.threshold <= removal["probability"] <= 1.0
    assert f"{removal['probability']:.2f}" in removal["reason"] and "threshold" in removal["reason"]
    assert page[removal["start"] : removal["end"]] == noise[0]
    rule_report = clean(_page("share_bar")[0], detector=True).report()  # a rule's removal has no probability field
    assert all("probability" not in r for r in rule_report["removed"] if r["rule"] != DETECTOR_RULE)


def test_detector_removals_stay_visible_in_the_article_record_and_html_report():
    page, noise = _page("print_footer")
    analyzer = attribution.load("rules")
    analyzer.replace_stage("clean", stages.clean_with_detector)
    result = analyzer.analyze(page, doc_id="ferry")
    removed = result.cleaning["removed"]
    assert [(r["rule"], r["text"]) for r in removed] == [(DETECTOR_RULE, noise[0])]
    html = render_text(result)
    assert f'data-rule="{DETECTOR_RULE}"' in html and noise[0] in html


def test_without_the_detector_the_cleaner_gives_the_rules_output():
    never = BoilerplateDetector({}, bias=-50.0, threshold=0.99)
    for kind in NOISE:
        page, _ = _page(kind)
        rules_only = clean(page, detector=False)
        assert rules_only.report() == clean(page, detector=never).report()
        assert all(r.rule != DETECTOR_RULE for r in rules_only.removed)
        doc = stages.clean(stages.ingest(page))  # the default stage: rules only
        assert doc.cleaning == rules_only.report()
        assert [(s, e) for s, e in doc.content] == rules_only.content
        assert stages.clean_with_detector(stages.ingest(page)).cleaning == clean(page, detector=True).report()


def test_score_detector_switch(tmp_path):
    page, noise = _page("also_see")
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    records = {}
    for flag in (["--detector"], []):
        out = tmp_path / f"articles{len(flag)}.jsonl"
        assert main(["score", "--model", "rules", str(path), "-o", str(tmp_path / "s.jsonl"), "--articles", str(out),
                     "-q", *flag]) == 0
        (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        records[not flag] = record["cleaning"]  # True: the default, rules only
    assert [r["text"] for r in records[False]["removed"]] == noise
    assert records[True]["removed"] == clean(page).report()["removed"] == []


def test_weights_round_trip_through_json(tmp_path):
    detector = default_detector()
    path = tmp_path / "detector.json"
    detector.save(path)
    again = BoilerplateDetector.load(path)
    assert again == detector
    page, _ = _page("promo")
    lines = page.split("\n")
    removed = [False] * len(lines)
    assert again.page_probabilities(lines, removed) == detector.page_probabilities(lines, removed)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT_VERSION and set(data) >= {"bias", "threshold", "weights", "meta"}
    with pytest.raises(ValueError, match="format"):
        BoilerplateDetector.from_dict({**data, "format": FORMAT_VERSION + 1})


def test_scoring_needs_no_training_library():
    """The runtime module imports nothing from scikit-learn (the weights are scored in plain Python)."""
    import subprocess
    import sys

    code = ("import sys, attribution.clean as c; "
            "c.clean('Headline here\\nA plain sentence of the article.', detector=True); "
            "print(any(m.startswith('sklearn') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_the_detector_never_empties_a_page():
    """A page of nothing but short lines keeps what the rules keep (the hostile inputs' 400 one-word lines)."""
    always = BoilerplateDetector({}, bias=10.0, threshold=0.5)
    page = "\n".join(["a.", "B!", "The mayor said.", "1.", "?", "Mr."] * 20)
    rules_only = clean(page, detector=False).content
    assert rules_only and clean(page, detector=always).content == clean(page, detector=True).content == rules_only


def test_cleaning_check_reports_each_kind_of_text_before_and_after_the_detector():
    from attribution.training.check_cleaning import check_by_corpus, table

    documents = []
    for corpus, kind in (("scraped", "print_footer"), ("wire", "also_see")):
        page, noise = _page(kind)
        units = [{"start": page.index(line), "end": page.index(line) + len(line),
                  "label": "boilerplate" if line in noise else "direct_fact"} for line in page.split("\n")]
        documents.append((f"{corpus}-1", corpus, page, units))
    rows = check_by_corpus(documents)
    assert set(rows) == {"scraped", "wire", "all"}
    before, after = rows["all"]
    assert (before.boilerplate_removed, after.boilerplate_removed, after.boilerplate) == (0, 2, 2)
    assert before.content_removed == after.content_removed == 0 and after.content == 2 * len(ARTICLE)
    lines = table(rows)
    assert "+ detector" in lines[0] and lines[-1].startswith("all") and "2/2 (100.0%)" in lines[-1]

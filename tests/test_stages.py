"""The analyzer's named stages: listing, replacing and switching off stages; the attribute stage as the one place
that makes sentence-relative spans article offsets; label counts made once per document."""

from __future__ import annotations

import re

import pytest

import attribution
from attribution import document, stages
from attribution.results import Prediction

ARTICLE = ("Home | News | Sport\n"
           "The council met on Monday.\n"
           "Officials said the talks stalled. He said it was fine.\n"
           "Mayor Ellen Park said the plan would cost more. She said the vote was close.\n"
           "The company reportedly lost money.\n")


def keep_everything(doc):
    """A cleaner that keeps every non-empty line and reports one custom removal count (top-level: picklable)."""
    doc.content = [m.span() for m in re.finditer(r"[^\n]+", doc.text)]
    doc.cleaning = {"removed_count": 0, "by": "keep_everything"}
    return doc


class FixedClassifier:
    """Labels every sentence reported_claim, its source the sentence's first word (relative span (0, n))."""

    name = "fixed"

    def __init__(self):
        self.calls = 0

    def predict_articles(self, articles):
        self.calls += 1
        out = []
        for _, sentences in articles:
            out.append([Prediction("reported_claim", {"direct_fact": 0.0, "reported_claim": 1.0,
                                                      "anonymous_source_quote": 0.0},
                                   (0, s.text.index(" ") + 1), None) for s in sentences])
        return out


def test_stages_are_listed_in_running_order():
    analyzer = attribution.load("rules")
    assert analyzer.stage_names == ["ingest", "clean", "segment", "classify", "attribute", "profile", "write"]
    assert analyzer.disabled == []
    assert analyzer.get_stage("classify").classifier is analyzer.classifier
    with pytest.raises(KeyError, match="no stage 'tag'"):
        analyzer.get_stage("tag")
    with pytest.raises(ValueError, match="cannot be switched off"):
        analyzer.disable_stage("segment")


def test_replacing_the_cleaner_changes_what_is_segmented():
    analyzer = attribution.load("rules")
    default = analyzer.analyze(ARTICLE)
    assert default.cleaning["removed_count"] == 1 and "Home" not in default.sentences[0].text
    previous = analyzer.replace_stage("clean", keep_everything)
    assert previous is stages.clean
    result = analyzer.analyze(ARTICLE)
    assert result.sentences[0].text == "Home | News | Sport"
    assert result.cleaning == {"removed_count": 0, "by": "keep_everything"}
    assert result.to_record()["cleaning"] == {"removed_count": 0, "by": "keep_everything"}


def test_a_replaced_cleaner_runs_in_worker_processes():
    analyzer = attribution.Analyzer(attribution.load("rules").classifier, batch_size=2, workers=1)
    analyzer.replace_stage("clean", keep_everything)
    results = list(analyzer.analyze_many([ARTICLE, ARTICLE, ARTICLE]))
    assert [r.cleaning["by"] for r in results] == ["keep_everything"] * 3
    assert all(r.sentences[0].text == "Home | News | Sport" for r in results)


def test_a_custom_classifier_gives_sentence_relative_spans_that_the_attribute_stage_places():
    analyzer = attribution.load("rules")
    classifier = FixedClassifier()
    analyzer.replace_stage("classify", classifier)
    assert analyzer.model_name == "fixed" and analyzer.classifier is classifier
    result = analyzer.analyze(ARTICLE)
    assert classifier.calls == 1  # one article per call
    for s in result.sentences:
        first = s.text.split(" ")[0]
        assert s.label == "reported_claim"
        assert (s.source, s.source_start, s.source_end) == (first, s.start, s.start + len(first))  # space trimmed
        assert result.text[s.source_start : s.source_end] == s.source
    by_text = {s.source: s.source_type for s in result.sentences}
    assert by_text["Officials"] == "anonymous" and by_text["He"] == "pronoun" and by_text["Mayor"] == "named"


def test_classify_may_be_a_plain_function_on_the_document():
    def everything_is_fact(doc):
        doc.predictions = [Prediction("direct_fact", {"direct_fact": 1.0}) for _ in doc.sentences]
        return doc

    analyzer = attribution.load("rules")
    analyzer.replace_stage("classify", everything_is_fact)
    assert analyzer.classifier is None and analyzer.model_name == "everything_is_fact"
    result = analyzer.analyze(ARTICLE)
    assert result.to_record()["counts"] == {"direct_fact": 6, "reported_claim": 0, "anonymous_source_quote": 0}


def test_switching_off_the_profile_leaves_an_empty_profile_and_the_counts():
    analyzer = attribution.load("rules", disable=["profile"])
    assert analyzer.disabled == ["profile"]
    record = analyzer.analyze(ARTICLE).to_record()
    assert record["profile"] == {}
    assert record["counts"] == {"direct_fact": 1, "reported_claim": 3, "anonymous_source_quote": 2}
    analyzer.enable_stage("profile")
    assert analyzer.analyze(ARTICLE).to_record()["profile"]["counts"] == record["counts"]


def test_switching_off_attribute_drops_sources_cues_types_and_hearsay():
    analyzer = attribution.load("rules", disable=["attribute"])
    result = analyzer.analyze(ARTICLE)
    records = result.sentence_records()
    assert [r["label"] for r in records] == [r["label"] for r in attribution.load("rules").analyze(ARTICLE)
                                             .sentence_records()]
    assert all(r[k] is None for r in records for k in ("source", "source_start", "cue", "cue_end", "source_type"))
    assert result.profile["named_sources"] == [] and result.profile["hearsay_share"] == 0.0


def test_switching_off_clean_keeps_boilerplate_and_reports_no_cleaning():
    result = attribution.load("rules", disable=["clean"]).analyze(ARTICLE)
    assert result.sentences[0].text == "Home | News | Sport"
    assert result.cleaning == {} and result.profile["removed_by_cleaning"] == 0


def test_an_error_document_skips_the_later_stages():
    analyzer = attribution.load("rules")
    classifier = FixedClassifier()
    analyzer.replace_stage("classify", classifier)
    result = analyzer.analyze("Home | News | Sport\n")  # the cleaner removes everything
    assert result.status == "error" and result.error == "no article content left after cleaning"
    assert classifier.calls == 0 and result.sentences == [] and result.profile == {}
    assert result.to_record()["counts"] == {"direct_fact": 0, "reported_claim": 0, "anonymous_source_quote": 0}


def test_the_profile_reads_hearsay_from_the_attribute_stage():
    def every_sentence_hearsay(doc):
        doc = stages.attribute(doc)
        doc.hearsay = [True] * len(doc.sentences)
        return doc

    analyzer = attribution.load("rules")
    assert analyzer.analyze(ARTICLE).profile["hearsay_share"] == pytest.approx(1 / 6)
    analyzer.replace_stage("attribute", every_sentence_hearsay)
    assert analyzer.analyze(ARTICLE).profile["hearsay_share"] == 1.0


def test_pronoun_sources_are_linked_by_the_attribute_stage():
    analyzer = attribution.load("rules")
    doc = stages.ingest(ARTICLE)
    for name in ("clean", "segment", "classify", "attribute"):
        doc = analyzer.get_stage(name)(doc)
    # "He said" after an anonymous source credits nobody; "She said" after Mayor Ellen Park credits her sentence.
    assert doc.antecedents == [None, None, None, None, 3, None]
    named = stages.profile(doc).profile["named_sources"]
    assert named == [{"source": "Mayor Ellen Park", "mentions": ["Mayor Ellen Park"], "sentences": 2}]


def _check_relative(classifier, text):
    """The classifier's spans index each sentence; the attribute stage turns them into trimmed article spans."""
    doc = stages.segment(stages.clean(stages.ingest(text)))
    (predictions,) = classifier.predict_articles([(doc.text, doc.sentences)])
    doc.predictions = predictions
    results = stages.profile(stages.attribute(doc)).sentence_results
    placed = 0
    for sentence, pred, result in zip(doc.sentences, predictions, results, strict=True):
        for span, (got, start, end) in ((pred.source, (result.source, result.source_start, result.source_end)),
                                        (pred.cue, (result.cue, result.cue_start, result.cue_end))):
            if span is None:
                assert got is None
                continue
            assert 0 <= span[0] < span[1] <= len(sentence.text)
            piece = sentence.text[span[0] : span[1]]
            trimmed = piece.strip(" \t\n,;:")
            assert got == (trimmed or None)
            if trimmed:
                assert start == sentence.start + span[0] + piece.index(trimmed) and end == start + len(trimmed)
                assert doc.text[start:end] == got
                placed += sentence.start > 0
    assert placed, "no span of a sentence after the first was checked"
    return results


def test_attribute_places_the_rules_classifiers_spans():
    from attribution.classify.rules import RulesClassifier

    results = _check_relative(RulesClassifier(), ARTICLE)
    assert results[3].source == "Mayor Ellen Park" and results[3].source_type == "named"


def test_attribute_places_the_pair_classifiers_spans():
    from tests.tiny_model import tiny_pair_classifier

    classifier = tiny_pair_classifier()
    classifier.model.classifier.bias.data[:] = -100.0
    classifier.model.classifier.bias.data[1] = 100.0  # every sentence reported_claim: the extractor gives spans
    _check_relative(classifier, ARTICLE)


def test_attribute_places_the_window_classifiers_spans():
    from attribution.model.tags import TAG2ID
    from tests.tiny_model import tiny_window_classifier

    classifier = tiny_window_classifier()
    classifier.model.classifier.bias.data[TAG2ID["B-SRC"]] += 100.0  # a source tag on every sentence's first token
    _check_relative(classifier, ARTICLE)


def test_label_counts_are_made_once_per_document_and_shared(monkeypatch, tmp_path):
    from attribution.html_report import HtmlReport, article_page

    calls = []
    real = document.label_counts
    monkeypatch.setattr(document, "label_counts", lambda sentences: calls.append(1) or real(sentences))
    results = attribution.load("rules").analyze_batch([ARTICLE, "Officials said so."])
    assert len(calls) == 2
    for result in results:
        record = result.to_record()
        assert record["counts"] == result.profile["counts"] == result.counts
        page = article_page(result, "rules")
        assert all(f'<td class="num">{n}</td>' in page for n in result.counts.values())
    report = HtmlReport(tmp_path, "rules")
    for result in results:
        report.add(result)
    report.close()
    assert len(calls) == 2  # records, profile and HTML report reuse the document's counts

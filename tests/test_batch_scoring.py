"""Batch scoring: worker processes, bounded streaming, the batch-function seam."""

import gc
import json
import pickle
import weakref

import pytest

import attribution
from attribution.batch import BatchScorer, score_batch
from attribution.ingest import Document, iter_documents

ARTICLE = (
    "Headline number {n}: council weighs the budget\n\n"
    "The council met on Monday to discuss budget item {n}. "
    "A senior aide, speaking on condition of anonymity, said the plan would be delayed. "
    "Mayor Ana Ruiz said the city would publish the figures next week. "
    "The vote is scheduled for June.\n"
)


SHORT = "Officials said item {n} was delayed. The vote is in June.\n"


def _articles(n: int, template: str = ARTICLE) -> list[dict]:
    return [{"id": f"a{i}", "text": template.format(n=i), "outlet": "Gazette" if i % 2 else "Courier"}
            for i in range(n)]


def _labels(results) -> list[tuple]:
    return [(r.doc_id, r.status, [(s.start, s.end, s.label, s.source, s.cue) for s in r.sentences])
            for r in results]


def test_identical_results_with_0_1_and_2_workers():
    rows = _articles(23) + [{"id": "empty", "text": "   "}, {"id": "none", "text": None}]
    baseline = _labels(attribution.load("rules", batch_size=4).analyze_many(rows))
    assert [r[1] for r in baseline].count("error") == 2
    for workers in (1, 2):
        analyzer = attribution.load("rules", batch_size=4, workers=workers)
        assert _labels(analyzer.analyze_many(rows)) == baseline


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="workers"):
        attribution.load("rules", workers=-1)
    with pytest.raises(ValueError, match="batch_size"):
        attribution.load("rules", batch_size=0)


class _Counted:
    """An input stream that counts what was read and tracks which documents are still alive."""

    def __init__(self, documents):
        self.documents = documents
        self.read = 0
        self.alive = 0

    def _freed(self):
        self.alive -= 1

    def __iter__(self):
        for doc in self.documents:
            self.read += 1
            self.alive += 1
            weakref.finalize(doc, self._freed)
            yield doc


@pytest.mark.parametrize("workers", [0, 2])
def test_streaming_5000_articles_holds_a_bounded_number(tmp_path, workers):
    n, batch = 5000 if workers == 0 else 400, 16
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in _articles(n, SHORT):
            handle.write(json.dumps(row) + "\n")
    stream = _Counted(iter_documents([path]))
    analyzer = attribution.load("rules", batch_size=batch, workers=workers)
    bound = batch if workers == 0 else 2 * batch  # one batch in hand (plus one being prepared by workers)
    produced = max_ahead = max_alive = 0
    for result in analyzer.analyze_many(stream):
        assert result.doc_id == f"a{produced}"  # order kept
        produced += 1
        max_ahead = max(max_ahead, stream.read - produced)
        if produced % 250 == 0:
            gc.collect()
            max_alive = max(max_alive, stream.alive)
    assert produced == n
    assert max_ahead <= bound
    if workers == 0:  # with workers the parent's copies are pickled away; only the read count is meaningful
        assert max_alive <= bound


def test_score_batch_matches_analyze_many_and_keeps_one_record_per_article():
    rows = _articles(5) + [{"id": "bad", "text": ""}]
    analyzer = attribution.load("rules")
    out = score_batch(analyzer, rows)
    assert [a["doc_id"] for a in out["articles"]] == [r["id"] for r in rows]
    assert out["articles"][-1]["status"] == "error"
    assert out["articles"][0]["metadata"]["outlet"] == "Courier"
    expected = [rec for res in analyzer.analyze_many(rows) for rec in res.sentence_records()]
    assert out["sentences"] == expected


def test_batch_scorer_pickles_without_its_model_and_scores_columns():
    scorer = BatchScorer("rules", columnar=True)
    rows = _articles(3)
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    first = scorer(columns)
    assert scorer._analyzer is not None
    shipped = pickle.loads(pickle.dumps(scorer))
    assert shipped._analyzer is None  # a worker loads its own model on its first batch
    second = shipped(columns)
    assert first == second
    assert first["articles"]["doc_id"] == ["a0", "a1", "a2"]
    assert len(first["sentences"]["label"]) == len(first["sentences"]["doc_id"]) > 3
    with pytest.raises(ValueError, match="unequal"):
        scorer({"id": ["x", "y"], "text": ["one"]})
    with pytest.raises(TypeError):
        BatchScorer("rules")(columns)


def test_analyze_batch_accepts_documents_and_texts():
    analyzer = attribution.load("rules")
    results = analyzer.analyze_batch([Document("d1", "Officials said the talks stalled."), "Plain text here."])
    assert [r.doc_id for r in results] == ["d1", "doc-1"]
    assert results[0].sentences[0].label == attribution.ANONYMOUS_SOURCE_QUOTE


def _tiny_window_analyzer():
    from tests.tiny_model import tiny_window_classifier

    return attribution.Analyzer(tiny_window_classifier(), batch_size=4)


def test_compile_failure_falls_back_to_the_eager_model(monkeypatch, capsys):
    import torch

    analyzer = _tiny_window_analyzer()
    rows = _articles(3)
    expected = _labels(analyzer.analyze_many(rows))

    def broken_compile(model, **kwargs):
        def fails(**inputs):
            raise RuntimeError("no C compiler")
        return fails

    monkeypatch.setattr(torch, "compile", broken_compile)
    analyzer.classifier.compile()
    assert _labels(analyzer.analyze_many(rows)) == expected
    assert "torch.compile failed (RuntimeError: no C compiler); running uncompiled" in capsys.readouterr().err
    assert analyzer.classifier._eager is None


def test_compile_is_refused_for_models_it_does_not_apply_to():
    with pytest.raises(ValueError, match="windowed models"):
        attribution.load("rules", compile=True)


@pytest.mark.slow
def test_compiled_model_gives_the_same_labels():
    analyzer = _tiny_window_analyzer()
    rows = _articles(6)
    expected = [[s.probs for s in r.sentences] for r in analyzer.analyze_many(rows)]
    analyzer.classifier.compile()
    compiled = [[s.probs for s in r.sentences] for r in analyzer.analyze_many(rows)]
    assert analyzer.classifier._eager is not None  # compiled, not fallen back
    for a, b in zip(expected, compiled, strict=True):
        for pa, pb in zip(a, b, strict=True):
            assert all(abs(pa[k] - pb[k]) < 1e-4 for k in pa)


def test_length_sorted_batches_come_back_in_the_original_order():
    """Windows are run sorted by length in padded batches; each output must land back on its own window."""
    import torch

    from attribution.clean import clean
    from attribution.segment import segment
    from tests.tiny_model import tiny_window_classifier

    classifier = tiny_window_classifier(max_length=40)
    classifier.batch_size = 3
    texts = [ARTICLE.format(n=i) * (1 + i % 3) for i in range(5)] + ["Short one. Officials said so."]
    articles = [segment(t, clean(t).content) for t in texts]
    windows, _ = classifier._windows(articles)
    lengths = [len(w.input_ids) for w in windows]
    assert len(set(lengths)) > 1 and lengths != sorted(lengths)  # sorting really reorders them
    batched = classifier._forward(windows)
    for window, logits in zip(windows, batched, strict=True):
        (alone,) = classifier._forward([window])  # no padding, no reordering
        assert logits.shape == alone.shape and torch.allclose(logits, alone, atol=1e-4)
    together = classifier.predict_articles(list(zip(texts, articles, strict=True)))
    one_by_one = [classifier.predict_articles([(t, a)])[0] for t, a in zip(texts, articles, strict=True)]
    assert [[p.label for p in art] for art in together] == [[p.label for p in art] for art in one_by_one]

"""The TF-IDF + logistic-regression baseline, stored as plain JSON (no pickle).

Features are word 1-2-grams of the sentence plus, prefixed, those of the
previous sentence (the context a pronoun source needs). ``baseline.json``
holds the vocabulary, idf weights, coefficients and intercepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from attribution.extras import require_train
from attribution.labels import LABELS
from attribution.model.saved import BASELINE_FILE
from attribution.results import Prediction
from attribution.segment import Sentence

__all__ = ["BASELINE_FILE", "TfidfClassifier", "featurize", "make_vectorizer", "pairs"]
_TOKEN = re.compile(r"(?u)\b\w[\w'’]*\b")


def featurize(sentence: str, previous: str) -> str:
    """One document per sentence: its words, and the previous sentence's words marked ``prev_``."""
    words = _TOKEN.findall(sentence.lower())
    prev = ["prev_" + w for w in _TOKEN.findall(previous.lower())]
    return " ".join(words + prev)


def pairs(sentences: Sequence[str]) -> list[str]:
    return [featurize(s, sentences[i - 1] if i else "") for i, s in enumerate(sentences)]


def make_vectorizer(vocabulary: dict[str, int] | None = None, idf: Sequence[float] | None = None):
    require_train("the TF-IDF baseline", ("sklearn",))
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 vocabulary=vocabulary, lowercase=False)
    if idf is not None:
        vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


class TfidfClassifier:
    """Runs a saved TF-IDF + logistic-regression baseline over articles."""

    def __init__(self, vocabulary: dict[str, int], idf: Sequence[float], coef: Sequence[Sequence[float]],
                 intercept: Sequence[float], classes: Sequence[str], name: str = "tfidf"):
        if tuple(classes) != LABELS:
            raise ValueError(f"baseline classes {tuple(classes)} do not match {LABELS}")
        self.vectorizer = make_vectorizer(vocabulary, idf)
        self.coef = np.asarray(coef)
        self.intercept = np.asarray(intercept)
        self.name = name

    @classmethod
    def from_pretrained(cls, path: str | Path) -> TfidfClassifier:
        """Load a baseline directory (``baseline.json``; see :meth:`attribution.model.saved.SavedModel.load`)."""
        from attribution.model.saved import SavedModel

        return SavedModel.load(path, design="tfidf").classifier()

    def predict_proba(self, documents: list[str]) -> np.ndarray:
        scores = self.vectorizer.transform(documents) @ self.coef.T + self.intercept
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict_articles(self, articles: Sequence[tuple[str, Sequence[Sentence]]]) -> list[list[Prediction]]:
        results = []
        for _, sentences in articles:
            if not sentences:
                results.append([])
                continue
            probs = self.predict_proba(pairs([s.text for s in sentences]))
            results.append([Prediction(LABELS[int(row.argmax())], dict(zip(LABELS, map(float, row), strict=True)))
                            for row in probs])
        return results

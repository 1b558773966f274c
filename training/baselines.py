"""Train the TF-IDF + logistic-regression baseline on the same records as the models, saved as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from attribution.labels import LABELS
from attribution.model.tfidf import BASELINE_FILE, make_vectorizer, pairs
from training.features import Record, group_articles
from training.save import ATTRIBUTION_CONFIG, library_versions


def train_tfidf(records: list[Record], out_dir: str | Path, seed: int = 13, c: float = 4.0) -> Path:
    """Fit on ``records`` (grouped into articles for the previous-sentence context) and write the directory."""
    from sklearn.linear_model import LogisticRegression

    documents, labels = [], []
    for article in group_articles(records):
        documents.extend(pairs([r["text"] for r in article]))
        labels.extend(r["label"] for r in article)
    vectorizer = make_vectorizer()
    matrix = vectorizer.fit_transform(documents)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
    model.fit(matrix, labels)
    order = [list(model.classes_).index(label) for label in LABELS]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {
        "classes": list(LABELS),
        "vocabulary": {term: int(i) for term, i in vectorizer.vocabulary_.items()},
        "idf": vectorizer.idf_.tolist(),
        "coef": model.coef_[order].tolist(),
        "intercept": model.intercept_[order].tolist(),
        "train_sentences": len(labels),
    }
    (out / BASELINE_FILE).write_text(json.dumps(payload), encoding="utf-8")
    settings = {"design": "tfidf", "versions": library_versions()}
    (out / ATTRIBUTION_CONFIG).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return out

"""Train the TF-IDF + logistic-regression baseline on the same records as the models, saved as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from attribution.training.features import Record, group_articles
from attribution.training.save import library_versions

from attribution.labels import LABELS
from attribution.model import MODEL_CONFIG_FILE
from attribution.model.tfidf import BASELINE_FILE, make_vectorizer, pairs


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
    (out / MODEL_CONFIG_FILE).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m attribution.training.baselines --dataset data/prepared --splits train spec --out runs/tfidf``"""
    import argparse

    from datasets import load_from_disk

    parser = argparse.ArgumentParser(description="Train the TF-IDF + logistic-regression baseline.")
    parser.add_argument("--dataset", default="data/prepared")
    parser.add_argument("--splits", nargs="+", default=["train", "spec"])
    parser.add_argument("--out", default="runs/tfidf")
    args = parser.parse_args(argv)
    data = load_from_disk(args.dataset)
    records = [r for split in args.splits for r in data[split]]
    out = train_tfidf(records, args.out)
    print(f"TF-IDF baseline on {len(records)} sentences ({'+'.join(args.splits)}) written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build tiny random-weight encoders from a config (as the transformers test suite does), offline."""

from __future__ import annotations

import json
import random
from pathlib import Path

FACTS = ["The council met on {d} for {n} minutes.", "Rain fell across the region on {d}.",
         "The plant employs {n} people.", "Shares rose {n} percent on {d}.", "The bridge opened in {n}."]
NAMED = ["Mayor Ellen Park said the plan would cost {n} dollars.", "The company said sales rose {n} percent.",
         "Governor Lee told reporters the vote was on {d}.", "According to the agency, {n} homes lost power."]
ANON = ["Officials said talks on {n} contracts had stalled on {d}.",
        "People familiar with the matter said {n} jobs would go.",
        "A senior aide, speaking anonymously, said {n} seats were close.", "Sources said {n} staff had quit."]
POOLS = {"direct_fact": FACTS, "reported_claim": NAMED, "anonymous_source_quote": ANON}


def tiny_encoder(path: Path) -> Path:
    """A 2-layer, 32-wide BERT with the real MiniLM tokenizer (its vocabulary), saved to ``path``."""
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=512)
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def synthetic_records(n_docs: int, seed: int, per_doc: int = 6) -> list[dict]:
    """Project-written sentences from templates, labelled by construction."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()
    for doc in range(n_docs):
        for i in range(per_doc):
            label = rng.choice(list(POOLS))
            text = ""
            while not text or text in seen:  # the cleaner would drop a repeated line
                text = rng.choice(POOLS[label]).format(d=rng.choice(["Monday", "Friday", "May 3"]),
                                                       n=rng.randint(2, 900))
            seen.add(text)
            rows.append({"doc_id": f"s{seed}-d{doc}", "sent_idx": i, "text": text, "label": label})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def tiny_window_classifier(max_length: int = 48, hidden: int = 32):
    """A random-weight one-layer windowed classifier with the real tokenizer (inference tests; no training).

    ``hidden=384`` gives MiniLM's width, wide enough for matrix products to differ in the last bits with the
    batch's shape (what the batch-independence tests need to see)."""
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from attribution.model.classifier import WindowClassifier
    from attribution.model.tags import ALL_TAGS

    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37 if hidden == 32 else hidden * 4, max_position_embeddings=512,
                        num_labels=len(ALL_TAGS),
                        id2label=dict(enumerate(ALL_TAGS)), label2id={t: i for i, t in enumerate(ALL_TAGS)})
    return WindowClassifier(BertForTokenClassification(config), tokenizer, max_length=max_length, overlap=1)


def tiny_pair_classifier(max_length: int = 64, hidden: int = 32):
    """A random-weight one-layer pair classifier with the real tokenizer (inference tests; no training)."""
    from attribution.training.config import default_base_model
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from attribution.labels import LABELS
    from attribution.model.pair import PairClassifier

    tokenizer = AutoTokenizer.from_pretrained(default_base_model())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37 if hidden == 32 else hidden * 4, max_position_embeddings=512,
                        num_labels=len(LABELS),
                        id2label=dict(enumerate(LABELS)), label2id={t: i for i, t in enumerate(LABELS)})
    return PairClassifier(BertForSequenceClassification(config), tokenizer, batch_size=4, max_length=max_length)

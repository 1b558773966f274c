"""Anonymous-source-tracker snippets → weak ``anonymous_source_quote`` positives (never gold).

Each search snippet is stripped of its HTML (``<b>``, ``<br>``, entities) and truncation marks, segmented,
and the sentence holding the highlighted anonymity phrase becomes one weak positive, ``weak=True``,
kept in its own split so its effect can be measured. Offsets index the *cleaned* snippet text (the
snippet record is the document; its ``link`` hashes to the doc id). Sentences with no reporting cue
or anonymity phrase the project recognises, fragments of under six words and duplicates are dropped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from attribution.training.records import Provenance, SentenceRecord, context

from attribution.corpora import clean_snippet
from attribution.labels import ANONYMOUS_SOURCE_QUOTE
from attribution.segment import segment
from attribution.sources import find_attribution

CORPUS = "anonymous_source_tracker"
PATH = Path("anonymous_source_tracker") / "anon_snippets.jsonl.gz"


def convert(data_dir: Path, *, exclude: set[str] = frozenset()) -> Iterator[SentenceRecord]:
    path = data_dir / PATH
    if not path.exists():
        return
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for n, row in enumerate(rows):
        doc_id = f"tracker:{hashlib.sha1(row['link'].encode()).hexdigest()[:12]}:{n}"
        if doc_id in exclude:
            continue
        text, highlights = clean_snippet(row["content"])
        sentences = segment(text)
        for sentence in sentences:
            hit = [h for h in highlights if h[0] < sentence.end and sentence.start < h[1]]
            if not hit or len(sentence.text.split()) < 6:
                continue
            key = re.sub(r"\W+", " ", sentence.text.lower()).strip()
            if key in seen or find_attribution(sentence.text) is None:
                continue
            seen.add(key)
            prev_text, next_text = context(sentences, sentence.idx)
            spans = [[max(s, sentence.start) - sentence.start, min(e, sentence.end) - sentence.start] for s, e in hit]
            yield SentenceRecord(
                doc_id=doc_id, corpus=CORPUS, sent_idx=sentence.idx, start=sentence.start, end=sentence.end,
                text=sentence.text, label=ANONYMOUS_SOURCE_QUOTE, source_spans=spans, cue_spans=[],
                prev_text=prev_text, next_text=next_text, n_sentences=len(sentences),
                provenance=Provenance(PATH.as_posix(), [str(n)], "weak:tracker phrase match", row["phrase"]),
                weak=True,
            )

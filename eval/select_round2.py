"""How the documents of gold round 2 were drawn: ``python -m attribution.eval.select_round2`` prints their doc ids.

Candidates are texts no training split, spec label set or round-1 document uses (nor a copy of one):
BBC politics and business articles of 1,200-5,000 characters and English Wikinews source pages of
1,500-9,000 characters, with at least three matches of :data:`SOURCE_WORDS` (a Wikinews page also
qualifies with one phrase of the anonymous-source tracker). Eight BBC articles are drawn with seed
20261127; every qualifying Wikinews page is taken (there were four). Re-running it after round 2 exists
gives the same draw: the *used* set is gold round 1 and the spec labels of rounds 1-2, the ones that existed.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

from attribution.corpora import resolve_data_dir, text_fingerprint

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261127
SOURCE_WORDS = (r"\bofficials? (said|say|says|told)\b", r"\bsources?\b", r"\bspokes(man|woman|person)\b",
                r"\banalysts?\b", r"\bcritics\b", r"\baides?\b", r"\bfamiliar with\b", r"\banonymity\b",
                r"\bdiplomats?\b", r"\binsiders?\b", r"\bexperts?\b")


def _source_words(text: str) -> int:
    lowered = text.lower()
    return sum(len(re.findall(pattern, lowered)) for pattern in SOURCE_WORDS)


def _used() -> tuple[set[str], set[str]]:
    """Doc ids and text fingerprints of the spec labels that existed at the draw (rounds 1-2) and of gold round 1."""
    ids, prints = set(), set()
    for path in (ROOT / "eval/gold/documents.jsonl", ROOT / "training/spec_labels/documents.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            if int(doc.get("round", 1)) > (1 if "gold" in str(path) else 2):
                continue  # labelled after the draw (gold round 2 itself, spec round 3 and later)
            ids.add(doc["doc_id"])
            prints.add(doc["sha256_16"])
    return ids, prints


def select(data_dir: str | Path | None = None) -> list[str]:
    """The doc ids of round 2, in the order they were labelled (BBC draw, then Wikinews pages)."""
    root = resolve_data_dir(data_dir)
    used, prints = _used()
    tracker = root / "anonymous_source_tracker" / "anonymity_phrases.txt"
    phrases = [line.strip().strip('"').lower() for line in tracker.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    with gzip.open(root / "bbc_news" / "bbc_news_articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        bbc = [json.loads(line) for line in handle]
    used_groups = {a["duplicate_group"] for a in bbc if f"bbc:{a['id']}" in used and a["duplicate_group"]}
    pool = sorted(a["id"] for a in bbc
                  if a["category"] in ("politics", "business") and 1200 <= len(a["text"]) <= 5000
                  and _source_words(a["text"]) >= 3 and f"bbc:{a['id']}" not in used
                  and (a["duplicate_group"] is None or a["duplicate_group"] not in used_groups)
                  and text_fingerprint(a["text"]) not in prints)
    chosen = [f"bbc:{i}" for i in random.Random(SEED).sample(pool, 8)]
    seen: set[str] = set()
    with gzip.open(root / "wikinewssum_sample" / "wikinewssum_en_sample.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for item, source in enumerate(record["sources"]):
                text = source.get("maintext") or ""
                doc_id, fingerprint = f"wikinews:{record['sample_index']}/{item}", text_fingerprint(text)
                if source.get("language") != "en" or doc_id in used or fingerprint in prints | seen:
                    continue
                seen.add(fingerprint)  # the same page scraped twice counts once
                anonymity = sum(text.lower().count(p) for p in phrases)
                if 1500 <= len(text) <= 9000 and (anonymity >= 1 or _source_words(text) >= 3):
                    chosen.append(doc_id)
    return chosen


if __name__ == "__main__":
    print("\n".join(select()))

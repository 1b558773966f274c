"""Source extraction and the per-sentence path on huge paragraphs: time must grow linearly with the length.

A scraped page can hold one enormous paragraph with no full stop (a table
flattened to text, a transcript without punctuation); the splitter cannot cut
it, so the whole paragraph reaches the source extractor as one sentence.
Generates N characters of project-written news prose in two forms, with its
punctuation removed (one unpunctuated "sentence") and as it is (many
sentences in one paragraph), and prints, for each N, the seconds taken by
``find_attribution`` on the unpunctuated text and by each stage of the
pipeline (clean, segment, rules classifier, profile) on both forms, plus
characters per second. Linear behaviour shows as a flat chars/s column.

    python bench/source_extraction.py [--sizes 50000 200000 1000000 2000000] [--quick]
"""

from __future__ import annotations

import argparse
import re
import sys
import time

PROSE = (
    "The city council voted to study a toll for the Harbor Bridge, the span that carries about 80,000 vehicles "
    "a day. Mayor Dana Whitfield said the bridge needed new steel beams and fresh concrete for most of its lanes. "
    "Two council members who opposed the measure argued the toll would fall hardest upon commuters from the east "
    "side. A senior transportation official, speaking on condition of anonymity, said the state had privately "
    "signalled it would not pay for any of the repairs. Engineers believe the corrosion has spread to three of "
    "the eight main supports, and officials plan to show the full report to residents, which critics call a "
    "disaster for the whole region. "
)


def make_text(n_chars: int, punctuated: bool) -> str:
    """``n_chars`` characters of news prose in one paragraph, its punctuation removed unless ``punctuated``."""
    base = PROSE if punctuated else re.sub(r"[^\w\s]", "", PROSE)
    return (base * (n_chars // len(base) + 1))[:n_chars]


def _timed(func, *args):
    started = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - started


def measure(n_chars: int, punctuated: bool) -> dict[str, float]:
    """Seconds per stage on one article of ``n_chars`` characters (one paragraph)."""
    from attribution import stages
    from attribution.classify.rules import RulesClassifier
    from attribution.clean import clean
    from attribution.profile import build_profile
    from attribution.segment import segment
    from attribution.sources import find_attribution

    text = make_text(n_chars, punctuated)
    figures: dict[str, float] = {}
    if not punctuated:
        _, figures["find_attribution"] = _timed(find_attribution, text)
    cleaned, figures["clean"] = _timed(clean, text)
    sentences, figures["segment"] = _timed(segment, text, cleaned.content)
    predictions, figures["rules"] = _timed(RulesClassifier().predict_article, text, sentences)
    doc = stages.ingest(_document(text))
    doc.cleaning, doc.sentences, doc.predictions = cleaned.report(), sentences, predictions
    doc = stages.attribute(doc)
    _, figures["profile"] = _timed(build_profile, doc.sentence_results, cleaned.report())
    figures["sentences"] = len(sentences)
    return figures


def _document(text: str):
    from attribution.ingest import make_document

    return make_document("bench", text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000, 1_000_000, 2_000_000])
    parser.add_argument("--quick", action="store_true", help="tiny inputs (2,000 and 8,000 characters), for CI")
    args = parser.parse_args(argv)
    sizes = [2_000, 8_000] if args.quick else args.sizes
    stages = ("find_attribution", "clean", "segment", "rules", "profile")
    print(f"{'text':<13} {'chars':>10} {'sentences':>9} " + " ".join(f"{s + ' s':>17}" for s in stages)
          + f" {'chars/s (all)':>14}")
    for punctuated in (False, True):
        for n in sizes:
            figures = measure(n, punctuated)
            total = sum(v for k, v in figures.items() if k != "sentences")
            cells = " ".join(f"{figures[s]:>17.3f}" if s in figures else f"{'-':>17}" for s in stages)
            kind = "punctuated" if punctuated else "unpunctuated"
            print(f"{kind:<13} {n:>10,} {int(figures['sentences']):>9,} {cells} {n / total:>14,.0f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())

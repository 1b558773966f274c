"""The source extractor is linear in a sentence's length and gives the results of the straightforward reading.

``find_attribution`` used to re-read the whole prefix of the sentence for each
cue word (split it, search it for clause breaks, strip it), so an unpunctuated
paragraph of 200k characters took seconds and one of 2M characters minutes.
The extractor now answers those prefix questions from an index built once per
sentence. This module keeps the straightforward reading (the former code) as a
reference and checks, sentence by sentence, that the two agree: on
project-written sentences, on generated ones full of the edge cases (quotes,
commas, dashes, fillers, odd whitespace), and on sentences and whole paragraphs
of the research corpora when the data directory is there. Speed itself is
measured by ``bench/source_extraction.py``; here the work done per cue is
counted, so a return to quadratic reading fails without any timing.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import pytest

from attribution import profile, sources
from attribution.corpora import DataMissingError, resolve_data_dir
from attribution.lexicon import cue_forms
from attribution.sources import (
    _CLAUSE_BREAK,
    _DETERMINERS,
    _LEADING_FILLER,
    _PASSIVE,
    _TRAILING_FILLER,
    _WORD,
    ANONYMITY_PHRASES,
    HEARSAY_MARKERS,
    STRONG_VERBS,
    Attribution,
    Span,
    _trim,
    find_attribution,
    type_source,
)

REPO = Path(__file__).resolve().parents[1]


# --- the reference: the straightforward reading of the whole prefix, as the extractor did it before ---------------

def ref_subject_before(text: str, cue_start: int) -> Span | None:
    region_end = cue_start
    for _ in range(3):
        before = text[:region_end]
        breaks = list(_CLAUSE_BREAK.finditer(before.rstrip()))
        clause_start = breaks[-1].end() if breaks else 0
        clause = before[clause_start:]
        stripped = clause.strip()
        first = stripped.split(" ", 1)[0].lower() if stripped else ""
        if breaks and (first.endswith("ing") or first in {"who", "which", "speaking", "citing"} or not stripped):
            region_end = breaks[-1].start()
            continue
        lead = _LEADING_FILLER.match(stripped)
        while lead and lead.group():
            stripped = stripped[lead.end():]
            lead = _LEADING_FILLER.match(stripped)
        stripped = _TRAILING_FILLER.sub("", stripped).strip()
        if not stripped or len(stripped.split()) > 9:
            return None
        offset = text.find(stripped, clause_start)
        start, end = _trim(text, offset, offset + len(stripped))
        return Span(text[start:end], start, end) if end > start else None
    return None


def ref_phrase_after(text: str, pos: int) -> Span | None:
    rest = text[pos:]
    match = re.match(r"\s*([^,.;:\"“”()—]{1,80})", rest)
    if not match:
        return None
    phrase = re.split(r"\s+(that|on|in|at|last|this|after|before|when|while|during|because)\s", match.group(1))[0]
    start, end = _trim(text, pos + match.start(1), pos + match.start(1) + len(phrase))
    if end <= start or len(text[start:end].split()) > 9:
        return None
    return Span(text[start:end], start, end)


def ref_find_attribution(text: str) -> Attribution | None:
    anonymity = ref_find_phrase(text, ANONYMITY_PHRASES)
    hearsay = ref_find_phrase(text, HEARSAY_MARKERS)
    according = re.search(r"\baccording to\b|\bciting\b", text, re.IGNORECASE)
    source: Span | None = None
    cue: Span | None = None
    if according and not (hearsay and hearsay.start <= according.start() < hearsay.end):
        cue = Span(according.group(), according.start(), according.end())
        source = ref_phrase_after(text, according.end())
    else:
        for match in _WORD.finditer(text):
            word = match.group().lower()
            if word not in cue_forms() or word.endswith("ing") and word != "saying":
                continue
            if hearsay and hearsay.start <= match.start() < hearsay.end:
                continue
            if match.group()[0].isupper():
                continue
            previous = text[: match.start()].split()[-1:] or [""]
            if previous[0].lower() in _DETERMINERS:
                continue
            if previous[0].lower() in _PASSIVE:
                continue
            strong = word in STRONG_VERBS
            inverted = bool(re.search(r"[\"”’]\s*,?\s*$|,\s*[\"”]\s*$", text[: match.start()]))
            candidate = None if inverted else ref_subject_before(text, match.start())
            if candidate is None and inverted is False and not strong:
                continue
            if candidate is None:
                candidate = ref_phrase_after(text, match.end())
                if candidate and type_source(candidate.text) == "none":
                    candidate = None
            if candidate is None:
                continue
            kind = type_source(candidate.text)
            if not strong and kind == "named" and not candidate.text[:1].isupper():
                continue
            cue, source = Span(match.group(), match.start(), match.end()), candidate
            break
    if source is None and cue is None and anonymity is None and hearsay is None:
        return None
    kind = type_source(source.text) if source is not None else "none"
    return Attribution(source, cue, kind, anonymity, hearsay)


def ref_find_phrase(text: str, phrases: tuple[str, ...]) -> Span | None:
    lowered = text.lower()
    best: Span | None = None
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            if best is None or match.start() < best.start:
                best = Span(text[match.start() : match.end()], match.start(), match.end())
            break
    return best


# --- sentences -------------------------------------------------------------------------------------------------

WRITTEN = [
    "Officials said the talks stalled.",
    "A senior official, speaking on condition of anonymity, said the plan would be delayed.",
    "Mayor Dana Whitfield said the bridge needed repairs.",
    '"We either pay now or we pay much more later," she told reporters after the vote.',
    '"It is fine," said Geoff Johnston, an analyst at the bank.',
    "“It is fine”, said Geoff Johnston.",
    "The report shows that corrosion has spread, according to documents released by the council.",
    "Two council members who opposed the measure argued that a toll would fall hardest on commuters.",
    "The mayor's office declined to comment on the timing.",
    "We were told the bridge would close.",
    "The plan calls for a new toll.",
    "Engineers believe the corrosion has spread.",
    "And then the minister also said the talks would resume.",
    "But officials, who had previously denied it, have also confirmed the deal.",
    "The company -- which has repeatedly denied wrongdoing -- said it would appeal.",
    "Investigators from the National Anti-Corruption Bureau said the minister took bribes.",
    "A House Democratic aide said the vote would slip.",
    "The minister is said to have resigned.",
    "He reportedly told aides that he would run.",
    "People familiar with the matter said the deal was close, citing internal documents.",
    "Smith Jr. said the deal was off.",
    "Acme Inc. said profits fell.",
    "J. Smith said it.",
    "Critics (including some Republicans) said the bill went too far.",
    "The senator [D-N.Y.] said: the bill is dead.",
    "In a statement, the State Department said the talks were productive.",
    "Citing security concerns, police said the road would stay closed.",
    "Speaking to reporters, the governor said she would sign the bill.",
    "The ruling, which the judge issued on Monday, said the law was void.",
    "One official—who asked not to be named—said the offer was final.",
    "and said",
    "said",
    "",
    "   ",
    ", said",
    '"," said',
    "who said that",
]

_VOCAB = (
    "said says told tell believe believes plan plans show shows call calls argued reply replied wrote noted "
    "warned saying added according to citing reportedly allegedly is said to was told "
    "and but or so also then however still has have had would will not never publicly recently quickly "
    "who which that speaking citing the a an this his their some two officials official source sources aide "
    "person people analyst spokesman report police court Smith Ms. Ruiz Mr. Putin Dr. Jones the State Department "
    "Jr. Inc. Co. J. on condition of anonymity familiar with the matter briefed İng İNG speakİNG "
    "X Y z 2016 $400 million"
).split()
_PUNCT = [",", ";", ":", "(", ")", '"', "“", "”", "’", "'", "—", "--", "[", "]", ".", "-", ",,"]
_SEPARATORS = [" ", " ", " ", " ", "  ", "\t", "\u00a0", "", " -- ", ", ", " ,", '" ', ' "', "\u2009"]


def generated(count: int, seed: int, max_tokens: int = 40) -> list[str]:
    """Random sentences over news words, cue words, fillers, punctuation and odd whitespace."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, max_tokens)):
            parts.append(rng.choice(_PUNCT) if rng.random() < 0.2 else rng.choice(_VOCAB))
            parts.append(rng.choice(_SEPARATORS))
        out.append("".join(parts))
    return out


def corpus_texts(limit_articles: int = 120) -> list[str]:
    """Paragraphs of PolNeAR articles and BBC News articles from the data directory (read at test time)."""
    try:
        root = resolve_data_dir()
    except DataMissingError as missing:
        pytest.skip(f"research data not available: {missing}")
    texts: list[str] = []
    for path in sorted((root / "polnear").glob("*/text/*.txt"))[:limit_articles]:
        texts.append(path.read_text(encoding="utf-8"))
    bbc = root / "bbc_news" / "bbc_news_articles.jsonl.gz"
    if bbc.exists():
        with gzip.open(bbc, "rt", encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for _, line in zip(range(limit_articles), handle, strict=False))
    if not texts:
        pytest.skip(f"no PolNeAR or BBC News texts under {root}")
    return texts


def _pieces(texts: list[str]) -> list[str]:
    """Each paragraph whole, and cut at sentence ends by a plain regex (independent of the project's splitter)."""
    out = []
    for text in texts:
        for paragraph in re.split(r"[\r\n]+", text):
            if paragraph.strip():
                out.append(paragraph)
                out.extend(s for s in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", paragraph) if s.strip())
    return out


def _assert_same(texts: list[str]) -> None:
    differences = [t for t in texts if find_attribution(t) != ref_find_attribution(t)]
    assert differences == [], f"{len(differences)} of {len(texts)} differ, first: {differences[0]!r}"


def _assert_same_helpers(texts: list[str]) -> None:
    """The helpers agree at every cue-word position (not only where find_attribution stops)."""
    for text in texts:
        index = sources._Index(text)
        for match in _WORD.finditer(text):
            assert sources._subject_before(text, match.start(), index) == ref_subject_before(text, match.start()), (
                text, match.start())
            assert sources._phrase_after(text, match.end()) == ref_phrase_after(text, match.end()), (text, match.end())
            expected = bool(re.search(r"[\"”’]\s*,?\s*$|,\s*[\"”]\s*$", text[: match.start()]))
            assert sources._inverted(text, index, match.start()) == expected, (text, match.start())
            assert sources.find_phrase(text[match.start():], HEARSAY_MARKERS) == ref_find_phrase(
                text[match.start():], HEARSAY_MARKERS)
            assert index.last_word(match.start()) == (text[: match.start()].split()[-1:] or [""])[0]


def test_written_sentences_agree_with_the_reference():
    _assert_same(WRITTEN)
    _assert_same_helpers(WRITTEN)


@pytest.mark.parametrize("seed", range(4))
def test_generated_sentences_agree_with_the_reference(seed):
    texts = generated(1500, seed)
    _assert_same(texts)
    _assert_same_helpers(texts[:300])


def test_long_generated_paragraphs_agree_with_the_reference():
    """Clauses of up to a few hundred words between breaks, where the clause cap could matter."""
    _assert_same(generated(40, 99, max_tokens=400))


def test_corpus_sentences_and_paragraphs_agree_with_the_reference():
    pieces = _pieces(corpus_texts())
    _assert_same(pieces)
    _assert_same_helpers([p for p in pieces if len(p) < 300][:1000])


class _Counting:
    """A stand-in for a module regex that adds up the length of every string it is asked to read."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern = pattern
        self.chars = 0

    def __getattr__(self, name):
        method = getattr(self.pattern, name)

        def counted(*args, **kwargs):
            strings = [a for a in args if isinstance(a, str)]
            self.chars += len(strings[-1]) if strings else 0
            return method(*args, **kwargs)

        return counted


def test_work_per_cue_does_not_grow_with_the_prefix(monkeypatch):
    """On an unpunctuated paragraph every cue fails to find a speaker; the text read must stay linear."""
    words = ("engineers believe the corrosion has spread to three supports and officials plan to show the full "
             "report to residents which critics call a disaster for the region while the mayor said the bridge "
             "needed new steel beams for most of its lanes ")
    text = words * 60  # about 12,000 characters, some 300 cue words, no clause break at all
    counters = {name: _Counting(getattr(sources, name)) for name in ("_CLAUSE_BREAK", "_LEADING_FILLER",
                                                                      "_TRAILING_FILLER")}
    for name, counter in counters.items():
        monkeypatch.setattr(sources, name, counter)
    sources.find_attribution(text)
    read = sum(c.chars for c in counters.values())
    assert read <= 10 * len(text), f"read {read:,} characters for a {len(text):,}-character sentence"


# --- the profile's merge of named sources: the role look-up is indexed instead of scanning every source ------------

class _ScanningNamedSources(profile._NamedSources):
    """The former role look-up: scan every source, latest first, for a mention that starts with the role."""

    def _by_role(self, mention):
        role = profile._DETERMINER.sub("", mention.strip()).lower()
        for entry in reversed(self.entries):
            if any(m.lower().startswith(role + " ") for m in entry["mentions"]):
                return entry
        return None


_MENTIONS = ["Vladimir Putin", "Putin", "Mr. Putin", "Russian President Vladimir Putin", "the Russian president",
             "the president", "President Obama", "Vice President Kamala Harris", "Kamala Harris", "the vice president",
             "Harris", "John Smith", "Mary Smith", "Smith", "the company", "Company spokesman Al Roe", "the spokesman",
             "Acme Corp.", "the Acme", "The Company", "Gov. Jerry Brown", "the gov.", "Brown", "the governor",
             "Governor Brown", "the Governor of Texas", "Governor of Texas Greg Abbott", "the mayor", "Mayor Ana Ruiz"]


@pytest.mark.parametrize("seed", range(20))
def test_profile_merges_sources_as_the_scanning_reading_did(seed):
    rng = random.Random(seed)
    mentions = [rng.choice(_MENTIONS) for _ in range(rng.randint(1, 60))]
    fast, slow = profile._NamedSources(), _ScanningNamedSources()
    for mention in mentions:
        fast.add(mention)
        slow.add(mention)
    assert fast.entries == slow.entries, mentions


def test_profile_role_lookup_does_not_scan_every_source():
    """With thousands of named sources, a role mention must not read every earlier source's mentions."""
    named = profile._NamedSources()
    for i in range(3000):
        named.add(f"Officer Dana Name{i}")
    reads = 0
    original = str.lower

    class Counted(str):
        def lower(self):
            nonlocal reads
            reads += 1
            return original(self)

    for entry in named.entries:
        entry["mentions"] = [Counted(m) for m in entry["mentions"]]
    named.add("the press officer")
    assert reads == 0

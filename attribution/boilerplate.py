"""The learned boilerplate detector: a logistic regression over a page's lines, scored in pure Python.

The cleaning rules (:mod:`attribution.cleaning_rules`) remove the sure cases; the detector looks at each line the
rules kept and gives the probability that it is page furniture rather than article text, from what the line and
its neighbours look like: where it sits on the page, its length and token count, how much of it is an address,
title case, capitals or digits, how it ends, whether the lines around it were removed by a rule or are short
too, whether it repeats on the page, and which words it holds (words such as "inbox", "printable" or "Getty"
are learned from labelled furniture). Each document is judged on its own page alone, so a result never depends
on the other articles of a run.

The weights are a small JSON file in the package (``cleaning_detector.json``), fitted by
``python -m attribution.training.train_boilerplate`` (the ``[train]`` extra); scoring needs no library beyond
the standard one. A line is removed when its probability reaches the file's ``threshold``, which the training
command chose on held-out documents so that content is almost never removed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DETECTOR_PATH = Path(__file__).with_name("cleaning_detector.json")
FORMAT_VERSION = 1

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+", re.UNICODE)
_TOKEN = re.compile(r"\S+")
_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|org|net|co\.uk|gov|edu|int)\b(?:/\S*)?", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_SEPARATOR = re.compile(r"\s[|•·>/]\s|\s[-–—]\s")
_END_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’]?\s+[A-Z\"“]")
_PAGE_COUNT = re.compile(r"\b\d{1,3}\s*/\s*\d{1,3}$|\bpage \d+( of \d+)?$", re.IGNORECASE)
_LABEL = re.compile(r"[^\W\d_][\w'’-]*(\s+[\w'’-]+){0,2}\s*:\s+\S")  # "Photo: ...", "Read more: ..."
_CAPS_LABEL = re.compile(r"[A-Z]{2,}(\s+[A-Z]{2,}){0,2}\s*:")  # "ALSO SEE:", "WATCH:"
_DASH_RUN = re.compile(r"\S\s*[-=_*~]{3,}\s*\S|^[-=_*~]{3,}\s*\w")  # "Programs ------ RADIO ------ AM"
_CAPS_RUN_IN = re.compile(r"[A-Z]{2,}[A-Z'’-]*(\s+[A-Z]{2,}[A-Z'’-]*)+\s+[A-Z][a-z]")  # "DARFUR VIOLENCE An Arab ..."
_NAME_LINKS = frozenset({"and", "al", "el", "de", "da", "di", "du", "van", "von", "der", "bin", "ibn", "la", "le"})
_SLASH_NAME = re.compile(r"\w\s?/\s?[A-Z]")  # "Name/Getty", "Name / Reuters"
_NORMAL = re.compile(r"[\W_]+", re.UNICODE)
_SHORT = 60  # characters: a line under this without closing punctuation reads like a label, link or heading
_WINDOW = 3  # lines either side that the run-of-short-lines and removed-nearby features look at


def _shape(line: str) -> dict[str, float]:
    """Features of one line on its own (all in [0, 1] or small counts, so one scale suits them)."""
    tokens = _TOKEN.findall(line)
    words = _WORD.findall(line)
    alpha = [w for w in words if not w.isdigit()]
    n_alpha = max(1, len(alpha))
    url_chars = sum(len(m) for m in _URL.findall(line))
    digits, alnum = sum(map(str.isdigit, line)), sum(map(str.isalnum, line))  # map: C speed, one pass each
    at, slash = "@" in line, "/" in line  # cheap tests before the patterns that need these characters
    stripped = line.rstrip()
    ends_sentence = bool(_END_SENTENCE.search(stripped))
    feats = {
        "len_log": math.log1p(len(line)) / 7.0,
        "tokens_log": math.log1p(len(tokens)) / 5.0,
        "len_lt20": float(len(line) < 20),
        "len_lt40": float(len(line) < 40),
        "len_lt80": float(len(line) < 80),
        "len_gt200": float(len(line) > 200),
        "title_share": sum(w[0].isupper() for w in alpha) / n_alpha,
        "upper_share": sum(w.isupper() and len(w) > 1 for w in alpha) / n_alpha,
        "digit_share": digits / max(1, len(line)),
        "punct_share": (len(line) - alnum - sum(map(str.isspace, line))) / max(1, len(line)),
        "url_share": url_chars / max(1, len(line)),
        "has_url": float(url_chars > 0),
        "has_email": float(at and bool(_EMAIL.search(line))),
        "has_handle": float(at and bool(_HANDLE.search(line))),
        "separators": min(4, len(_SEPARATOR.findall(line))) / 4.0,
        "ends_sentence": float(ends_sentence),
        "ends_colon": float(stripped.endswith(":")),
        "ends_bare": float(not ends_sentence and not stripped.endswith((":", ",", ";"))),
        "short_bare": float(len(line) < _SHORT and not ends_sentence),
        "starts_lower": float(line[:1].islower()),
        "starts_bullet": float(line[:1] in "-–—•*·>"),
        "bare_bullet": float(bool(re.fullmatch(r"[-–—•*·>]+\.?", stripped))),
        "has_quote": float(any(c in line for c in "\"“”")),
        "inner_sentences": min(3, len(_INNER_SENTENCE.findall(line))) / 3.0,
        "page_count": float(("/" in stripped or "page" in stripped.casefold()) and bool(_PAGE_COUNT.search(stripped))),
        "has_slash_name": float(slash and bool(_SLASH_NAME.search(line))),
        "has_paren": float("(" in line),
        "all_caps_start": float(bool(re.match(r"[A-Z]{3,}", line))),
        "label_colon": float(bool(_LABEL.match(line))),
        "dash_run": float(bool(_DASH_RUN.search(line))),
        "caps_run_in": float(line[:2].isupper() and bool(_CAPS_RUN_IN.match(line))),
        "names_only": float(2 <= len(alpha) <= 12 and all(w[0].isupper() or w.casefold() in _NAME_LINKS for w in alpha)
                            and not line.rstrip().endswith(("?", "!", ":"))),
        "caps_label_colon": float(bool(_CAPS_LABEL.match(line))),
    }
    return feats


def _words(line: str) -> set[str]:
    """The line's words, lower-cased, numbers folded to one token; the first and last word marked too (word pairs
    were tried and dropped: they added thousands of weights and no held-out recall)."""
    words = [("0" if w.isdigit() else w.casefold().replace("’", "'")) for w in _WORD.findall(line)]
    out = {f"w:{w}" for w in words}
    if words:
        out.add(f"first:{words[0]}")
        out.add(f"last:{words[-1]}")
    return out


def _normal(line: str) -> str:
    return _NORMAL.sub(" ", line.casefold()).strip()


def page_features(lines: Sequence[str], removed: Sequence[bool]) -> list[dict[str, float]]:
    """One sparse feature mapping per line of a page; ``removed[i]`` says whether a rule removed line ``i``.

    The features of line ``i`` are its own shape and words, its position on the page, the shape of the lines
    before and after it, how many lines near it a rule removed or are short and bare, and whether its text
    occurs again on the page (a block printed twice, a caption repeating the body).
    """
    n = len(lines)
    shapes = [_shape(line) for line in lines]
    normals = [_normal(line) for line in lines]
    counts: dict[str, int] = {}
    for key in normals:
        counts[key] = counts.get(key, 0) + 1
    page = "\n".join(normals)  # a normalised line holds no line break, so a count never spans two lines
    pairs: dict[tuple[str, str], int] = {}
    for pair in zip(normals, normals[1:], strict=False):
        pairs[pair] = pairs.get(pair, 0) + 1
    total_chars = max(1, sum(len(line) for line in lines))
    before = 0
    out: list[dict[str, float]] = []
    for i, line in enumerate(lines):
        feats: dict[str, float] = dict(shapes[i])
        feats["pos"] = i / max(1, n - 1)
        feats["chars_before"] = before / total_chars
        before += len(line)
        feats["first_line"] = float(i == 0)
        feats["last_line"] = float(i == n - 1)
        feats["top3"] = float(i < 3)
        feats["bottom3"] = float(n - 1 - i < 3)
        feats["few_lines"] = float(n < 6)
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < n:
                s = shapes[j]
                feats[f"{side}:short_bare"] = s["short_bare"]
                feats[f"{side}:ends_sentence"] = s["ends_sentence"]
                feats[f"{side}:ends_colon"] = s["ends_colon"]
                feats[f"{side}:len_log"] = s["len_log"]
                feats[f"{side}:title_share"] = s["title_share"]
                feats[f"{side}:has_url"] = s["has_url"]
                feats[f"{side}:removed"] = float(removed[j])
            else:
                feats[f"{side}:none"] = 1.0
        window = [j for j in range(max(0, i - _WINDOW), min(n, i + _WINDOW + 1)) if j != i]
        if window:
            feats["near_removed"] = sum(removed[j] for j in window) / len(window)
            feats["near_short_bare"] = sum(shapes[j]["short_bare"] for j in window) / len(window)
        key = normals[i]
        feats["repeated"] = float(bool(key) and counts[key] > 1)
        # A short line printed twice is a menu or a link list (a paragraph printed twice is the duplicate rule's,
        # and its first copy is the article's).
        feats["repeated_short"] = float(bool(key) and counts[key] > 1 and len(key) < 40)
        # Two short lines that occur together again on the page: a link list or a bar printed twice.
        feats["repeated_run"] = float(len(line) < _SHORT and any(
            0 <= a and b < n and pairs[(normals[a], normals[b])] > 1 for a, b in ((i - 1, i), (i, i + 1))))
        feats["inside_other"] = float(len(key) >= 20 and page.count(key) > counts[key])
        for name in _words(line):
            feats[name] = 1.0
        out.append(feats)
    return out


def _reads_like_prose(line: str) -> bool:
    return len(line) >= 40 and bool(_END_SENTENCE.search(line.rstrip()))


def candidates(lines: Sequence[str], removed: Sequence[bool]) -> list[bool]:
    """Which lines the detector may remove: those the rules kept, except a headline: the first line kept when the
    next line kept reads like prose (or there is none). A headline looks like furniture, short and bare; a menu
    or a notice at the top of a page is followed by more furniture or by the headline, not by prose."""
    kept = [i for i, gone in enumerate(removed) if not gone]
    may = [not gone for gone in removed]
    if kept and (len(kept) == 1 or _reads_like_prose(lines[kept[1]])):
        may[kept[0]] = False
    return may


@dataclass
class BoilerplateDetector:
    """Fitted weights: a bias, one weight per feature name, and the probability from which a line is removed."""

    weights: dict[str, float]
    bias: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        score = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        z = math.exp(score)
        return z / (1.0 + z)

    def page_probabilities(self, lines: Sequence[str], removed: Sequence[bool]) -> list[float]:
        """The probability of each line of a page being boilerplate (``removed``: the lines a rule removed)."""
        return [self.probability(f) for f in page_features(lines, removed)]

    def to_dict(self) -> dict:
        return {"format": FORMAT_VERSION, "bias": self.bias, "threshold": self.threshold, "meta": self.meta,
                "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_dict(cls, data: dict) -> BoilerplateDetector:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"boilerplate detector format {data.get('format')!r}; this version reads "
                             f"{FORMAT_VERSION} (retrain with python -m attribution.training.train_boilerplate)")
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   float(data["threshold"]), dict(data.get("meta") or {}))

    def save(self, path: Path | str) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> BoilerplateDetector:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_detector() -> BoilerplateDetector | None:
    """The shipped detector, or ``None`` when the package carries none (the cleaner then runs its rules only)."""
    if not DETECTOR_PATH.exists():
        return None
    return BoilerplateDetector.load(DETECTOR_PATH)

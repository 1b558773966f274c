"""One span convention for every source of source and cue spans, so that they can train one model.

``python -m attribution.training.check_spans`` compares the spec readers' spans with PolNeAR's on the same
articles. The convention the project keeps (``docs/labels.md``, "Source and cue spans") is the one the
evaluation set, the first two spec rounds and PolNeAR's sources already share:

- **source**: the mention as written, *with* an apposition or relative clause that describes it
  ("John Ryder, the RNC's chief counsel", "a Mexican official who was not authorized to speak publicly"),
  without a possessive ending or a passive "by";
- **cue**: the reporting verb *with* its auxiliaries and the adverbs between them ("has said", "have also
  discovered"), or the fixed phrase ("according to", "reportedly").

Two sources differ from it in a regular way, and are moved to it here (offsets only, labels never change):

- PolNeAR's cues leave auxiliaries out ("said" of "has said") and take in a negation or a colon ("don't
  think", "said:"): :func:`cue_span` moves them;
- the readers of spec round 3 were asked for the head mention only ("John Ryder" of "John Ryder, the RNC's
  chief counsel, said"): :func:`extend_source` takes in the apposition or relative clause that stands between
  the mention and its cue, or ends the sentence after an inverted cue ("..., said John Ryder, the RNC's chief
  counsel.").
"""

from __future__ import annotations

import re

_AUXILIARY = {"has", "have", "had", "is", "are", "was", "were", "will", "would", "could", "can", "may", "might",
              "should", "must", "do", "does", "did", "has been", "been", "be"}
_BETWEEN = {"also", "not", "never", "repeatedly", "previously", "already", "since", "long", "often", "now",
            "recently", "publicly", "privately", "later", "earlier", "still", "just", "once", "even"}
_POSSESSIVE = re.compile(r"(?:'s|\u2019s)$")
_LEADING_BY = re.compile(r"^by\s+", re.IGNORECASE)
_APPOSITION = re.compile(r"^,\s+(?!and\b|but\b|or\b|[\"\u201c\u2018])([^\"\u201c\u201d]+?),?\s*$")
_RELATIVE = re.compile(r"^\s+(?:who|whose|which)\b[^\"\u201c\u201d]+?,?\s*$")
_TAIL = re.compile(r"^,\s+(?!and\b|but\b|or\b)([^\"\u201c\u201d,]+?(?:,[^\"\u201c\u201d,]+?)?)[.!?]?[\"\u201d]?\s*$")
_CUE_NEGATION = re.compile(
    r"^(?:(?:['\u2019]s|don['\u2019]t|doesn['\u2019]t|didn['\u2019]t|do not|does not|did not|not)\s+)+", re.IGNORECASE)


def source_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A PolNeAR Source span moved to the convention: no passive "by", no possessive ending."""
    s, e = start, end
    lead = _LEADING_BY.match(text[s:e])
    if lead and lead.end() < e - s:
        s += lead.end()
    possessive = _POSSESSIVE.search(text[s:e])
    if possessive and possessive.start() > 0:
        e = s + possessive.start()
    return s, e


def cue_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A PolNeAR Cue span with the auxiliaries (and the adverbs between them) written just before it, without a
    leading negation or possessive ending and a trailing colon."""
    while end > start and text[end - 1] in " :;,":
        end -= 1
    lead = _CUE_NEGATION.match(text[start:end])
    if lead and lead.end() < end - start:
        start += lead.end()
    s = start
    words = list(re.finditer(r"\S+", text[max(0, start - 60):start]))
    offset = max(0, start - 60)
    taken = s
    for word in reversed(words[-3:]):
        token = word.group().lower()
        if text[offset + word.end():taken].strip():
            break
        if token in _AUXILIARY:
            s = taken = offset + word.start()
        elif token in _BETWEEN:
            taken = offset + word.start()
        else:
            break
    return s, end


def extend_source(text: str, start: int, end: int, cue: tuple[int, int] | None, unit_end: int) -> tuple[int, int]:
    """A head-mention source (spec round 3) extended over its apposition or relative clause."""
    if cue is not None and cue[0] >= end:
        gap = text[end:cue[0]]
        match = _APPOSITION.match(gap) or _RELATIVE.match(gap)
        if match:
            return start, end + len(gap.rstrip().rstrip(","))
        return start, end
    tail = text[end:unit_end]
    match = _TAIL.match(tail)
    if match and (cue is None or cue[1] <= start):
        return start, end + match.end(1)
    return start, end

"""BRAT stand-off annotation files: text-bound spans (``T``), events (``E``) and notes (``#``).

PolNeAR stores one attribution per event line ``E<n>\tAttribution:T<a> Content:T<c> Cue:T<q> Source:T<s>``.
Spans may be discontinuous (``T1\tContent 10 20;25 40\t...``) and their covered text may cross line breaks,
so a line that does not start a new ``T``/``E``/``#``/``R``/``A`` record continues the previous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_RECORD = re.compile(r"^([TERAN#]\d+)\t")


@dataclass(frozen=True)
class TextSpan:
    """A text-bound annotation: type and one or more (start, end) fragments in the document."""

    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any fragment shares at least one character with ``[start, end)``."""
        return any(s < end and start < e for s, e in self.fragments)

    def overlap_chars(self, start: int, end: int) -> int:
        return sum(max(0, min(e, end) - max(s, start)) for s, e in self.fragments)


@dataclass(frozen=True)
class Event:
    """An event (relation): its type, its trigger span id and its role → span id arguments."""

    id: str
    type: str
    trigger: str
    args: dict[str, str] = field(default_factory=dict)


@dataclass
class BratDocument:
    spans: dict[str, TextSpan]
    events: list[Event]
    notes: list[str]


def _parse_fragments(spec: str) -> tuple[tuple[int, int], ...]:
    fragments = []
    for piece in spec.split(";"):
        start, end = piece.split()
        fragments.append((int(start), int(end)))
    return tuple(fragments)


def _records(content: str) -> list[str]:
    """Join continuation lines (span text crossing a line break) onto the record they belong to."""
    records: list[str] = []
    for line in content.split("\n"):
        if _RECORD.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return [r for r in records if r.strip()]


def parse_brat(content: str) -> BratDocument:
    """Parse the content of a ``.ann`` file."""
    spans: dict[str, TextSpan] = {}
    events: list[Event] = []
    notes: list[str] = []
    for record in _records(content):
        ident, _, rest = record.partition("\t")
        if ident.startswith("T"):
            header, _, text = rest.partition("\t")
            kind, _, offsets = header.partition(" ")
            fragments = _parse_fragments(offsets)
            covered = sum(e - s for s, e in fragments) + len(fragments) - 1
            if len(text) > covered:
                text = text.rstrip("\n")  # a blank line after the record, not covered text
            spans[ident] = TextSpan(ident, kind, fragments, text)
        elif ident.startswith("E"):
            parts = rest.split()
            trigger_type, _, trigger = parts[0].partition(":")
            args = {}
            for part in parts[1:]:
                role, _, target = part.partition(":")
                args[role] = target
            events.append(Event(ident, trigger_type, trigger, args))
        elif ident.startswith("#"):
            notes.append(rest.rstrip("\n"))
    return BratDocument(spans, events, notes)


def read_brat(path: str | Path) -> BratDocument:
    return parse_brat(Path(path).read_text(encoding="utf-8"))


def check_spans(doc: BratDocument, text: str) -> list[str]:
    """Ids of spans whose covered text does not match ``text`` at their offsets (fragments joined by space)."""
    bad = []
    for span in doc.spans.values():
        covered = " ".join(text[s:e] for s, e in span.fragments)
        if covered != span.text and "".join(text[s:e] for s, e in span.fragments) != span.text.replace(" ", ""):
            bad.append(span.id)
    return bad

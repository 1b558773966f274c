"""Repair of mojibake (UTF-8 read as Latin-1 / Windows-1252: "JosÃ© AndrÃ©s") with ftfy, every change reported.

Only encoding repairs are made (no quote straightening, no Unicode normalisation,
no HTML unescaping), so text that was decoded right is left exactly as it is.
Repairs are made word by word (runs between ASCII whitespace, which mojibake never
contains), so each one is a small, reportable edit: the report gives its offsets
in the input as read and in the repaired text, which is the text every later
offset indexes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ftfy import TextFixerConfig, fix_text

#: Encoding fixes only; everything ftfy would change in correctly decoded text is off.
_CONFIG = TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False, normalization=None, explain=False,
)
_WORD = re.compile(r"[^ \t\r\n]+")


@dataclass(frozen=True)
class Repair:
    """One repaired word: ``before`` at ``[orig_start, orig_end)`` of the input became ``after`` at
    ``[start, end)`` of the repaired text."""

    orig_start: int
    orig_end: int
    start: int
    end: int
    before: str
    after: str

    def to_dict(self) -> dict:
        return asdict(self)


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake repaired, and the repairs (none: the same string back)."""
    if text.isascii() or fix_text(text, _CONFIG) == text:
        return text, []
    pieces: list[str] = []
    repairs: list[Repair] = []
    cursor = shift = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        fixed = fix_text(word, _CONFIG)
        if fixed == word:
            continue
        pieces.append(text[cursor : match.start()])
        pieces.append(fixed)
        start = match.start() + shift
        repairs.append(Repair(match.start(), match.end(), start, start + len(fixed), word, fixed))
        shift += len(fixed) - len(word)
        cursor = match.end()
    pieces.append(text[cursor:])
    return "".join(pieces), repairs

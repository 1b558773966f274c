"""The label set of ../shared/LABELS.md, defined once for the whole project.

Every module that names a label imports it from here, so a renamed or added
label is a one-line change that the tests catch everywhere.
"""

from __future__ import annotations

DIRECT_FACT = "direct_fact"
REPORTED_CLAIM = "reported_claim"
ANONYMOUS_SOURCE_QUOTE = "anonymous_source_quote"

#: The three sentence labels, in the fixed order used for probability vectors,
#: confusion matrices and model heads.
LABELS: tuple[str, ...] = (DIRECT_FACT, REPORTED_CLAIM, ANONYMOUS_SOURCE_QUOTE)

#: Gold-only label for non-content lines (banners, disclaimers, footers); never predicted.
BOILERPLATE = "boilerplate"

LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))


def check_label(label: str, *, allow_boilerplate: bool = False) -> str:
    """Return ``label`` if it is one of the known labels, else raise ``ValueError`` naming them."""
    allowed = LABELS + ((BOILERPLATE,) if allow_boilerplate else ())
    if label not in allowed:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(allowed)}")
    return label

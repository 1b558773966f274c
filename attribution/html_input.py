"""HTML input: a scraped page reduced to its article text by trafilatura, before cleaning.

The extracted text (headline and paragraphs, one per line) becomes the document's
text, so every offset the pipeline reports indexes **the extracted text**, not the
HTML source. The page's title, author, site name and trafilatura's date estimate
go into the metadata as ``html_title``, ``html_author``, ``html_sitename`` and
``html_date``; the scraper-header ``date`` is never overwritten by a guess.
"""

from __future__ import annotations

import json
import logging

HTML_SUFFIXES = (".html", ".htm")
_METADATA = {"title": "html_title", "author": "html_author", "sitename": "html_sitename", "date": "html_date"}


def extract_article(html: str) -> tuple[str | None, dict[str, str]]:
    """``(article text, metadata)``; text ``None`` when the page holds no article text."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # per-page chatter is not the user's business
    extracted = trafilatura.extract(html, output_format="json", with_metadata=True, include_comments=False,
                                    include_tables=True, deduplicate=False)
    if not extracted:
        return None, {}
    data = json.loads(extracted)
    metadata = {key: str(data[field]) for field, key in _METADATA.items() if data.get(field)}
    text = data.get("text") or ""
    return (text if text.strip() else None), metadata

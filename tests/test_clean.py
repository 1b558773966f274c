from attribution.clean import clean
from attribution.cleaning_rules import LINE_RULES
from attribution.segment import segment

BODY = [
    "Lawmakers approved the budget on Thursday after a week of talks.",
    "The measure raises spending on schools by 4 percent, the finance committee said.",
    "A senior aide, speaking anonymously, said the governor would sign it.",
]


def _page(*lines: str) -> str:
    return "\n".join(lines)


def _kept(text: str) -> list[str]:
    result = clean(text)
    return [text[s:e] for s, e in result.content]


def test_scraped_page_made_by_test_keeps_headline_and_one_copy_of_body():
    page = _page(
        " date 2025-04-29 403",
        "Sorry!!",
        "Error! We're sorry, but the page you were looking for doesn't exist.",
        "Budget passes after long night",
        *BODY,
        *BODY,
        "Legal Disclaimer:",
        "The publisher provides the information without warranty of any kind.",
        "CommentsNo comment",
    )
    result = clean(page)
    kept = [page[s:e] for s, e in result.content]
    assert kept == ["Budget passes after long night", *BODY]
    rules = [r.rule for r in result.removed]
    assert rules == ["scrape_header", "error_banner", "error_banner", "duplicate", "duplicate", "duplicate",
                     "legal_disclaimer", "legal_disclaimer", "comments_footer"]
    for removal in result.removed:
        assert page[removal.start : removal.end].startswith(removal.text.rstrip("…"))
        assert removal.reason


def test_every_character_is_kept_or_reported():
    page = _page("Share this article", "Headline here", *BODY, "Advertisement", "© 2026 Example Media")
    result = clean(page)
    spans = sorted(result.content + [(r.start, r.end) for r in result.removed])
    covered = "".join(page[s:e] for s, e in spans)
    assert covered.replace(" ", "") == page.replace("\n", "").replace(" ", "")


def test_removals_are_reported_per_rule():
    page = _page("By Jane Doe and Sam Roe", "Photo: Reuters", *BODY, "Sign up for our daily newsletter",
                 "Print | Email | Share")
    report = clean(page).report()
    assert report["by_rule"] == {"byline": 1, "photo_credit": 1, "newsletter": 1, "share_menu": 1}
    assert report["removed_count"] == 4


def test_prose_that_resembles_boilerplate_is_kept():
    prose = [
        "By the end of the year, prices had risen by a third, the bank said in its report.",
        "Comments made by the minister on Monday drew an angry reply from the opposition benches.",
        "He said the page you were looking at was a forgery, according to court filings.",
    ]
    assert _kept(_page(*prose)) == prose


def test_short_repeated_lines_are_not_taken_for_duplicates():
    page = _page("Update:", BODY[0], "Update:", BODY[1])
    assert _kept(page) == ["Update:", BODY[0], "Update:", BODY[1]]


def test_rules_are_data_with_names_and_reasons():
    assert {r.name for r in LINE_RULES} >= {"scrape_header", "error_banner", "legal_disclaimer", "comments_footer",
                                            "copyright", "share_menu", "advertisement", "photo_credit",
                                            "newsletter", "byline"}
    assert all(r.reason for r in LINE_RULES)


def test_menafn_page_gives_headline_plus_13_unique_sentences(menafn_page):
    text = menafn_page.read_text(encoding="utf-8")
    result = clean(text)
    sentences = segment(text, result.content)
    assert len(sentences) == 14
    assert sentences[0].text == "White House gets ready for probable Trump-Kim discussions"
    assert len({s.text for s in sentences}) == 14
    for s in sentences:
        assert text[s.start : s.end] == s.text
        for banned in ("Sorry", "Error!", "Disclaimer", "MENAFN provides", "Comments", "2025-04-29"):
            assert banned not in s.text


def test_header_block_fields_sections_dates_and_appeals_are_removed():
    page = _page(
        "Headline: Budget passes after long night",
        "Date: 2026-03-01",
        "Publisher: Example Ledger",
        "Budget passes after long night",  # the body's copy of the headline
        "ABSTRACT.",
        "=====",
        "March 1, 2026",
        *BODY,
        "Funding for schools",  # a crosshead
        "The schools will hire 200 teachers next year, the district said.",
        "Home | World | Politics | Opinion",
        "More about Jane Doe",
        "Please give today.",
        "Get daily updates from Example Ledger!",
    )
    result = clean(page)
    kept = [page[s:e] for s, e in result.content]
    assert kept == ["Headline: Budget passes after long night", *BODY,
                    "The schools will hire 200 teachers next year, the district said."]
    assert [r.rule for r in result.removed] == [
        "header_field", "header_field", "duplicate", "section_label", "section_label", "dateline", "crosshead",
        "nav_menu", "author_bio", "donation_appeal", "newsletter"]


def test_short_first_line_is_the_headline_not_a_crosshead():
    assert _kept(_page("Talks stall", BODY[0])) == ["Talks stall", BODY[0]]

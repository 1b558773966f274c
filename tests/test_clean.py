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


def _kept(text: str, detector: bool = True) -> list[str]:
    result = clean(text, detector=detector)
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
    # The duplicate rule's limit; the detector (tests/test_boilerplate_detector.py) takes a bare "Update:" label.
    page = _page("Update:", BODY[0], "Update:", BODY[1])
    assert _kept(page, detector=False) == ["Update:", BODY[0], "Update:", BODY[1]]


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


def test_live_blog_credits_breadcrumbs_and_dated_lines_are_removed():
    # Shapes of page furniture that the spec annotators found leaking through (written here, not copied).
    noise = [
        ("3:45 p.m.", "dateline"), ("___.", "section_label"), ("—-", "section_label"),
        ("14 March 2005", "dateline"), ("02/04/2005 - 09:15:30", "dateline"),
        ("The Example Ledger: Mar. 2, 2005", "dateline"),
        ("Jane Roe/Getty Images.", "photo_credit"), ("Facebook/Jane Roe.", "photo_credit"),
        ("Jane Roe/LinkedIn.", "photo_credit"),
        ("To UNSUBSCRIBE, send a blank message to list@example.org.", "newsletter"),
        ("Sign up to get an email from reporter Jane Roe when she publishes a new story.", "newsletter"),
        ("Follow our reporter Jane Roe on Twitter at @janeroe.", "newsletter"),
        ("Jane Roe can be reached at 555-0100 or jroe@example.org", "credit_line"),
        ("John Doe contributed reporting from Springfield.", "credit_line"),
        ("(Additional reporting by John Doe)", "credit_line"),
        ("John Doe reported from Springfield.", "credit_line"),
        ("\ufeffThis is a developing story and will be updated.", "credit_line"),
        ("This story has been updated with reactions from the council.", "credit_line"),
        ("— Statehouse Correspondent Jane Roe.", "signature"), ("Roe reported from Springfield.", "credit_line"),
        ("Jane Roe writes for The Example Ledger.", "credit_line"),
        ("About us / Contact us / Advertising / Subscribe", "nav_menu"),
        ("Home > News > Local > Transport", "nav_menu"),
        ("(Full story)", "related_links"), ("(01 Aug 04 | Business )", "related_links"),
    ]
    page = _page(BODY[0], *[line for line, _ in noise], BODY[1])
    result = clean(page)
    assert [page[s:e] for s, e in result.content] == [BODY[0], BODY[1]]
    assert [r.rule for r in result.removed] == [rule for _, rule in noise]


def test_prose_near_the_new_rules_is_kept():
    prose = [
        "According to a Reuters/Ipsos poll, the two candidates are in a dead heat nationally.",
        "Police said the suspect can be reached only through his lawyer, who declined to comment.",
        "The mayor reported from the scene that the fire was under control by 3 p.m. on Sunday.",
        "He signed up to get an email alert whenever the council publishes its minutes.",
        "- The council will vote on the budget in March, officials said.",
        "Sales rose 4% / 5% / 6% in the three quarters, the company said.",
        "Two officials reported from Kabul.",
        # shapes a reviewer built against the first version of the credit, newsletter and menu rules
        "Diplomats believe a deal can be reached at next week's summit in Brussels.",
        "Contact tracing teams at the hospital have identified 40 further cases.",
        "CNN's Christiane Amanpour reported from Kabul that the city had fallen.",
        "The BBC's John Simpson reported from Baghdad.",
        "Boris Johnson writes for the Daily Telegraph, which pays him a large fee.",
        "To subscribe to the share offer, investors must apply by Friday, the company said.",
        "Follow the advice of health officials, the minister posted on Facebook on Sunday.",
        "- Bernie Sanders.",
        "- Northern Ireland",
        "Sources said the ratio was 3 > 2 > 1 in favour of the plan.",
        "Shares of Apple / Google / Amazon fell",
    ]
    # What the rules keep; the detector takes "- Bernie Sanders." and "- Northern Ireland" (the spec labels call a
    # dashed name under a paragraph a signature) and the bare headline-like last line.
    assert _kept(_page(BODY[0], *prose), detector=False) == [BODY[0], *prose]


def test_cleaning_check_counts_removed_boilerplate_and_lost_content():
    from attribution.training.check_cleaning import check_documents

    text = _page(BODY[0], "3:45 p.m.", "Gallery of the week", BODY[1])
    units = [{"start": text.index(line), "end": text.index(line) + len(line), "label": label}
             for line, label in ((BODY[0], "direct_fact"), ("3:45 p.m.", "boilerplate"),
                                 ("Gallery of the week", "boilerplate"), (BODY[1], "reported_claim"))]
    check = check_documents([("d", text, units)])
    assert (check.boilerplate_removed, check.boilerplate) == (2, 2)  # a timestamp and a crosshead
    assert (check.content_removed, check.content) == (0, 2)
    check = check_documents([("d", text, [{**units[0], "label": "boilerplate"}, units[1]])])
    assert check.leaked == [("d", units[0]["start"], units[0]["end"])]


def test_a_lone_carriage_return_ends_a_line_like_a_newline():
    """Old Mac line endings: each CR-separated line is judged on its own, and spans still index the original."""
    lines = ["Share this article", "Budget passes after long night", *BODY, "Advertisement"]
    expected = ["Budget passes after long night", *BODY]
    for newline in ("\n", "\r\n", "\r", "\r\r"):
        page = newline.join(lines) + newline
        kept = _kept(page)
        assert kept == expected, repr(newline)
        sentences = segment(page, clean(page).content)
        assert all(page[s.start : s.end] == s.text and "\r" not in s.text for s in sentences)
        assert len(sentences) == 4

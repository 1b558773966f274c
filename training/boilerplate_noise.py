"""Page noise the project makes itself, to train the boilerplate detector on kinds no labelled page shows enough of.

A scraped page carries more than its article: header fields, menus, share and print bars, promos ("What to know
about ...:" and a list of links), photo credits ("Name/Getty Images"), print footers (the page address and a page
number), bylines with a reporter's title, newsletter and cookie notices, bare bullets, blocks printed twice.
:func:`noisy_page` puts such lines, drawn at random from the templates below, around and between the lines of a
real article, and says which lines it added; the article's own lines keep their labels. Nothing here is taken
from a corpus: names, sites and topics are invented lists, so the detector learns the shapes, not one site.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

FIRST = ["Justin", "Claudia", "Maria", "Tom", "Aisha", "Kenji", "Laura", "Pedro", "Nina", "Samuel", "Olga",
         "David", "Fatima", "Chris", "Ingrid", "Rahul", "Emma", "Jonas", "Grace", "Victor", "Lena", "Omar"]
LAST = ["Sullivan", "Daut", "Okafor", "Brennan", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Kowalski", "Reyes",
        "Hughes", "Nakamura", "Fischer", "Osei", "Patel", "Novak", "Carvalho", "Walsh", "Haddad", "Berg"]
AGENCIES = ["Getty Images", "Reuters", "AP", "AFP", "EPA", "Bloomberg", "AFP via Getty Images", "Shutterstock",
            "PA Images", "Anadolu Agency", "NurPhoto", "Xinhua", "The Associated Press", "Alamy"]
SITES = ["example", "dailyherald", "metrotimes", "worldpost", "newsline", "thecourier", "citywire", "eveningstar",
         "globalreport", "the-ledger", "northgazette", "capitalnews"]
SECTIONS = ["business", "politics", "technology", "health", "world", "science", "sport", "climate", "education",
            "culture", "economy", "security"]
TOPICS = ["the tariff talks", "the election", "the storm", "the new budget", "bird flu", "the merger", "the trial",
          "the strike", "interest rates", "the ceasefire", "the recall", "the heatwave", "housing costs"]
WORDS = ["markets", "senate", "vote", "deal", "rates", "storm", "court", "plan", "city", "workers", "prices",
         "police", "talks", "school", "report", "leaders", "health", "energy", "border", "party", "bank", "drug"]
MENU = ["Home", "News", "World", "Business", "Politics", "Sport", "Opinion", "Culture", "Tech", "Science",
        "Health", "Travel", "Video", "Live", "Weather", "Lifestyle", "Markets", "Local", "Podcasts", "Newsletters"]
NEWSLETTERS = ["The Morning Briefing", "Business Daily", "our politics newsletter", "the Evening Edition",
               "Tech Weekly", "The Download", "Breaking News alerts", "the Climate Fix", "First Thing"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

Template = Callable[[random.Random], list[str]]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


SUBJECTS = ["the council", "a storm", "the central bank", "police", "the mayor", "voters", "the union", "shares",
            "the court", "lawmakers", "a new study", "the airline", "farmers", "the minister", "the city", "students"]
VERBS = ["closes", "rejects", "backs", "warns over", "to vote on", "plans", "cuts", "delays", "faces", "wins",
         "calls for", "hits", "blocks", "is set to approve", "opens", "questions"]
OBJECTS = ["the northern bridge", "new tax rules", "a second term", "rail fares", "the housing plan", "school meals",
           "the port for a week", "its annual report", "record losses", "the energy deal", "a pay rise",
           "plans for a new stadium", "the water supply", "an early election"]


def _headline(rng: random.Random) -> str:
    """A headline-shaped line: sometimes a few bare words, mostly a subject, a verb and an object."""
    if rng.random() < 0.2:
        text = " ".join(rng.sample(WORDS, rng.randint(2, 5)))
    else:
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        text = rng.choice(["", "", "", "Why ", "How ", "Watch: ", "Live: ", "Explained: "]) + text
        if rng.random() < 0.15:
            text += rng.choice(["?", " - live updates", " | Video", " (video)"])
    text = text[0].upper() + text[1:]
    return text.title() if rng.random() < 0.4 else text


def _url(rng: random.Random) -> str:
    slug = "-".join(rng.sample(WORDS, rng.randint(3, 6)))
    host = f"www.{rng.choice(SITES)}.{rng.choice(['com', 'co.uk', 'org', 'net'])}"
    path = rng.choice([f"/{rng.randint(2004, 2026)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{slug}",
                       f"/{rng.choice(SECTIONS)}/{slug}-{rng.randint(10000, 99999999)}", f"/news/{slug}.html"])
    return f"{rng.choice(['https://', 'http://', ''])}{host}{path}"


def _date(rng: random.Random) -> str:
    return rng.choice([f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2004, 2026)}",
                       f"{rng.randint(2004, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2004, 2026)}"])


def header_fields(rng: random.Random) -> list[str]:
    fields = [f"Title: {_headline(rng)}", f"URL: {_url(rng)}", f"Date: {_date(rng)}",
              f"Publisher: {rng.choice(SITES).title()}", f"Author: {_name(rng)}", f"Section: {rng.choice(MENU)}"]
    return rng.sample(fields, rng.randint(2, len(fields)))


def menu(rng: random.Random) -> list[str]:
    items = rng.sample(MENU, rng.randint(4, 9))
    style = rng.random()
    if style < 0.35:
        return items[: rng.randint(3, 6)]
    if style < 0.7:
        return [" ".join(items)]
    if style < 0.85:
        extra = rng.choice(["Skip to content", "Skip to main content", "Menu", "Search", "Sign in", "Subscribe"])
        return [extra, rng.choice([" ", " · ", "  "]).join(items)]
    dashes = rng.choice(["------", "---", "======", "***"])
    half = len(items) // 2
    return [f"{rng.choice(['Sections', 'Programs', 'Browse'])} {dashes} {items[0].upper()} {dashes} "
            + " ".join(items[1:half]), f"{dashes} {items[half].upper()} {dashes} " + " ".join(items[half + 1:])]


def share_bar(rng: random.Random) -> list[str]:
    nets = ["Facebook", "Twitter", "WhatsApp", "LinkedIn", "Email", "Print", "Copy link", "Reddit", "Messenger",
            "Pinterest", "Flipboard", "Share"]
    picked = rng.sample(nets, rng.randint(2, 6))
    style = rng.random()
    if style < 0.3:
        return [rng.choice(["Share this with ", "Share on ", "Share: "]) + " ".join(picked)]
    if style < 0.6:
        return [" ".join(picked)]
    return [rng.choice(["Share", "Share this article", "Share page", "Save", "Gift this article"])] + picked[:2]


def promo(rng: random.Random) -> list[str]:
    lead = rng.choice([f"What to know about {rng.choice(TOPICS)}:", f"More on {rng.choice(TOPICS)}:",
                       "Related coverage:", f"Latest on {rng.choice(TOPICS)}:", "Most read:", "Top stories:",
                       f"Everything we know about {rng.choice(TOPICS)}:", "You may also like:", "Trending now:"])
    bullet = rng.choice(["", "", "- ", "• "])
    return [lead] + [bullet + _headline(rng) for _ in range(rng.randint(2, 5))]


def see_also(rng: random.Random) -> list[str]:
    lead = rng.choice(["ALSO SEE", "READ MORE", "RELATED", "MORE", "WATCH", "LISTEN", "ALSO READ", "Read more",
                       "See also", "Also see", "SEE ALSO", "READ", "Related"])
    return [f"{lead}: {_headline(rng)}"]


def photo_credit(rng: random.Random) -> list[str]:
    name, agency = _name(rng), rng.choice(AGENCIES)
    return [rng.choice([f"{name}/{agency}", f"{name} / {agency} file", f"{name} / {agency}", f"Photo: {name}/{agency}",
                        f"(Photo by {name}/{agency})", f"Image source, {agency}", f"{agency}/{name}",
                        f"Photograph: {name}/{agency}", f"{name} | {agency}", f"{agency} file photo",
                        f"Image caption, {_headline(rng)}", f"{name}/{agency} file photo",
                        f"{name}, {rng.randint(19, 90)}.", f"{name} and {_name(rng)}.",
                        f"{name} (left), {rng.randint(19, 90)}",
                        f"{name}, {_name(rng)} and {_name(rng)}."])]


def print_footer(rng: random.Random) -> list[str]:
    total = rng.randint(2, 9)
    page = rng.randint(1, total)
    time = f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} {rng.choice(['AM', 'PM'])}"
    return [rng.choice([f"{_url(rng)} {page}/{total}", f"{_url(rng)}\t{page}/{total}",
                        f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(4, 26):02d}, {time} "
                        f"{_headline(rng)} | {rng.choice(SITES).title()}",
                        f"Page {page} of {total}", f"{_url(rng)}"])]


def run_in_heading(rng: random.Random) -> list[str]:
    """A page's box heading in capitals run into the first link or caption under it."""
    heading = rng.choice(["MORE HEADLINES", "IN PICTURES", "TOP STORIES", "MOST POPULAR", "FROM THE ARCHIVE",
                          "SPECIAL REPORT", "ELSEWHERE ON THE SITE", "KEY FACTS", "IN DEPTH"])
    return [f"{heading} {_headline(rng)}"] + [_headline(rng) for _ in range(rng.randint(0, 2))]


def byline(rng: random.Random) -> list[str]:
    org = rng.choice(["BBC News", "Reuters", "CNN", "The Herald", rng.choice(SITES).title()])
    role = rng.choice(["reporter", "correspondent", "editor", "staff writer", "analyst"])
    return [rng.choice([f"{org} {rng.choice(SECTIONS)} {role}", f"{_name(rng)}, {org}", f"{_name(rng)}",
                        f"{_name(rng)} {rng.choice(SECTIONS).title()} {role}", f"{_name(rng)} and {_name(rng)}",
                        f"Published {rng.randint(2, 23)} hours ago", f"By {_name(rng)}, {org}",
                        f"{rng.randint(2, 12)} min read", f"{_name(rng)} is a {org} {role}."])]


def newsletter(rng: random.Random) -> list[str]:
    name = rng.choice(NEWSLETTERS)
    first = rng.choice([f"Sign up for {name}", f"Get {name} in your inbox", f"Subscribe to {name}",
                        f"Sign up for {name}, our free newsletter", "Enter your email address",
                        f"Want more? Sign up for {name}."])
    rest = rng.sample(["Get it sent to your inbox.", "You can unsubscribe at any time.", "Thank you for signing up!",
                       "Sign up", "Enter your email", "Privacy notice", "Sent every weekday morning."],
                      rng.randint(0, 2))
    return [first, *rest]


def email_print(rng: random.Random) -> list[str]:
    return [rng.choice(["Email this story to a friend | Printable Version", "Printable Version",
                        "Email this story to a friend", "Print this article", "E-mail to a friend",
                        "Printer-friendly version", "Send to a friend | Print", "Print Email Font size",
                        "Email this article | Print this article", "Text size A A A"])]


def bullets(rng: random.Random) -> list[str]:
    return [rng.choice(["-", "•", "–", "*", "—"]) for _ in range(rng.randint(1, 2))]


def cookie_notice(rng: random.Random) -> list[str]:
    return rng.sample(["We use cookies to improve your experience on our site.",
                       "By continuing to use this site you agree to our use of cookies.",
                       "Accept all", "Manage preferences", "Privacy Policy", "Terms of Use",
                       "This site uses cookies. Find out more.", "Reject all", "Cookie settings",
                       "Your privacy choices"], rng.randint(1, 3))


def misc(rng: random.Random) -> list[str]:
    return [rng.choice(["Advertisement", "Media caption", "Related Topics", "More on this story", "Top Stories",
                        "Listen to this article", "Loading...", "Continue reading", "Most Popular", "Comments",
                        f"Reporting by {_name(rng)}; Editing by {_name(rng)}", "Story continues below",
                        "Click here for more", f"Follow {_name(rng)} on Twitter", "Watch the video above.",
                        f"© {rng.randint(2004, 2026)} {rng.choice(SITES).title()}", "Back to top"])]


KINDS: dict[str, Template] = {
    "header_fields": header_fields, "menu": menu, "share_bar": share_bar, "promo": promo, "see_also": see_also,
    "photo_credit": photo_credit, "print_footer": print_footer, "byline": byline, "newsletter": newsletter,
    "email_print": email_print, "bullets": bullets, "cookie_notice": cookie_notice, "misc": misc,
    "run_in_heading": run_in_heading,
}
#: Where each kind goes on a page: at the top, after the first line, between paragraphs, or at the end.
PLACES: dict[str, tuple[str, ...]] = {
    "header_fields": ("top",), "menu": ("top", "end"), "share_bar": ("after_first", "end"), "promo": ("middle", "end"),
    "see_also": ("middle",), "photo_credit": ("after_first", "middle"), "print_footer": ("middle", "end"),
    "byline": ("after_first", "top"), "newsletter": ("middle", "end"), "email_print": ("end", "after_first"),
    "bullets": ("middle", "end"), "cookie_notice": ("top", "end"), "misc": ("middle", "end", "after_first"),
    "run_in_heading": ("middle", "end"),
}


def noisy_page(lines: Sequence[str], rng: random.Random, kinds: int = 5) -> tuple[list[str], list[bool]]:
    """The article's ``lines`` with ``kinds`` blocks of noise put in, and for each line whether it is added noise.

    Half the pages print a block twice (a share bar at the top and the bottom, a promo list repeated).
    """
    body: list[tuple[str, bool]] = [(line, False) for line in lines]
    top: list[tuple[str, bool]] = []
    end: list[tuple[str, bool]] = []
    blocks = []
    for kind in rng.sample(list(KINDS), min(kinds, len(KINDS))):
        block = [(line, True) for line in KINDS[kind](rng)]
        blocks.append(block)
        place = rng.choice(PLACES[kind])
        if place == "top":
            top.extend(block)
        elif place == "end" or len(body) < 3:
            end.extend(block)
        elif place == "after_first":
            body[1:1] = block
        else:
            at = rng.randint(2, len(body) - 1)
            body[at:at] = block
    if blocks and rng.random() < 0.5:
        longest = max(len(block) for block in blocks)
        end.extend(rng.choice([block for block in blocks if len(block) == longest]))
    page = top + body + end
    return [line for line, _ in page], [noise for _, noise in page]

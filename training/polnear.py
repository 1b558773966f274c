"""PolNeAR → sentence labels (LABELS.md), from the Source / Cue / Content relations of one annotator.

Per article: clean and segment the text as inference does, type every relation's source (named /
anonymous, pronouns and back references resolved), then give each sentence the strongest label of the
relations that take part in it (rules 1-2: anonymous beats named). A relation takes part in a sentence
when its spans (Content, Cue, Source) cover enough of the sentence to be its main content, or when its
source and reporting verb form the sentence's main clause ("Critics say ... , raising ..."). Speech acts
told as events ("declined to comment", "did not mention"), feelings and actions ("were outraged",
"vetoed"), what a bill or plan would do ("The bill would ..."), attributions inside a noun phrase
("the senator's vows to ...") and no-source relations that are not hearsay (rules 4-5, 9) pass nothing on.
Sentences of an embedded post by a named account, and sentences whose main clause carries "reportedly",
are ``reported_claim`` even where PolNeAR has no relation.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from attribution.training.brat import BratDocument, Event, TextSpan, read_brat
from attribution.training.records import Provenance, SentenceRecord, clip_spans, context, is_page_noise
from attribution.training.span_convention import cue_span, source_span

from attribution.clean import clean
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, REPORTED_CLAIM
from attribution.lexicon import cue_forms
from attribution.segment import Sentence, segment
from attribution.source_types import (
    ANONYMOUS,
    NAMED,
    PRONOUN,
    RELATIVE,
    Mention,
    classify_mention,
    resolve_sources,
)

CORPUS = "polnear"
SPLITS = ("train", "dev")
#: Share of a sentence's non-space characters a relation must cover to be the sentence's main content.
MIN_COVERAGE = 0.5

#: Cues of speech acts told as events: nothing is passed on (rule 5).
EVENT_CUE = re.compile(
    r"\b(declin|refus|did(n't| not) (respond|return|reply|say|comment)|would(n't| not) (say|comment|discuss)|"
    r"could not be reached|no comment|not immediately respond|known as|titled|dubbed|nicknamed|"
    r"labell?ed|referr?(ed|ing) to|"
    # negated speech and silence pass nothing on: "made no mention of", "did not mention", "remained silent"
    r"made no mention|(did(n't| not)|never|not) mention|remain(ed|s)? (quiet|silent)|kept (quiet|silent)|"
    r"stayed (quiet|silent))",
    re.IGNORECASE,
)
#: Cues that describe an action or a state, not content passed on (rule 9: "Lowell was happy", "he chased").
ACTION_CUE = re.compile(
    r"^\W*(\w+\s+)?(seem|appear|look|sound|met\b|meet|rall|march|protest|vot|sign|pass|releas|filed|fil(e|es|ing)\b|"
    r"sued|sue\b|suing|appoint|nominat|gave|give|cast|watch|sought|seek|tried|try|attend|visit|join|campaign|veto|"
    r"struggl|have no way|had reservations|found little)",
    re.IGNORECASE,
)
#: Feelings and states told about a source (rule 9: "Lowell was happy"): nothing passed on unless the content
#: is a proposition ("was upset that ...").
STATE_CUE = re.compile(
    r"\b(outrag|alarm|shock|upset|angry|anger|furious|happy|pleased|delight|thrill|excit|disappoint|surpris|"
    r"tired of|proud|appreciative|upbeat|frustrat|embarrass|stunn|dismay|disgust|amus|bemus|relieved|"
    r"rattl|spook|unnerv)\w*(\s+(about|of|by|at|over|with|to))?\W*$",
    re.IGNORECASE,
)
#: "worried by the increase", "concerned by": a feeling caused by something, not a belief passed on.
STATE_BY_CUE = re.compile(r"\b(worried|concerned|troubled|bothered|disturbed|angered|saddened|heartened)\s+by\b",
                          re.IGNORECASE)
#: A cue that is only a modal or copula ("The bill would [shield ...]", "The photo is of"): what a bill, plan
#: or picture would do or shows, told in the writer's voice.
MODAL_CUE = re.compile(r"^\W*((would|will|could|can|may|might)(\s+(further|also|not|only))?"
                       r"(\s+(?!like\b|rather\b|prefer\b|want\b|love\b|hate\b)[a-z]+)?|(is|are|was|were)(\s+of)?)\W*$",
                       re.IGNORECASE)
#: Content that is a proposition: a that-, wh- or whether-clause, or a quotation.
PROPOSITION = re.compile(r"^\s*([\"“‘'`]|(that|whether|if|how|why|what|when|where|who)\b)", re.IGNORECASE)
#: Nouns of speech and stance used as cues ("the senator's vows to ...", "support for", "response
#: to criticism that ..."): the attribution sits inside a noun phrase of the writer's sentence.
NOMINAL_CUE_WORDS = frozenset({
    "criticism", "criticisms", "critique", "vows", "vow", "views", "view", "support", "attacks", "attack",
    "assertion", "assertions", "position", "positions", "decision", "suggestion", "suggestions", "claims",
    "claim", "comments", "comment", "remarks", "remark", "statement", "statements", "promise", "promises",
    "pledge", "pledges", "call", "calls", "warning", "warnings", "plan", "plans", "proposal", "proposals",
    "argument", "arguments", "insistence", "belief", "beliefs", "opposition", "praise", "endorsement",
    "response", "reaction", "rhetoric", "rejection", "denial", "admission", "complaint", "complaints",
    "concerns", "fears", "demands", "demand", "message", "idea", "ideas", "opinion", "opinions", "stance",
    "accusation", "accusations", "allegation", "allegations", "charge", "charges", "threat", "threats",
    "request", "question", "questions", "analysis", "assessment", "prediction", "predictions",
})
_UNAMBIGUOUS_NOUNS = frozenset({
    "criticism", "criticisms", "critique", "assertion", "assertions", "position", "positions", "decision",
    "suggestion", "suggestions", "insistence", "belief", "beliefs", "opposition", "endorsement", "response",
    "reaction", "rhetoric", "rejection", "denial", "admission", "stance", "idea", "ideas", "opinion",
    "opinions", "accusation", "accusations", "allegation", "allegations", "assessment", "prediction",
    "predictions", "views", "concerns",
})


def _predicated(text: str, relation: Relation) -> bool:
    """Whether the content of a nominal cue is the sentence's predicate: "Their argument: ...", "Her
    fundamental argument ... is that ..." (the content is passed on, not just mentioned)."""
    after = text[relation.cue.end : relation.cue.end + 3].lstrip()
    if after.startswith(":"):
        return True
    later = [c.start for c in relation.content if c.start >= relation.cue.end]
    return bool(later) and re.search(r"\b(is|was|are|were)\s*$", text[relation.cue.end : min(later)]) is not None


def _speech_verb(cue_text: str) -> bool:
    """Whether the cue holds a reporting / cognition verb ("expressed outrage", "said")."""
    return any(w in cue_forms() or w in EXTRA_CONTENT_VERBS for w in re.findall(r"[a-z]+", cue_text.lower()))


def _nominal_cue(cue_text: str, source_text: str) -> bool:
    """Whether the cue is a noun of speech or stance: no verb of its own, a speech noun as its last word
    (before a preposition), and either an unambiguous noun or a possessive source ("his vows", "the mayor's
    remarks"); "Support for" with a plain source counts too."""
    words = re.findall(r"[a-z][a-z'’-]*", cue_text.lower())
    words = [w for w in words if w not in {"for", "of", "to", "on", "about", "against", "that", "with", "over"}]
    if not words or words[-1] not in NOMINAL_CUE_WORDS or re.match(r"^\W*(in|according)\b", cue_text.lower()):
        return False  # "In their view, ...": the view frames the sentence
    if any(w in cue_forms() or w in EXTRA_CONTENT_VERBS for w in words[:-1]):
        return False  # "has made remarks", "issued a statement": a verb of its own
    if re.match(r"^\W*(has|have|had|is|are|was|were|did|does|do|will|would|made|make|makes|issued|gave)\b",
                cue_text.lower()):
        return False
    if cue_text.strip().lower() == "support for":
        return True  # "Support for the plan ... is a given among ...": the noun, not the verb
    possessive = re.search(r"(['’]s?|\b(his|her|their|its|my|our|your))\s*$", source_text.strip(), re.IGNORECASE)
    return bool(possessive) or words[-1] in _UNAMBIGUOUS_NOUNS


QUESTION_CONTENT = re.compile(r"^\W*(whether|if|who|what|when|where|why|how|which|about)\b", re.IGNORECASE)
ASK_CUE = re.compile(r"\b(ask|asked|asking|asks|question|questioned|wonder|wondered|wondering)\b", re.IGNORECASE)
#: No-source cues that pass content on as hearsay (rule 4); other no-source cues ("seemed", "is expected",
#: "appeared", "allegations") are the writer's own assessment.
HEARSAY_CUE = re.compile(
    r"\b(reported(ly)?|alleged(ly)?|purportedly|supposedly|said|says|say|told|according to|rumou?red|"
    r"is believed|are believed|was believed|is understood|announced|claimed|claims|was quoted|reports?|"
    r"it is thought|are thought|is thought|were told|was told|leaked|revealed|disclosed|confirmed|"
    r"charges|allegations|accusations|rumou?rs)\b",
    re.IGNORECASE,
)


@dataclass
class Relation:
    """One attribution relation with its spans and its decided effect on sentence labels."""

    event: Event
    content: list[TextSpan]
    cue: TextSpan | None
    source: TextSpan | None
    effect: str = DIRECT_FACT  # the label it gives a sentence it takes part in
    speaker_is_writer: bool = False
    rule: str = ""
    detail: str = ""

    @property
    def spans(self) -> list[TextSpan]:
        return [s for s in [*self.content, self.cue, self.source] if s is not None]


def article_files(data_dir: Path, split: str) -> list[tuple[str, Path, Path]]:
    """(article stem, text path, chosen .ann path) per article; with several annotators, the
    alphabetically first annotator file is used (deterministic)."""
    root = data_dir / CORPUS / split
    chosen: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, ann)
    return [(stem, root / "text" / f"{stem}.txt", ann) for stem, ann in sorted(chosen.items())]


def load_entities(data_dir: Path, split: str) -> dict[str, list[tuple[int, int, str]]]:
    path = data_dir / CORPUS / split / "corenlp_sentences_entities.jsonl.gz"
    if not path.exists():
        return {}
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            out[record["filename"]] = [tuple(e) for e in record["entities"]]
    return out


def _entity_at(entities: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(s < end and start < e and kind in {"PERSON", "ORGANIZATION", "LOCATION", "MISC"}
               for s, e, kind in entities)


def _head_offsets(text: str, span: TextSpan, head: str) -> tuple[int, int] | None:
    if not head:
        return None
    covered = text[span.start : span.end]
    match = re.search(rf"(?<!\w){re.escape(head)}(?!\w)", covered)
    return (span.start + match.start(), span.start + match.end()) if match else None


def _preceding_np(text: str, start: int, entities: list[tuple[int, int, str]]) -> str:
    """The noun phrase just before a relative pronoun: skips one apposition back to a name."""
    window = text[max(0, start - 200) : start]
    window = re.split(r"[.!?;:\n\"“”]\s", window)[-1]
    chunks = [c.strip() for c in re.split(r",", window) if c.strip()]
    if not chunks:
        return ""
    last = chunks[-1]
    if len(chunks) > 1 and re.match(r"^(a|an|the|his|her|their|its)\s+[a-z]", last):
        # "Jane Roe, the president of the group, who ..." → "Jane Roe"
        previous = chunks[-2]
        name = re.findall(r"((?:[A-Z][\w.'’-]*\s?){1,4})$", previous)
        if name:
            return name[0].strip()
    words = last.split()
    # keep the phrase from the last verb-like break: at most 8 words
    return " ".join(words[-8:])


def _inside_quote(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside an open quotation in its paragraph."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    opened = before.count("“") - before.count("”")
    straight = before.count('"') + before.count("''")
    return opened > 0 or straight % 2 == 1


def _type_relations(text: str, brat: BratDocument, relations: list[Relation],
                    entities: list[tuple[int, int, str]]) -> list[Mention]:
    """Resolve every relation's source type; returns the article's mentions in text order."""
    with_source = [r for r in relations if r.source is not None]
    by_span: dict[str, Mention] = {}
    for relation in with_source:
        span = relation.source
        if span.id in by_span:
            continue
        own = classify_mention(span.text)
        head_at = _head_offsets(text, span, own.head)
        if own.kind in (NAMED, ANONYMOUS, "back_reference") and head_at and _entity_at(entities, *head_at):
            own = classify_mention(span.text, entity_at_head=True)
        by_span[span.id] = Mention(span.start, span.end, span.text, own)
    mentions = sorted(by_span.values(), key=lambda m: (m.start, m.end))
    index = {id(m): i for i, m in enumerate(mentions)}
    # a speaker pronoun ("I", "we") inside another relation's Content refers to that relation's source
    enclosing: dict[int, int] = {}
    preceding: dict[int, Mention] = {}
    for relation in with_source:
        mention = by_span[relation.source.id]
        i = index[id(mention)]
        for other in with_source:
            if other is relation:
                continue
            if any(c.start <= mention.start and mention.end <= c.end for c in other.content):
                j = index[id(by_span[other.source.id])]
                if j != i:
                    enclosing[i] = j
                    break
        if mention.own.kind == RELATIVE:
            np_text = _preceding_np(text, mention.start, entities)
            np_start = text.rfind(np_text, 0, mention.start) if np_text else -1
            own = classify_mention(np_text)
            if np_text and np_start >= 0:
                head_at = _head_offsets(text, TextSpan("np", "NP", ((np_start, np_start + len(np_text)),), np_text),
                                        own.head)
                if head_at and _entity_at(entities, *head_at):
                    own = classify_mention(np_text, entity_at_head=True)
            preceding[i] = Mention(np_start, np_start + len(np_text), np_text, own)
    # resolve in text order; enclosing sources may come later in the text ('"I ...," he said'),
    # so resolve twice: first pass fixes plain and back-reference mentions, second the speaker pronouns
    contents = [c for r in relations for c in r.content]
    persons = [s for s, e, kind in entities if kind == "PERSON"
               and not any(c.start <= s < c.end for c in contents)]
    all_persons = [s for s, e, kind in entities if kind == "PERSON"]
    for enclosed in (False, True):
        resolve_sources(mentions, enclosing=enclosing if enclosed else {}, preceding_np=preceding, persons=persons,
                        all_persons=all_persons)
    for relation in with_source:
        mention = by_span[relation.source.id]
        relation.effect = ANONYMOUS_SOURCE_QUOTE if mention.resolved == ANONYMOUS else REPORTED_CLAIM
        relation.rule = f"source:{mention.own.kind}"
        if re.match(r"^(no one|nobody|none|few|not everyone|no\s)", mention.text.strip(), re.IGNORECASE):
            relation.effect, relation.rule = DIRECT_FACT, "negated group is no source ('no one expected')"
        if mention.own.reason.startswith("clause-length"):
            relation.effect, relation.rule = DIRECT_FACT, "source span is a clause, not a source phrase"
        relation.detail = f"{mention.text!r} → {mention.resolved} ({mention.how})"
        i = index[id(mention)]
        if mention.own.kind == PRONOUN and mention.own.head in {"i", "we", "my", "our", "me", "us"} \
                and i not in enclosing and not _inside_quote(text, mention.start):
            relation.speaker_is_writer = True
    return mentions


def _content_cue(cue_text: str) -> bool:
    """Whether a cue passes content on: a reporting / cognition verb of the lexicon, or a prepositional cue."""
    lowered = cue_text.lower()
    if not lowered.strip() or re.search(r"according to|citing|cited|:|\bin\b|\bfor\b", lowered):
        return True
    return any(word in cue_forms() or word in EXTRA_CONTENT_VERBS for word in re.findall(r"[a-z]+", lowered))


EXTRA_CONTENT_VERBS = frozenset({
    "want", "wants", "wanted", "know", "knows", "knew", "feel", "feels", "felt", "see", "sees", "saw", "view",
    "views", "consider", "considers", "considered", "doubt", "doubts", "doubted", "wonder", "wondered",
    "worried", "concerned", "convinced", "skeptical", "agree", "agreed", "disagree", "disagreed", "oppose",
    "opposed", "support", "supported", "praised", "dismissed", "charged", "insist", "insisted", "expressed",
    "raised", "questioned", "cautioned", "acknowledged", "say", "says", "said", "told", "quoted", "reports",
    "speculated", "speculate", "predicted", "estimated", "projected", "calculated", "suspect", "suspected",
    "threaten", "threatened", "threatens", "pointed", "point", "points", "willing", "mocked", "mocks", "mocking",
    "dismissing", "dismisses", "criticized", "criticised", "criticizing", "attacked", "blasted", "slammed",
    "denounced", "condemned", "endorsed", "praising", "cite", "cites", "express", "expresses", "expressing",
    # expectations, confidence and divided opinion are beliefs (rule 9); decrying and hailing are criticism
    # and praise (rule 6)
    "foresee", "foresees", "foresaw", "anticipate", "anticipates", "anticipated", "confident", "divided",
    "split", "decry", "decries", "decried", "decrying", "hail", "hails", "hailed", "hailing",
})


def _decide_effects(relations: list[Relation], text: str = "") -> None:
    for relation in relations:
        cue_text = relation.cue.text if relation.cue else ""
        content_text = " ".join(c.text for c in relation.content)
        if cue_text and EVENT_CUE.search(cue_text):
            relation.effect, relation.rule = DIRECT_FACT, "rule5:speech-act-as-event"
        elif cue_text and ACTION_CUE.search(cue_text):
            relation.effect, relation.rule = DIRECT_FACT, "rule9:action-or-state-cue"
        elif cue_text and not PROPOSITION.match(content_text) and (
                STATE_BY_CUE.search(f"{cue_text} {content_text[:3]}")
                or (STATE_CUE.search(cue_text) and not _speech_verb(cue_text))):
            relation.effect, relation.rule = DIRECT_FACT, "rule9:feeling-or-state ('residents were outraged')"
        elif cue_text and MODAL_CUE.match(cue_text) and not _content_cue(cue_text):
            relation.effect, relation.rule = DIRECT_FACT, "rule9:what-a-bill-or-plan-would-do ('The bill would ...')"
        elif relation.source is not None and _nominal_cue(cue_text, relation.source.text) and \
                not _predicated(text, relation):
            relation.effect, relation.rule = DIRECT_FACT, "main-content:attribution-inside-a-noun-phrase"
        elif relation.effect == ANONYMOUS_SOURCE_QUOTE and not _content_cue(cue_text):
            relation.effect, relation.rule = DIRECT_FACT, "rule9:anonymous-source-without-speech-cue"
        elif relation.speaker_is_writer:
            relation.effect, relation.rule = DIRECT_FACT, "rule7:writer-cites-themself"
        elif cue_text and ASK_CUE.search(cue_text) and QUESTION_CONTENT.match(content_text):
            relation.effect, relation.rule = DIRECT_FACT, "rule5:question-asked"
        elif relation.source is None:
            if HEARSAY_CUE.search(cue_text):
                relation.effect, relation.rule = REPORTED_CLAIM, "rule4:no-source-hearsay"
            else:
                relation.effect, relation.rule = DIRECT_FACT, "rule5:no-source-not-hearsay"
            relation.detail = f"cue {cue_text!r}"


def build_relations(brat: BratDocument) -> list[Relation]:
    relations = []
    for event in brat.events:
        content = [brat.spans[v] for k, v in sorted(event.args.items()) if k.startswith("Content") and v in brat.spans]
        cue = brat.spans.get(event.args.get("Cue", ""))
        source = brat.spans.get(event.args.get("Source", ""))
        if not content and cue is None:
            continue
        relations.append(Relation(event, content, cue, source))
    return relations


def _nonspace(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


#: Words that open a subordinate clause: an attribution after one of them is not the sentence's main clause.
SUBORDINATORS = frozenset({
    "as", "while", "when", "whenever", "although", "though", "because", "since", "if", "unless", "after",
    "before", "until", "once", "whereas", "despite", "who", "which", "that", "where", "whose", "whom", "what",
})
#: Words of an adverbial opening allowed before a framing attribution ("But", "On Friday,", "In a statement,").
MAX_PREFIX_WORDS = 5
#: Openings that may stand before a framing attribution without a comma ("But critics say ...").
CONNECTIVES = frozenset({"but", "and", "yet", "so", "still", "now", "also", "meanwhile", "however", "instead",
                         "indeed", "then", "or", "nor", "even", "again"})
_AUXILIARIES = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would", "did", "does", "do",
                          "also", "further", "later", "again", "then", "first", "once", "not", "never", "even"})
_WORDS = re.compile(r"[A-Za-z0-9][\w'’-]*")


def _n_words(text: str) -> int:
    return len(_WORDS.findall(text))


def _frames(text: str, sentence: Sentence, relation: Relation) -> bool:
    """Whether a relation is the sentence's main clause although its spans cover less than half of it.

    PolNeAR's Content often stops before a trailing clause ("Some members say [the plan could fail] if
    the council ..."), or a parenthetical cue splits it ("The plan, sources said, would cost ...").
    The relation frames the sentence when its cue is a finite reporting verb, its source and cue lie
    inside the sentence, and either the source opens the sentence with the cue right after it ("Critics
    call it ...") or a Content opens it with the cue and source right after ("'...,' the mayor said on
    Monday, ..."; "The plan, sources said, ..."); a short adverbial opening ("But", "On Friday,")
    may come first, a subordinate clause may not.
    """
    cue, source = relation.cue, relation.source
    if cue is None or source is None or not relation.content:
        return False
    if any(not (sentence.start <= s.start and s.end <= sentence.end) for s in (cue, source)):
        return False
    cue_words = re.findall(r"[a-z]+", cue.text.lower())
    verbs = cue_forms() | EXTRA_CONTENT_VERBS
    verb_words = [w for w in cue_words if w in verbs]
    if "according to" not in cue.text.lower() and (not verb_words or verb_words[0].endswith("ing")):
        return False  # "... claiming credit": a participle inside a noun phrase; "a campaigner for"
    head = [w for w in cue_words if w not in _AUXILIARIES and not w.endswith("ly")][:1]
    if re.search(r"(['’]s|\b(his|her|their|its|my|our|who|which|that|whom))$", source.text.strip(), re.IGNORECASE):
        return False  # "the mayor's remarks", "his plans": a possessor and a nominal cue; "who" opens a clause
    starts = [f for span in relation.spans for f, e in span.fragments if f < sentence.end and sentence.start < e]
    first = max(min(starts), sentence.start)
    prefix = _WORDS.findall(text[sentence.start:first])
    if len(prefix) > MAX_PREFIX_WORDS or any(w.lower() in SUBORDINATORS for w in prefix):
        return False
    opening = text[sentence.start:first].strip(" \"“”'‘’")
    if opening and not opening.endswith(",") and not all(w.lower() in CONNECTIVES for w in prefix):
        return False  # "One union-backed candidate": the source inside a noun phrase
    if source.start == first:
        between = text[source.end:cue.start]
        # "Some members say", "Roe has said", "The mayor, who ..., warned"
        return _n_words(between) <= 2 or re.fullmatch(r"\s*,[^,]*,\s*", between) is not None
    content_first = [f for f in (frag for c in relation.content for frag in c.fragments) if f[0] == first]
    if not content_first or not head or head[0] not in verbs:
        return False  # after a content, the cue must open with its reporting verb ("'...,' Roe said")
    content_end = content_first[0][1]
    near = min(source.start, cue.start)
    return content_end <= near and _n_words(text[content_end:near]) == 0 and \
        _n_words(text[min(source.end, cue.end):max(source.start, cue.start)]) <= 2


_TWEET = re.compile(r"<tweet\b[^>]*\bauthor=[\"']@?\w+[^>]*>.*?(</tweet>|<tweet/>|\n\s*\n|$)",
                    re.IGNORECASE | re.DOTALL)
_HEARSAY_ADVERB = re.compile(r"\breportedly\b", re.IGNORECASE)


def _tweet_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of embedded posts with a named author (``<tweet author="@handle">...</tweet>``): their
    sentences take their author's label, ``reported_claim`` for a named account (docs/labels.md)."""
    return [(m.start(), m.end()) for m in _TWEET.finditer(text)]


def _hearsay_adverb(text: str, sentence: Sentence) -> bool:
    """A hearsay adverb ("reportedly") outside quotation marks and not inside a relative clause ("who
    reportedly ..."): the writer passes the content on without vouching for it (rule 4)."""
    for match in _HEARSAY_ADVERB.finditer(text, sentence.start, sentence.end):
        before = re.findall(r"[A-Za-z]+", text[sentence.start : match.start()])[-3:]
        if _inside_quote(text, match.start()) or any(w.lower() in {"who", "which", "that"} for w in before):
            continue
        return True
    return False


def label_sentences(text: str, sentences: list[Sentence], relations: list[Relation],
                    discard: list[TextSpan]) -> Iterator[tuple[Sentence, str, list[Relation], str]]:
    """(sentence, label, taking-part relations, rule) for every sentence not discarded by the annotator."""
    tweets = _tweet_spans(text)
    for sentence in sentences:
        chars = _nonspace(text, sentence.start, sentence.end)
        if not chars:
            continue
        discarded = set()
        for span in discard:
            for s, e in span.fragments:
                discarded |= chars & set(range(s, e))
        if len(discarded) > 0.5 * len(chars):
            continue
        taking_part = []
        for relation in relations:
            covered: set[int] = set()
            for span in relation.spans:
                for s, e in span.fragments:
                    if s < sentence.end and sentence.start < e:
                        covered |= chars & set(range(s, e))
            if covered and (len(covered) >= MIN_COVERAGE * len(chars) or _frames(text, sentence, relation)):
                taking_part.append(relation)
        effects = {r.effect for r in taking_part}
        if ANONYMOUS_SOURCE_QUOTE in effects:
            label, rule = ANONYMOUS_SOURCE_QUOTE, "anonymous source (rules 1-2)"
        elif REPORTED_CLAIM in effects:
            label, rule = REPORTED_CLAIM, "named source or hearsay"
        elif any(s < sentence.end and sentence.start < e for s, e in tweets):
            label, rule = REPORTED_CLAIM, "embedded post by a named account (docs/labels.md)"
        elif _hearsay_adverb(text, sentence):
            label, rule = REPORTED_CLAIM, "rule4:hearsay adverb in the main clause ('X reportedly ...')"
        elif taking_part:
            label, rule = DIRECT_FACT, "only events / writer's assessments"
        else:
            label, rule = DIRECT_FACT, "no relation is the main content"
        yield sentence, label, taking_part, rule


def convert_article(text: str, brat: BratDocument, entities: list[tuple[int, int, str]], *, doc_id: str,
                    ann_file: str) -> list[SentenceRecord]:
    relations = build_relations(brat)
    _type_relations(text, brat, relations, entities)
    _decide_effects(relations, text)
    discard = [s for s in brat.spans.values() if s.type == "Discard"]
    cleaned = clean(text, detector=False)  # rules only: converted labels do not move with the detector's weights
    sentences = segment(text, cleaned.content)
    records = []
    for sentence, label, taking_part, rule in label_sentences(text, sentences, relations, discard):
        if is_page_noise(sentence.text, sentence.idx):
            continue
        counted = [r for r in taking_part if r.effect == label] if label != DIRECT_FACT else []
        # spans moved to the project's convention (training/span_convention.py); labels are not affected
        sources = [source_span(text, *f) for r in counted if r.source for f in r.source.fragments]
        cues = [cue_span(text, *f) for r in counted if r.cue for f in r.cue.fragments]
        prev_text, next_text = context(sentences, sentence.idx)
        detail = "; ".join(f"{r.event.id}:{r.rule} {r.detail}".strip() for r in taking_part)
        records.append(SentenceRecord(
            doc_id=doc_id, corpus=CORPUS, sent_idx=sentence.idx, start=sentence.start, end=sentence.end,
            text=sentence.text, label=label, source_spans=clip_spans(sources, sentence),
            cue_spans=clip_spans(cues, sentence), prev_text=prev_text, next_text=next_text,
            n_sentences=len(sentences),
            provenance=Provenance(ann_file, [r.event.id for r in taking_part], rule, detail),
        ))
    return records


def convert_split(data_dir: Path, split: str, *, exclude: set[str] = frozenset(),
                  progress=None) -> Iterator[SentenceRecord]:
    """Every labelled sentence of one PolNeAR split, skipping documents whose doc_id is in ``exclude``."""
    entities = load_entities(data_dir, split)
    files = article_files(data_dir, split)
    for n, (stem, text_path, ann_path) in enumerate(files, 1):
        doc_id = f"{CORPUS}:{split}/{stem}"
        if doc_id in exclude:
            continue
        text = text_path.read_text(encoding="utf-8")
        rel = ann_path.relative_to(data_dir).as_posix()
        yield from convert_article(text, read_brat(ann_path), entities.get(stem, []), doc_id=doc_id, ann_file=rel)
        if progress and n % 100 == 0:
            progress(f"polnear {split}: {n}/{len(files)} articles")

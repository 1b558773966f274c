"""check_spans: the readers' source and cue spans against PolNeAR's, exact, overlapping and by difference."""

import json

from attribution.training.check_spans import compare, difference

TEXT = "John Ryder, the RNC\u2019s chief counsel, said the rules stand. The mayor has said no. Critics disagree."


def _setup(tmp_path, units):
    data = tmp_path / "data"
    (data / "polnear" / "train" / "attributions").mkdir(parents=True)
    (data / "polnear" / "train" / "text").mkdir(parents=True)
    (data / "polnear" / "train" / "text" / "a.txt").write_text(TEXT, encoding="utf-8")

    def span(n, kind, part):
        start = TEXT.index(part)
        return f"T{n}\t{kind} {start} {start + len(part)}\t{part}\n"

    ann = (span(1, "Source", "John Ryder, the RNC\u2019s chief counsel") + span(2, "Cue", "said") +
           span(3, "Content", "the rules stand") + span(4, "Source", "The mayor") + span(5, "Cue", "said no") +
           "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
    (data / "polnear" / "train" / "attributions" / "a_x.ann").write_text(ann, encoding="utf-8")
    spec = tmp_path / "spec"
    spec.mkdir()
    doc = {"doc_id": "polnear:train/a", "corpus": "polnear", "locator": {"file": "polnear/train/text/a.txt"}}
    (spec / "documents.jsonl").write_text(json.dumps(doc) + "\n")
    (spec / "units.jsonl").write_text("".join(json.dumps({"doc_id": "polnear:train/a", **u}) + "\n" for u in units))
    return data, spec


def _unit(sentence, label, source=None, cue=None):
    start = TEXT.index(sentence)
    out = {"start": start, "end": start + len(sentence), "label": label, "source_start": None, "source_end": None,
           "cue_start": None, "cue_end": None}
    if source:
        out.update(source_start=TEXT.index(source), source_end=TEXT.index(source) + len(source))
    if cue:
        at = TEXT.index(cue, start)
        out.update(cue_start=at, cue_end=at + len(cue))
    return out


def test_compare_counts_exact_overlap_and_one_sided_spans(tmp_path):
    first = TEXT[:TEXT.index(" The mayor")]
    second = "The mayor has said no."
    data, spec = _setup(tmp_path, [
        _unit(first, "reported_claim", "John Ryder", "said"),  # source shorter than PolNeAR's, cue exact
        _unit(second, "reported_claim", "The mayor", "has said"),  # source exact, cue differs
        _unit("Critics disagree.", "anonymous_source_quote", "Critics"),  # PolNeAR marks nothing here
    ])
    raw = compare(data, spec, convention=False)
    assert raw["source"]["compared"] == 2 and raw["source"]["exact"] == 1 and raw["source"]["overlap"] == 2
    assert raw["source"]["ours only"] == 1
    assert raw["source"]["differences"] == {"PolNeAR longer: apposition or clause": 1}
    assert raw["cue"]["exact"] == 1  # "said" of the first sentence; "has said" against "said no" differs
    moved = compare(data, spec, convention=True)  # PolNeAR's "said no" stays; its cue takes "has" in
    assert moved["cue"]["compared"] == 2


def test_difference_names_what_the_longer_span_adds():
    text = "the chief counsel, who spoke, said"
    assert difference((4, 17), (0, 17), text) == "PolNeAR longer: determiner"
    assert difference((0, 28), (0, 17), text) == "ours longer: apposition or clause"
    assert difference((0, 10), (4, 17), text) == "crossing"

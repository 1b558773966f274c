"""Fit the boilerplate detector: ``python -m attribution.training.train_boilerplate`` (needs the ``[train]`` extra).

The detector (:mod:`attribution.boilerplate`) is a logistic regression over line features. It learns from every
line of the spec documents that a spec label covers (``boilerplate`` units against the three content labels,
``training/spec_labels``, joined with the shared data) and from copies of those pages with generated noise put
in (:mod:`attribution.training.boilerplate_noise`). Rerun this command whenever spec labels are added.

Splits are by document. The spec documents are cut into ``--folds`` groups; each group's lines are scored by a
model fitted without that group (nor its noisy copies), and the removal threshold is the lowest probability at
which those held-out scores remove at most ``--max-content-removed`` of the content units (what the rules
already remove counts too). The shipped model is then fitted on every document and keeps that threshold; the
held-out recall and content removed, per corpus, go into the JSON file's ``meta`` (``check_cleaning`` prints
them). The evaluation gold (``eval/gold``) is never read here.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from attribution.training.boilerplate_noise import noisy_page
from attribution.training.check_cleaning import check_by_corpus, from_meta, table
from attribution.training.spec import SPEC_DIR, document_units

from attribution.boilerplate import DETECTOR_PATH, BoilerplateDetector, candidates, page_features
from attribution.clean import _clean_rules, _lines
from attribution.cleaning_rules import LINE_RULES
from attribution.corpora import resolve_data_dir
from attribution.extras import require_train
from attribution.labels import BOILERPLATE

#: Word features (words, first/last word, word pairs) seen on fewer training lines than this are dropped:
#: they would be one page's words, not furniture's.
MIN_WORD_COUNT = 10
WORD_PREFIXES = ("w:", "first:", "last:")
#: A generated page's lines weigh this much against a labelled page's line.
GENERATED_WEIGHT = 0.5


@dataclass
class Page:
    """A page's lines, which ones a rule removed, and each line's label: 1 boilerplate, 0 content, None unknown.

    ``content_units`` counts the content units on each line (what removing it would lose); ``bp_units`` the
    boilerplate units.
    """

    doc_id: str
    corpus: str
    lines: list[str]
    removed: list[bool]
    labels: list[int | None]
    content_units: list[int]
    bp_units: list[int]
    generated: bool = False
    text: str = ""
    units: Sequence[dict] = ()


def _rule_removed(lines: Sequence[str]) -> list[bool]:
    text = "\n".join(lines)
    spans = _lines(text)
    if len(spans) != len(lines):
        raise ValueError("a page line is blank or holds a line break")
    kept = set(_clean_rules(text, LINE_RULES).content)
    return [span not in kept for span in spans]


def labelled_page(doc_id: str, corpus: str, text: str, units: Sequence[dict]) -> Page:
    """The lines of a spec document with their labels: a line holding a content unit is content; a line that
    boilerplate units cover for the most part is boilerplate; any other line is unlabelled."""
    spans = _lines(text)
    kept = set(_clean_rules(text, LINE_RULES).content)
    labels: list[int | None] = []
    content_units: list[int] = []
    bp_units: list[int] = []
    ordered = sorted(units, key=lambda u: u["start"])
    for start, end in spans:
        inside = [u for u in ordered if u["start"] < end and u["end"] > start]
        content = [u for u in inside if u["label"] != BOILERPLATE]
        bp = [u for u in inside if u["label"] == BOILERPLATE]
        covered = sum(min(end, u["end"]) - max(start, u["start"]) for u in bp)
        labels.append(0 if content else (1 if bp and covered * 2 >= end - start else None))
        content_units.append(len(content))
        bp_units.append(len(bp))
    return Page(doc_id, corpus, [text[s:e] for s, e in spans], [span not in kept for span in spans], labels,
                content_units, bp_units, text=text, units=units)


def spec_pages(spec_dir: Path, data_dir: Path | str | None) -> list[Page]:
    """The spec-labelled pages the detector learns from: every one but the selection set's, which is held out
    from all training (docs/data.md)."""
    return [labelled_page(doc_id, document.get("corpus", ""), text, units)
            for doc_id, document, text, units in document_units(spec_dir, data_dir)
            if document.get("split", "spec") != "selection"]


def noisy_copies(page: Page, copies: int, seed: int) -> list[Page]:
    """``copies`` versions of ``page`` with generated noise put in; the article's lines keep their labels."""
    rng = random.Random(f"{seed}:{page.doc_id}")
    out = []
    info = list(zip(page.labels, page.content_units, page.bp_units, strict=True))
    by_line = dict(zip(range(len(page.lines)), info, strict=True))
    for _ in range(copies):
        tagged = [f"\x00{i}\x00{line}" for i, line in enumerate(page.lines)]
        lines, noise = noisy_page(tagged, rng, kinds=rng.randint(3, 8))
        plain, labels, content_units, bp_units = [], [], [], []
        for line, is_noise in zip(lines, noise, strict=True):
            if is_noise:
                plain.append(line)
                labels.append(1)
                content_units.append(0)
                bp_units.append(1)
            else:
                _, index, original = line.split("\x00", 2)
                label, n_content, n_bp = by_line[int(index)]
                plain.append(original)
                labels.append(label)
                content_units.append(n_content)
                bp_units.append(n_bp)
        out.append(Page(page.doc_id, page.corpus, plain, _rule_removed(plain), labels, content_units, bp_units,
                        generated=True))
    return out


def _rows(pages: Iterable[Page]) -> tuple[list[dict[str, float]], list[int], list[float]]:
    X, y, w = [], [], []
    for page in pages:
        for feats, label in zip(page_features(page.lines, page.removed), page.labels, strict=True):
            if label is not None:
                X.append(feats)
                y.append(label)
                w.append(GENERATED_WEIGHT if page.generated else 1.0)
    return X, y, w


def fit(pages: Sequence[Page], c: float = 1.0) -> BoilerplateDetector:
    """A detector fitted on the labelled lines of ``pages`` (threshold left at 0.5)."""
    require_train("fitting the boilerplate detector")
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y, w = _rows(pages)
    counts: dict[str, int] = {}
    for feats in X:
        for name in feats:
            if name.startswith(WORD_PREFIXES):
                counts[name] = counts.get(name, 0) + 1
    rare = {name for name, n in counts.items() if n < MIN_WORD_COUNT}
    X = [{k: v for k, v in feats.items() if k not in rare} for feats in X]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(X)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(matrix, y, sample_weight=w)
    weights = {name: round(float(coef), 5) for name, coef in zip(vectorizer.feature_names_, model.coef_[0],
                                                                 strict=True) if abs(coef) >= 1e-3}
    return BoilerplateDetector(weights, round(float(model.intercept_[0]), 5), 0.5)


def folds(pages: Sequence[Page], k: int, seed: int) -> list[list[int]]:
    """``k`` groups of page indices, by document, shuffled with ``seed``."""
    order = sorted(range(len(pages)), key=lambda i: pages[i].doc_id)
    random.Random(seed).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def held_out_models(pages: Sequence[Page], k: int, seed: int, copies: int,
                    c: float) -> tuple[list[list[float]], list[BoilerplateDetector]]:
    """Each page's line probabilities from a model fitted without its document (nor the noisy copies of it), and
    that model."""
    probabilities: list[list[float]] = [[] for _ in pages]
    models: list[BoilerplateDetector] = [None] * len(pages)  # type: ignore[list-item]
    for fold in folds(pages, k, seed):
        held = set(fold)
        train = [p for i, p in enumerate(pages) if i not in held]
        train += [copy for p in train for copy in noisy_copies(p, copies, seed)]
        model = fit(train, c)
        for i in fold:
            probabilities[i] = model.page_probabilities(pages[i].lines, pages[i].removed)
            models[i] = model
    return probabilities, models


def held_out_figures(pages: Sequence[Page], models: Sequence[BoilerplateDetector], threshold: float) -> dict:
    """Units removed per corpus and in all, as ``check_cleaning`` counts them, each page cleaned with the model
    fitted without it (at ``threshold``) and with the rules alone."""
    held: dict[int, BoilerplateDetector] = {}
    for model in models:
        held.setdefault(id(model), BoilerplateDetector(model.weights, model.bias, threshold))
    out: dict[str, dict] = {}
    for page, model in zip(pages, models, strict=True):
        rows = check_by_corpus([(page.doc_id, page.corpus, page.text, page.units)], detector=held[id(model)])
        for corpus, (before, after) in rows.items():
            for name, check in (("rules_only", before), ("held_out", after)):
                row = out.setdefault(name, {}).setdefault(corpus, {"boilerplate": 0, "boilerplate_removed": 0,
                                                                   "content": 0, "content_removed": 0})
                for key in row:
                    row[key] += getattr(check, key)
    return out


def choose_threshold(pages: Sequence[Page], probabilities: Sequence[Sequence[float]], budget: float) -> float:
    """The lowest probability (not under 0.5) at which content units removed stay within ``budget``."""
    total = sum(sum(p.content_units) for p in pages)
    ruled = sum(n for p in pages for n, gone in zip(p.content_units, p.removed, strict=True) if gone)
    may = [candidates(p.lines, p.removed) for p in pages]
    levels = sorted({round(q, 4) for i, p in enumerate(pages) for j, q in enumerate(probabilities[i])
                     if may[i][j] and q >= 0.5})
    lost_at: list[tuple[float, int]] = sorted(
        (probabilities[i][j], p.content_units[j]) for i, p in enumerate(pages) for j in range(len(p.lines))
        if may[i][j] and p.content_units[j])
    best = 1.0
    for t in reversed(levels):  # from the highest threshold down; stop when the budget is exceeded
        lost = ruled + sum(n for q, n in lost_at if q >= t)
        if lost > budget * total:
            break
        best = t
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="shared data directory (default: $ATTRIBUTION_DATA_DIR or ../shared/data)")
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    parser.add_argument("--output", type=Path, default=DETECTOR_PATH, help=f"weights file (default: {DETECTOR_PATH})")
    parser.add_argument("--folds", type=int, default=5, help="document folds for the held-out scores (default: 5)")
    parser.add_argument("--copies", type=int, default=2, help="noisy copies of each training page (default: 2)")
    parser.add_argument("--c", type=float, default=0.25, help="inverse regularisation strength (default: 0.25)")
    parser.add_argument("--max-content-removed", type=float, default=0.004,
                        help="share of content units the threshold may remove on held-out documents (default: 0.004, "
                             "under the 0.5%% target)")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    require_train("python -m attribution.training.train_boilerplate")
    pages = spec_pages(args.spec_dir, resolve_data_dir(args.data_dir))
    if len(pages) < args.folds:
        raise SystemExit(f"{len(pages)} spec documents in {args.spec_dir}: too few for {args.folds} folds")
    probabilities, models = held_out_models(pages, args.folds, args.seed, args.copies, args.c)
    threshold = choose_threshold(pages, probabilities, args.max_content_removed)
    exact = held_out_figures(pages, models, threshold)
    held_out, rules_only = exact["held_out"], exact["rules_only"]
    model = fit(pages + [copy for p in pages for copy in noisy_copies(p, args.copies, args.seed)], args.c)
    model.threshold = threshold
    model.meta = {
        "trained_on": {"spec_documents": len(pages), "noisy_copies_per_page": args.copies, "seed": args.seed,
                       "c": args.c, "folds": args.folds, "max_content_removed": args.max_content_removed},
        "held_out": held_out, "rules_only": rules_only,
    }
    model.save(args.output)
    print(f"threshold {threshold:.4f} (held-out content lines removed at most {args.max_content_removed:.2%})")
    print("held out (each spec document cleaned with a detector fitted without it):")
    print("\n".join(table({corpus: (from_meta(rules_only[corpus]), from_meta(held_out[corpus]))
                           for corpus in held_out})))
    print(f"wrote {args.output} ({len(model.weights)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

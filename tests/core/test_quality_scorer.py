"""bench/quality.py: the alignment scorer counts as bench/gold/README.md says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gold_set = _load("gold_set")
quality = _load("quality")

PAIRS = gold_set.load_pairs()
LINKED = [p for p in PAIRS if p.links]


def pair_named(pair_id):
    return next(p for p in PAIRS if p.id == pair_id)


def passages_for(pair, links, **extra):
    """Return one JSON-like passage pair per unit pair, spanning the two units exactly."""
    return [
        {
            "a": [pair.a.units[i].start, pair.a.units[i].end],
            "b": [pair.b.units[j].start, pair.b.units[j].end],
            **extra,
        }
        for i, j in sorted(links)
    ]


@pytest.mark.parametrize("pair", LINKED, ids=lambda p: p.id)
def test_the_gold_links_themselves_score_one(pair):
    sure, maybe = pair.sentence_links("sure"), pair.sentence_links("possible")
    result = quality.evaluate(pair, passages_for(pair, sure | maybe))
    assert result.counts.correct == result.counts.gold == len(sure)
    assert result.counts.false == 0
    assert result.counts.possible == len(maybe)
    assert (result.counts.precision, result.counts.recall, result.counts.f1) == (1.0, 1.0, 1.0)
    body = result.body
    assert body.gold == len(pair.sentence_links("sure", kinds={"sentence"}))
    assert body.correct == body.gold and body.false == 0


def test_an_empty_alignment_has_no_recall():
    pair = pair_named("en-ferry-summary")
    counts = quality.evaluate(pair, []).counts
    assert counts.gold == len(pair.sentence_links("sure")) > 0
    assert counts.correct == counts.false == counts.predicted == 0
    assert counts.recall == 0.0
    assert counts.precision is None
    assert counts.f1 == 0.0


def test_possible_links_count_as_neither_right_nor_wrong():
    pair = pair_named("en-summit-outlets")
    maybe = pair.sentence_links("possible")
    assert maybe
    counts = quality.evaluate(pair, passages_for(pair, maybe)).counts
    assert counts.possible == counts.predicted == len(maybe)
    assert counts.correct == counts.false == 0
    assert counts.precision is None
    # Adding them to a perfect answer changes nothing either.
    sure = pair.sentence_links("sure")
    with_maybe = quality.evaluate(pair, passages_for(pair, sure | maybe)).counts
    without = quality.evaluate(pair, passages_for(pair, sure)).counts
    assert (with_maybe.precision, with_maybe.recall) == (without.precision, without.recall)


def test_a_link_touching_a_byline_is_false():
    pair = pair_named("en-ferry-summary")
    byline_a = next(u for u in pair.a.units if u.kind == "byline")
    sentence_b = next(u for u in pair.b.units if u.kind == "sentence")
    counts = quality.evaluate(pair, passages_for(pair, {(byline_a.index, sentence_b.index)})).counts
    assert (counts.false, counts.false_unlinkable, counts.correct) == (1, 1, 0)
    assert counts.precision == 0.0


def test_a_passage_over_several_units_stands_for_every_unit_pair_in_it():
    pair = pair_named("en-ferry-summary")
    link = next(x for x in pair.links if x.shape == "n:1" and x.certainty == "sure")
    units_a = [pair.a.unit(i) for i in link.a]
    b = pair.b.unit(link.b[0])
    first, last = min(u.start for u in units_a), max(u.end for u in units_a)
    # A passage over the whole run of A units, as an aligner's passage pair would be.
    links = quality.predicted_links(pair, [{"a": [first, last], "b": [b.start, b.end]}])
    covered = {u.index for u in pair.a.units if u.start < last and first < u.end}
    assert set(links) == {(i, b.index) for i in covered}
    assert {(u.index, b.index) for u in units_a} <= set(links)


def test_extra_keys_are_ignored_and_confidence_gives_bands():
    pair = pair_named("en-summit-outlets")
    sure = sorted(pair.sentence_links("sure"))
    linked_a = {i for i, _ in pair.sentence_links("sure") | pair.sentence_links("possible")}
    stray_a = next(u for u in pair.a.units if u.is_linkable and u.index not in linked_a)
    stray = (stray_a.index, sure[0][1])
    predicted = passages_for(pair, sure[:3], evidence=["talks"], confidence="high")
    predicted += passages_for(pair, [stray], evidence=["x"], confidence="low", score=3.5)
    result = quality.evaluate(pair, predicted)
    assert result.counts.correct == 3 and result.counts.false == 1
    assert result.bands["high"].correct == 3 and result.bands["high"].false == 0
    assert result.bands["low"].correct == 0 and result.bands["low"].false == 1
    table = quality.bands_table({"dev": [result]})
    assert table is not None
    rows = [line for line in table.splitlines() if line.startswith("| dev")]
    assert [row.split(" | ")[1] for row in rows] == ["high", "low"]
    assert quality.bands_table({"dev": [quality.evaluate(pair, passages_for(pair, sure))]}) is None


def test_spans_may_also_come_as_start_and_end_keys():
    pair = pair_named("en-ferry-summary")
    (i, j), *_ = sorted(pair.sentence_links("sure"))
    a, b = pair.a.units[i], pair.b.units[j]
    passage = {"a": {"start": a.start, "end": a.end}, "b": {"start": b.start, "end": b.end}}
    assert set(quality.predicted_links(pair, [passage])) == {(i, j)}


def test_the_same_unit_pair_keeps_its_most_confident_label():
    pair = pair_named("en-summit-outlets")
    link = sorted(pair.sentence_links("sure"))[:1]
    predicted = passages_for(pair, link, confidence="low") + passages_for(
        pair, link, confidence="medium"
    )
    assert quality.predicted_links(pair, predicted) == {link[0]: "medium"}


@pytest.mark.parametrize(
    "passage",
    [
        {"a": [0, 5]},
        {"a": [0, 5], "b": "0-5"},
        {"a": [5, 2], "b": [0, 5]},
        {"a": [0, 10**9], "b": [0, 5]},
    ],
)
def test_unusable_passages_are_refused_with_the_pair_named(passage):
    pair = pair_named("en-ferry-summary")
    with pytest.raises(quality.ScoreError, match="en-ferry-summary"):
        quality.evaluate(pair, [passage])


def test_counts_are_summed_before_dividing():
    one = quality.Counts(gold=10, predicted=1, correct=1)
    other = quality.Counts(gold=2, predicted=4, correct=2, false=2)
    both = quality.total([one, other])
    assert both.precision == pytest.approx(3 / 5)
    assert both.recall == pytest.approx(3 / 12)
    # Averaging the two pairs' precisions (1.0 and 0.5) would give 0.75 instead.
    assert both.precision != pytest.approx((one.precision + other.precision) / 2)


def test_different_events_count_false_links_per_alignment():
    pairs = [p for p in PAIRS if p.category == "different-events" and p.split == "dev"]
    first, second = pairs[:2]
    sentence_a = next(u for u in first.a.units if u.kind == "sentence")
    sentence_b = next(u for u in first.b.units if u.kind == "sentence")
    results = [
        quality.evaluate(first, passages_for(first, {(sentence_a.index, sentence_b.index)})),
        quality.evaluate(second, []),
    ]
    table = quality.different_events_table([("engine", "dev", results)])
    row = table.splitlines()[-1]
    assert row == "| engine | dev | 2 | 1 | 1 | 0.50 ✗ |"


def test_body_only_leaves_headline_links_out():
    pair = pair_named("en-ferry-summary")
    headline_links = {
        (i, j)
        for i, j in pair.sentence_links("sure")
        if "headline" in (pair.a.units[i].kind, pair.b.units[j].kind)
    }
    assert headline_links
    result = quality.evaluate(pair, passages_for(pair, headline_links))
    assert result.counts.correct == len(headline_links)
    assert result.body.predicted == result.body.correct == 0


def _tiny_pair(a_text, b_text, language="en"):
    def doc(text, side):
        units = []
        start = 0
        for index, sentence in enumerate(text.split("\n")):
            units.append(
                gold_set.Unit(
                    f"{side}{index + 1}", index, "sentence", start, start + len(sentence), sentence
                )
            )
            start += len(sentence) + 1
        return gold_set.Doc(Path(side), language, "test", text, tuple(units))

    return gold_set.GoldPair(
        "tiny", "dev", "outlets", "tiny", doc(a_text, "a"), doc(b_text, "b"), ()
    )


def test_tfidf_cosine_is_one_for_the_same_words_and_zero_for_none_shared():
    pair = _tiny_pair(
        "The ferry ran aground.\nAll 212 people were rescued.",
        "All 212 people were rescued.\nShares fell sharply today.",
    )
    cosines = quality.tfidf_cosines(pair).matrix
    assert cosines[1, 0] == pytest.approx(1.0)
    assert cosines[0, 1] == pytest.approx(0.0)
    assert np.all((cosines >= -1e-9) & (cosines <= 1 + 1e-9))
    assert quality.baseline_links(quality.tfidf_cosines(pair), 0.5) == {(1, 0)}


def test_japanese_is_compared_by_character_bigrams():
    assert quality.tokens("台風が上陸した", "ja") == [
        "台風",
        "風が",
        "が上",
        "上陸",
        "陸し",
        "した",
    ]
    assert quality.tokens("Der Sturm kam.", "de") == ["der", "sturm", "kam"]


def test_the_baseline_threshold_is_the_best_one_on_the_pairs_given():
    dev = [p for p in PAIRS if p.split == "dev"]
    cosines = {p.id: quality.tfidf_cosines(p) for p in dev}
    grid = (0.1, 0.2, 0.3, 0.5, 0.9)
    chosen = quality.choose_threshold(dev, cosines, grid)

    def f1(t):
        return quality.total(
            quality.score_links(p, quality.baseline_links(cosines[p.id], t)) for p in dev
        ).f1

    assert chosen in grid
    assert all(f1(chosen) >= f1(t) for t in grid)


def test_the_baseline_on_the_engine_sentences_maps_them_onto_units():
    pair = pair_named("en-ferry-summary")
    cosines = quality.tfidf_cosines(pair, "engine")
    assert cosines.matrix.shape == (len(cosines.a), len(cosines.b))
    for spans, units, doc in (
        (cosines.a, cosines.a_units, pair.a),
        (cosines.b, cosines.b_units, pair.b),
    ):
        assert len(units) == len(spans)
        for (start, end), indices in zip(spans, units, strict=True):
            assert indices == tuple(u.index for u in gold_set.units_in(doc, start, end))
    # At a threshold above every cosine nothing is linked; at 0 every covered unit pair is.
    assert quality.baseline_links(cosines, 1.01) == set()
    everything = quality.baseline_links(cosines, 0.0)
    assert everything == {
        (x, y) for xs in cosines.a_units for ys in cosines.b_units for x in xs for y in ys
    }


def test_the_command_scores_the_engine_on_a_pair(capsys):
    assert quality.main(["--pair", "en-ferry-summary", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "| engine | dev | 18 |" in out
    assert "| test |" not in out
    assert "## en-ferry-summary (dev, summary)" in out
    assert "TF-IDF cosine ≥" in out and "engine's sentences | dev |" in out

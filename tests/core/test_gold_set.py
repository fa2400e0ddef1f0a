"""The gold set in bench/gold/pairs/: every file checked, and the checker checked."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gold_set", ROOT / "bench" / "gold_set.py")
assert _spec is not None and _spec.loader is not None
gold_set = importlib.util.module_from_spec(_spec)
sys.modules["gold_set"] = gold_set
_spec.loader.exec_module(gold_set)

PAIR_FOLDERS = sorted(p for p in gold_set.PAIRS_DIR.iterdir() if p.is_dir())
PAIRS = gold_set.load_pairs()


@pytest.mark.parametrize("folder", PAIR_FOLDERS, ids=lambda p: p.name)
def test_every_pair_file_is_valid(folder):
    pair = gold_set.load_pair(folder)
    for doc in (pair.a, pair.b):
        raw = doc.path.read_text(encoding="utf-8")
        for unit in doc.units:
            # Offsets count code points, as Python slices do; re-check against the raw file.
            assert raw[unit.start : unit.end] == unit.text


def test_the_set_reaches_its_size():
    counts = gold_set.count(PAIRS)
    assert counts["pairs"] >= 30
    assert counts["sentence links"] >= 400
    assert counts["category different-events"] >= 4
    for language in ("de", "es", "ja"):
        assert counts[f"language {language}"] >= 2, language
    assert sum(p.is_cross_language for p in PAIRS) >= 2
    assert counts["links n:1"] > 0 and counts["links 1:n"] > 0 and counts["links 1:1"] > 0


def test_both_splits_are_labelled_and_balanced_by_category_and_language():
    dev, test = gold_set.load_pairs("dev"), gold_set.load_pairs("test")
    assert len(dev) + len(test) == len(PAIRS)
    assert abs(len(dev) - len(test)) <= 1
    by_category = {
        s: Counter(p.category for p in pairs) for s, pairs in (("dev", dev), ("test", test))
    }
    for category in gold_set.CATEGORIES:
        assert by_category["dev"][category] >= 1, category
        assert abs(by_category["dev"][category] - by_category["test"][category]) <= 1, category
    for language in ("de", "es", "ja"):
        assert any(p.a.language == language for p in dev), language
        assert any(p.a.language == language for p in test), language


def test_pair_ids_are_unique_and_texts_are_not_reused():
    assert len({p.id for p in PAIRS}) == len(PAIRS)
    texts = [doc.text for p in PAIRS for doc in (p.a, p.b)]
    assert len(set(texts)) == len(texts)


def test_news_quirks_are_inside_single_units():
    # The segmentation gold must hold the cases splitters get wrong.
    units = [u.text for p in PAIRS for doc in (p.a, p.b) for u in doc.units]
    for quirk in ("R-Fla., ", "U.S. ", " a.m. ", "J. R. T. Calder", "Dr. ", "z. B. ", "EE. UU."):
        assert any(quirk in text for text in units), quirk
    # Multi-sentence quotations are cut into their sentences.
    assert '"NO TEXTING AT STARLIGHT.' in units
    assert "Won't happen." in units


def test_sentence_links_expand_links_to_unit_index_pairs():
    pair = next(p for p in PAIRS if any(link.shape == "n:1" for link in p.links))
    link = next(link for link in pair.links if link.shape == "n:1" and link.certainty == "sure")
    expanded = pair.sentence_links("sure")
    b_index = pair.b.unit(link.b[0]).index
    for unit_id in link.a:
        assert (pair.a.unit(unit_id).index, b_index) in expanded
    assert not expanded & pair.sentence_links("possible")


def test_sentence_spans_filter_by_kind():
    pair = next(p for p in PAIRS if any(u.kind == "byline" for u in p.a.units))
    spans = gold_set.sentence_spans(pair.a, kinds=["sentence"])
    kinds = {(u.start, u.end): u.kind for u in pair.a.units}
    assert spans and all(kinds[s] == "sentence" for s in spans)
    assert len(gold_set.sentence_spans(pair.a)) == len(pair.a.units)
    with pytest.raises(ValueError, match="unknown unit kinds"):
        gold_set.sentence_spans(pair.a, kinds=["paragraph"])


def test_boundary_score_of_a_known_splitter_output():
    pair = gold_set.load_pair(gold_set.PAIRS_DIR / "en-cinema-phones-outlets")
    gold_spans = gold_set.sentence_spans(pair.a)
    assert gold_set.score_boundaries(pair.a, gold_spans) == gold_set.BoundaryScore(
        len(gold_spans) - 1, 0, 0
    )
    # A splitter that keeps the four-sentence quotation whole misses three boundaries.
    quote = [pair.a.unit(f"a{i}") for i in (12, 13, 14, 15)]
    merged = [s for s in gold_spans if s not in {(u.start, u.end) for u in quote}]
    merged.append((quote[0].start, quote[-1].end))
    score = gold_set.score_boundaries(pair.a, sorted(merged))
    assert (score.true_positives, score.false_positives, score.false_negatives) == (
        len(gold_spans) - 4,
        0,
        3,
    )
    assert score.precision == 1.0
    assert score.recall == pytest.approx((len(gold_spans) - 4) / (len(gold_spans) - 1))


def test_boundaries_ignore_trailing_white_space():
    text = 'Sen. Ann Lee, R-Fla., spoke. "No.\n\nNever," she said.\n'
    assert gold_set.boundaries(text, [(0, 29), (29, 35), (35, len(text))]) == {28, 33}


# --- the checker refuses broken files ---------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """Copy one pair into tmp_path and return (folder, data, save)."""
    folder = tmp_path / "en-ferry-summary"
    shutil.copytree(gold_set.PAIRS_DIR / "en-ferry-summary", folder)
    data = json.loads((folder / "gold.json").read_text(encoding="utf-8"))

    def save():
        (folder / "gold.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return folder, data, save


def test_the_copied_pair_is_valid(broken):
    folder, _, _ = broken
    assert gold_set.load_pair(folder).id == "en-ferry-summary"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["a"]["units"][3].update(start=d["a"]["units"][3]["start"] + 1),
            "not the quoted",
        ),
        (lambda d: d["a"]["units"][3].update(text="Something else"), "not the quoted"),
        (
            lambda d: d["links"].append({"a": ["a99"], "b": ["b2"], "certainty": "sure"}),
            "no unit 'a99'",
        ),
        (lambda d: d.pop("split"), "missing keys \\['split'\\]"),
        (lambda d: d.update(split="train"), "split 'train'"),
        (lambda d: d.update(category="misc"), "category 'misc'"),
        (lambda d: d["links"].append({"a": ["a2"], "b": ["b3"], "certainty": "sure"}), "byline"),
        (
            lambda d: d["links"].append(
                {"a": ["a9", "a10"], "b": ["b3", "b4"], "certainty": "sure"}
            ),
            "n:m",
        ),
        (
            lambda d: d["links"].append({"a": ["a8"], "b": ["b3"], "certainty": "sure"}),
            "already in",
        ),
        (lambda d: d["links"][0].update(certainty="maybe"), "certainty 'maybe'"),
        (lambda d: d["a"]["units"].pop(5), "should be 'a6'"),
        (lambda d: d.update(links=[]), "different-events"),
        (lambda d: d["b"].update(language="english"), "ISO 639-1"),
    ],
)
def test_the_checker_names_what_is_wrong(broken, change, message):
    folder, data, save = broken
    change(data)
    save()
    with pytest.raises(gold_set.GoldSetError, match=message):
        gold_set.load_pair(folder)


def test_the_checker_finds_text_outside_every_unit(broken):
    folder, data, save = broken
    removed = data["a"]["units"].pop()
    save()
    with pytest.raises(gold_set.GoldSetError, match="lies in no unit"):
        gold_set.load_pair(folder)
    assert removed["text"] in (folder / "a.txt").read_text(encoding="utf-8")


def test_the_command_line_checks_and_counts(capsys, broken):
    assert gold_set.main(["--split", "test"]) == 0
    out = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert int(out["pairs"]) == len(gold_set.load_pairs("test"))
    folder, data, save = broken
    data["links"][0]["a"] = ["a404"]
    save()
    assert gold_set.main(["--root", str(folder.parent)]) == 1
    assert "a404" in capsys.readouterr().err


def test_units_in_maps_a_passage_onto_the_units_it_touches():
    pair = gold_set.load_pair(gold_set.PAIRS_DIR / "en-cinema-phones-outlets")
    first, second = pair.a.unit("a12"), pair.a.unit("a13")
    assert gold_set.units_in(pair.a, first.start, second.end) == (first, second)
    assert gold_set.units_in(pair.a, first.end, second.start) == ()
    assert gold_set.units_in(pair.a, first.end - 1, first.end + 1) == (first,)


def test_fill_offsets_finds_each_unit_after_the_one_before(broken):
    folder, data, save = broken
    original = gold_set.load_pair(folder)
    for side in ("a", "b"):
        for unit in data[side]["units"]:
            unit["start"] = unit["end"] = 0
    save()
    with pytest.raises(gold_set.GoldSetError):
        gold_set.load_pair(folder)
    assert gold_set.fill_offsets(folder) == len(original.a.units) + len(original.b.units)
    assert gold_set.load_pair(folder) == original
    assert gold_set.fill_offsets(folder) == 0


def test_fill_offsets_names_a_unit_missing_from_the_article(broken, capsys):
    folder, data, save = broken
    data["b"]["units"][3]["text"] = "A sentence the article does not hold."
    save()
    assert gold_set.main(["--fill-offsets", str(folder)]) == 1
    assert "does not hold" in capsys.readouterr().err


@pytest.mark.parametrize("folder", PAIR_FOLDERS[:3] + PAIR_FOLDERS[-3:], ids=lambda p: p.name)
def test_gold_files_are_written_in_the_one_line_per_unit_form(folder):
    written = (folder / "gold.json").read_text(encoding="utf-8")
    data = json.loads(written)
    assert json.loads(gold_set.format_gold(data)) == data
    assert gold_set.format_gold(data) == written


def test_sentence_links_can_leave_out_headlines_and_bullets():
    pair = gold_set.load_pair(gold_set.PAIRS_DIR / "en-budget-summary")
    everything = pair.sentence_links("sure")
    body = pair.sentence_links("sure", kinds={"sentence"})
    bullets = {pair.b.unit(i).index for i in ("b3", "b4", "b5")}
    assert body < everything
    assert {j for _, j in everything} & bullets
    assert not {j for _, j in body} & bullets
    assert all(pair.a.units[i].kind == "sentence" for i, _ in body)
    with pytest.raises(ValueError, match="never linked"):
        pair.sentence_links("sure", kinds={"byline"})

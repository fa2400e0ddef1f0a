from __future__ import annotations

import dataclasses
import html
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import render_template
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.errors import EmptyInputError
from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import MetadataMarker
from annotations.records import Paragraph
from annotations.records import PassagePair
from annotations.records import Segmentation
from annotations.records import Sentence
from annotations.records import Span
from annotations.text.align import align_documents
from annotations.text.diff import diff_passages
from annotations.text.ingest import ingest_text
from annotations.text.ingest import read_manifest
from webapp import compare
from webapp.rendering import build_comparison
from webapp.rendering import diff_pieces
from webapp.rendering import document_pieces
from webapp.rendering import group_blocks
from webapp.rendering import pair_families
from webapp.rendering import prose_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NO_PAIRS = Alignment((), (), (), AlignSettings(threshold=30.0, near_best=0.6, version="test"))


@pytest.fixture(scope="module")
def seeds():
    title, documents = read_manifest(SEEDS)
    a, b = documents
    return title, a, b, align_documents(a, b)


class ArticleParser(HTMLParser):
    """Collect, per column, the pieces (elements with data-start) and their text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.side = None
        self.pieces = {"a": [], "b": []}
        self.current = None
        self.ids = {}
        self.id_text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "article-text" in (attrs.get("class") or "").split():
            self.side = attrs["data-side"]
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": ""}
            self.id_text = attrs["id"] if tag == "span" else None
        if self.side and "data-start" in attrs:
            self.current = {"tag": tag, "attrs": attrs, "text": ""}
            self.pieces[self.side].append(self.current)

    def handle_endtag(self, tag):
        if tag == "span":
            self.current = None
            self.id_text = None
        if tag == "article":
            self.side = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data
        if self.id_text is not None:
            self.ids[self.id_text]["text"] += data


def parse(body):
    parser = ArticleParser()
    parser.feed(body)
    parser.close()
    return parser


def sentence_with(parser, side, fragment):
    found = [
        p
        for p in parser.pieces[side]
        if fragment in p["text"] and "s" in p["attrs"].get("class", "").split()
    ]
    assert len(found) == 1, f"expected one {side} sentence containing {fragment!r}"
    return found[0]


# A seed folder small enough to align by hand: sentence 1 of A and of B tell the same call,
# sentence 2 of each its length; A's third sentence (an advert) and B's third (a slogan)
# have no counterpart. So: 2 matched passages, 1 only in A, 1 only in B.
SMALL_A = (
    " date 2025-10-25 Trump called Takaichi on Tuesday evening. The call lasted ten minutes,"
    " officials said.\n\nJoin a premium crypto trading community free for 30 days.\n"
)
SMALL_B = (
    "Trump called Takaichi on Tuesday night from Air Force One. The call lasted just ten"
    " minutes.\n\nMake Japan Great Again, the placards read.\n"
)
SMALL_PAIRS = [
    ("Trump called Takaichi on Tuesday evening.", "Trump called Takaichi on Tuesday night"),
    ("The call lasted ten minutes, officials said.", "The call lasted just ten minutes."),
]


@pytest.fixture
def small_seeds(app, tmp_path):
    """Point the app's seed folder at the small hand-aligned pair above."""
    folder = tmp_path / "small-seeds"
    folder.mkdir()
    (folder / "a.txt").write_text(SMALL_A, encoding="utf-8")
    (folder / "b.txt").write_text(SMALL_B, encoding="utf-8")
    manifest = {
        "comparison": {"title": "One call & two tellings", "description": "Small."},
        "articles": [
            {"file": "a.txt", "label": "A", "outlet": "Wire <report>", "title": "A call"},
            {"file": "b.txt", "label": "B", "outlet": "Opinion", "title": "Two & a call"},
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    app.config["SEEDS_DIR"] = str(folder)
    return manifest


def test_index_lists_the_seed_comparison(client, small_seeds):
    body = client.get("/").get_data(as_text=True)
    assert "One call &amp; two tellings" in body
    for outlet, title in (("Wire &lt;report&gt;", "A call"), ("Opinion", "Two &amp; a call")):
        assert outlet in body and title in body
    assert '<time datetime="2025-10-25">25 October 2025</time>' in body
    assert "date not given" in body  # B has no date marker
    assert "2 matched passages" in body
    assert "1 only in A" in body
    assert "1 only in B" in body
    assert 'href="/compare/seeds"' in body


def test_seed_page_shows_every_character_of_both_articles(client, seeds):
    _, a, b, _ = seeds
    response = client.get("/compare/seeds")
    assert response.status_code == 200
    parser = parse(response.get_data(as_text=True))
    for side, document in (("a", a), ("b", b)):
        pieces = parser.pieces[side]
        assert "".join(p["text"] for p in pieces) == document.text
        for piece in pieces:
            start, end = int(piece["attrs"]["data-start"]), int(piece["attrs"]["data-end"])
            assert document.text[start:end] == piece["text"]
        shown = [p["text"] for p in pieces if "s" in p["attrs"].get("class", "").split()]
        assert shown == [s.span.slice(document.text) for s in prose_sentences(document)]


def test_marker_and_headings_are_labelled(client, seeds):
    _, a, _, _ = seeds
    parser = parse(client.get("/compare/seeds").get_data(as_text=True))
    markers = [p for p in parser.pieces["a"] if p["attrs"]["class"] == "marker"]
    assert [m["text"] for m in markers] == ["date 2025-10-25"]
    body = client.get("/compare/seeds").get_data(as_text=True)
    # The label is CSS content, so the text inside .doc-text stays the article's own.
    assert '<p class="marker-line" data-label="metadata:"><span class="marker"' in body
    headings = [p["text"] for p in parser.pieces["a"] if p["attrs"]["class"] == "heading"]
    assert headings == [h.slice(a.text) for h in a.segmentation.headings]
    assert len(headings) == 2
    for heading in headings:
        assert f">{html.escape(heading)}</span></h3>" in body


def test_one_source_sentences_are_marked(client):
    parser = parse(client.get("/compare/seeds").get_data(as_text=True))
    crypto = sentence_with(parser, "a", "Join a premium crypto trading community")
    slogan = sentence_with(parser, "b", "Make Japan Great Again")
    for piece, side in ((crypto, "a"), (slogan, "b")):
        attrs = piece["attrs"]
        assert attrs["data-only"] == side
        assert "only" in attrs["class"].split()
        assert "data-pairs" not in attrs
        other = "B" if side == "a" else "A"
        description = parser.ids[attrs["aria-describedby"]]
        assert description["text"] == f"Only in {side.upper()}: {other} has no counterpart."


def test_paired_sentences_point_at_each_other(client, seeds):
    _, _, _, alignment = seeds
    parser = parse(client.get("/compare/seeds").get_data(as_text=True))
    pair_ids = {"a": set(), "b": set()}
    for side in ("a", "b"):
        for piece in parser.pieces[side]:
            attrs = piece["attrs"]
            if "data-pairs" not in attrs:
                continue
            ids = attrs["data-pairs"].split()
            assert attrs["tabindex"] == "0"
            described = attrs["aria-describedby"].split()
            assert described == [f"{side}-desc-{i}" for i in ids]
            for target in described:
                other = "B" if side == "a" else "A"
                assert parser.ids[target]["text"].startswith(f"Matches a passage in {other}")
            pair_ids[side].update(ids)
    expected = {f"p{n}" for n in range(1, len(alignment.pairs) + 1)}
    assert pair_ids["a"] == pair_ids["b"] == expected


def test_matched_passages_table_and_only_lists(client, small_seeds):
    body = client.get("/compare/seeds").get_data(as_text=True)
    assert 'Matched passages <span class="count">(2)</span>' in body
    table = body.split('id="pairs-title"')[1].split("</table>")[0]
    rows = re.findall(r'<tr id="pair-(\d+)"[^>]*>(.*?)</tr>', table, re.S)
    assert [number for number, _ in rows] == ["1", "2"]
    for (_, row), (quote_a, quote_b) in zip(rows, SMALL_PAIRS, strict=True):
        cells = re.findall(r'<span class="plain">(.*?)</span>', row)
        assert cells[0] == quote_a and cells[1].startswith(quote_b)
        assert '<span class="kind kind-' in row
    # The second pair differs by "just" in B and ", officials said" in A.
    assert "<ins>just</ins>" in rows[1][1]
    assert "<del>, officials said</del>" in rows[1][1]
    assert 'id="show-diffs"' in body
    assert 'Only in A <span class="count">(1)</span>' in body
    assert 'Only in B <span class="count">(1)</span>' in body
    only_a = body.split('id="only-a-title"')[1].split("</section>")[0]
    only_b = body.split('id="only-b-title"')[1].split("</section>")[0]
    assert "Join a premium crypto trading community free for 30 days." in only_a
    assert "Make Japan Great Again, the placards read." in only_b


def test_alignment_is_computed_once_per_process(client, monkeypatch):
    calls = []
    real = compare.build_comparison

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(compare, "build_comparison", counting)
    compare.load_seed_comparison.cache_clear()
    try:
        for path in ("/", "/compare/seeds", "/compare/seeds", "/"):
            assert client.get(path).status_code == 200
    finally:
        compare.load_seed_comparison.cache_clear()
    assert len(calls) == 1


def test_missing_seed_folder_is_a_404(tmp_path):
    from webapp import create_app

    app = create_app(
        {"TESTING": True, "SEEDS_DIR": str(tmp_path / "nothing")},
        instance_path=str(tmp_path / "instance"),
    )
    client = app.test_client()
    assert client.get("/compare/seeds").status_code == 404
    # The home page still answers: its new database, migrated by the first request, has no
    # teacher yet, so it asks for one.
    response = client.get("/")
    assert (response.status_code, response.location) == (302, "/setup")
    assert "No comparison yet" in client.get("/comparisons").get_data(as_text=True)


# --- the presentation helpers -------------------------------------------------------------


def assert_pieces_cover(document, pieces):
    assert "".join(p.text for p in pieces) == document.text
    cursor = 0
    for piece in pieces:
        assert piece.start == cursor
        assert piece.end > piece.start
        assert document.text[piece.start : piece.end] == piece.text
        cursor = piece.end
    assert cursor == len(document.text)


def assert_blocks_keep_pieces(pieces):
    blocks = group_blocks(pieces)
    assert [p for block in blocks for p in block.pieces] == list(pieces)
    for block in blocks:
        kinds = {p.kind for p in block.pieces}
        if block.kind == "break":
            assert kinds == {"gap"}
        elif block.kind in ("marker", "heading"):
            assert len(block.pieces) == 1 and kinds == {block.kind}
        else:
            paragraphs = {p.paragraph for p in block.pieces if p.kind == "sentence"}
            assert len(paragraphs) <= 1
            assert block.pieces[0].kind != "gap" and block.pieces[-1].kind != "gap"


def test_pieces_cover_both_seeds_exactly(seeds):
    _, a, b, alignment = seeds
    for document, side in ((a, "a"), (b, "b")):
        pieces = document_pieces(document, alignment, side)
        assert_pieces_cover(document, pieces)
        assert_blocks_keep_pieces(pieces)
        sentences = [p for p in pieces if p.kind == "sentence"]
        assert len(sentences) == len(prose_sentences(document))
        for piece in sentences:
            pairs = alignment.pairs
            expected = [
                n + 1
                for n, pair in enumerate(pairs)
                if piece.sentence in (pair.a_sentences if side == "a" else pair.b_sentences)
            ]
            assert list(piece.pairs) == expected


def test_blank_line_runs_become_breaks(seeds):
    _, _, b, alignment = seeds
    blocks = group_blocks(document_pieces(b, alignment, "b"))
    assert blocks[-1].kind == "break"
    assert blocks[-1].pieces[0].text == b.text[len(b.text.rstrip()) :]
    assert blocks[-1].pieces[0].text.count("\n") >= 8


def test_a_sentence_may_belong_to_several_pairs():
    a = ingest_text("Trump called Takaichi. Takaichi thanked him. Markets rose.")
    b = ingest_text("Takaichi took a call from Trump and thanked him. Other news.")
    a_spans = [s.span for s in prose_sentences(a)]
    b_spans = [s.span for s in prose_sentences(b)]
    alignment = Alignment(
        pairs=(
            PassagePair(a_spans[0], b_spans[0], 60.0, "partial", (0,), (0,)),
            PassagePair(a_spans[1], b_spans[0], 55.0, "partial", (1,), (0,)),
        ),
        only_a=(a_spans[2],),
        only_b=(b_spans[1],),
        settings=NO_PAIRS.settings,
    )
    b_pieces = [p for p in document_pieces(b, alignment, "b") if p.kind == "sentence"]
    assert b_pieces[0].pairs == (1, 2)
    assert b_pieces[0].pair_ids == "p1 p2"
    assert b_pieces[1].is_only
    a_pieces = [p for p in document_pieces(a, alignment, "a") if p.kind == "sentence"]
    assert [p.pairs for p in a_pieces] == [(1,), (2,), ()]
    # Pairs sharing a sentence are one family, so they share a colour.
    assert pair_families(alignment) == (0, 0)
    assert a_pieces[0].family == a_pieces[1].family == b_pieces[0].family == 0


def test_families_join_pairs_that_share_a_sentence(seeds):
    _, _, _, alignment = seeds
    families = pair_families(alignment)
    pairs = alignment.pairs
    for i, j in itertools.combinations(range(len(pairs)), 2):
        share_a = set(pairs[i].a_sentences) & set(pairs[j].a_sentences)
        share_b = set(pairs[i].b_sentences) & set(pairs[j].b_sentences)
        if share_a or share_b:
            assert families[i] == families[j]
    # Numbered in order of first appearance: 0, then each new family the next number.
    seen = []
    for family in families:
        if family not in seen:
            assert family == len(seen)
            seen.append(family)


def test_pieces_survive_overlapping_and_missing_spans():
    document = ingest_text(" date 2025-10-25 First one. Second one.\n\nThird.")
    text = document.text
    # A marker overlapping the first sentence, and a sentence missing: nothing is lost.
    broken = Segmentation(
        paragraphs=(Paragraph(1, 39, "prose"), Paragraph(41, 47, "prose")),
        sentences=(Sentence(5, 27, 0), Sentence(41, 47, 1)),
        headings=(),
        markers=(MetadataMarker(1, 16, "date", "2025-10-25"),),
        blank_runs=(Span(39, 41),),
    )
    document = dataclasses.replace(document, segmentation=broken)
    pieces = document_pieces(document, NO_PAIRS, "a")
    assert_pieces_cover(document, pieces)
    kinds = [p.kind for p in pieces]
    assert kinds == ["gap", "marker", "sentence", "gap", "text", "gap", "sentence"]
    assert pieces[2].text == text[16:27]
    assert pieces[4].text == "Second one."
    assert all(p.is_only for p in pieces if p.kind == "sentence")
    assert_blocks_keep_pieces(pieces)


TOKENS = list("abcXYZ .,!?\n\n  \t“”’—😀é") + ["U.S.", "Mr.", "Sub head\n\n", "Words here. "]
TEXT = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=80).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=TEXT, marker=st.booleans())
def test_pieces_cover_generated_text(seeds, body, marker):
    _, _, b, _ = seeds
    text = (" date 2025-10-25 " if marker else "") + body
    try:
        document = ingest_text(text)
    except EmptyInputError:
        assume(False)
    alignment = align_documents(document, b)
    pieces = document_pieces(document, alignment, "a")
    assert_pieces_cover(document, pieces)
    assert_blocks_keep_pieces(pieces)


def test_diff_pieces_join_to_each_passage(seeds):
    _, a, b, alignment = seeds
    changed = 0
    for pair in alignment.pairs:
        ops = diff_passages(a.text, pair.a, b.text, pair.b)
        a_runs = diff_pieces(a.text, pair.a, ops, "a")
        b_runs = diff_pieces(b.text, pair.b, ops, "b")
        assert "".join(r.text for r in a_runs) == pair.a.slice(a.text)
        assert "".join(r.text for r in b_runs) == pair.b.slice(b.text)
        changed += sum(r.changed for r in a_runs + b_runs)
    assert changed > 0


def test_diff_pieces_mark_the_changed_words():
    a_text = "The cat sat on the mat."
    b_text = "The dog sat on the mat."
    span_a, span_b = Span(0, len(a_text)), Span(0, len(b_text))
    ops = diff_passages(a_text, span_a, b_text, span_b)
    a_runs = diff_pieces(a_text, span_a, ops, "a")
    b_runs = diff_pieces(b_text, span_b, ops, "b")
    assert [r.text for r in a_runs if r.changed] == ["cat"]
    assert [r.text for r in b_runs if r.changed] == ["dog"]
    assert "".join(r.text for r in a_runs) == a_text


HOSTILE = (
    "Breaking: <script>alert(1)</script> was posted today. "
    "A second post held <img src=x onerror=alert(1)> and more.\n\n"
    "Readers said the “posts” were a test & nothing else."
)


def test_article_text_is_escaped(app):
    a = ingest_text(HOSTILE)
    b = ingest_text(HOSTILE.replace("today", "on Monday"))
    view = build_comparison("<i>Hostile</i> & co", a, b)
    assert view.pairs, "identical sentences must pair, so the table shows the markup too"
    with app.test_request_context("/compare/seeds"):
        body = render_template("compare/show.html", comparison=view)
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "<i>Hostile</i>" not in body
    assert "&lt;i&gt;Hostile&lt;/i&gt; &amp; co" in body
    # Both columns and the matched passages table show the markup as text.
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert body.count("&lt;img src=x onerror=alert(1)&gt;") >= 3
    assert body.count("<script") == 1  # the page's own compare.js
    parser = parse(body)
    for side, document in (("a", a), ("b", b)):
        assert "".join(p["text"] for p in parser.pieces[side]) == document.text


def test_cross_language_page_says_what_the_links_mean(app):
    english = ingest_text(
        "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on Friday. It rained."
    )
    german = ingest_text(
        "Bundeskanzler Olaf Scholz hat am Freitag in Paris Präsident Emmanuel Macron "
        "getroffen. Der Umsatz stieg um 4,5 Prozent."
    )
    view = build_comparison("Two languages", english, german)
    assert view.languages == ("en", "de")
    with app.test_request_context("/compare/seeds"):
        body = render_template("compare/show.html", comparison=view)
    assert "Cross-language comparison (en and de)" in body
    assert "only shared names, numbers and initialisms are linked" in body


def test_same_language_page_has_no_cross_language_notice(client):
    body = client.get("/compare/seeds").get_data(as_text=True)
    assert "Cross-language" not in body


def test_every_link_shows_its_evidence_and_confidence(client, seeds):
    _, a, b, alignment = seeds
    body = client.get("/compare/seeds").get_data(as_text=True)
    assert "Why linked" in body
    assert 'id="evidence-card"' in body
    for number, pair in enumerate(alignment.pairs, start=1):
        assert pair.evidence
        source = body.split(f'id="evidence-p{number}"')[1].split("</div>")[0]
        assert f"{pair.confidence} confidence" in source
        assert [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", source)] == list(
            pair.evidence
        )
        description = body.split(f'id="a-desc-p{number}"')[1].split("</span>")[0]
        assert f"{pair.confidence} confidence" in description
        assert html.unescape(description).count(", ".join(pair.evidence)) == 1
        row = body.split(f'<tr id="pair-{number}"')[1].split(">")[0]
        assert f"conf-{pair.confidence}" in row


def test_a_sentence_is_drawn_weak_only_when_all_its_links_are_weak(client, seeds):
    _, a, b, alignment = seeds
    parser = parse(client.get("/compare/seeds").get_data(as_text=True))
    sentences = [p for p in parser.pieces["a"] if "paired" in p["attrs"]["class"].split()]
    assert sentences
    rank = {"low": 0, "medium": 1, "high": 2}
    seen = set()
    for piece in sentences:
        numbers = [int(i[1:]) for i in piece["attrs"]["data-pairs"].split()]
        strongest = max((alignment.pairs[n - 1].confidence for n in numbers), key=rank.get)
        assert f"conf-{strongest}" in piece["attrs"]["class"].split()
        seen.add(strongest)
    assert "low" in seen and seen - {"low"}


def test_a_weak_link_is_never_called_a_paraphrase_on_the_page(client, seeds):
    body = client.get("/compare/seeds").get_data(as_text=True)
    for row in body.split('<tr id="pair-')[1:]:
        row = row.split("</tr>")[0]
        if "conf-low" in row.split(">")[0]:
            assert "kind-paraphrase" not in row

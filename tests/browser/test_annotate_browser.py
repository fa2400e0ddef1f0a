"""Tagging text on the comparison page in a real Chromium: picker, editor, undo, links."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import listing
from annotations.storage import models
from annotations.storage import presenter
from annotations.storage import saving
from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from webapp import db

from .axe import axe_check
from .mouse import character_boxes
from .mouse import drag
from .mouse import drag_over
from .mouse import sign_in

# Saving runs on SQLite and again on PostgreSQL (see `server_database`).
pytestmark = [pytest.mark.browser, pytest.mark.databases]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

EMOJI_A = "Party news 🎉🎉 first. Then 🎉🎉 the Big Slogan Here appears 🎉 in the text.\n"
EMOJI_B = "Another telling 🎉 of the party. The Big Slogan Here is repeated by all.\n"


@pytest.fixture(scope="module")
def annotate_app(make_seeded_app, server_database):
    """An app with the migrated schema, the built-in tag sets, the seed comparison and a
    teacher; sign-in on."""
    return make_seeded_app("annotate-instance", teacher=True, **server_database)


@pytest.fixture(scope="module")
def annotate_server(annotate_app, serve):
    """Serve ``annotate_app`` (CSRF on) on a free port of 127.0.0.1."""
    with serve(annotate_app) as base:
        yield base


@pytest.fixture
def browser_page(browser_page, annotate_server):
    """The page, signed in as the teacher through the login form."""
    sign_in(browser_page, annotate_server)
    return browser_page


@pytest.fixture
def seed(annotate_app):
    """Return the seed comparison's id and its documents (A, B), with no annotations left."""
    with annotate_app.app_context():
        session = db.get_session()
        comparison = session.scalars(
            select(models.Comparison).order_by(models.Comparison.id)
        ).first()
        for row in session.scalars(select(models.Annotation)):
            session.delete(row)
        session.commit()
        documents = comparison.documents
        return comparison.id, documents[0], documents[1]


def stored(app, **filters):
    """Return the annotations stored in ``app``'s database as dicts (deleted ones too)."""
    with app.app_context():
        rows = listing.list_annotations(db.get_session(), include_deleted=True, **filters)
        return [{**presenter.annotation_to_dict(row), "deleted_at": row.deleted_at} for row in rows]


def open_comparison(page, base, comparison_id):
    page.goto(f"{base}/comparisons/{comparison_id}")
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")


def select_text(page, side, text, start_at=0):
    """Drag the mouse over ``text`` in column ``side``; the picker shows exactly it."""
    drag_over(page, side, text, start_at=start_at)
    expect(page.locator("#ann-picker")).to_be_visible()
    expect(page.locator("#ann-picker [data-ann-quote]")).to_have_text(text.strip())


def is_list_request(request):
    return request.method == "GET" and "/annotations?documents=" in request.url


def is_list(response):
    return is_list_request(response.request)


def is_create(response):
    return response.request.method == "POST" and response.url.endswith("/annotations")


def save_with(page, action):
    """Run ``action`` (which saves) and return the POST body sent and the JSON answer."""
    with page.expect_response(is_create) as info:
        action()
    response = info.value
    assert response.status == 201, response.text()
    return response.request.post_data_json, response.json()


@pytest.fixture
def screenshot():
    """Save what the viewport shows under tests/browser/screenshots/ (the columns scroll)."""

    def take(page, name):
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled")
        return path

    return take


def mark_of(page, annotation_id):
    return page.locator(f'mark.hl[data-annotation-id="{annotation_id}"]')


def assert_no_problems(page, problems):
    page.evaluate("0")  # a round trip, so violations reported before it have arrived
    assert problems == []


def test_tags_a_slogan_and_an_advert_and_keeps_them(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot, caplog
):
    comparison_id, doc_a, doc_b = seed
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)

    select_text(page, "b", SLOGAN)
    picker = page.get_by_role("dialog", name="Tag the selection")
    expect(picker).to_be_visible()
    expect(picker.locator(".ann-tag")).to_have_count(12)
    screenshot(page, "annotate-picker")
    picker.get_by_role("button", name=re.compile("^Slogan or catchphrase")).click()
    sent, answer = save_with(page, lambda: picker.get_by_role("button", name="Save").click())
    # The offsets the page counted slice the original text to the quote, with no re-anchoring.
    assert doc_b.text[sent["start"] : sent["end"]] == SLOGAN == sent["quote"]
    assert sent["tag_keys"] == ["slogan"] and sent["tag_set_key"] == "media-literacy"
    slogan_id = answer["id"]
    expect(mark_of(page, slogan_id)).to_have_text(SLOGAN)
    expect(mark_of(page, slogan_id)).not_to_have_class(re.compile("is-pending"))

    select_text(page, "a", CRYPTO)
    page.keyboard.press("2")
    expect(picker.locator('.ann-tag[data-tag-key="promotional"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator("#ann-picker-note").fill("An advert for crypto trading, not news.")
    sent, answer = save_with(page, lambda: page.locator("#ann-picker-note").press("Enter"))
    assert doc_a.text[sent["start"] : sent["end"]] == CRYPTO
    assert sent["note"] == "An advert for crypto trading, not news."
    expect(picker).to_be_hidden()

    with page.expect_response(is_list) as first_list:
        page.reload()
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    # The compact list leaves out the quotes of the two articles shown: the page cuts them.
    assert [row[4] for row in first_list.value.json()["annotations"]] == [None, None]
    assert first_list.value.headers["content-encoding"] in ("zstd", "br", "gzip")
    expect(mark_of(page, slogan_id)).to_have_text(SLOGAN)
    expect(mark_of(page, answer["id"])).to_have_text(CRYPTO)
    mark_of(page, answer["id"]).scroll_into_view_if_needed()
    screenshot(page, "annotate-highlights")
    colour = mark_of(page, slogan_id).evaluate("el => el.style.getPropertyValue('--hl')")
    assert colour == "#fee891"
    mark_of(page, slogan_id).click()
    expect(page.locator("#ann-editor [data-ann-quote]")).to_have_text(SLOGAN)
    page.keyboard.press("Escape")

    # Nothing changed since: the browser asks again and the server answers 304 (no body);
    # the script reads the copy the browser kept (Playwright reports that as a 200).
    caplog.clear()
    with caplog.at_level("INFO", logger="webapp.requests"):
        with page.expect_request_finished(is_list_request):
            page.reload()
        expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    answered = [
        record.status
        for record in caplog.records
        if record.name == "webapp.requests" and "/annotations" in record.getMessage()
    ]
    assert answered == [304]
    expect(mark_of(page, slogan_id)).to_have_text(SLOGAN)
    expect(mark_of(page, answer["id"])).to_have_text(CRYPTO)

    rows = {row["quote"]: row for row in stored(annotate_app)}
    assert set(rows) == {SLOGAN, CRYPTO}
    assert doc_b.text[rows[SLOGAN]["start"] : rows[SLOGAN]["end"]] == SLOGAN
    assert doc_a.text[rows[CRYPTO]["start"] : rows[CRYPTO]["end"]] == CRYPTO
    assert rows[SLOGAN]["document_id"] == doc_b.id and rows[CRYPTO]["document_id"] == doc_a.id
    assert [tag["key"] for tag in rows[CRYPTO]["tags"]] == ["promotional"]
    assert rows[CRYPTO]["note"] == "An advert for crypto trading, not news."
    assert_no_problems(page, problems)


def add_annotation(app, document, quote, tag_keys, comparison_id, *, note="", occurrence=0):
    """Store an annotation of ``quote`` (its ``occurrence``-th match) and return its id."""
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(quote, start + 1)
    with app.app_context():
        session = db.get_session()
        data = checks.AnnotationInput(
            public_id=str(uuid.uuid4()),
            document_id=document.id,
            start=start,
            end=start + len(quote),
            quote=quote,
            tag_keys=tuple(tag_keys),
            tag_set_key="media-literacy",
            note=note,
            comparison_id=comparison_id,
        )
        row, _ = saving.add_annotation(session, data)
        session.commit()
        return row.public_id


EDITED = "bold rhetoric, economic nationalism"


def open_one_annotation(app, base, seed, page):
    """Store one loaded-language annotation of EDITED with the note "old" and open the page."""
    comparison_id, _, doc_b = seed
    annotation_id = add_annotation(
        app, doc_b, EDITED, ["loaded-language"], comparison_id=comparison_id, note="old"
    )
    open_comparison(page, base, comparison_id)
    return annotation_id, page


def test_edits_the_note_and_deletes_with_undo(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot
):
    quote = EDITED
    annotation_id, page = open_one_annotation(annotate_app, annotate_server, seed, browser_page)
    mark = mark_of(page, annotation_id)
    mark.scroll_into_view_if_needed()
    mark.click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    expect(editor).to_be_visible()
    expect(editor.locator("[data-ann-quote]")).to_have_text(quote)
    expect(editor.locator('.ann-tag[data-tag-key="loaded-language"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(editor.locator("#ann-editor-note")).to_have_value("old")
    screenshot(page, "annotate-editor")

    editor.locator("#ann-editor-note").fill("Evaluative words, not a description.")
    page.keyboard.press("Tab")  # leave the note: shortcuts do not fire while typing in it
    page.keyboard.press("6")
    with page.expect_response(lambda r: r.request.method == "PATCH") as info:
        editor.get_by_role("button", name="Save changes").click()
    assert info.value.status == 200
    assert info.value.request.post_data_json == {
        "tag_keys": ["loaded-language", "speculation"],
        "note": "Evaluative words, not a description.",
        # The version the page read: stored once, so 1.
        "version": 1,
    }
    expect(editor).to_be_hidden()
    expect(mark).to_have_class(re.compile("hl-multi"))
    (row,) = stored(annotate_app)
    assert row["note"] == "Evaluative words, not a description."
    assert [tag["key"] for tag in row["tags"]] == ["loaded-language", "speculation"]

    mark.click()
    with page.expect_response(lambda r: r.request.method == "DELETE") as info:
        editor.get_by_role("button", name="Delete").click()
    assert info.value.status == 200
    expect(mark).to_have_count(0)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Deleted.")
    undo = status.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    (row,) = stored(annotate_app)
    assert row["deleted_at"] is not None
    with page.expect_response(lambda r: r.url.endswith("/restore")) as info:
        undo.click()
    assert info.value.status == 200
    expect(mark).to_have_text(quote)
    expect(status).to_contain_text("Restored")

    page.reload()
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    expect(mark).to_have_text(quote)
    (row,) = stored(annotate_app)
    assert row["deleted_at"] is None
    assert_no_problems(page, problems)


def test_two_tabs_editing_one_annotation_end_in_a_visible_conflict(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot
):
    annotation_id, first = open_one_annotation(annotate_app, annotate_server, seed, browser_page)
    second = first.context.new_page()
    open_comparison(second, annotate_server, seed[0])
    # Tab 1 changes the note and saves.
    mark_of(first, annotation_id).scroll_into_view_if_needed()
    mark_of(first, annotation_id).click()
    editor = first.get_by_role("dialog", name="Edit annotation")
    editor.locator("#ann-editor-note").fill("Tab one's note.")
    with first.expect_response(lambda r: r.request.method == "PATCH") as info:
        editor.get_by_role("button", name="Save changes").click()
    assert info.value.status == 200
    # Tab 2, opened before that save, adds a tag and writes its own note.
    mark = mark_of(second, annotation_id)
    mark.scroll_into_view_if_needed()
    mark.click()
    editor = second.get_by_role("dialog", name="Edit annotation")
    expect(editor.locator("#ann-editor-note")).to_have_value("old")
    editor.locator("#ann-editor-note").fill("Tab two's note.")
    second.keyboard.press("Tab")
    second.keyboard.press("6")
    with second.expect_response(lambda r: r.request.method == "PATCH") as info:
        editor.get_by_role("button", name="Save changes").click()
    assert info.value.status == 409
    # Not a silent loss: both versions are on screen and tab 2's changes are kept.
    expect(editor).to_be_visible()
    error = editor.locator("[data-ann-error]")
    expect(error).to_contain_text("Changed elsewhere")
    expect(error).to_contain_text("Tab one's note.")
    expect(error).to_contain_text("Tab two's note.")
    expect(editor.locator("#ann-editor-note")).to_have_value("Tab two's note.")
    expect(editor.locator('.ann-tag[data-tag-key="speculation"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(second.get_by_role("status")).to_contain_text("changed elsewhere")
    (row,) = stored(annotate_app)
    assert row["note"] == "Tab one's note."
    screenshot(second, "annotate-conflict")
    # Choosing "keep mine" saves tab 2's version over the newer one, knowingly.
    with second.expect_response(lambda r: r.request.method == "PATCH") as info:
        editor.get_by_role("button", name="Save changes").click()
    assert info.value.status == 200
    assert info.value.request.post_data_json["version"] == 2
    (row,) = stored(annotate_app)
    assert row["note"] == "Tab two's note."
    assert [tag["key"] for tag in row["tags"]] == ["loaded-language", "speculation"]
    problems[:] = [p for p in problems if "409" not in p]
    assert_no_problems(second, problems)


def test_a_tag_saved_while_the_server_is_unreachable_waits_and_is_sent_again(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot
):
    comparison_id, _, doc_b = seed
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    cut_off = []

    def no_saves(route):
        if route.request.method == "POST":
            cut_off.append(route.request.post_data_json["quote"])
            route.abort()
        else:
            route.continue_()

    page.route("**/api/documents/*/annotations", no_saves)
    picker = page.get_by_role("dialog", name="Tag the selection")
    for quote in (SLOGAN, "bold rhetoric"):
        select_text(page, "b", quote)
        picker.get_by_role("button", name=re.compile("^Slogan or catchphrase")).click()
        picker.get_by_role("button", name="Save").click()
        expect(picker).to_be_hidden()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Not saved yet: the server cannot be reached.")
    expect(status).to_contain_text("2 tags wait in this browser")
    waiting = page.locator("mark.hl.is-pending")
    expect(waiting.filter(has_text=SLOGAN)).to_have_count(1)
    expect(waiting.filter(has_text=SLOGAN)).to_have_attribute(
        "aria-label", f"{SLOGAN}. Annotation: Slogan or catchphrase (not saved yet)"
    )
    screenshot(page, "annotate-waiting")
    assert stored(annotate_app) == []

    # A reload keeps them: they come back from this browser's storage, still waiting.
    page.reload()
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    expect(waiting.filter(has_text=SLOGAN)).to_have_count(1)
    expect(waiting.filter(has_text="bold rhetoric")).to_have_count(1)
    # One of them is discarded while it waits.
    waiting.filter(has_text="bold rhetoric").click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    editor.get_by_role("button", name="Delete").click()
    expect(status).to_contain_text("Discarded the tag that was not saved yet.")
    expect(page.locator("mark.hl", has_text="bold rhetoric")).to_have_count(0)

    # The server answers again: the next round sends the one left, once.
    page.unroute("**/api/documents/*/annotations")
    with page.expect_response(is_create, timeout=15_000) as info:
        pass
    assert info.value.status == 201
    expect(status).to_contain_text("Saved the tag that was waiting.")
    expect(page.locator("mark.hl.is-pending")).to_have_count(0)
    (row,) = stored(annotate_app)
    assert row["quote"] == SLOGAN == doc_b.text[row["start"] : row["end"]]
    assert [tag["key"] for tag in row["tags"]] == ["slogan"]
    assert page.evaluate("Object.keys(localStorage).filter((k) => localStorage[k] !== '[]')") == []
    page.reload()
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    expect(page.locator("mark.hl", has_text=SLOGAN)).not_to_have_class(re.compile("is-pending"))
    assert len(stored(annotate_app)) == 1
    # While the server could not be reached, the second tag waited behind the first instead
    # of being sent as well.
    assert set(cut_off) == {SLOGAN}
    # The refused requests show in the console as failed loads; nothing else went wrong.
    assert [problem for problem in problems if "net::ERR_FAILED" not in problem] == []


def test_an_edit_the_server_did_not_take_stays_in_the_editor(
    annotate_app, annotate_server, seed, browser_page, problems
):
    annotation_id, page = open_one_annotation(annotate_app, annotate_server, seed, browser_page)
    page.route("**/api/annotations/*", lambda route: route.abort())
    mark = mark_of(page, annotation_id)
    mark.scroll_into_view_if_needed()
    mark.click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    note = "A long note that took a while to write."
    editor.locator("#ann-editor-note").fill(note)
    editor.locator('.ann-tag[data-tag-key="speculation"]').click()
    editor.get_by_role("button", name="Save changes").click()
    # Refused on the way: the editor comes back with what was typed and chosen.
    expect(editor.locator("[data-ann-error]")).to_contain_text("Your changes are kept here")
    expect(editor).to_be_visible()
    expect(editor.locator("#ann-editor-note")).to_have_value(note)
    expect(editor.locator('.ann-tag[data-tag-key="speculation"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    (row,) = stored(annotate_app)
    assert row["note"] == "old"

    page.unroute("**/api/annotations/*")
    with page.expect_response(lambda r: r.request.method == "PATCH") as info:
        editor.get_by_role("button", name="Save changes").click()
    assert info.value.status == 200
    expect(editor).to_be_hidden()
    (row,) = stored(annotate_app)
    assert row["note"] == note
    assert [tag["key"] for tag in row["tags"]] == ["loaded-language", "speculation"]
    assert [problem for problem in problems if "net::ERR_FAILED" not in problem] == []


def test_tags_a_sentence_with_the_keyboard_only(
    annotate_app, annotate_server, seed, browser_page, problems
):
    comparison_id, doc_a, _ = seed
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    sentence = page.locator("#a-s1")
    text = sentence.text_content()
    sentence.focus()
    page.keyboard.press("a")
    picker = page.get_by_role("dialog", name="Tag the selection")
    expect(picker).to_be_focused()
    expect(picker.locator("[data-ann-quote]")).to_have_text(text)
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(sentence).to_be_focused()

    page.keyboard.press("a")
    page.keyboard.press("8")
    sent, answer = save_with(page, lambda: page.keyboard.press("Enter"))
    assert doc_a.text[sent["start"] : sent["end"]] == text
    assert sent["tag_keys"] == ["attributed-quote"]
    expect(mark_of(page, answer["id"])).to_have_text(text)
    (row,) = stored(annotate_app)
    assert doc_a.text[row["start"] : row["end"]] == text

    # The highlight is reachable and editable from the keyboard too.
    mark = mark_of(page, answer["id"])
    mark.focus()
    page.keyboard.press("Enter")
    editor = page.get_by_role("dialog", name="Edit annotation")
    expect(editor).to_be_focused()
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    expect(mark).to_be_focused()
    assert_no_problems(page, problems)


def test_a_selection_across_two_sentences_and_a_highlight(
    annotate_app, annotate_server, seed, browser_page, problems
):
    comparison_id, doc_a, _ = seed
    inner = "Air Force One"
    add_annotation(annotate_app, doc_a, inner, ["attributed-quote"], comparison_id=comparison_id)
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    quote = "traveling toward Malaysia before heading to Japan and South Korea. Takaichi said"
    start = doc_a.text.index("Trump was aboard " + inner)
    assert doc_a.text[start:].startswith("Trump was aboard Air Force One, " + quote)
    # Start inside the existing highlight so the range begins in a <mark>.
    whole = "Force One, " + quote + " "
    select_text(page, "a", whole)
    expect(page.locator("#ann-picker [data-ann-quote]")).to_have_text(whole.strip())
    page.keyboard.press("3")
    sent, answer = save_with(page, lambda: page.keyboard.press("Enter"))
    assert doc_a.text[sent["start"] : sent["end"]] == whole.strip() == sent["quote"]
    marks = mark_of(page, answer["id"])
    expect(marks).to_have_count(4)  # inside the old highlight, after it, the gap, sentence two
    assert "".join(marks.all_text_contents()) == whole.strip()
    # Wrapping never changes the text of any piece.
    unchanged = page.evaluate(
        """() => Array.from(document.querySelectorAll(".doc-column[data-side=a] [data-start]"))
          .map((el) => [Number(el.dataset.start), el.textContent])"""
    )
    for piece_start, piece_text in unchanged:
        assert doc_a.text[piece_start : piece_start + len(piece_text)] == piece_text
    assert_no_problems(page, problems)


def test_refuses_a_selection_over_both_columns(annotate_server, seed, browser_page, problems):
    comparison_id, _, _ = seed
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    start = character_boxes(page, "a", "normally $100").first
    end = character_boxes(page, "b", "The call lasted").last
    drag(page, (start["left"] + 1, start["top"] + 5), (end["right"] - 1, end["top"] + 5))
    expect(page.get_by_role("status")).to_contain_text("within one article")
    expect(page.locator("#ann-picker")).to_be_hidden()
    assert_no_problems(page, problems)


def test_overlapping_highlights_are_both_clickable(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot
):
    comparison_id, _, doc_b = seed
    outer_quote = "sharper nationalism and a promise to"
    inner_quote = "nationalism and a promise"
    outer = add_annotation(
        annotate_app, doc_b, outer_quote, ["opinion-as-fact"], comparison_id=comparison_id
    )
    inner = add_annotation(
        annotate_app, doc_b, inner_quote, ["loaded-language"], comparison_id=comparison_id
    )
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    inner_mark = mark_of(page, inner)
    expect(inner_mark).to_have_count(1)
    expect(inner_mark).to_have_attribute("data-depth", "1")
    assert inner_mark.evaluate("el => el.parentElement.dataset.annotationId") == outer
    inner_mark.scroll_into_view_if_needed()
    screenshot(page, "annotate-overlap")
    editor = page.get_by_role("dialog", name="Edit annotation")
    inner_mark.click()
    expect(editor.locator("[data-ann-quote]")).to_have_text(inner_quote)
    page.keyboard.press("Escape")
    # "sharper" is covered by the outer annotation only.
    outer_first = mark_of(page, outer).first
    expect(outer_first).to_have_text("sharper ")
    outer_first.click(position={"x": 5, "y": 5})
    expect(editor.locator("[data-ann-quote]")).to_have_text(outer_quote)
    assert_no_problems(page, problems)


def test_counts_code_points_after_an_emoji(annotate_app, annotate_server, browser_page, problems):
    with annotate_app.app_context():
        session = db.get_session()
        records = [ingest_text(EMOJI_A), ingest_text(EMOJI_B)]
        rows = [comparisons.add_document(session, record) for record in records]
        comparison = comparisons.add_comparison(session, "Emoji party", rows)
        comparisons.save_alignment(session, comparison, rows[0], rows[1], align_documents(*records))
        session.commit()
        comparison_id, doc_a_id = comparison.id, rows[0].id
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    select_text(page, "a", "Big Slogan Here")
    page.keyboard.press("1")
    sent, answer = save_with(page, lambda: page.keyboard.press("Enter"))
    # Python counts code points; JavaScript's .length would have said 2 more for the two 🎉.
    assert sent["start"] == EMOJI_A.index("Big Slogan Here")
    assert EMOJI_A[sent["start"] : sent["end"]] == "Big Slogan Here"
    (row,) = stored(annotate_app, comparison_id=comparison_id)
    assert (row["start"], row["end"], row["document_id"]) == (sent["start"], sent["end"], doc_a_id)
    page.reload()
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    expect(mark_of(page, answer["id"])).to_have_text("Big Slogan Here")
    assert_no_problems(page, problems)


def test_links_a_passage_to_its_counterpart(
    annotate_app, annotate_server, seed, browser_page, problems, screenshot
):
    comparison_id, doc_a, doc_b = seed
    a_quote = "Takaichi said she appreciated the congratulations"
    b_quote = "congratulated her and praised her leadership"
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    select_text(page, "a", a_quote)
    picker = page.get_by_role("dialog", name="Tag the selection")
    picker.get_by_label("Link to the other article").check()
    expect(picker.get_by_role("group", name="How does B tell it?")).to_be_visible()
    drag_over(page, "b", b_quote)
    expect(picker.locator("[data-ann-link-quote]")).to_contain_text(b_quote)
    expect(picker.locator("[data-ann-quote]")).to_have_text(a_quote)
    picker.get_by_label("B sharpens").check()
    picker.locator('.ann-tag[data-tag-key="selective-emphasis"]').click()
    screenshot(page, "annotate-link-picker")
    sent, answer = save_with(page, lambda: picker.get_by_role("button", name="Save").click())
    assert sent["relation"] == "b-sharpens"
    assert doc_a.text[sent["start"] : sent["end"]] == a_quote
    assert sent["link_document_id"] == doc_b.id
    assert doc_b.text[sent["link_start"] : sent["link_end"]] == b_quote == sent["link_quote"]
    (row,) = stored(annotate_app)
    assert row["relation"] == "b-sharpens" and row["link"]["quote"] == b_quote

    marks = mark_of(page, answer["id"])
    near = page.locator(f'.doc-column[data-side="a"] mark[data-annotation-id="{answer["id"]}"]')
    far = page.locator(f'.doc-column[data-side="b"] mark[data-annotation-id="{answer["id"]}"]')
    expect(near).to_have_text(a_quote)
    expect(far).to_have_text(b_quote)
    for mark in marks.all():
        expect(mark).to_have_class(re.compile("hl-linked"))
    outline = far.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "dashed"
    far.hover()
    expect(near).to_have_class(re.compile("is-paired"))
    screenshot(page, "annotate-link")
    assert_no_problems(page, problems)


SENTENCES = """
(side) => Array.from(
  document.querySelectorAll(`.doc-column[data-side="${side}"] .doc-text .s.sentence`),
  (el) => ({ id: el.id, text: el.textContent.trim(), first: !el.previousElementSibling })
)
"""


PICKER_INSIDE = """
() => {
  const box = document.getElementById("ann-picker").getBoundingClientRect();
  return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
    && box.right <= document.documentElement.clientWidth;
}
"""


def picker_quote(page, timeout=2_000):
    """Return the quote the open picker shows, or None when no picker opened."""
    picker = page.locator("#ann-picker")
    try:
        expect(picker).to_be_visible(timeout=timeout)
    except AssertionError:
        return None
    return picker.locator("[data-ann-quote]").text_content()


def drag_and_save(page, texts, side, root, text, *, backwards=False):
    """Drag over ``text``; save it with tag 1 if the picker shows it; return what went wrong."""
    drag_over(page, root, text, backwards=backwards)
    shown = picker_quote(page)
    if shown != text:
        if shown is not None:
            page.keyboard.press("Escape")
        return f"the picker showed {shown!r}"
    if not page.evaluate(PICKER_INSIDE):
        page.keyboard.press("Escape")
        return "the picker is not wholly inside the viewport"
    page.keyboard.press("1")
    sent, answer = save_with(page, lambda: page.keyboard.press("Enter"))
    if texts[side][sent["start"] : sent["end"]] != text or answer["quote"] != text:
        return f"saved {answer['quote']!r}"
    return None


@pytest.mark.parametrize("viewport", [(1400, 900), (1024, 768)], ids=["wide", "1024x768"])
def test_drags_over_every_sentence_both_ways_save_exactly_the_dragged_text(
    annotate_app, annotate_server, seed, browser_page, problems, viewport
):
    comparison_id, doc_a, doc_b = seed
    page = browser_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    open_comparison(page, annotate_server, comparison_id)
    texts = {"a": doc_a.text, "b": doc_b.text}
    failures = []
    tried = 0
    for side in ("a", "b"):
        sentences = page.evaluate(SENTENCES, side)
        assert len(sentences) > 20
        for sentence in sentences:
            for backwards in (False, True):
                tried += 1
                root = f"#{sentence['id']}"
                wrong = drag_and_save(
                    page, texts, side, root, sentence["text"], backwards=backwards
                )
                if wrong:
                    failures.append((sentence["id"], backwards, sentence["first"], wrong))
    print(f"{tried} drags, {len(failures)} failed")
    assert failures == []
    # Every drag saved one annotation of exactly its sentence.
    rows = stored(annotate_app)
    assert len(rows) == tried
    assert all(
        texts["a" if row["document_id"] == doc_a.id else "b"][row["start"] : row["end"]]
        == row["quote"]
        for row in rows
    )
    assert_no_problems(page, problems)


# A click elsewhere just before a drag: on the page title, on a sentence of the other column
# (which scrolls to its counterpart) and on a highlight's text (which opens the editor).
@pytest.mark.parametrize("delay", [0, 50, 150, 300])
def test_drags_started_right_after_a_click_elsewhere_save_the_whole_drag(
    annotate_app, annotate_server, seed, browser_page, problems, delay
):
    comparison_id, doc_a, doc_b = seed
    page = browser_page
    # A click on a sentence scrolls the other column to its counterpart, smoothly unless the
    # reader asks for less motion; a drag aimed while the text still moves misses by design.
    page.emulate_media(reduced_motion="reduce")
    open_comparison(page, annotate_server, comparison_id)
    texts = {"a": doc_a.text, "b": doc_b.text}
    failures = []
    sentences = page.evaluate(SENTENCES, "b")[1:9]
    for index, sentence in enumerate(sentences):
        if index % 2:
            page.locator("h1").click()
        else:
            other = page.locator("#a-s3")
            other.scroll_into_view_if_needed()
            other.click()
        page.wait_for_timeout(delay)
        wrong = drag_and_save(
            page, texts, "b", f"#{sentence['id']}", sentence["text"], backwards=bool(index % 3)
        )
        if wrong:
            failures.append((sentence["id"], wrong))
    assert failures == []
    assert sorted(row["quote"] for row in stored(annotate_app)) == sorted(
        sentence["text"] for sentence in sentences
    )
    assert_no_problems(page, problems)


def test_a_double_click_tags_a_word_and_a_triple_click_a_sentence(
    annotate_app, annotate_server, seed, browser_page, problems
):
    comparison_id, _, doc_b = seed
    page = browser_page
    open_comparison(page, annotate_server, comparison_id)
    word = "nationalism"
    boxes = character_boxes(page, "b", word)
    middle = ((boxes.first["left"] + boxes.last["right"]) / 2, boxes.first["top"] + 8)
    page.mouse.dblclick(*middle)
    assert picker_quote(page) == word
    page.keyboard.press("Escape")
    expect(page.locator("#ann-picker")).to_be_hidden()

    sentence = page.locator("#b-s3")
    text = sentence.text_content().strip()
    # The sentence shares its paragraph with others: the browser alone would take them all.
    assert sentence.evaluate("el => el.parentElement.textContent.trim()") != text
    boxes = character_boxes(page, "#b-s3", text)
    page.mouse.click(boxes.first["right"] + 20, boxes.first["top"] + 8, click_count=3)
    assert picker_quote(page) == text
    page.keyboard.press("4")
    sent, _ = save_with(page, lambda: page.keyboard.press("Enter"))
    assert doc_b.text[sent["start"] : sent["end"]] == text
    assert_no_problems(page, problems)


FOCUS_IN_PICKER = "document.getElementById('ann-picker').contains(document.activeElement)"

DIALOG_INSIDE = """
(id) => {
  const dialog = document.getElementById(id);
  const box = dialog.getBoundingClientRect();
  return {
    inside: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
      && box.right <= document.documentElement.clientWidth,
    scrolls: dialog.scrollHeight > dialog.clientHeight,
    overflow: getComputedStyle(dialog).overflowY,
  };
}
"""


# 1024x768 and 1280x720 screens, 1280x720 at 200 % zoom (640x360 CSS px) and a tablet held
# upright (768x1024, touch).
@pytest.mark.parametrize(
    "viewport, scale, touch",
    [
        ((1024, 768), 1, False),
        ((1280, 720), 1, False),
        ((640, 360), 2, False),
        ((768, 1024), 2, True),
    ],
    ids=["1024x768", "1280x720", "1280x720-zoom200", "tablet-768"],
)
def test_the_picker_and_the_editor_stay_inside_the_viewport_and_keep_the_focus(
    annotate_app, annotate_server, seed, chromium, viewport, scale, touch, screenshot
):
    comparison_id, _, doc_b = seed
    context = chromium.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        device_scale_factor=scale,
        has_touch=touch,
    )
    page = context.new_page()
    try:
        sign_in(page, annotate_server)
        add_annotation(annotate_app, doc_b, EDITED, ["loaded-language"], comparison_id)
        open_comparison(page, annotate_server, comparison_id)
        name = f"annotate-dialogs-{viewport[0]}x{viewport[1]}@{scale}"
        # Near the bottom of the viewport, where the picker used to open partly off screen.
        last = page.evaluate(SENTENCES, "b")[-2]
        select_text(page, "b", last["text"])
        picker = page.locator("#ann-picker")
        found = page.evaluate(DIALOG_INSIDE, "ann-picker")
        assert found["inside"], found
        assert found["overflow"] == "auto"
        screenshot(page, f"{name}-picker")
        # Modal: Tab and Shift+Tab stay inside, Esc gives the focus back to the sentence.
        picker.focus()
        for _ in range(25):
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUS_IN_PICKER)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUS_IN_PICKER)
        page.keyboard.press("Escape")
        expect(picker).to_be_hidden()
        focused = page.evaluate("document.activeElement.id")
        assert focused == last["id"]

        mark = page.locator("mark.hl[data-first]", has_text="bold rhetoric")
        mark.focus()
        page.keyboard.press("Enter")
        editor = page.get_by_role("dialog", name="Edit annotation")
        expect(editor).to_be_focused()
        found = page.evaluate(DIALOG_INSIDE, "ann-editor")
        assert found["inside"], found
        screenshot(page, f"{name}-editor")
        # A tag's key does nothing while the focus is outside the dialog.
        page.keyboard.press("Escape")
        expect(mark).to_be_focused()
        page.keyboard.press("6")
        assert stored(annotate_app)[0]["tags"][0]["key"] == "loaded-language"
        expect(page.locator("#ann-picker")).to_be_hidden()
    finally:
        context.close()


def test_the_reading_page_passes_axe_with_the_picker_and_the_editor_open(
    annotate_app, annotate_server, seed, chromium
):
    comparison_id, _, doc_b = seed
    add_annotation(annotate_app, doc_b, EDITED, ["loaded-language"], comparison_id, note="old")
    # Two highlights that overlap, one inside the other.
    add_annotation(
        annotate_app, doc_b, "sharper nationalism and a promise to", ["slogan"], comparison_id
    )
    add_annotation(annotate_app, doc_b, "sharper nationalism", ["speculation"], comparison_id)
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, annotate_server)
        open_comparison(page, annotate_server, comparison_id)
        # Tags read without colour: the highlight starts with its tag's marker, the legend
        # pairs every marker with its tag.
        mark = page.locator("mark.hl[data-first]", has_text="bold rhetoric")
        expect(mark).to_have_attribute("data-marker", "3")
        marker = mark.evaluate("el => getComputedStyle(el, '::before').content")
        assert marker == '"3"'
        page.get_by_text("Tags and markers").click()
        legend = page.locator("[data-ann-legend-list] mark")
        expect(legend).to_have_count(12)
        assert legend.evaluate_all("els => els.map((el) => el.dataset.marker)") == list(
            "1234567890ab"
        )
        expect(legend.nth(2)).to_have_text("Loaded or emotive language")
        axe_check(page, "the reading page")
        page.get_by_text("Tags and markers").click()
        select_text(page, "b", SLOGAN)
        axe_check(page, "the reading page with the tag picker open")
        page.get_by_label("Link to the other article").check()
        axe_check(page, "the tag picker linking to the other article")
        page.keyboard.press("Escape")
        mark = page.locator("mark.hl[data-first]", has_text="bold rhetoric")
        mark.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("dialog", name="Edit annotation")).to_be_visible()
        axe_check(page, "the reading page with the editor open")
        page.keyboard.press("Escape")
        page.keyboard.press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        axe_check(page, "the keyboard shortcuts")
    finally:
        context.close()


FOCUS_SHOWN = """
() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    id: el.id,
    tag: el.tagName.toLowerCase(),
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 80),
    inside: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
      && box.bottom <= window.innerHeight && box.right <= document.documentElement.clientWidth,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}
"""


def test_tags_edits_links_deletes_and_restores_with_the_keyboard_only(
    annotate_app, annotate_server, seed, chromium, tmp_path
):
    comparison_id, doc_a, doc_b = seed
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    shots = []

    def step(name):
        """Screenshot the viewport; the focused element is on screen with a visible outline."""
        shown = page.evaluate(FOCUS_SHOWN)
        path = tmp_path / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), animations="disabled")
        shots.append(path)
        assert shown["inside"] and shown["outline"], (name, shown)
        return shown

    try:
        sign_in(page, annotate_server)
        open_comparison(page, annotate_server, comparison_id)
        # The skip links come first; the one to article A lands on its first sentence.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text("Skip to article A")
        step("skip-link")
        page.keyboard.press("Enter")
        first_a, first_b = (page.evaluate(SENTENCES, side)[0]["id"] for side in "ab")
        expect(page.locator(f"#{first_a}")).to_be_focused()
        # One Tab stop per article: the next Tab goes to article B, not to sentence 2.
        tab_stops = page.evaluate(
            """() => Array.from(document.querySelectorAll('.doc-text [tabindex="0"]'),
                 (el) => el.id)"""
        )
        assert tab_stops == [first_a, first_b]
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        third = page.evaluate(SENTENCES, "a")[2]
        expect(page.locator(f"#{third['id']}")).to_be_focused()
        sentence = third["text"]
        step("sentence")

        # Tag the sentence: a, a tag's key, Enter. The focus lands on the new highlight.
        page.keyboard.press("a")
        picker = page.get_by_role("dialog", name="Tag the selection")
        expect(picker).to_be_focused()
        page.keyboard.press("3")
        step("picker")
        sent, answer = save_with(page, lambda: page.keyboard.press("Enter"))
        assert doc_a.text[sent["start"] : sent["end"]] == sentence
        mark = page.locator(f'mark.hl[data-annotation-id="{answer["id"]}"]')
        expect(mark).to_be_focused()
        shown = step("saved")
        assert shown["text"].startswith(sentence[:40])

        # Edit it: Enter opens the editor, a key adds a tag, Enter in the note saves.
        page.keyboard.press("Enter")
        editor = page.get_by_role("dialog", name="Edit annotation")
        expect(editor).to_be_focused()
        page.keyboard.press("6")
        editor.locator("#ann-editor-note").focus()
        page.keyboard.type("Says what will happen as if it had.")
        step("editor")
        with page.expect_response(lambda r: r.request.method == "PATCH") as info:
            page.keyboard.press("Enter")
        assert info.value.status == 200
        expect(mark).to_be_focused()
        step("edited")
        (row,) = stored(annotate_app)
        assert [tag["key"] for tag in row["tags"]] == ["loaded-language", "speculation"]

        # Link the next sentence to its counterpart in B, choosing it from the list.
        # Down from the highlight: the sentence it lies in, then the next one.
        page.keyboard.press("ArrowDown")
        fourth = page.evaluate(SENTENCES, "a")[3]
        expect(page.locator(f"#{fourth['id']}")).to_be_focused()
        page.keyboard.press("a")
        expect(picker).to_be_focused()
        page.keyboard.press("7")
        link = picker.get_by_label("Link to the other article")
        while not link.evaluate("el => el === document.activeElement"):
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        choose = picker.get_by_label("Or choose the matching sentence")
        expect(choose).to_be_focused()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        b_sentence = page.evaluate(SENTENCES, "b")[1]["text"]
        expect(picker.locator("[data-ann-link-quote]")).to_contain_text(b_sentence)
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")  # B softens
        step("link")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(picker.get_by_role("button", name="Save")).to_be_focused()
        sent, linked = save_with(page, lambda: page.keyboard.press("Enter"))
        assert sent["relation"] == "b-softens"
        assert doc_b.text[sent["link_start"] : sent["link_end"]] == b_sentence
        linked_mark = page.locator(f'mark.hl[data-first][data-annotation-id="{linked["id"]}"]')
        expect(linked_mark.first).to_be_focused()
        step("linked")

        # Delete it from the editor (Shift+Tab from the dialog wraps to its last buttons).
        page.keyboard.press("Enter")
        expect(editor).to_be_focused()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        expect(editor.get_by_role("button", name="Delete")).to_be_focused()
        with page.expect_response(lambda r: r.request.method == "DELETE") as info:
            page.keyboard.press("Enter")
        assert info.value.status == 200
        expect(page.get_by_role("status").get_by_role("button", name="Undo")).to_be_focused()
        step("deleted")

        # Thirty seconds later it can still be restored, from the recently deleted list.
        page.wait_for_timeout(30_500)
        page.keyboard.press("Tab")
        recent = page.locator("[data-ann-deleted] > summary")
        expect(recent).to_be_focused()
        expect(recent).to_have_text("Recently deleted (1)")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        restore = page.get_by_role("button", name=re.compile("^Restore"))
        expect(restore).to_be_focused()
        step("recently-deleted")
        with page.expect_response(lambda r: r.url.endswith("/restore")) as info:
            page.keyboard.press("Enter")
        assert info.value.status == 200
        expect(linked_mark.first).to_be_focused()
        step("restored")
        rows = {row["id"]: row for row in stored(annotate_app)}
        assert rows[linked["id"]]["deleted_at"] is None
        assert rows[linked["id"]]["relation"] == "b-softens"
        expect(page.locator("[data-ann-deleted]")).to_be_hidden()
    finally:
        print("screenshots:", *shots, sep="\n  ")
        context.close()

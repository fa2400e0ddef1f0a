from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations.storage import tagsets
from annotations.storage.models import Base
from tests.browser.mouse import sign_in
from tests.web.helpers import add_teacher
from webapp import create_app
from webapp import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tagset_server(tmp_path_factory, serve):
    """Serve an app whose database has the tables, the built-in sets and a teacher, CSRF on."""
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": True},
        instance_path=str(tmp_path_factory.mktemp("tagsets-instance")),
    )
    with app.app_context():
        Base.metadata.create_all(db.get_engine())
        session = db.get_session()
        tagsets.install_builtin_tag_sets(session)
        session.commit()
    add_teacher(app)
    with serve(app) as base:
        yield base


@pytest.fixture
def browser_page(browser_page, tagset_server):
    """The page, signed in as the teacher through the login form."""
    sign_in(browser_page, tagset_server)
    return browser_page


def assert_no_problems(page, problems):
    page.evaluate("0")  # a round trip, so violations reported before it have arrived
    # A form sent back with its errors answers 422 on purpose; Chromium logs every 4xx.
    expected = "the server responded with a status of 422"
    assert [problem for problem in problems if expected not in problem] == []


def test_copy_a_builtin_set_and_add_a_tag(tagset_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(tagset_server + "/tag-sets")
    expect(page.get_by_role("heading", name="Tag sets")).to_be_visible()
    screenshot(page, "tagsets-list")
    page.get_by_role("link", name="Copy Media literacy").click()

    expect(page.get_by_role("heading", name="Copy Media literacy")).to_be_visible()
    page.get_by_label("Name of the copy").fill("Class 7B media")
    page.get_by_role("button", name="Make the copy").click()

    expect(page).to_have_url(tagset_server + "/tag-sets/class-7b-media/edit")
    expect(page.locator(".flash-success")).to_contain_text("Copied \u201cMedia literacy\u201d")
    rows = page.locator(".tag-table tbody tr")
    expect(rows).to_have_count(12)
    # The form suggests the first free shortcut after 1-9, 0, a, b.
    expect(page.locator("#tag-shortcut")).to_have_value("c")

    page.locator("#tag-name").fill("Clickbait headline")
    page.locator("#tag-colour").fill("#ff8800")
    page.locator("#tag-shortcut").fill("k")
    page.locator("#tag-description").fill("A headline that promises more than the story gives.")
    page.get_by_role("button", name="Add the tag").click()

    expect(page.locator(".flash-success")).to_have_text("Added \u201cClickbait headline\u201d.")
    expect(rows).to_have_count(13)
    added = page.locator("#tag-clickbait-headline")
    expect(added.locator("kbd")).to_have_text("k")
    expect(added.locator(".swatch rect")).to_have_attribute("fill", "#ff8800")
    box = added.locator(".swatch").bounding_box()
    assert box is not None and box["width"] >= 12 and box["height"] >= 12
    expect(page.locator(".tagset-meta")).to_contain_text("version 2")

    # Taking a shortcut another tag has is refused, next to the shortcut field.
    page.locator("#tag-name").fill("Another one")
    page.locator("#tag-shortcut").fill("1")
    page.get_by_role("button", name="Add the tag").click()
    expect(page.locator("#tag-shortcut-errors")).to_contain_text(
        "Duplicate shortcut '1' (already used by \u201cSlogan or catchphrase\u201d)."
    )
    expect(page.locator("#tag-shortcut")).to_have_attribute("aria-invalid", "true")
    expect(rows).to_have_count(13)
    screenshot(page, "tagsets-edit-error")

    page.goto(tagset_server + "/tag-sets/class-7b-media/edit")
    page.get_by_role("button", name="Move Clickbait headline up").click()
    expect(rows.nth(11)).to_have_attribute("data-tag-key", "clickbait-headline")
    expect(page.locator("#tag-clickbait-headline")).to_be_in_viewport()
    screenshot(page, "tagsets-edit")

    page.goto(tagset_server + "/tag-sets")
    row = page.locator('tr[data-key="class-7b-media"]')
    expect(row).to_contain_text("Class 7B media")
    expect(row.locator("td.num").nth(1)).to_have_text("13")
    expect(page.locator('tr[data-key="media-literacy"] td.num').nth(1)).to_have_text("12")
    screenshot(page, "tagsets-list-after")

    page.goto(tagset_server + "/tag-sets/class-7b-media")
    expect(page.locator("#tag-clickbait-headline")).to_contain_text("Clickbait headline")
    screenshot(page, "tagsets-show")

    # Importing the set again clashes with its key: the page offers a free one.
    page.goto(tagset_server + "/tag-sets/import")
    exported = page.request.get(tagset_server + "/tag-sets/class-7b-media.json").text()
    page.get_by_label("Or paste the JSON").fill(exported)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#key-errors")).to_contain_text("such as \u201cclass-7b-media-2\u201d")
    expect(page.locator("#key")).to_have_value("class-7b-media-2")
    screenshot(page, "tagsets-import-clash")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(tagset_server + "/tag-sets/class-7b-media-2")
    expect(page.locator(".tag-table tbody tr")).to_have_count(13)
    assert_no_problems(page, problems)

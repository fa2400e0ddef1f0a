"""Signing in for real in Chromium: first-run setup, sign out, sign in, then tag (CSRF on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations.storage import accounts
from annotations.storage import listing
from annotations.storage import models
from tests.browser.axe import axe_check
from tests.browser.mouse import drag_over
from tests.web.helpers import PASSWORD
from tests.web.helpers import SLOGAN
from webapp import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def auth_app(make_seeded_app):
    """An app with sign-in and CSRF on, the migrated schema and the seed, and no teacher."""
    return make_seeded_app("auth-instance")


@pytest.fixture(scope="module")
def auth_server(auth_app, serve):
    with serve(auth_app) as base:
        yield base


def test_the_first_run_setup_page_with_its_errors_passes_axe(auth_server, chromium, screenshot):
    # Runs first: /setup is there only while no teacher exists.
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{auth_server}/setup")
        page.get_by_role("button", name="Create the account").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        axe_check(page, "/setup with errors")
        page.set_viewport_size({"width": 320, "height": 640})
        axe_check(page, "/setup with errors at 320 px")
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], width
        screenshot(page, "auth-setup-errors-320")
    finally:
        context.close()


def test_set_up_sign_out_sign_in_and_tag(auth_app, auth_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(f"{auth_server}/")
    expect(page).to_have_url(f"{auth_server}/setup")
    page.get_by_label("Your name").fill("Ms Tanaka")
    page.get_by_label("Username").fill("ms.tanaka")
    page.get_by_label("Password", exact=True).fill("too short")
    page.get_by_label("Password again").fill("too short")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#password-errors")).to_contain_text("at least 10 characters")
    screenshot(page, "auth-setup-error")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page).to_have_url(f"{auth_server}/")
    expect(page.locator(".site-header")).to_contain_text("Signed in as Ms Tanaka")
    screenshot(page, "auth-signed-in")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-header")).to_contain_text("Sign in")
    page.goto(f"{auth_server}/comparisons/new")
    expect(page).to_have_url(re.compile(r"/login\?next=/comparisons/new$"))
    page.get_by_label("Username").fill("ms.tanaka")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-errors")).to_contain_text("Wrong username or password")
    screenshot(page, "auth-login-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{auth_server}/comparisons/new")

    with auth_app.app_context():
        comparison = db.get_session().scalars(select(models.Comparison)).first()
        comparison_id = comparison.id
    page.goto(f"{auth_server}/comparisons/{comparison_id}")
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    drag_over(page, "b", SLOGAN)
    picker = page.get_by_role("dialog", name="Tag the selection")
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=re.compile("^Slogan or catchphrase")).click()
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/annotations")
    ) as info:
        picker.get_by_role("button", name="Save").click()
    assert info.value.status == 201, info.value.text()
    assert info.value.json()["author"] == "Ms Tanaka"

    with auth_app.app_context():
        (row,) = listing.list_annotations(db.get_session(), comparison_id=comparison_id)
        assert row.author.username == "ms.tanaka"
        assert row.quote == SLOGAN
    page.evaluate("0")
    # The two forms sent back with mistakes answer 422, which Chromium logs as a failed load.
    expected = "status of 422"
    assert [problem for problem in problems if expected not in problem] == []
    assert len(problems) == 2


def test_a_tag_saved_after_the_session_ended_is_sent_once_signed_in_again(
    auth_app, auth_server, browser_page, problems
):
    with auth_app.app_context():
        session = db.get_session()
        if accounts.find_user(session, "ms.tanaka") is None:
            accounts.create_user(
                session, username="ms.tanaka", name="Ms Tanaka", password=PASSWORD, role="teacher"
            )
            session.commit()
        comparison_id = session.scalars(select(models.Comparison)).first().id
    page = browser_page

    def sign_in(then):
        page.goto(f"{auth_server}/login?next={then}")
        page.get_by_label("Username").fill("ms.tanaka")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{auth_server}{then}")

    reading = f"/comparisons/{comparison_id}"
    sign_in(reading)
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    # The session ends while the page stays open (signed out elsewhere, or it ran out).
    page.context.clear_cookies()
    quote = "economic nationalism"
    drag_over(page, "b", quote)
    picker = page.get_by_role("dialog", name="Tag the selection")
    picker.get_by_role("button", name=re.compile("^Loaded or emotive language")).click()
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/annotations")
    ) as info:
        picker.get_by_role("button", name="Save").click()
    assert info.value.status in (400, 401)
    expect(page.locator("#ann-status")).to_contain_text("Not saved yet")
    expect(page.locator("mark.hl.is-pending", has_text=quote)).to_have_count(1)

    # Signed in again, the reading page sends the tag that waited, under the teacher's name.
    sign_in(reading)
    expect(page.locator("#ann-status")).to_contain_text("Saved the tag that was waiting.")
    expect(page.locator("mark.hl.is-pending")).to_have_count(0)
    with auth_app.app_context():
        rows = [
            row
            for row in listing.list_annotations(db.get_session(), comparison_id=comparison_id)
            if row.quote == quote
        ]
    assert len(rows) == 1 and rows[0].author.username == "ms.tanaka"
    page.evaluate("0")
    # The refused save is logged by Chromium as a failed load; nothing else went wrong.
    assert [p for p in problems if "status of 400" not in p and "status of 401" not in p] == []

"""Signing in for real in Chromium: first-run setup, sign out, sign in, then tag (CSRF on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations import models
from annotations import store
from webapp import db

pytestmark = pytest.mark.browser

SLOGAN = "Make Japan Great Again"
PASSWORD = "tide pools at dawn"


@pytest.fixture(scope="module")
def auth_app(make_seeded_app):
    """An app with sign-in and CSRF on, the migrated schema and the seed, and no teacher."""
    return make_seeded_app("auth-instance")


@pytest.fixture(scope="module")
def auth_server(auth_app, serve):
    with serve(auth_app) as base:
        yield base


def test_set_up_sign_out_sign_in_and_tag(
    auth_app, auth_server, browser_page, problems, screenshot, select_text
):
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
    select_text(page, "b", SLOGAN)
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
        (row,) = store.list_annotations(db.get_session(), comparison_id=comparison_id)
        assert row.author.username == "ms.tanaka"
        assert row.quote == SLOGAN
    page.evaluate("0")
    # The two forms sent back with mistakes answer 422, which Chromium logs as a failed load.
    expected = "status of 422"
    assert [problem for problem in problems if expected not in problem] == []
    assert len(problems) == 2

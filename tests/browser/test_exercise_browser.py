"""A lesson in Chromium: a teacher opens an exercise, two students join and tag, the teacher
follows them live, reveals the key and leaves feedback, and a student reads it (CSRF on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations.storage import accounts
from annotations.storage import models
from tests.browser.mouse import drag_over
from tests.web.helpers import CRYPTO
from tests.web.helpers import PASSWORD
from tests.web.helpers import SLOGAN
from webapp import db

# The lesson runs on SQLite and again on PostgreSQL (see `server_database`).
pytestmark = [pytest.mark.browser, pytest.mark.databases]

STUDENT_PASSWORD = "my class password"


@pytest.fixture(scope="module")
def lesson_app(make_seeded_app, server_database):
    """An app with sign-in and CSRF on, the migrated schema, the seed and one teacher."""
    app = make_seeded_app("lesson-instance", **server_database)
    with app.app_context():
        session = db.get_session()
        accounts.create_user(
            session, username="ms.tanaka", name="Ms Tanaka", password=PASSWORD, role="teacher"
        )
        session.commit()
    return app


@pytest.fixture(scope="module")
def lesson_server(lesson_app, serve):
    with serve(lesson_app) as base:
        yield base


@pytest.fixture
def tag():
    """Return a function: drag over text in one column, pick a tag, add a note, save."""

    def tag_text(page, side, text, tag_name, note=""):
        drag_over(page, side, text)
        picker = page.get_by_role("dialog", name="Tag the selection")
        expect(picker).to_contain_text(text)
        return save_picked(page, tag_name, note)

    return tag_text


def save_picked(page, tag_name, note):
    """Pick a tag in the open picker, add a note and save; return the POST's response."""
    picker = page.get_by_role("dialog", name="Tag the selection")
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=re.compile(f"^{re.escape(tag_name)}")).click()
    if note:
        picker.get_by_label("Note").fill(note)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/annotations")
    ) as info:
        picker.get_by_role("button", name="Save").click()
    return info.value


def join(context, server, code, name):
    page = context.new_page()
    page.goto(f"{server}/join/{code}")
    expect(page.get_by_label("Join code")).to_have_value(code)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(STUDENT_PASSWORD)
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".site-header")).to_contain_text(f"Signed in as {name}")
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    return page


def test_a_lesson_from_join_code_to_feedback(
    lesson_app, lesson_server, chromium, browser_page, problems, screenshot, tag
):
    server = lesson_server
    teacher = browser_page
    teacher.goto(f"{server}/login")
    teacher.get_by_label("Username").fill("ms.tanaka")
    teacher.get_by_label("Password").fill(PASSWORD)
    teacher.get_by_role("button", name="Sign in").click()
    teacher.get_by_role("link", name="Exercises").click()
    teacher.get_by_role("link", name="New exercise").first.click()
    teacher.get_by_label("Title").fill("Two stories of one phone call")
    teacher.get_by_label("Tag set").select_option(label="Media literacy")
    teacher.get_by_label("Instructions for the class").fill(
        "Tag every slogan and every advertisement. Say why in the note."
    )
    screenshot(teacher, "exercise-new")
    teacher.get_by_role("button", name="Save and open it").click()
    code = teacher.locator("[data-join-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)

    teacher.get_by_role("link", name="Answer key").click()
    expect(teacher.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
    response = tag(teacher, "b", SLOGAN, "Slogan or catchphrase", "Trump's slogan, re-aimed.")
    assert response.status == 201, response.text()
    response = tag(teacher, "a", CRYPTO, "Promotional or advertising content", "An ad.")
    assert response.status == 201, response.text()

    teacher.get_by_role("link", name="Progress").click()
    expect(teacher.locator("[data-progress-empty]")).to_be_visible()

    ana_context = chromium.new_context(viewport={"width": 1400, "height": 900})
    ben_context = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        ana = join(ana_context, server, code, "Ana")
        ben = join(ben_context, server, code, "Ben")
        expect(ana.locator("[data-exercise-banner]")).to_contain_text("Tag every slogan")
        assert tag(ana, "b", SLOGAN, "Slogan or catchphrase", "A slogan.").status == 201
        assert tag(ben, "a", CRYPTO, "Slogan or catchphrase").status == 201
        # Ana sees her own tag only: not Ben's (loaded after he tagged), not the key.
        ana.reload()
        expect(ana.locator("#reader")).to_have_attribute("data-annotations-ready", "true")
        expect(ana.locator(".doc-column[data-side='b'] mark.hl")).not_to_have_count(0)
        assert ana.locator(".doc-column[data-side='a'] mark.hl").count() == 0
        screenshot(ana, "exercise-student-work")

        # The dashboard fills in by itself, without a reload.
        rows = teacher.locator("[data-progress-rows] tr")
        expect(rows).to_have_count(2, timeout=15_000)
        expect(rows.filter(has_text="Ana")).to_contain_text("Slogan or catchphrase 1")
        expect(rows.filter(has_text="Ben")).to_contain_text("Slogan or catchphrase 1")
        screenshot(teacher, "exercise-dashboard")

        teacher.get_by_role("link", name="Class heatmap").click()
        expect(teacher.locator("mark.heat")).to_have_count(2)
        screenshot(teacher, "exercise-heatmap")
        teacher.get_by_role("link", name="Results against the key").click()
        ana_row = teacher.locator("tr", has_text="Ana").first
        expect(ana_row).to_contain_text("50%")
        screenshot(teacher, "exercise-results")

        ana_row.get_by_role("link", name="Ana").click()
        teacher.get_by_label("Feedback").first.fill("Right: and it echoes a US campaign.")
        teacher.get_by_role("button", name="Save feedback").first.click()
        expect(teacher.locator(".flash-success")).to_contain_text("Feedback saved.")
        screenshot(teacher, "exercise-student-review")

        teacher.get_by_role("link", name="Progress").click()
        teacher.get_by_role("button", name="Reveal the key and feedback").click()
        expect(teacher.locator(".state-steps .is-current")).to_have_text("Key revealed")

        ana.reload()
        expect(ana.locator("#reader")).to_have_attribute("data-read-only", "true")
        ana.get_by_role("link", name="See your tags against the key").click()
        expect(ana.locator(".teacher-feedback")).to_contain_text("echoes a US campaign")
        expect(ana.locator(".key-note").first).to_contain_text("Trump's slogan, re-aimed.")
        expect(ana.locator(".review-missed")).to_contain_text("crypto trading community")
        screenshot(ana, "exercise-feedback")
        ben.goto(f"{server}/exercises")
        ben.get_by_role("link", name="See your tags against the key").click()
        expect(ben.locator("main")).not_to_contain_text("echoes a US campaign")
    finally:
        ana_context.close()
        ben_context.close()

    with lesson_app.app_context():
        session = db.get_session()
        stored = session.scalars(
            select(models.Annotation).where(models.Annotation.exercise_id.is_not(None))
        ).all()
        assert sorted(row.quote for row in stored) == sorted([SLOGAN, CRYPTO, SLOGAN, CRYPTO])
    assert problems == []

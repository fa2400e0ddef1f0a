"""Reviewing suggestions in a real Chromium: by keyboard (j, k, y, x) and by mouse."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import saving
from annotations.text.ingest import ingest_text
from webapp import db
from webapp import suggestions as web_suggestions

from .axe import axe_check
from .mouse import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
A = (
    "Analysts said the deal is done.\n\n"
    "Later, analysts said it failed. Supporters chanted Make Japan Great Again at the rally.\n"
)
B = "Critics say it works. Analysts said no.\n\nFans chanted Make America Great Again outside.\n"
VAGUE = "Unattributed or vague source"
SLOGAN_TAG = "Slogan or catchphrase"


@pytest.fixture(scope="module")
def suggest_app(make_seeded_app):
    """An app with the built-in tag sets and a teacher, sign-in on."""
    return make_seeded_app("suggest-instance", teacher=True)


@pytest.fixture(scope="module")
def suggest_server(suggest_app, serve):
    with serve(suggest_app) as base:
        yield base


@pytest.fixture
def deal(suggest_app, monkeypatch):
    """A fresh comparison of A and B where "Analysts said" and the slogan in A are tagged.

    Only learned suggestions: the rule suggester is left out so the three expected are
    exactly those the tags teach (A's "analysts said", B's "Analysts said" and B's
    "Make America Great Again").
    """
    monkeypatch.setattr(web_suggestions, "rule_suggester", lambda: None)
    with suggest_app.app_context():
        session = db.get_session()
        # The signed-in teacher's own tags, which her suggestions learn from.
        author = accounts.find_user(session, "ms.tanaka")
        rows = [comparisons.add_document(session, ingest_text(text)) for text in (A, B)]
        comparison = comparisons.add_comparison(session, f"Deal {uuid.uuid4().hex[:6]}", rows)
        session.flush()
        for quote, key in (("Analysts said", "vague-source"), ("Make Japan Great Again", "slogan")):
            start = A.index(quote)
            saving.add_annotation(
                session,
                checks.AnnotationInput(
                    public_id=str(uuid.uuid4()),
                    document_id=rows[0].id,
                    start=start,
                    end=start + len(quote),
                    quote=quote,
                    tag_keys=(key,),
                    tag_set_key="media-literacy",
                    comparison_id=comparison.id,
                ),
                author_id=author.id,
            )
        session.commit()
        return comparison.id


@pytest.fixture
def review_page(chromium, problems, suggest_server):
    """A page signed in as the teacher whose console errors land in ``problems``; CSP
    bypassed for axe-core only."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        sign_in(page, suggest_server)
        yield page
    finally:
        context.close()


def statuses(app, comparison_id):
    """Return {(quote, status)} of the comparison's suggestions as stored."""
    with app.app_context():
        rows = db.get_session().scalars(
            select(models.Annotation).where(
                models.Annotation.comparison_id == comparison_id,
                models.Annotation.suggestion_source.is_not(None),
            )
        )
        return sorted((row.quote, row.status) for row in rows)


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def click(page, locator):
    """Click the middle of ``locator`` with the mouse: move there, press, let go.

    It is scrolled to the middle of the window first, clear of the panel along the bottom.
    """
    locator.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)
    page.mouse.down()
    page.mouse.up()


def open_page(page, base, comparison_id):
    page.goto(f"{base}/comparisons/{comparison_id}")
    expect(page.locator("#reader")).to_have_attribute("data-annotations-ready", "true")


def current(page):
    return page.locator("mark.hl-suggested.is-current[data-first]")


def test_reviews_suggestions_by_keyboard(suggest_app, suggest_server, deal, review_page, problems):
    page = review_page
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(page, suggest_server, deal)
    run = page.get_by_role("button", name="Suggest", exact=True)
    expect(run).to_be_visible()
    run.focus()
    page.keyboard.press("Enter")
    suggested = page.locator("mark.hl-suggested[data-first]")
    expect(suggested).to_have_count(3)
    # The first is under review and has the focus; its reason is in the panel and its name.
    expect(current(page)).to_have_text(re.compile("analysts said$"))
    expect(current(page)).to_be_focused()
    panel = page.get_by_role("region", name="Suggestions")
    reason = f"you tagged 'Analysts said' as {VAGUE} in this article"
    expect(panel).to_contain_text(reason)
    expect(panel).to_contain_text("3 suggestions to review (this is 1 of 3)")
    expect(current(page)).to_have_attribute(
        "aria-label", re.compile(f"Suggestion: {VAGUE}. Why: {reason}")
    )
    # Not by colour alone: a marker before it (the tag's key after "◇").
    expect(current(page)).to_have_attribute("data-marker", "◇ 5")
    axe_check(page, "suggestions shown")
    shoot(page, "suggestions-keyboard-shown")

    page.keyboard.press("j")
    expect(current(page)).to_have_text(re.compile("Analysts said$"))
    expect(panel).to_contain_text("in the other article")
    page.keyboard.press("k")
    expect(current(page)).to_have_text(re.compile("analysts said$"))
    page.keyboard.press("j")
    page.keyboard.press("x")  # rejects B's "Analysts said"
    expect(page.get_by_role("status")).to_contain_text("Rejected: " + VAGUE)
    expect(suggested).to_have_count(2)
    expect(current(page)).to_have_text(re.compile("Make America Great Again$"))
    expect(panel).to_contain_text("(the same phrase with another name or number)")
    page.keyboard.press("k")
    expect(current(page)).to_have_text(re.compile("analysts said$"))
    page.keyboard.press("y")  # accepts A's "analysts said": now a tag of the user's
    expect(page.get_by_role("status")).to_contain_text("Accepted: " + VAGUE)
    expect(suggested).to_have_count(1)
    expect(page.locator("mark.hl:not(.hl-suggested)[data-first]")).to_have_count(3)
    assert statuses(suggest_app, deal) == [
        ("Analysts said", "rejected"),
        ("Make America Great Again", "suggested"),
        ("analysts said", "accepted"),
    ]
    shoot(page, "suggestions-keyboard-reviewed")

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_contain_text("Accepts the suggestion under review")
    expect(shortcuts).to_contain_text("Rejects the suggestion under review")
    page.keyboard.press("Escape")
    # A reload shows what is still pending, as stored.
    open_page(page, suggest_server, deal)
    expect(page.locator("mark.hl-suggested[data-first]")).to_have_count(1)
    page.evaluate("0")
    assert problems == []


def test_reviews_suggestions_by_mouse_with_accept_all_and_undo(
    suggest_app, suggest_server, deal, review_page, problems
):
    page = review_page
    page.set_viewport_size({"width": 1366, "height": 900})
    open_page(page, suggest_server, deal)
    click(page, page.get_by_role("button", name="Suggest", exact=True))
    suggested = page.locator("mark.hl-suggested[data-first]")
    expect(suggested).to_have_count(3)
    slogan = page.locator("mark.hl-suggested[data-first]", has_text="Make America Great Again")
    # Pointing at it shows the reason (its title); clicking puts it under review.
    expect(slogan).to_have_attribute(
        "title", re.compile("Why: you tagged 'Make Japan Great Again'")
    )
    click(page, slogan)
    panel = page.get_by_role("region", name="Suggestions")
    expect(panel).to_contain_text(f"{SLOGAN_TAG}: “Make America Great Again”")
    shoot(page, "suggestions-mouse-slogan")

    click(page, panel.get_by_role("button", name=f"Accept all of “{SLOGAN_TAG}”"))
    expect(page.get_by_role("status")).to_contain_text(f"Accepted all 1 suggestion of {SLOGAN_TAG}")
    expect(suggested).to_have_count(2)
    assert ("Make America Great Again", "accepted") in statuses(suggest_app, deal)
    click(page, panel.get_by_role("button", name="Undo accept all"))
    expect(suggested).to_have_count(3)
    assert ("Make America Great Again", "suggested") in statuses(suggest_app, deal)
    expect(current(page)).to_have_text(re.compile("Make America Great Again$"))
    click(page, panel.get_by_role("button", name=re.compile("^Reject")))
    expect(suggested).to_have_count(2)

    click(
        page, page.locator("mark.hl-suggested[data-first]", has_text=re.compile("^analysts said$"))
    )
    expect(panel).to_contain_text(f"{VAGUE}: “analysts said”")
    click(page, panel.get_by_role("button", name=re.compile("^Accept y")))
    expect(suggested).to_have_count(1)
    assert statuses(suggest_app, deal) == [
        ("Analysts said", "suggested"),
        ("Make America Great Again", "rejected"),
        ("analysts said", "accepted"),
    ]
    axe_check(page, "after review by mouse")
    shoot(page, "suggestions-mouse-reviewed")
    page.evaluate("0")
    assert problems == []


def test_the_seed_pair_with_the_built_in_rules(suggest_app, suggest_server, review_page, problems):
    page = review_page
    page.set_viewport_size({"width": 1024, "height": 768})
    with suggest_app.app_context():
        comparison = (
            db.get_session()
            .scalars(select(models.Comparison).order_by(models.Comparison.id))
            .first()
        )
        comparison_id = comparison.id
    open_page(page, suggest_server, comparison_id)
    click(page, page.get_by_role("button", name="Suggest", exact=True))
    expect(current(page)).to_be_visible()
    slogan = page.locator("mark.hl-suggested[data-first]", has_text="Make Japan Great Again")
    expect(slogan.first).to_have_attribute(
        "title", re.compile("^Suggestion: Slogan or catchphrase")
    )
    click(page, slogan.first)
    panel = page.get_by_role("region", name="Suggestions")
    expect(panel).to_contain_text("Slogan or catchphrase: “Make Japan Great Again”")
    axe_check(page, "seed pair with rule suggestions")
    shoot(page, "suggestions-seed-rules")
    page.evaluate("0")
    assert problems == []

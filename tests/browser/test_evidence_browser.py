"""Why two passages are linked: the evidence card on pointing and focusing; weak links paler."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_check
from tests.browser.conftest import SCREENSHOTS
from tests.browser.mouse import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(make_seeded_app, serve):
    """Serve the app, CSRF protection on, with its tables created and the seed stored."""
    with serve(make_seeded_app("evidence-instance", teacher=True)) as base:
        yield base


@pytest.fixture
def browser_page(browser_page, live_server):
    """The page, signed in as the teacher through the login form."""
    sign_in(browser_page, live_server)
    return browser_page


def sentence(page, side, text):
    locator = page.locator(f'.s[data-side="{side}"]', has_text=text)
    expect(locator).to_have_count(1)
    return locator


def point_at(page, locator):
    """Move the real mouse onto the middle of the element's first line box."""
    locator.scroll_into_view_if_needed()
    box = locator.evaluate(
        "(el) => { const r = el.getClientRects()[0]; return {x: r.left + r.width / 2,"
        " y: r.top + r.height / 2}; }"
    )
    page.mouse.move(5, 5)
    page.mouse.move(box["x"], box["y"], steps=4)


def close_up(page, card, name):
    """Save the window around the evidence card, at its real size, for a person to look at."""
    box = card.bounding_box()
    viewport = page.viewport_size
    top = max(0, box["y"] - 220)
    clip = {
        "x": 0,
        "y": top,
        "width": viewport["width"],
        "height": min(440, viewport["height"] - top),
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=clip, animations="disabled")


def pair_evidence(page, pair_id):
    """Return the evidence items the page lists for a pair (its hidden source)."""
    return page.locator(f"#evidence-{pair_id} .evidence-list li").all_inner_texts()


def test_pointing_at_a_weak_link_shows_its_evidence(
    live_server, browser_page, problems, screenshot
):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    card = page.locator("#evidence-card")
    expect(card).to_be_hidden()

    # The first weakly linked sentence of A (the seed has several; which one depends on
    # the engine's version, so the test takes the first rather than naming it).
    ended = page.locator('.s[data-side="a"].paired.conf-low').first
    point_at(page, ended)
    expect(card).to_be_visible()
    expect(card).to_contain_text("low confidence")
    expect(card).to_contain_text("partial")
    expect(card).not_to_contain_text("paraphrase")
    items = card.locator(".evidence-list li").all_inner_texts()
    pair_ids = ended.get_attribute("data-pairs").split()
    expected = [item for pair_id in pair_ids for item in pair_evidence(page, pair_id)]
    assert items == expected and items
    # The card sits just below the sentence, inside the window.
    card_box, text_box = card.bounding_box(), ended.bounding_box()
    assert text_box["y"] < card_box["y"] <= text_box["y"] + text_box["height"] + 40
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 1400
    screenshot(page, "evidence-hover-weak-link")
    close_up(page, card, "evidence-hover-weak-link-card")

    # A weak link's edge is dashed; a stronger one's is solid.
    strong = page.locator(".s.paired.conf-medium, .s.paired.conf-high").first
    assert ended.evaluate("(el) => getComputedStyle(el).borderLeftStyle") == "dashed"
    assert strong.evaluate("(el) => getComputedStyle(el).borderLeftStyle") == "solid"

    # Moving the mouse away from every sentence hides the card.
    page.mouse.move(700, 5)
    expect(card).to_be_hidden()
    page.evaluate("0")
    assert problems == []


def test_keyboard_focus_shows_the_evidence(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(live_server + "/compare/seeds")
    card = page.locator("#evidence-card")
    # Tab through the page as a keyboard user does until a linked sentence has the focus.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.s.paired')"):
            break
    else:
        pytest.fail("no linked sentence reached with Tab")
    focused = page.locator(":focus")
    pair_ids = focused.get_attribute("data-pairs").split()
    expect(card).to_be_visible()
    expected = [item for pair_id in pair_ids for item in pair_evidence(page, pair_id)]
    assert card.locator(".evidence-list li").all_inner_texts() == expected and expected
    for pair_id in pair_ids:
        band = page.locator(f"#evidence-{pair_id} .conf-badge").inner_text()
        expect(card).to_contain_text(band)
    # A screen reader hears the same evidence through the sentence's description.
    described = focused.get_attribute("aria-describedby").split()
    description = page.locator(f"#{described[0]}").text_content()
    assert re.search(r"(high|medium|low) confidence", description)
    assert "Shared: " + ", ".join(pair_evidence(page, pair_ids[0])) in description
    screenshot(page, "evidence-keyboard-focus-1024")
    close_up(page, card, "evidence-keyboard-focus-1024-card")

    # Tab on: the card follows the focus to the next linked sentence, or goes.
    page.keyboard.press("Tab")
    now = page.locator(":focus")
    if now.evaluate("(el) => el.matches('.s.paired')"):
        ids = now.get_attribute("data-pairs").split()
        assert card.locator(".evidence-list li").all_inner_texts() == [
            item for pair_id in ids for item in pair_evidence(page, pair_id)
        ]
    page.evaluate("0")
    assert problems == []


def test_overview_band_shows_its_evidence_and_weak_bands_are_dashed(
    live_server, browser_page, problems, screenshot
):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    weak = page.locator('.ov-link[data-confidence="low"]').first
    assert weak.evaluate("(el) => getComputedStyle(el).strokeDasharray") not in ("none", "")
    box = weak.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    card = page.locator("#evidence-card")
    hovered = page.evaluate(
        "(() => { const el = document.querySelector('.ov-link:hover'); "
        "return el ? el.dataset.pairs : null; })()"
    )
    assert hovered is not None
    expect(card).to_be_visible()
    assert card.locator(".evidence-list li").all_inner_texts() == pair_evidence(page, hovered)
    screenshot(page, "evidence-overview-band")
    page.evaluate("0")
    assert problems == []


def test_evidence_states_pass_axe(live_server, chromium):
    """The page with a weak link's evidence card, and with a focused link's, is WCAG 2.1 AA."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(live_server + "/compare/seeds")
        card = page.locator("#evidence-card")
        weak = page.locator('.s[data-side="b"].paired.conf-low').first
        point_at(page, weak)
        expect(card).to_be_visible()
        expect(card).to_contain_text("low confidence")
        axe_check(page, "the evidence card of a weak link, pointed at")
        close_up(page, card, "evidence-axe-weak-link-1024")
        page.mouse.move(700, 5)
        expect(card).to_be_hidden()
        # Tab into an article as a keyboard user does, then walk its sentences with the
        # arrow key to the first linked one of medium or high confidence.
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.s')"):
                break
        else:
            pytest.fail("no sentence reached with Tab")
        wanted = "document.activeElement.matches('.s.paired.conf-medium, .s.paired.conf-high')"
        for _ in range(80):
            if page.evaluate(wanted):
                break
            page.keyboard.press("ArrowDown")
        else:
            pytest.fail("no linked sentence of medium or high confidence reached")
        expect(card).to_be_visible()
        expect(card).to_contain_text(re.compile(r"(high|medium) confidence"))
        axe_check(page, "the evidence card of a focused link")
        close_up(page, card, "evidence-axe-focused-link-1024")
    finally:
        context.close()

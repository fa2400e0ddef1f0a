from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.mouse import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(make_seeded_app, serve):
    """Serve the app, CSRF protection on, with its tables created and the seed stored."""
    with serve(make_seeded_app("compare-instance", teacher=True)) as base:
        yield base


@pytest.fixture
def browser_page(browser_page, live_server):
    """The page, signed in as the teacher through the login form."""
    sign_in(browser_page, live_server)
    return browser_page


ACTIVE = re.compile(r"\bis-active\b")
LINKED = re.compile(r"\bis-linked\b")

# True when the element's top-left and bottom-right corners lie inside both the viewport
# and its scrolling column, so a person can actually see it.
IN_VIEW = """
(el) => {
  const box = el.getBoundingClientRect();
  const column = el.closest(".column").getBoundingClientRect();
  const head = el.closest(".column").querySelector(".column-head").getBoundingClientRect();
  const top = Math.max(0, column.top, head.bottom);
  const bottom = Math.min(window.innerHeight, column.bottom);
  return box.height > 0 && box.top >= top - 1 && box.top + 10 <= bottom;
}
"""


def sentence(page, side, text):
    locator = page.locator(f'.s[data-side="{side}"]', has_text=text)
    expect(locator).to_have_count(1)
    return locator


def first_counterpart(page, source):
    """Return the first sentence of the other column sharing a pair with ``source``."""
    side = "b" if source.get_attribute("data-side") == "a" else "a"
    ids = source.get_attribute("data-pairs").split()
    selector = ", ".join(f'.s[data-side="{side}"][data-pairs~="{i}"]' for i in ids)
    return page.locator(selector).first


def assert_in_viewport(page, locator):
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert 0 <= box["y"] and box["y"] + min(box["height"], 20) <= viewport["height"]
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]


def assert_no_problems(page, problems):
    page.evaluate("0")  # a round trip, so violations reported before it have arrived
    assert problems == []


def test_index_links_to_the_side_by_side_view(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Comparisons")).to_be_visible()
    screenshot(page, "index")
    page.get_by_role("link", name="Takaichi and Trump: the first phone call").click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + r"/comparisons/\d+$"))
    expect(page.locator(".column")).to_have_count(2)
    # The old address of the seed page leads to the stored comparison.
    stored = page.url
    page.goto(live_server + "/compare/seeds")
    expect(page).to_have_url(stored)
    assert_no_problems(page, problems)


def test_hover_lights_up_the_counterpart(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    phoning = sentence(page, "b", "phoning from Air Force One")
    aboard = sentence(page, "a", "aboard Air Force One")
    crypto = sentence(page, "a", "Join a premium crypto trading community")
    expect(aboard).not_to_have_class(LINKED)

    phoning.hover()
    expect(phoning).to_have_class(ACTIVE)
    expect(aboard).to_have_class(LINKED)
    expect(crypto).not_to_have_class(LINKED)
    screenshot(page, "compare-hover")

    page.mouse.move(5, 5)
    expect(aboard).not_to_have_class(LINKED)
    expect(phoning).not_to_have_class(ACTIVE)
    assert_no_problems(page, problems)


def test_click_scrolls_the_other_column(live_server, browser_page, problems):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    page.locator("#column-a").evaluate("(column) => column.scrollTo(0, column.scrollHeight)")
    phoning = sentence(page, "b", "phoning from Air Force One")
    target = first_counterpart(page, phoning)
    assert target.evaluate(IN_VIEW) is False
    before = phoning.bounding_box()

    phoning.click()
    page.wait_for_function(IN_VIEW, arg=target.element_handle())
    assert_in_viewport(page, target)
    expect(target).to_be_focused()
    # Only the other column scrolls: the sentence just clicked stays where it was.
    assert phoning.bounding_box()["y"] == pytest.approx(before["y"], abs=1)
    assert_no_problems(page, problems)


def test_keyboard_enter_scrolls_to_the_counterpart(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    page.locator("#column-b").evaluate("(column) => column.scrollTo(0, column.scrollHeight)")
    # Tab from the top of the page (past the site's links) reaches the first sentence of A.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.s')"):
            break
    focused = page.locator(".s:focus")
    expect(focused).to_have_count(1)
    expect(focused).to_have_attribute("data-side", "a")
    expect(focused).to_have_attribute("data-pairs", re.compile(r"^p\d+"))
    target = first_counterpart(page, focused)
    assert target.evaluate(IN_VIEW) is False
    expect(target).to_have_class(LINKED)  # focus lights the counterpart up too

    page.keyboard.press("Enter")
    page.wait_for_function(IN_VIEW, arg=target.element_handle())
    assert_in_viewport(page, target)
    expect(target).to_be_focused()
    screenshot(page, "compare-keyboard")
    assert_no_problems(page, problems)


def test_word_differences_toggle(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    deleted = page.locator(".pairs del").first
    inserted = page.locator(".pairs ins").first
    plain = page.locator(".pairs .plain").first
    expect(deleted).to_be_hidden()
    expect(inserted).to_be_hidden()
    expect(plain).to_be_visible()

    page.get_by_label("Show word differences").check()
    expect(deleted).to_be_visible()
    expect(inserted).to_be_visible()
    expect(plain).to_be_hidden()
    assert deleted.evaluate("(el) => getComputedStyle(el).textDecorationLine") == "line-through"
    assert inserted.evaluate("(el) => getComputedStyle(el).textDecorationLine") == "underline"
    screenshot(page, "compare-diffs")

    page.get_by_label("Show word differences").uncheck()
    expect(deleted).to_be_hidden()
    assert_no_problems(page, problems)


def test_one_source_sentences_are_badged(live_server, browser_page, problems):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    for side, text in (("a", "Join a premium crypto"), ("b", "Make Japan Great Again")):
        only = sentence(page, side, text)
        expect(only).to_have_attribute("data-only", side)
        # The badge is CSS content: seen, but not part of the article's text.
        badge = only.evaluate("(el) => getComputedStyle(el, '::before').content")
        assert badge == f'"only in {side.upper()}"'
        assert not only.inner_text().lower().startswith("only in")
        description = page.locator("#" + only.get_attribute("aria-describedby"))
        expect(description).to_have_text(re.compile(f"^Only in {side.upper()}"))
    assert_no_problems(page, problems)


def test_narrow_screen_stacks_the_columns(chromium, live_server, problems, screenshot):
    context = chromium.new_context(viewport={"width": 420, "height": 860})
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        sign_in(page, live_server)
        page.goto(live_server + "/compare/seeds")
        a = page.locator("#column-a").bounding_box()
        b = page.locator("#column-b").bounding_box()
        assert b["y"] >= a["y"] + a["height"]
        assert a["width"] <= 420 and b["width"] <= 420
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 420, "nothing may overflow sideways"
        screenshot(page, "compare-narrow")
        phoning = sentence(page, "b", "phoning from Air Force One")
        target = first_counterpart(page, phoning)
        phoning.click()
        page.wait_for_function(
            "(el) => { const r = el.getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }",
            arg=target.element_handle(),
        )
        assert_in_viewport(page, target)
    finally:
        context.close()
    assert problems == []


def test_print_layout_shows_whole_articles(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    page.emulate_media(media="print")
    column = page.locator("#column-b")
    sizes = column.evaluate("(el) => [el.scrollHeight, el.clientHeight]")
    assert sizes[0] == sizes[1], "printed columns must not scroll"
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "compare-print")
    assert_no_problems(page, problems)


def test_csp_blocks_injected_inline_script(live_server, browser_page, problems):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected === undefined")
    for _ in range(50):
        if any("CSP violation: script-src" in p for p in problems):
            break
        page.wait_for_timeout(20)
    assert any("CSP violation: script-src" in p for p in problems), problems


def test_overview_links_bands_and_sentences(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/compare/seeds")
    overview = page.locator("[data-overview]")
    expect(overview).to_be_visible()
    box = overview.bounding_box()
    a_box = page.locator("#column-a").bounding_box()
    b_box = page.locator("#column-b").bounding_box()
    assert a_box["x"] + a_box["width"] <= box["x"] and box["x"] + box["width"] <= b_box["x"]

    # Pointing at a band lights up the passages of its pair in both columns.
    band = page.locator(".ov-link").first
    pair = band.get_attribute("data-pairs")
    band.hover()
    lit = page.locator(f'.s[data-pairs~="{pair}"]')
    assert lit.count() >= 2
    for index in range(lit.count()):
        expect(lit.nth(index)).to_have_class(LINKED)
    expect(band).to_have_class(re.compile(r"\bis-lit\b"))
    screenshot(page, "compare-overview")

    # Pointing at a sentence lights up its bar and band in the overview.
    page.mouse.move(5, 5)
    phoning = sentence(page, "b", "phoning from Air Force One")
    phoning.hover()
    index = phoning.get_attribute("data-sentence")
    bar = page.locator(f'.ov-bar[data-side="b"][data-sentence="{index}"]')
    expect(bar).to_have_class(re.compile(r"\bis-lit\b"))

    # Clicking a hatched bar (a sentence only A has) scrolls column A to it.
    page.mouse.move(5, 5)
    crypto = sentence(page, "a", "Join a premium crypto")
    crypto_bar = page.locator(
        f'.ov-bar[data-side="a"][data-sentence="{crypto.get_attribute("data-sentence")}"]'
    )
    expect(crypto_bar).to_have_class(re.compile(r"\bonly\b"))
    assert crypto.evaluate(IN_VIEW) is False
    crypto_bar.click()
    page.wait_for_function(IN_VIEW, arg=crypto.element_handle())
    assert_no_problems(page, problems)


def test_creating_a_comparison_by_pasting(live_server, browser_page, problems, screenshot):
    page = browser_page
    page.goto(live_server + "/comparisons")
    page.locator("main").get_by_role("link", name="New comparison").click()
    expect(page.get_by_role("heading", name="New comparison")).to_be_visible()
    page.get_by_label("Title").fill("Harbour opening")
    first = page.locator('fieldset[data-article="1"]')
    second = page.locator('fieldset[data-article="2"]')
    first.get_by_label("Paste the text").fill(
        "The new harbour opened on Monday. The mayor cut the ribbon.\n\n"
        "Traffic was heavy all day. \U0001f6a2 Boats lined up at the pier."
    )
    first.get_by_label("Outlet").fill("Harbour Gazette")
    first.get_by_label("Headline").fill("Harbour opens")
    first.get_by_label("Date").fill("2025-10-27")
    second.get_by_label("Paste the text").fill(
        "The mayor cut the ribbon at the new harbour on Monday. Critics called it a waste."
    )
    second.get_by_label("Outlet").fill("City Voice")
    screenshot(page, "new-comparison")
    page.get_by_role("button", name="Create the comparison").click()

    expect(page).to_have_url(re.compile(re.escape(live_server) + r"/comparisons/\d+$"))
    expect(page.locator(".flash-success")).to_have_text(
        "Created the comparison \u201cHarbour opening\u201d."
    )
    expect(page.get_by_role("heading", name="Harbour opening", level=1)).to_be_visible()
    expect(page.locator(".doc-column")).to_have_count(2)
    expect(page.locator("#column-a .doc-text")).to_contain_text("\U0001f6a2 Boats lined up")
    expect(page.locator(".ov-link")).not_to_have_count(0)
    screenshot(page, "comparison-new")

    page.goto(live_server + "/comparisons")
    expect(page.get_by_role("link", name="Harbour opening")).to_be_visible()
    expect(page.get_by_text("Harbour Gazette")).to_be_visible()
    screenshot(page, "comparisons-list")
    assert_no_problems(page, problems)


def test_form_errors_are_shown_next_to_the_fields(live_server, browser_page, problems):
    page = browser_page
    page.goto(live_server + "/comparisons/new")
    page.locator('fieldset[data-article="1"]').get_by_label("Paste the text").fill("Only one.")
    page.get_by_role("button", name="Create the comparison").click()
    expect(page.locator(".form-problems")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    second = page.locator('fieldset[data-article="2"]')
    expect(second.locator(".field-errors")).to_contain_text("Paste the text, upload a file")
    # What was typed is kept.
    expect(page.locator('fieldset[data-article="1"]').get_by_label("Paste the text")).to_have_value(
        "Only one."
    )
    problems[:] = [p for p in problems if "422" not in p]
    assert_no_problems(page, problems)

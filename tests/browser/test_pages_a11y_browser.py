"""Every page a teacher or a student reaches outside the annotation dialogs, checked with axe-core
(WCAG 2.1 A and AA) on a wide screen and at 320 CSS px (400 % zoom), where the page itself
must not scroll sideways (WCAG 1.4.10 Reflow), and /tag-sets at 200 % zoom; then the exercise
report printed to A4 by Chromium, every column on the paper."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotations.storage import accounts
from annotations.storage import models
from annotations.storage import tagsets
from tests.browser.axe import axe_violations
from tests.browser.axe import describe
from tests.browser.conftest import SCREENSHOTS
from tests.web.pdf_reading import read_pdf
from tests.web.pdf_reading import squeeze
from webapp import db

pytestmark = pytest.mark.browser

PASSWORD = "tide pools at dawn"
STUDENT_PASSWORD = "my class password"
SLOGAN = "Make Japan Great Again"
CRYPTO = "Join a premium crypto trading community free for 30 days - normally $100/mo."
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
# Tables of figures may scroll inside their own box (WCAG 1.4.10 exempts two-dimensional data);
# the page around them may not.
OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll("body *")].filter((element) => {
    if (element.closest(".table-wrap, .chart")) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > root.clientWidth + 1;
  }).slice(0, 5).map((element) =>
    `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} right=${
      Math.round(element.getBoundingClientRect().right)}`);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""


@pytest.fixture(scope="module")
def sweep_app(make_seeded_app):
    app = make_seeded_app("a11y-instance")
    with app.app_context():
        session = db.get_session()
        accounts.create_user(
            session, username="ms.tanaka", name="Ms Tanaka", password=PASSWORD, role="teacher"
        )
        session.commit()
    return app


@pytest.fixture(scope="module")
def sweep_server(sweep_app, serve):
    with serve(sweep_app) as base:
        yield base


def documents(app):
    """Return the seed comparison's id and its two documents as (id, text)."""
    with app.app_context():
        session = db.get_session()
        comparison = session.scalars(select(models.Comparison)).first()
        return comparison.id, [(doc.id, doc.text) for doc in comparison.documents]


def save_tag(page, server, comparison_id, document, quote, tag, note=""):
    """Save one annotation through the JSON API as the page's signed-in user (CSRF header on)."""
    document_id, text = document
    start = text.index(quote)
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.post(
        f"{server}/api/documents/{document_id}/annotations",
        headers={"X-CSRFToken": token},
        data={
            "public_id": str(uuid.uuid4()),
            "comparison_id": comparison_id,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "tag_set_key": "media-literacy",
            "tag_keys": [tag] if isinstance(tag, str) else list(tag),
            "note": note,
            "exercise_id": int(re.search(r"/exercises/(\d+)", page.url).group(1)),
        },
    )
    assert response.status == 201, response.text()


class Sweep:
    """Check pages at both widths; keep every violation so one run lists them all."""

    def __init__(self, screenshot):
        self.screenshot = screenshot
        self.checked: list[str] = []
        self.failures: list[str] = []

    def check(self, page, name):
        size = page.viewport_size
        for viewport, suffix in ((WIDE, ""), (NARROW, "-320")):
            page.set_viewport_size(viewport)
            state = f"{name} at {viewport['width']} px"
            violations = axe_violations(page)
            if violations:
                self.failures.append(f"axe-core on {state}:\n{describe(violations)}")
            layout = page.evaluate(OVERFLOW)
            if layout["scroll"] > layout["client"]:
                self.failures.append(f"{state} scrolls sideways: {layout}")
            if suffix:  # the first screenful: a whole page 320 px wide is too tall to look at
                page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}{suffix}.png"))
            else:
                self.screenshot(page, f"a11y-{name}")
            self.checked.append(state)
        page.set_viewport_size(size)


def sign_in(page, server):
    page.goto(f"{server}/login")
    page.get_by_label("Username").fill("ms.tanaka")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field-errors, .flash-error, .form-problems").first).to_be_visible()


def test_every_page_passes_axe_and_reflows_at_320_px(
    sweep_app, sweep_server, chromium, screenshot, problems
):
    server = sweep_server
    sweep = Sweep(screenshot)
    comparison_id, docs = documents(sweep_app)
    context = chromium.new_context(viewport=WIDE, bypass_csp=True)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        page.goto(f"{server}/join")
        page.get_by_role("button", name="Join").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        sweep.check(page, "join-errors")

        sign_in(page, server)
        sweep.check(page, "login-errors")
        page.get_by_label("Username").fill("ms.tanaka")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".site-header")).to_contain_text("Signed in as Ms Tanaka")

        page.goto(f"{server}/comparisons")
        sweep.check(page, "comparisons")

        page.goto(f"{server}/comparisons/new")
        page.get_by_label("Title", exact=True).fill("Two articles")
        page.locator("#articles-0-text").fill("One article's text. It has two sentences.")
        page.locator("summary", has_text="Add a third article").click()
        page.locator("#articles-2-url").fill("http://127.0.0.1/private")
        page.get_by_role("button", name="Create the comparison").click()
        expect(page.locator(".form-problems")).to_be_visible()
        sweep.check(page, "new-comparison-errors")

        page.goto(f"{server}/tag-sets")
        sweep.check(page, "tag-sets")
        page.set_viewport_size({"width": 640, "height": 400})  # 200 % zoom of 1280 x 800
        layout = page.evaluate(OVERFLOW)
        if layout["scroll"] > layout["client"]:
            sweep.failures.append(f"/tag-sets at 200 % scrolls sideways: {layout}")
        screenshot(page, "a11y-tag-sets-640")
        page.set_viewport_size(WIDE)
        page.get_by_role("link", name="Copy Media literacy").click()
        page.get_by_label("Name of the copy").fill("Class 7B media")
        page.get_by_role("button", name="Make the copy").click()
        expect(page.locator(".tag-table tbody tr")).to_have_count(12)
        sweep.check(page, "tag-set-editor")
        page.locator("#tag-name").fill("")
        page.get_by_role("button", name="Add the tag").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        sweep.check(page, "tag-set-editor-errors")
        page.locator(".tag-table tbody tr").first.get_by_role("link", name="Edit").click()
        page.get_by_label("Name").fill("")
        page.get_by_role("button", name="Save the tag").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        sweep.check(page, "tag-edit-errors")
        page.goto(f"{server}/tag-sets/media-literacy")
        sweep.check(page, "tag-set-show")
        page.goto(f"{server}/tag-sets/new")
        page.get_by_role("button", name="Create the set").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        sweep.check(page, "tag-set-new-errors")
        page.goto(f"{server}/tag-sets/import")
        page.get_by_role("button", name="Import").click()
        expect(page.locator(".field-errors, .form-problems").first).to_be_visible()
        sweep.check(page, "tag-set-import-errors")

        page.goto(f"{server}/exercises")
        sweep.check(page, "exercises")
        page.goto(f"{server}/exercises/new")
        page.get_by_role("button", name="Save and open it").click()
        expect(page.locator(".field-errors").first).to_be_visible()
        sweep.check(page, "exercise-new-errors")
        page.get_by_label("Title").fill("Two stories of one phone call")
        page.get_by_label("Tag set").select_option(label="Media literacy")
        page.get_by_role("button", name="Save and open it").click()
        code = page.locator("[data-join-code]").inner_text().strip()
        exercise_url = page.url
        save_tag(
            page, server, comparison_id, docs[1], SLOGAN, "slogan", "The key: a borrowed slogan."
        )
        save_tag(page, server, comparison_id, docs[0], CRYPTO, "promotional")

        students = {}
        for name, tags in (("Ana", [("slogan", SLOGAN)]), ("Ben", [("slogan", CRYPTO)])):
            student_context = chromium.new_context(viewport=WIDE, bypass_csp=True)
            student = student_context.new_page()
            student.goto(f"{server}/join/{code}")
            student.get_by_label("Your name").fill(name)
            student.get_by_label("Password").fill(STUDENT_PASSWORD)
            student.get_by_role("button", name="Join").click()
            expect(student.locator(".site-header")).to_contain_text(f"Signed in as {name}")
            for tag, quote in tags:
                save_tag(
                    student, server, comparison_id, docs[0 if quote == CRYPTO else 1], quote, tag
                )
            students[name] = (student_context, student)

        page.goto(exercise_url)
        expect(page.locator("[data-progress-rows] tr")).to_have_count(2)
        sweep.check(page, "exercise-dashboard")
        page.get_by_role("link", name="Class heatmap").click()
        sweep.check(page, "exercise-heatmap")
        # The counts are on the keyboard path: Tab reaches a passage's count, Enter its row.
        page.locator("#heat-tag").focus()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('heat-count')"):
                break
        focused = page.locator("a.heat-count:focus")
        expect(focused).to_have_text("1")
        expect(focused).to_have_accessible_name("1 of 2 students: Slogan or catchphrase (1)")
        page.keyboard.press("Enter")
        expect(page.locator("tr:target")).to_contain_text("crypto trading community")
        expect(page.locator("tr:target")).to_contain_text("1 of 2 students")
        rows = page.locator("[data-heat-table='b'] tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("Make Japan Great Again")
        expect(rows).to_contain_text("Slogan or catchphrase (1)")
        page.get_by_role("link", name="Results against the key").click()
        sweep.check(page, "exercise-results")
        page.locator("tr", has_text="Ana").first.get_by_role("link", name="Ana").click()
        sweep.check(page, "exercise-student")
        page.get_by_label("Feedback").first.fill("Right: it echoes a US campaign.")
        page.get_by_role("button", name="Save feedback").first.click()
        expect(page.locator(".flash-success")).to_be_visible()
        sweep.check(page, "exercise-student-saved")
        page.goto(f"{exercise_url}/edit")
        sweep.check(page, "exercise-edit")
        page.goto(f"{exercise_url}/report")
        sweep.check(page, "exercise-report")
        page.goto(f"{server}/comparisons/{comparison_id}/report")
        sweep.check(page, "comparison-report")
        page.goto(exercise_url)
        page.get_by_role("button", name="Reveal the key and feedback").click()
        expect(page.locator(".state-steps .is-current")).to_have_text("Key revealed")

        ana = students["Ana"][1]
        ana.goto(f"{server}/exercises")
        sweep.check(ana, "student-exercises")
        ana.get_by_role("link", name="See your tags against the key").click()
        expect(ana.locator(".teacher-feedback")).to_contain_text("echoes a US campaign")
        sweep.check(ana, "student-feedback")
        for student_context, _ in students.values():
            student_context.close()
    finally:
        context.close()
    assert not sweep.failures, f"{len(sweep.failures)} of {len(sweep.checked)} states fail:\n" + (
        "\n".join(sweep.failures)
    )
    assert len(sweep.checked) == 2 * 23, sweep.checked
    assert problems == []


# A4 is 210 mm wide; the report's print stylesheet leaves 14 mm each side: 182 mm = 688 CSS px.
A4_CONTENT_WIDTH = round(182 / 25.4 * 96)
CUT_COLUMNS = """(limit) => [...document.querySelectorAll("main th, main td")]
  .filter((cell) => cell.getBoundingClientRect().right > limit + 0.5)
  .map((cell) => `${cell.closest("table").dataset.table}: ${cell.textContent.trim()} ends at ${
    Math.round(cell.getBoundingClientRect().right)}`)"""

LINES_OF_TAG_NAMES = """() => [...document.querySelectorAll("[data-table='by-source'] tbody th")]
  .map((cell) => {
    const style = getComputedStyle(cell);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return (cell.clientHeight - padding) / parseFloat(style.lineHeight);
  })"""


def test_the_exercise_report_prints_every_column_on_a4(
    sweep_app, sweep_server, chromium, screenshot, tmp_path
):
    server = sweep_server
    comparison_id, docs = documents(sweep_app)
    with sweep_app.app_context():
        tag_set = tagsets.get_tag_set(db.get_session(), "media-literacy")
        tags = [(t.key, t.name) for t in tag_set.tags]
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(f"{server}/login")
        page.get_by_label("Username").fill("ms.tanaka")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{server}/exercises/new")
        page.get_by_label("Title").fill("Every tag of the set")
        page.get_by_label("Tag set").select_option(label="Media literacy")
        page.get_by_role("button", name="Save and open it").click()
        code = page.locator("[data-join-code]").inner_text().strip()
        exercise_url = page.url
        names = ("Ana María Fernández-Oyelaran", "Ben")
        for name, used in ((names[0], tags), (names[1], tags[:5])):
            student = context.browser.new_context().new_page()
            student.goto(f"{server}/join/{code}")
            student.get_by_label("Your name").fill(name)
            student.get_by_label("Password").fill(STUDENT_PASSWORD)
            student.get_by_role("button", name="Join").click()
            expect(student.locator(".site-header")).to_contain_text(f"Signed in as {name}")
            keys = [key for key, _ in used]
            save_tag(
                student,
                server,
                comparison_id,
                docs[1],
                SLOGAN,
                keys,
                "Borrowed \U0001f1ef\U0001f1f5",
            )
            student.context.close()

        page.goto(f"{exercise_url}/report")
        expect(page.locator("[data-table='by-annotator-2']")).to_be_visible()
        # The print layout at the width of A4's printed area: no cell ends past it.
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
        assert page.evaluate(CUT_COLUMNS, A4_CONTENT_WIDTH) == []
        screenshot(page, "report-print-a4")
        # No tag name in the by-source table wraps to more than two lines.
        heights = page.evaluate(LINES_OF_TAG_NAMES)
        assert heights and max(heights) < 3, heights

        printed = SCREENSHOTS / "report-print-a4.pdf"
        pdf = read_pdf(page.pdf(path=str(printed), format="A4", print_background=True))
        text = squeeze(pdf.text)
        assert pdf.overflow == []
        for header in ("Matched", "Missed", "Extra", "Precision", "Recall", "F1", "Annotations"):
            assert header.upper() in text.upper(), header
        for _, name in tags:
            assert name.upper() in text.upper(), name
        for name in names:
            assert name in text
        assert "2 annotations by 2 students" in text
    finally:
        context.close()


def test_a_chosen_file_survives_a_refused_address(
    sweep_server, chromium, screenshot, tmp_path, problems
):
    server = sweep_server
    upload = tmp_path / "second-article.txt"
    upload.write_text(
        "Takaichi answered from Tokyo \U0001f1ef\U0001f1f5.\n\nShe spoke of the alliance.\n",
        encoding="utf-8",
    )
    context = chromium.new_context(viewport=WIDE, bypass_csp=True)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        page.goto(f"{server}/login")
        page.get_by_label("Username").fill("ms.tanaka")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{server}/comparisons/new")
        page.get_by_label("Title", exact=True).fill("A kept upload")
        page.locator("#articles-0-text").fill("Trump called Takaichi on Tuesday.")
        page.locator("#articles-1-file").set_input_files(str(upload))
        page.locator("summary", has_text="Add a third article").click()
        # A loopback address: the fetch guard refuses it after the form itself was valid.
        page.locator("#articles-2-url").fill("http://127.0.0.1:9/article")
        page.get_by_role("button", name="Create the comparison").click()
        expect(page.locator("#articles-2-url-errors")).to_be_visible()
        kept = page.locator("#articles-1-file-kept")
        expect(kept).to_contain_text("Kept from your last try: second-article.txt")
        expect(page.locator("#articles-1-file")).to_have_accessible_description(
            re.compile("second-article.txt")
        )
        axe = axe_violations(page)
        assert axe == [], describe(axe)
        screenshot(page, "new-comparison-kept-file")
        page.set_viewport_size(NARROW)
        layout = page.evaluate(OVERFLOW)
        assert layout["scroll"] <= layout["client"], layout
        kept.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "new-comparison-kept-file-320.png"))
        page.set_viewport_size(WIDE)

        page.locator("#articles-2-url").fill("")
        page.get_by_role("button", name="Create the comparison").click()
        expect(page.locator(".flash-success")).to_contain_text("Created the comparison")
        expect(page.locator(".doc-column[data-side='b']")).to_contain_text(
            "Takaichi answered from Tokyo \U0001f1ef\U0001f1f5."
        )
    finally:
        context.close()
    assert problems == []

"""Report pages and PDFs: numbers against a hand count, permissions, the print layout."""

from __future__ import annotations

import re
import uuid

import pytest

from annotations.storage import accounts
from annotations.storage import models
from annotations.storage import tagsets
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_small_comparison
from tests.web.helpers import add_teacher
from tests.web.helpers import document_text
from tests.web.helpers import signed_in
from tests.web.pdf_reading import read_pdf
from tests.web.pdf_reading import squeeze
from webapp import db
from webapp.reports import pdf

EMOJI_NOTE = "Slogan \U0001f1ef\U0001f1f5"

pytestmark = pytest.mark.databases


def tag(client, app, comparison_id, document_id, quote, tags, note=""):
    text = document_text(app, document_id)
    start = text.index(quote)
    response = client.post(
        f"/api/documents/{document_id}/annotations",
        json={
            "public_id": str(uuid.uuid4()),
            "comparison_id": comparison_id,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "tag_set_key": "media-literacy",
            "tag_keys": tags,
            "note": note,
        },
    )
    assert response.status_code == 201, response.get_json()


def table(page, name):
    match = re.search(
        rf'<table class="report-table[^"]*" data-table="{name}">(.*?)</table>', page, re.S
    )
    assert match, name
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


@pytest.mark.login_disabled
def test_comparison_report_counts_what_was_tagged(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    tag(client, app, comparison_id, doc_b, SLOGAN, ["slogan"], EMOJI_NOTE)
    tag(client, app, comparison_id, doc_b, "Make Japan", ["slogan", "flag-waving"])
    tag(client, app, comparison_id, doc_a, CRYPTO, ["promotional"])
    page = client.get(f"/comparisons/{comparison_id}/report").get_data(as_text=True)
    rows = table(page, "by-source")
    assert rows[0] == ["Tag", "A", "B", "Both"]
    body = {row[0]: row[1:] for row in rows[1:]}
    # Hand count: slogan twice in B; flag-waving once in B; promotional once in A.
    assert body["Slogan or catchphrase"] == ["0", "2", "2"]
    assert body["Flag-waving or national pride"] == ["0", "1", "1"]
    assert body["Promotional or advertising content"] == ["1", "0", "1"]
    assert body["Annotations"] == ["1", "2", "3"]
    assert table(page, "by-annotator")[1][0] == "Annotator"
    assert table(page, "by-annotator")[1][-1] == "3"
    # The slogan's sentence holds both B annotations: it is the most-tagged passage.
    top = page.split('id="top-title"')[1].split("</ol>")[0]
    first = re.search(r'<p class="passage-text">(.*?)</p>', top, re.S).group(1)
    assert SLOGAN in first
    assert "2 annotations by 1" in top
    one_source = page.split('id="one-source-title"')[1]
    assert "crypto trading community" in one_source
    assert "<svg" in page and "Tags by source" in page
    assert "needs at least two annotators" in page or "cannot be computed" in page


def test_the_report_never_counts_exercise_work(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    tag(client, app, comparison_id, doc_b, SLOGAN, ["slogan"])
    with app.app_context():
        session = db.get_session()
        row = session.query(models.Annotation).one()
        teacher = accounts.get_or_add_user(session, "Teacher")
        tag_set = tagsets.get_tag_set(session, "media-literacy")
        exercise = models.Exercise(
            title="Class",
            comparison_id=comparison_id,
            doc_a_id=doc_a,
            doc_b_id=doc_b,
            tag_set_id=tag_set.id,
            teacher_id=teacher.id,
            join_code="ABCDEF",
            instructions="",
        )
        session.add(exercise)
        session.flush()
        row.exercise_id = exercise.id
        session.commit()
    page = client.get(f"/comparisons/{comparison_id}/report").get_data(as_text=True)
    assert "Nothing has been tagged yet." in page


def test_the_pdf_is_the_report_page_tagged_for_screen_readers(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    tag(client, app, comparison_id, doc_b, SLOGAN, ["slogan"], EMOJI_NOTE)
    tag(client, app, comparison_id, doc_b, "Make Japan", ["slogan", "flag-waving"])
    tag(client, app, comparison_id, doc_a, CRYPTO, ["promotional"], "An advert, not news.")
    response = client.get(f"/comparisons/{comparison_id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('-report.pdf"')
    pdf = read_pdf(response.get_data())
    text = squeeze(pdf.text)
    title = "Takaichi and Trump: the first phone call (October 2025)"
    assert f"Report: {title}" in text
    # Hand count, as on the page: 3 annotations by the one default annotator.
    assert "3 annotations by 1 annotator" in text
    assert "tag a b both" in text.lower()  # the header row, in small capitals
    assert "Slogan or catchphrase 0 2 2" in text
    assert "Flag-waving or national pride 0 1 1" in text
    assert "Promotional or advertising content 1 0 1" in text
    assert "Annotations 1 2 3" in text
    # The notes, the emoji one whole: both regional indicators of the flag.
    assert EMOJI_NOTE in text
    assert "An advert, not news." in text
    # One annotator: alpha has no value and the PDF says why, as the page does.
    assert "Alpha needs at least two annotators." in text
    # No word cut in two: every tag name's words are whole words of the text.
    for name in ("Slogan or catchphrase", "Flag-waving or national pride"):
        for word in name.split():
            assert word in pdf.words, word
    assert pdf.overflow == []
    # Tagged for assistive technology: structure tree, language, title.
    assert pdf.marked
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= set(pdf.roles)
    assert pdf.figures_without_alt == 0  # the chart is named by its title
    assert pdf.lang == "en"
    assert pdf.title == f"Report: {title} · Parallax"
    assert pdf.display_title
    assert f"Report: {title} · Parallax" in pdf.xmp and "dc:title" in pdf.xmp


def test_without_pango_the_pdf_link_says_why_and_the_page_still_prints(
    app, client, seeded, monkeypatch
):
    comparison_id, _ = seeded

    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    response = client.get(f"/comparisons/{comparison_id}/report.pdf?a=1&b=2")
    assert response.status_code == 302
    assert response.location.endswith(f"/comparisons/{comparison_id}/report?a=1&b=2")
    page = client.get(response.location).get_data(as_text=True)
    assert "This server cannot make PDFs: WeasyPrint needs the Pango library" in page


def test_unknown_comparison_report_is_404(client, seeded):
    assert client.get("/comparisons/999/report").status_code == 404
    assert client.get("/comparisons/999/report.pdf").status_code == 404


def test_agreement_on_the_page_is_the_hand_count(auth_app, seeded):
    # Two annotators on the small comparison: A = "Buy gold coins now." (A1), "The minister
    # spoke on Monday." (A2), "Rain is due tonight." (A3); B = "Make the country great
    # again." (B1), "The minister spoke twice on Monday." (B2).
    #   Ms Tanaka: A1 promotional, B1 slogan.
    #   Mr Sato:   A1 promotional, B1 promotional, A3 promotional.
    # Alpha (nominal, 2 coders, no missing values): the tags used are 2, so each coder makes
    # 5 sentences x 2 tags = 10 decisions and n = 20 values. Ones: 2 + 3 = 5, zeros: 15.
    # The coders differ on 3 cells (B1 slogan, B1 promotional, A3 promotional), so the
    # coincidence matrix holds o01 = o10 = 3, and
    #   alpha = 1 - (n - 1) * o01 / (n0 * n1) = 1 - 19 * 3 / (15 * 5) = 1 - 57/75 = 0.24.
    # F1 (Mr Sato against Ms Tanaka, same tag and half the shorter span overlapping): matched
    # A1 promotional; Ms Tanaka's B1 slogan unmatched; Mr Sato's B1 and A3 unmatched. P = 1/3,
    # R = 1/2, F1 = 2PR / (P + R) = (1/3) / (5/6) = 0.4.
    comparison_id, (doc_a, doc_b) = add_small_comparison(auth_app)
    add_teacher(auth_app)
    add_teacher(auth_app, username="mr.sato", name="Mr Sato")
    tanaka, sato = signed_in(auth_app), signed_in(auth_app, "mr.sato")
    tag(tanaka, auth_app, comparison_id, doc_a, "Buy gold coins now.", ["promotional"])
    tag(tanaka, auth_app, comparison_id, doc_b, "Make the country great again.", ["slogan"])
    tag(sato, auth_app, comparison_id, doc_a, "Buy gold coins now.", ["promotional"])
    tag(sato, auth_app, comparison_id, doc_b, "Make the country great again.", ["promotional"])
    tag(sato, auth_app, comparison_id, doc_a, "Rain is due tonight.", ["promotional"])
    page = tanaka.get(f"/comparisons/{comparison_id}/report").get_data(as_text=True)
    assert 'data-alpha="0.240"' in page
    assert "Krippendorff&rsquo;s alpha: <strong>0.24</strong>" in page
    assert "over 10 sentence-level decisions" in page and "by 2;" in page
    assert "<strong data-mean-f1>40%</strong>" in page
    assert table(page, "pairwise")[1:] == [["Mr Sato", "40%"], ["Ms Tanaka", "40%"]]

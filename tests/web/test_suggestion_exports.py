"""Suggestion statuses through every export and import, and the report's tallies per tag."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.exchange import importing
from tests.web.helpers import add_small_comparison
from tests.web.helpers import signed_in
from tests.web.pdf_reading import read_pdf
from tests.web.pdf_reading import squeeze
from tests.web.test_exercises import exercise_row
from tests.web.test_exercises import make_exercise
from tests.web.test_reports import table
from tests.web.test_suggestions import propose
from tests.web.test_suggestions import tag
from tests.web.test_transfer import fresh_app
from tests.web.test_transfer import upload
from webapp import suggestions as web_suggestions

A = (
    "Analysts said the deal is done. Later, analysts said it failed. "
    "Fans chanted Make Japan Great Again."
)
B = "Critics say it works. Analysts said no. Fans chanted Make America Great Again."

# In text order (A, then B): the two tags, then the suggestions as reviewed below.
EXPECTED = [
    ("Analysts said", "human"),
    ("analysts said", "accepted"),
    ("Make Japan Great Again", "human"),
    ("Analysts said", "rejected"),
    ("Make America Great Again", "suggested"),
]


@pytest.fixture
def reviewed(app, client, seeded, monkeypatch):
    """A comparison with two tags and three suggestions: one accepted, one rejected, one not."""
    monkeypatch.setattr(web_suggestions, "rule_suggester", lambda: None)
    comparison_id, (a, b) = add_small_comparison(app, "Deal", texts=(A, B))
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    start = A.index("Make Japan")
    tag(client, comparison_id, a, start, start + 22, "Make Japan Great Again", key="slogan")
    found = propose(client, comparison_id, [a, b]).get_json()["suggestions"]
    assert [s["quote"] for s in found] == [
        "analysts said",
        "Analysts said",
        "Make America Great Again",
    ]
    for suggestion, status in zip(found, ("accepted", "rejected"), strict=False):
        url = f"/api/annotations/{suggestion['id']}/review"
        assert client.post(url, json={"status": status}).status_code == 200
    return comparison_id


def exercise_documents(app, exercise_id):
    row = exercise_row(app, exercise_id)
    return row.doc_a_id, row.doc_b_id


def exported(client, comparison_id):
    """Return (quote, status) per annotation of each export format, in file order."""
    base = f"/comparisons/{comparison_id}/export"
    rows = csv.DictReader(io.StringIO(client.get(f"{base}.csv").get_data(as_text=True)))
    by_csv = [(row["quote"], row["status"]) for row in rows]
    by_json = [
        (r.quote, r.status)
        for r in importing.read_annotations(client.get(f"{base}.json").get_data()).records
    ]
    by_w3c = [
        (r.quote, r.status)
        for r in importing.read_annotations(client.get(f"{base}.jsonld").get_data()).records
    ]
    return {"csv": by_csv, "json": by_json, "w3c": by_w3c}


def test_every_export_carries_each_status(client, reviewed):
    assert exported(client, reviewed) == {"csv": EXPECTED, "json": EXPECTED, "w3c": EXPECTED}


@pytest.mark.parametrize("fmt", ["json", "jsonld"])
def test_statuses_come_back_unchanged_through_an_import(client, reviewed, tmp_path, fmt):
    data = client.get(f"/comparisons/{reviewed}/export.{fmt}").get_data()
    target = fresh_app(tmp_path, f"import-{fmt}")
    # The same documents under the same ids as in the first database.
    assert add_small_comparison(target, "Deal", texts=(A, B))[0] == reviewed
    teacher = signed_in(target)
    response = upload(teacher, reviewed, data, f"export.{fmt}")
    assert response.status_code == 200
    assert "5 annotations imported" in response.get_data(as_text=True)
    assert exported(teacher, reviewed) == {
        "csv": EXPECTED,
        "json": EXPECTED,
        "w3c": EXPECTED,
    }


def test_the_report_counts_suggestions_per_tag_and_only_accepted_ones_as_tags(client, reviewed):
    page = client.get(f"/comparisons/{reviewed}/report").get_data(as_text=True)
    # Hand count: the slogan suggestion is pending; of the two vague-source ones, one was
    # accepted and one rejected. Tags in the set's order (slogan first).
    assert table(page, "suggestions") == [
        ["Tag", "Accepted", "Rejected", "Not reviewed"],
        ["Slogan or catchphrase", "0", "0", "1"],
        ["Unattributed or vague source", "1", "1", "0"],
    ]
    # Tags by source: A has the two tags and the accepted suggestion; the rejected and the
    # pending suggestions in B are no tags. (This table lists tags as the text first has them.)
    assert table(page, "by-source") == [
        ["Tag", "A", "B", "Both"],
        ["Unattributed or vague source", "2", "0", "2"],
        ["Slogan or catchphrase", "1", "0", "1"],
        ["Annotations", "3", "0", "3"],
    ]
    text = squeeze(read_pdf(client.get(f"/comparisons/{reviewed}/report.pdf").get_data()).text)
    assert "Suggestions reviewed" in text
    assert "Unattributed or vague source 1 1 0" in text


def test_an_exercise_report_counts_the_suggestions_made_in_it(app, client, reviewed):
    comparison_id = reviewed
    eid = make_exercise(client, comparison_id)
    a, b = exercise_documents(app, eid)
    found = propose(client, comparison_id, [a, b], exercise_id=eid).get_json()["suggestions"]
    # In the exercise nothing is tagged: the teacher's tags elsewhere teach every span but
    # B's "Analysts said", which the teacher rejected in that document.
    assert [s["quote"] for s in found] == [
        "Analysts said",
        "analysts said",
        "Make Japan Great Again",
        "Make America Great Again",
    ]
    for suggestion in found[:2]:
        client.post(f"/api/annotations/{suggestion['id']}/review", json={"status": "rejected"})
    page = client.get(f"/exercises/{eid}/report").get_data(as_text=True)
    # Rejected: the first two in text order, A's "Analysts said" and "analysts said" (both
    # vague source); the two slogans pending.
    assert table(page, "suggestions") == [
        ["Tag", "Accepted", "Rejected", "Not reviewed"],
        ["Slogan or catchphrase", "0", "0", "2"],
        ["Unattributed or vague source", "0", "2", "0"],
    ]

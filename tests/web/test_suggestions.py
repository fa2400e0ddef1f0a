"""Suggestions on the web: proposing, reviewing, double submits, who may ask, hints."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from annotations.records import Suggestion
from annotations.storage import models
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_small_comparison
from tests.web.helpers import listed
from tests.web.test_exercises import exercise_row
from tests.web.test_exercises import make_exercise
from tests.web.test_exercises import student
from webapp import db
from webapp import suggestions as web_suggestions

pytestmark = pytest.mark.databases

A = "Analysts said the deal is done. Later, analysts said it failed."
B = "Critics say it works. Analysts said no."


@pytest.fixture
def pair(app, seeded, monkeypatch):
    """A comparison of A and B with the built-in tag sets; learned suggestions only."""
    monkeypatch.setattr(web_suggestions, "rule_suggester", lambda: None)
    comparison_id, (a, b) = add_small_comparison(app, "Deal", texts=(A, B))
    return comparison_id, a, b


def tag(client, comparison_id, document_id, start, end, quote, *, key="vague-source", **extra):
    payload = {
        "public_id": str(uuid.uuid4()),
        "comparison_id": comparison_id,
        "start": start,
        "end": end,
        "quote": quote,
        "tag_set_key": "media-literacy",
        "tag_keys": [key],
        **extra,
    }
    response = client.post(f"/api/documents/{document_id}/annotations", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def propose(client, comparison_id, documents, **extra):
    return client.post(
        f"/api/comparisons/{comparison_id}/suggestions",
        json={"tag_set": "media-literacy", "documents": documents, **extra},
    )


def places(body):
    return [(s["document_id"], s["start"], s["end"], s["quote"]) for s in body["suggestions"]]


def count_rows(app, *where):
    with app.app_context():
        query = select(func.count()).select_from(models.Annotation).where(*where)
        return db.get_session().scalar(query)


def test_a_teachers_tag_is_proposed_again_and_asking_twice_stores_it_once(app, client, pair):
    comparison_id, a, b = pair
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    response = propose(client, comparison_id, [a, b])
    assert response.status_code == 200, response.get_json()
    # A: "Analysts said the deal is done. Later, " is 39 characters; B: "Critics say it
    # works. " is 22.
    expected = [(a, 39, 52, "analysts said"), (b, 22, 35, "Analysts said")]
    assert places(response.get_json()) == expected
    first = response.get_json()["suggestions"]
    assert {s["status"] for s in first} == {"suggested"}
    assert first[0]["reason"] == (
        "you tagged 'Analysts said' as Unattributed or vague source in this article"
    )
    assert first[1]["reason"].endswith("in the other article")
    assert first[0]["source"] == "learned"
    assert first[0]["tags"][0]["key"] == "vague-source"
    again = propose(client, comparison_id, [a, b]).get_json()
    assert [s["id"] for s in again["suggestions"]] == [s["id"] for s in first]
    assert count_rows(app) == 3  # the tag and two suggestions
    # Suggestions are not tags yet: the reading list shows the teacher's one tag only.
    rows = listed(client.get(f"/api/comparisons/{comparison_id}/annotations"))
    assert [row["quote"] for row in rows] == ["Analysts said"]
    pending = client.get(
        f"/api/comparisons/{comparison_id}/suggestions",
        query_string={"tag_set": "media-literacy", "document": [a, b]},
    ).get_json()
    assert places(pending) == expected


def test_accept_reject_and_undo(app, client, pair):
    comparison_id, a, b = pair
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    in_a, in_b = propose(client, comparison_id, [a, b]).get_json()["suggestions"]
    accepted = client.post(f"/api/annotations/{in_a['id']}/review", json={"status": "accepted"})
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["author"] == "Mr Ito"
    # A double click: the second answers the same and changes nothing.
    twice = client.post(f"/api/annotations/{in_a['id']}/review", json={"status": "accepted"})
    assert twice.status_code == 200
    assert twice.get_json()["version"] == accepted.get_json()["version"]
    rows = listed(client.get(f"/api/comparisons/{comparison_id}/annotations"))
    assert [row["quote"] for row in rows] == ["Analysts said", "analysts said"]

    rejected = client.post(f"/api/annotations/{in_b['id']}/review", json={"status": "rejected"})
    assert rejected.get_json()["status"] == "rejected"
    # Asked again: nothing pending, nothing new stored; the rejection is kept for the record.
    assert propose(client, comparison_id, [a, b]).get_json()["suggestions"] == []
    assert count_rows(app) == 3
    assert count_rows(app, models.Annotation.status == "rejected") == 1

    # Undo: back to pending.
    undone = client.post(f"/api/annotations/{in_b['id']}/review", json={"status": "suggested"})
    assert undone.get_json()["status"] == "suggested"
    assert places(propose(client, comparison_id, [a, b]).get_json()) == [
        (b, 22, 35, "Analysts said")
    ]


def test_a_stale_version_is_refused_a_person_s_own_tag_is_no_suggestion(app, client, pair):
    comparison_id, a, b = pair
    own = tag(client, comparison_id, a, 0, 13, "Analysts said")
    suggestion = propose(client, comparison_id, [a, b]).get_json()["suggestions"][0]
    client.post(f"/api/annotations/{suggestion['id']}/review", json={"status": "rejected"})
    stale = client.post(
        f"/api/annotations/{suggestion['id']}/review",
        json={"status": "accepted", "version": suggestion["version"]},
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "stale_version"
    assert stale.get_json()["annotation"]["status"] == "rejected"
    mine = client.post(f"/api/annotations/{own['id']}/review", json={"status": "rejected"})
    assert mine.status_code == 422
    assert mine.get_json()["field"] == "status"
    bad = client.post(f"/api/annotations/{suggestion['id']}/review", json={"status": "maybe"})
    assert bad.status_code == 422
    missing = client.post(f"/api/annotations/{uuid.uuid4()}/review", json={"status": "accepted"})
    assert missing.status_code == 404


def test_accept_all_of_a_tag_and_undo_it(app, client, pair):
    comparison_id, a, b = pair
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    ids = [s["id"] for s in propose(client, comparison_id, [a, b]).get_json()["suggestions"]]
    url = f"/api/comparisons/{comparison_id}/suggestions/review"
    response = client.post(url, json={"public_ids": ids, "status": "accepted"})
    assert response.status_code == 200
    assert [row["status"] for row in response.get_json()["annotations"]] == ["accepted"] * 2
    assert count_rows(app, models.Annotation.status == "accepted") == 2
    assert client.post(url, json={"public_ids": ids, "status": "suggested"}).status_code == 200
    assert count_rows(app, models.Annotation.status == "suggested") == 2
    # All or none: an unknown id among them changes nothing.
    response = client.post(
        url, json={"public_ids": [*ids, str(uuid.uuid4())], "status": "accepted"}
    )
    assert response.status_code == 404
    assert count_rows(app, models.Annotation.status == "suggested") == 2


def test_rule_suggestions_merge_with_learned_ones(app, client, pair, monkeypatch):
    comparison_id, a, b = pair
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    seen = {}

    def rules(documents, tag_set, alignment):
        seen["texts"] = [d.text for d in documents]
        seen["tag_set"] = tag_set.key
        return [
            # Overlaps the learned one in B and is surer: it wins.
            Suggestion(
                1,
                22,
                30,
                "Analysts",
                "vague-source",
                "vague source: 'Analysts'",
                0.9,
                "rule:vague-source",
            ),
            Suggestion(
                1,
                0,
                11,
                "Critics say",
                "vague-source",
                "vague source: 'Critics'",
                0.7,
                "rule:vague-source",
            ),
            # On the teacher's own tag: settled already.
            Suggestion(
                0, 0, 8, "Analysts", "vague-source", "vague source", 0.9, "rule:vague-source"
            ),
            # Not a tag of the set.
            Suggestion(0, 20, 24, "deal", "no-such-tag", "x", 0.9, "rule:x"),
        ]

    monkeypatch.setattr(web_suggestions, "rule_suggester", lambda: rules)
    body = propose(client, comparison_id, [a, b]).get_json()
    assert seen == {"texts": [A, B], "tag_set": "media-literacy"}
    assert places(body) == [
        (a, 39, 52, "analysts said"),
        (b, 0, 11, "Critics say"),
        (b, 22, 30, "Analysts"),
    ]
    assert [s["source"] for s in body["suggestions"]] == [
        "learned",
        "rule:vague-source",
        "rule:vague-source",
    ]


def test_who_may_ask(app, client, pair):
    comparison_id, a, b = pair
    anonymous = app.test_client()
    assert propose(anonymous, comparison_id, [a, b]).status_code == 401
    assert propose(client, 9999, [a, b]).status_code == 404
    assert propose(client, comparison_id, [a, 9999]).status_code == 404
    assert propose(client, comparison_id, "ab").status_code == 400
    response = client.post(f"/api/comparisons/{comparison_id}/suggestions", json={"documents": [a]})
    assert response.status_code == 400 and response.get_json()["field"] == "tag_set"
    eid = make_exercise(client, comparison_id)
    pupil = student(app, eid, "Ana")
    # A student outside their exercise, and inside it with hints off (the default).
    assert propose(pupil, comparison_id, [a, b]).status_code == 403
    refused = propose(pupil, comparison_id, [a, b], exercise_id=eid)
    assert refused.status_code == 403
    assert "hints are off" in refused.get_json()["message"]
    assert count_rows(app, models.Annotation.status == "suggested") == 0


def test_hints_on_let_students_ask_in_their_own_copy(app, client, pair):
    comparison_id, a, b = pair
    eid = make_exercise(client, comparison_id)
    pupil = student(app, eid, "Ana")
    # The student tags "Analysts said" in A in their copy; the teacher turns hints on.
    tag(pupil, comparison_id, a, 0, 13, "Analysts said", exercise_id=eid)
    form = {"title": "Spin", "instructions": "", "hints": "y"}
    assert client.post(f"/exercises/{eid}/edit", data=form).status_code == 302
    assert exercise_row(app, eid).hints is True
    body = propose(pupil, comparison_id, [a, b], exercise_id=eid).get_json()
    assert places(body) == [(a, 39, 52, "analysts said"), (b, 22, 35, "Analysts said")]
    assert {s["exercise_id"] for s in body["suggestions"]} == {eid}
    # The teacher's key sees none of it (the teacher's own suggestions are another scope).
    key = propose(client, comparison_id, [a, b], exercise_id=eid).get_json()
    assert key["suggestions"] == []
    # The student accepts one: it counts as their tag in the exercise.
    accept = pupil.post(
        f"/api/annotations/{body['suggestions'][0]['id']}/review",
        json={"status": "accepted"},
    )
    assert accept.status_code == 200
    work = listed(pupil.get(f"/api/exercises/{eid}/annotations"))
    assert [row["quote"] for row in work] == ["Analysts said", "analysts said"]
    # The teacher may not review a student's suggestion; hints off stop the student again.
    other = body["suggestions"][1]["id"]
    assert (
        client.post(f"/api/annotations/{other}/review", json={"status": "rejected"}).status_code
        == 403
    )
    form["hints"] = ""
    form.pop("hints")
    assert client.post(f"/exercises/{eid}/edit", data=form).status_code == 302
    assert exercise_row(app, eid).hints is False
    assert (
        pupil.post(f"/api/annotations/{other}/review", json={"status": "rejected"}).status_code
        == 403
    )
    assert propose(pupil, comparison_id, [a, b], exercise_id=eid).status_code == 403


def test_a_teacher_starts_a_key_from_suggestions(app, client, pair):
    comparison_id, a, b = pair
    # Learned from the teacher's tag outside the exercise, on the same documents.
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    eid = make_exercise(client, comparison_id, open_it=False)
    body = propose(client, comparison_id, [a, b], exercise_id=eid).get_json()
    # In the exercise nothing is tagged yet, so the tagged span itself is proposed too;
    # its reason names the comparison it was learned in.
    assert places(body) == [
        (a, 0, 13, "Analysts said"),
        (a, 39, 52, "analysts said"),
        (b, 22, 35, "Analysts said"),
    ]
    assert body["suggestions"][0]["reason"] == (
        "you tagged 'Analysts said' as Unattributed or vague source in 'Deal'"
    )
    for suggestion in body["suggestions"][:2]:
        client.post(f"/api/annotations/{suggestion['id']}/review", json={"status": "accepted"})
    page = client.get(f"/exercises/{eid}").get_data(as_text=True)
    assert "Answer key: 2 tags" in page


def test_the_built_in_rules_propose_the_seed_examples(app, client, seeded):
    comparison_id, (a, b) = seeded
    body = propose(client, comparison_id, [a, b]).get_json()
    by_place = {(s["document_id"], s["quote"]): s for s in body["suggestions"]}
    crypto = [s for (doc, quote), s in by_place.items() if doc == a and CRYPTO in quote]
    slogan = [s for (doc, quote), s in by_place.items() if doc == b and quote == SLOGAN]
    assert [s["tags"][0]["key"] for s in crypto] == ["promotional"]
    assert [s["tags"][0]["key"] for s in slogan] == ["slogan"]
    assert slogan[0]["source"].startswith("rule:")
    assert slogan[0]["reason"]


def test_a_new_exercise_may_have_hints_on(app, client, pair):
    comparison_id, a, b = pair
    data = {
        "title": "With hints",
        "comparison": str(comparison_id),
        "tag_set": "media-literacy",
        "instructions": "",
        "hints": "y",
        "save_open": "1",
    }
    response = client.post("/exercises/new", data=data)
    assert response.status_code == 302
    eid = int(response.headers["Location"].rsplit("/", 1)[1])
    assert exercise_row(app, eid).hints is True
    assert "<strong data-hints>on</strong>" in client.get(f"/exercises/{eid}").get_data(
        as_text=True
    )
    default = make_exercise(client, comparison_id)
    assert exercise_row(app, default).hints is False
    page = client.get(f"/exercises/{default}").get_data(as_text=True)
    assert "<strong data-hints>off</strong>" in page
    page = student(app, eid, "Ana").get(f"/exercises/{eid}/work").get_data(as_text=True)
    assert "data-suggestions-url" in page and "data-ann-suggest-run" in page
    off = make_exercise(client, comparison_id, title="No hints")
    page = student(app, off, "Ben").get(f"/exercises/{off}/work").get_data(as_text=True)
    assert "data-suggestions-url" not in page and "data-ann-suggest-run" not in page


def test_a_review_that_loses_a_race_is_200_when_it_agrees_409_when_not(
    app, client, pair, monkeypatch
):
    from tests.core.test_suggestion_store import race_after_reading

    comparison_id, a, b = pair
    tag(client, comparison_id, a, 0, 13, "Analysts said")
    first, second = propose(client, comparison_id, [a, b]).get_json()["suggestions"]
    with app.app_context():
        engine = db.get_engine()
    # A double click: the other request accepted it between this one's read and write.
    race_after_reading(monkeypatch, engine, "accepted")
    response = client.post(f"/api/annotations/{first['id']}/review", json={"status": "accepted"})
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["version"]) == ("accepted", 2)
    # Another tab rejected it meanwhile: this accept is refused with what is stored.
    race_after_reading(monkeypatch, engine, "rejected")
    response = client.post(f"/api/annotations/{second['id']}/review", json={"status": "accepted"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "stale_version"
    assert response.get_json()["annotation"]["status"] == "rejected"

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path

import itsdangerous.timed
import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annotations.framing import taxonomy
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import saving
from annotations.text.ingest import ingest_text
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_teacher
from tests.web.helpers import listed
from tests.web.helpers import signed_in
from webapp import create_app
from webapp import db

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
MANIFEST = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.databases


def counts(app):
    with app.app_context():
        session = db.get_session()
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (models.Annotation, models.AnnotationTag, models.User)
        }


def document_text(app, document_id):
    with app.app_context():
        return db.get_session().get(models.Document, document_id).text


def body_for(text, quote, *, tags=("slogan",), **overrides):
    start = text.index(quote)
    body = {
        "public_id": str(uuid.uuid4()),
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_keys": list(tags),
        "tag_set_key": "media-literacy",
    }
    body.update(overrides)
    return body


def post(client, document_id, body, **kwargs):
    return client.post(f"/api/documents/{document_id}/annotations", json=body, **kwargs)


# -- tag sets --------------------------------------------------------------------------------


def test_tag_sets_are_listed_and_shown(client, seeded):
    response = client.get("/api/tag-sets")
    assert response.status_code == 200
    keys = {tag_set["key"] for tag_set in response.get_json()["tag_sets"]}
    assert keys == {tag_set.key for tag_set in taxonomy.builtin_tag_sets()}

    response = client.get("/api/tag-sets/persuasion-techniques")
    assert response.status_code == 200
    data = response.get_json()
    assert data["builtin"] is True
    assert len(data["tags"]) == 23
    first = data["tags"][0]
    assert set(first) == {"key", "name", "description", "colour", "shortcut", "group"}
    assert first["group"] == "Attack on reputation"


def test_unknown_tag_set_is_a_json_404(client, seeded):
    response = client.get("/api/tag-sets/no-such-set")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert "no-such-set" in response.get_json()["message"]


def test_unknown_api_route_and_wrong_method_answer_json(client, seeded):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.is_json
    response = client.put("/api/tag-sets")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    # Outside /api a wrong method keeps its HTML answer.
    response = client.put("/")
    assert response.status_code == 405 and not response.is_json


# -- saving on the seed comparison ------------------------------------------------------------


@pytest.mark.login_disabled
def test_seed_quotes_are_stored_at_offsets_that_slice_the_original_files(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    files = [SEEDS / article["file"] for article in MANIFEST["articles"]]
    originals = [path.read_bytes().decode("utf-8") for path in files]
    text_a, text_b = (document_text(app, doc) for doc in (doc_a, doc_b))
    assert (text_a, text_b) == tuple(originals)

    slogan = body_for(text_b, SLOGAN, comparison_id=comparison_id, note="Closing frame.")
    crypto = body_for(text_a, CRYPTO, tags=("promotional",), comparison_id=comparison_id)
    assert post(client, doc_b, slogan).status_code == 201
    crypto_saved = post(client, doc_a, crypto)
    assert crypto_saved.status_code == 201

    response = client.get(f"/api/comparisons/{comparison_id}/annotations")
    assert response.status_code == 200
    items = listed(response)
    assert [item["document_id"] for item in items] == [doc_a, doc_b]
    by_id = {item["id"]: item for item in items}
    for body, original in ((slogan, originals[1]), (crypto, originals[0])):
        item = by_id[body["public_id"]]
        assert original[item["start"] : item["end"]] == body["quote"]
        assert item["quote"] == body["quote"]
    assert by_id[slogan["public_id"]]["tags"][0]["key"] == "slogan"
    assert by_id[slogan["public_id"]]["note"] == "Closing frame."
    assert by_id[slogan["public_id"]]["author"] == "Annotator"
    # The crypto line ends the file, with no newline after it: nothing follows its quote.
    assert by_id[crypto["public_id"]]["end"] == len(originals[0])
    assert crypto_saved.get_json()["suffix"] == ""


def test_double_submit_stores_one_annotation(app, client, seeded):
    comparison_id, (_, doc_b) = seeded
    body = body_for(document_text(app, doc_b), SLOGAN, comparison_id=comparison_id)
    first = post(client, doc_b, body)
    second = post(client, doc_b, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert counts(app) == {"annotation": 1, "annotation_tag": 1, "user": 1}


@pytest.mark.login_disabled
def test_simultaneous_double_submit_answers_as_a_replay(app, seeded, monkeypatch):
    comparison_id, (_, doc_b) = seeded
    text = document_text(app, doc_b)
    # A first save adds the default author, so that the two racing requests only add one row.
    assert post(app.test_client(), doc_b, body_for(text, SLOGAN)).status_code == 201
    body = body_for(text, SLOGAN, comparison_id=comparison_id, note="sent twice at once")
    real_check = saving._check_annotation
    both_checked = threading.Barrier(2, timeout=10)
    checks = []

    def check_then_wait(session, data, *args):
        checked = real_check(session, data, *args)
        checks.append(data.public_id)
        if len(checks) <= 2:
            # Both requests have validated the annotation before either of them inserts it.
            both_checked.wait()
        return checked

    monkeypatch.setattr(saving, "_check_annotation", check_then_wait)
    responses = []

    def send():
        responses.append(post(app.test_client(), doc_b, body))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(response.status_code for response in responses) == [200, 201]
    assert responses[0].get_json() == responses[1].get_json()
    # The second request checked once more after its insert met the first one's row.
    assert checks == [body["public_id"]] * 3
    assert counts(app) == {"annotation": 2, "annotation_tag": 2, "user": 1}


def test_a_new_save_takes_four_statements_and_a_replay_looks_up_after_its_insert(
    app, client, seeded
):
    comparison_id, (_, doc_b) = seeded
    text = document_text(app, doc_b)
    # The first save adds the default author; the second is the one counted.
    assert post(client, doc_b, body_for(text, SLOGAN)).status_code == 201
    body = body_for(text, SLOGAN, comparison_id=comparison_id)
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        words = statement.replace('"', "").split()
        statements.append(" ".join(words[:3]) if words[0] in ("INSERT", "WITH") else words[0])
        if words[0] == "SELECT":
            statements[-1] += " " + words[words.index("FROM") + 1]

    with app.app_context():
        engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert post(client, doc_b, body).status_code == 201
        new_save = list(statements)
        statements.clear()
        assert post(client, doc_b, body).status_code == 200
        replay = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    # No lookup of the new id before its insert, and nothing read back after the commit:
    # the author, then one query for the document, the comparison's members and the tags.
    if engine.dialect.name == "postgresql":
        # The annotation and its tags in one statement.
        assert new_save == ["SELECT user", "SELECT document", "WITH new_annotation AS"]
    else:
        assert new_save == [
            "SELECT user",
            "SELECT document",
            "INSERT INTO annotation",
            "INSERT INTO annotation_tag",
        ]
    # Sent again: the insert fails on the stored id, which is then looked up and compared.
    failed = 3
    assert replay[:failed] == new_save[:failed]
    assert "SELECT annotation" in replay[failed:]
    assert not any(statement.startswith(("INSERT", "WITH")) for statement in replay[failed:])
    assert counts(app) == {"annotation": 2, "annotation_tag": 2, "user": 1}


def test_a_signed_in_save_reads_its_author_once_and_needs_no_transaction_on_postgresql(app, seeded):
    comparison_id, (_, doc_b) = seeded
    app.config["LOGIN_DISABLED"] = False
    add_teacher(app)
    client = signed_in(app)
    body = body_for(document_text(app, doc_b), SLOGAN, comparison_id=comparison_id)
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        words = statement.replace('"', "").split()
        table = words[words.index("FROM") + 1] if words[0] == "SELECT" else None
        isolation = conn.get_execution_options().get("isolation_level", "transaction")
        statements.append((words[0], table, isolation))

    with app.app_context():
        engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = post(client, doc_b, body)
        new_save = list(statements)
        statements.clear()
        replay = post(client, doc_b, body)
        replayed = list(statements)
        conflict = post(client, doc_b, {**body, "note": "other words"})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert (response.status_code, replay.status_code, conflict.status_code) == (201, 200, 409)
    # The user loader's query names the author too: none after the commit.
    assert response.get_json()["author"] == "Ms Tanaka"
    assert [table for _, table, _ in new_save].count("user") == 1
    # On PostgreSQL the save is one write, so no BEGIN or COMMIT goes with it; elsewhere
    # (two inserts) it keeps its transaction.
    one_statement = engine.dialect.name in saving.ONE_STATEMENT_SAVE_DIALECTS
    assert one_statement == (engine.dialect.name == "postgresql")
    expected = "AUTOCOMMIT" if one_statement else "transaction"
    assert {isolation for _, _, isolation in new_save} == {expected}
    # A replay's insert fails on the stored id; after the rollback, its look-up runs in a
    # transaction again.
    failed = next(i for i, (word, _, _) in enumerate(replayed) if word in ("INSERT", "WITH"))
    assert {isolation for _, _, isolation in replayed[: failed + 1]} == {expected}
    assert ("SELECT", "annotation", "transaction") in replayed[failed + 1 :]
    assert counts(app) == {"annotation": 1, "annotation_tag": 1, "user": 1}


def test_a_save_whose_clash_went_away_is_stored_by_the_replay_path(
    app, client, seeded, monkeypatch
):
    # The insert met another request's row with the same id, which then rolled back: the
    # look-up finds nothing, so the annotation is stored there, and must be committed.
    comparison_id, (_, doc_b) = seeded
    body = body_for(document_text(app, doc_b), SLOGAN, comparison_id=comparison_id)

    def clash(session, data, *, author=None):
        raise IntegrityError("INSERT INTO annotation", {}, Exception("duplicate key"))

    monkeypatch.setattr(saving, "add_new_annotation", clash)
    response = post(client, doc_b, body)
    assert response.status_code == 201
    monkeypatch.undo()
    assert counts(app) == {"annotation": 1, "annotation_tag": 1, "user": 1}
    with app.app_context():
        row = saving.find_annotation(db.get_session(), body["public_id"])
        assert row is not None and row.author is not None
        assert response.get_json()["author"] == row.author.name


def test_same_id_with_other_content_is_a_conflict(app, client, seeded):
    comparison_id, (_, doc_b) = seeded
    body = body_for(document_text(app, doc_b), SLOGAN, comparison_id=comparison_id)
    assert post(client, doc_b, body).status_code == 201
    before = counts(app)
    response = post(client, doc_b, {**body, "note": "something else"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert counts(app) == before


def test_utf16_offsets_are_reanchored(app, client, seeded):
    _, (_, doc_b) = seeded
    text = document_text(app, doc_b)
    body = body_for(text, SLOGAN)
    # A client counting UTF-16 units would land a little off; the quote puts it right.
    response = post(client, doc_b, {**body, "start": body["start"] + 2, "end": body["end"] + 2})
    assert response.status_code == 201
    data = response.get_json()
    assert (data["start"], data["end"]) == (body["start"], body["end"])


def test_emoji_offsets_round_trip_in_code_points(app, client, seeded):
    text_a = "🙂🙂 Emoji first. 👍🏽 Then “a quote” 🇯🇵 here."
    text_b = "Plain text with no emoji."
    with app.app_context():
        session = db.get_session()
        rows = [comparisons.add_document(session, ingest_text(text)) for text in (text_a, text_b)]
        comparison = comparisons.add_comparison(session, "Emoji", rows)
        session.commit()
        comparison_id, doc_a = comparison.id, rows[0].id
    quote = "Then “a quote” 🇯🇵"
    body = body_for(text_a, quote, comparison_id=comparison_id)
    prefix = text_a[: body["start"]]
    assert body["start"] == 19
    assert len(prefix.encode("utf-16-le")) // 2 == 23  # what JavaScript's .length would say
    saved = post(client, doc_a, body)
    assert saved.status_code == 201
    (item,) = listed(client.get(f"/api/comparisons/{comparison_id}/annotations"))
    assert (item["start"], item["end"]) == (body["start"], body["end"])
    assert text_a[item["start"] : item["end"]] == quote == item["quote"]
    assert saved.get_json()["prefix"] == text_a[: body["start"]]


def test_comparative_annotation_round_trips(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    text_a = document_text(app, doc_a)
    link = "Takaichi"
    link_start = text_a.index(link)
    body = body_for(
        document_text(app, doc_b),
        SLOGAN,
        tags=("selective-emphasis",),
        comparison_id=comparison_id,
        relation="b-adds",
        link_document_id=doc_a,
        link_start=link_start,
        link_end=link_start + len(link),
        link_quote=link,
    )
    response = post(client, doc_b, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["relation"] == "b-adds"
    assert data["link"] == {
        "document_id": doc_a,
        "start": link_start,
        "end": link_start + len(link),
        "quote": link,
    }


# -- refused saves change nothing -------------------------------------------------------------


def bad_bodies(text, comparison_id, other_document_id):
    good = body_for(text, SLOGAN, comparison_id=comparison_id)
    start = good["start"]
    return [
        # (body, status, error, field)
        ({k: v for k, v in good.items() if k != "public_id"}, 400, "bad_request", "public_id"),
        ({**good, "start": str(start)}, 400, "bad_request", "start"),
        ({**good, "end": True}, 400, "bad_request", "end"),
        ({**good, "tag_keys": "slogan"}, 400, "bad_request", "tag_keys"),
        ({**good, "tag_keys": [1]}, 400, "bad_request", "tag_keys"),
        ({**good, "colour": "red"}, 400, "bad_request", "colour"),
        ({**good, "document_id": other_document_id}, 400, "bad_request", "document_id"),
        ({**good, "start": -1}, 422, "invalid_span", "span"),
        ({**good, "end": len(text) + 1}, 422, "invalid_span", "span"),
        ({**good, "end": start}, 422, "invalid_span", "span"),
        ({**good, "start": start + 5, "end": start}, 422, "invalid_span", "span"),
        (
            {**good, "quote": "Make Korea Small Again, said nobody at all"},
            422,
            "invalid_span",
            "span",
        ),
        ({**good, "tag_keys": ["no-such-tag"]}, 422, "unknown_tag", "tags"),
        ({**good, "tag_set_key": "no-such-set"}, 422, "unknown_tag", "tag_set"),
        ({**good, "tag_keys": []}, 422, "invalid_annotation", "tags"),
        ({**good, "note": "x" * 5001}, 422, "invalid_annotation", "note"),
        ({**good, "public_id": "1"}, 422, "invalid_annotation", "public_id"),
        ({**good, "relation": "b-invents"}, 422, "invalid_annotation", "relation"),
        ({**good, "comparison_id": comparison_id + 1000}, 422, "invalid_annotation", None),
    ]


def test_bad_saves_get_a_clear_error_and_change_nothing(app, client, seeded):
    comparison_id, (doc_a, doc_b) = seeded
    text = document_text(app, doc_b)
    before = counts(app)
    for body, status, error, field in bad_bodies(text, comparison_id, doc_a):
        response = post(client, doc_b, body)
        data = response.get_json()
        assert (response.status_code, data["error"]) == (status, error), (body, data)
        assert data["message"]
        if field is not None:
            assert data.get("field") == field, data
        assert counts(app) == before


def test_malformed_json_and_missing_document(app, client, seeded):
    _, (doc_a, _) = seeded
    url = f"/api/documents/{doc_a}/annotations"
    for kwargs in (
        {"data": "{not json", "content_type": "application/json"},
        {"data": "[]", "content_type": "application/json"},
        {"data": "a=1", "content_type": "application/x-www-form-urlencoded"},
    ):
        response = client.post(url, **kwargs)
        assert response.status_code == 400
        assert response.get_json()["error"] == "bad_request"
    body = body_for(document_text(app, doc_a), CRYPTO)
    response = post(client, 999_999, body)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert counts(app)["annotation"] == 0


def test_document_outside_the_comparison_is_refused(app, client, seeded):
    comparison_id, _ = seeded
    with app.app_context():
        session = db.get_session()
        loose = comparisons.add_document(session, ingest_text("A loose article about nothing."))
        session.commit()
        loose_id = loose.id
    body = body_for("A loose article about nothing.", "loose", comparison_id=comparison_id)
    response = post(client, loose_id, body)
    assert response.status_code == 422
    assert "not part of comparison" in response.get_json()["message"]
    assert counts(app)["annotation"] == 0


# -- edit, delete, restore ------------------------------------------------------------------


def test_edit_delete_and_restore(app, client, seeded):
    comparison_id, (_, doc_b) = seeded
    body = body_for(document_text(app, doc_b), SLOGAN, comparison_id=comparison_id)
    assert post(client, doc_b, body).status_code == 201
    url = f"/api/annotations/{body['public_id']}"
    listing = f"/api/comparisons/{comparison_id}/annotations"

    response = client.patch(url, json={"tags": ["slogan", "flag-waving"], "note": "Both."})
    assert response.status_code == 200
    data = response.get_json()
    assert [tag["key"] for tag in data["tags"]] == ["slogan", "flag-waving"]
    assert data["note"] == "Both."

    before = counts(app)
    for patch, status in (
        ({"tags": ["economic"]}, 422),
        ({"tags": []}, 422),
        ({"note": 5}, 400),
        ({"colour": "#ffffff"}, 400),
        ({"note": "x" * 5001}, 422),
    ):
        response = client.patch(url, json=patch)
        assert response.status_code == status, (patch, response.get_json())
    assert counts(app) == before
    assert listed(client.get(listing))[0]["note"] == "Both."

    response = client.delete(url)
    assert response.status_code == 200
    assert response.get_json()["deleted"] is True
    assert client.get(listing).get_json()["annotations"] == []
    assert counts(app)["annotation"] == 1  # kept, so the deletion can be undone

    response = client.post(f"{url}/restore")
    assert response.status_code == 200
    assert response.get_json()["deleted"] is False
    (item,) = listed(client.get(listing))
    assert [tag["key"] for tag in item["tags"]] == ["slogan", "flag-waving"]


def test_missing_annotations_and_comparisons_are_404(client, seeded):
    missing = str(uuid.uuid4())
    assert client.patch(f"/api/annotations/{missing}", json={"note": "x"}).status_code == 404
    assert client.delete(f"/api/annotations/{missing}").status_code == 404
    assert client.post(f"/api/annotations/{missing}/restore").status_code == 404
    response = client.get("/api/comparisons/999999/annotations")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.login_disabled
def test_author_comes_from_config(app, client, seeded):
    app.config["DEFAULT_AUTHOR"] = "Ms Tanaka"
    _, (_, doc_b) = seeded
    response = post(client, doc_b, body_for(document_text(app, doc_b), SLOGAN))
    assert response.get_json()["author"] == "Ms Tanaka"
    with app.app_context():
        user = db.get_session().scalars(select(models.User)).one()
        assert (user.name, user.role) == ("Ms Tanaka", "teacher")


# -- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app, tmp_path):
    """Return a second app on the `app` fixture's database (which drops it) with CSRF on."""
    csrf_app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": app.config["DATABASE_URL"],
        },
        instance_path=str(tmp_path / "csrf-instance"),
    )
    try:
        add_teacher(csrf_app)
        yield csrf_app
    finally:
        with csrf_app.app_context():
            db.get_engine().dispose()


def seeded_save(csrf_app):
    """Seed ``csrf_app``; return the second article's id and a new save of its slogan."""
    runner = csrf_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    with csrf_app.app_context():
        comparison = comparisons.find_comparison_by_title(
            db.get_session(), MANIFEST["comparison"]["title"]
        )
        doc_b = comparison.documents[1]
        return doc_b.id, body_for(doc_b.text, SLOGAN, comparison_id=comparison.id)


def test_csrf_token_is_required(csrf_app):
    doc_id, body = seeded_save(csrf_app)
    client = signed_in(csrf_app)

    response = post(client, doc_id, body)
    assert response.status_code == 400
    # Its own code: the annotation script keeps the save and asks for a reload.
    assert response.get_json()["error"] == "csrf_failed"
    assert "CSRF" in response.get_json()["message"]
    assert counts(csrf_app)["annotation"] == 0
    response = post(client, doc_id, body, headers={"X-CSRFToken": "forged"})
    assert (response.status_code, response.get_json()["error"]) == (400, "csrf_failed")

    page = client.get("/")
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert match is not None
    response = post(client, doc_id, body, headers={"X-CSRFToken": match.group(1)})
    assert response.status_code == 201, response.get_json()
    assert counts(csrf_app)["annotation"] == 1


def test_a_csrf_token_holds_for_as_long_as_the_session(csrf_app, monkeypatch):
    doc_id, body = seeded_save(csrf_app)
    client = signed_in(csrf_app)
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    idle = csrf_app.config["PERMANENT_SESSION_LIFETIME"]
    assert idle > 3600
    # The page left open for longer than Flask-WTF's own default of one hour, but within
    # the session's idle lifetime: the save goes through.
    now = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + idle - 60)
    response = post(client, doc_id, body, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    # Idle past the session's lifetime, the session and its token are gone (issue 12).
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + 2 * idle + 60)
    again = {**body, "id": str(uuid.uuid4())} if "id" in body else body
    response = post(client, doc_id, again, headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.get_json()

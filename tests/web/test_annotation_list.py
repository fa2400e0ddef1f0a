"""The reading page's annotation list: its compact shape, its validators, compressed answers."""

from __future__ import annotations

import gzip
import json
import uuid

import brotli
import pytest
from backports import zstd
from sqlalchemy import select
from sqlalchemy import update

from annotations.framing import editing
from annotations.storage import models
from annotations.storage import tagsets
from tests.web.helpers import SLOGAN
from tests.web.helpers import SMALL_A
from tests.web.helpers import SMALL_B
from tests.web.helpers import add_small_comparison
from tests.web.helpers import add_teacher
from tests.web.helpers import listed
from tests.web.helpers import signed_in
from tests.web.test_exercises import body
from tests.web.test_exercises import classroom  # noqa: F401 - the fixture
from tests.web.test_exercises import save
from tests.web.test_exercises import set_state
from tests.web.test_transfer import upload
from webapp import db

pytestmark = pytest.mark.databases

FIELDS = ["id", "document_id", "start", "end", "quote", "tags", "note", "author", "relation"]
FIELDS += ["link", "version"]
# The Media literacy set as its JSON file writes them (annotations/framing/tagsets/).
SLOGAN_TAG = {
    "key": "slogan",
    "name": "Slogan or catchphrase",
    "colour": "#fee891",
    "tag_set": "media-literacy",
}
PROMOTIONAL_TAG = {
    "key": "promotional",
    "name": "Promotional or advertising content",
    "colour": "#5fc8b4",
    "tag_set": "media-literacy",
}


def new_annotation(text, quote, *, comparison_id, tags=("slogan",), note="", **extra):
    start = text.index(quote)
    return {
        "public_id": str(uuid.uuid4()),
        "comparison_id": comparison_id,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_set_key": "media-literacy",
        "tag_keys": list(tags),
        "note": note,
        **extra,
    }


def post(client, document_id, payload):
    response = client.post(f"/api/documents/{document_id}/annotations", json=payload)
    assert response.status_code == 201, response.get_json()
    return payload["public_id"]


@pytest.fixture
def small(app, client, seeded):
    """The small comparison (beside the seeds, for the tag sets) with two annotations by Mr
    Ito and a deleted third."""
    cid, (a, b) = add_small_comparison(app)
    gold = post(
        client,
        a,
        new_annotation(
            SMALL_A, "gold coins", comparison_id=cid, tags=("promotional", "slogan"), note="Sells."
        ),
    )
    great = post(
        client,
        b,
        new_annotation(
            SMALL_B,
            "great again",
            comparison_id=cid,
            relation="b-adds",
            link_document_id=a,
            link_start=0,
            link_end=19,
            link_quote="Buy gold coins now.",
        ),
    )
    rain = post(client, a, new_annotation(SMALL_A, "Rain", comparison_id=cid))
    assert client.delete(f"/api/annotations/{rain}").status_code == 200
    return {"cid": cid, "a": a, "b": b, "gold": gold, "great": great}


# -- the shape -----------------------------------------------------------------------------------


def test_the_list_names_each_field_tag_and_author_once(client, small):
    cid, a, b = small["cid"], small["a"], small["b"]
    answer = client.get(f"/api/comparisons/{cid}/annotations")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    # Counted by hand: "Buy " is 4 characters, "Make the country " 17; "Buy gold coins now."
    # is 19. Tags by their set's order (slogan first, then promotional), not as sent; the
    # deleted "Rain" is left out.
    assert answer.get_json() == {
        "comparison_id": cid,
        "fields": FIELDS,
        "tags": [SLOGAN_TAG, PROMOTIONAL_TAG],
        "authors": ["Mr Ito"],
        "annotations": [
            [small["gold"], a, 4, 14, "gold coins", [0, 1], "Sells.", 0, None, None, 1],
            [
                small["great"],
                b,
                17,
                28,
                "great again",
                [0],
                "",
                0,
                "b-adds",
                [a, 0, 19, "Buy gold coins now."],
                1,
            ],
        ],
    }
    # Each tag's name once, however many annotations carry it.
    assert answer.get_data(as_text=True).count("Slogan or catchphrase") == 1


def test_quotes_are_left_out_for_the_documents_the_page_shows(app, client, small):
    cid, a, b = small["cid"], small["a"], small["b"]
    both = client.get(f"/api/comparisons/{cid}/annotations?documents={a},{b}").get_json()
    assert [row[4] for row in both["annotations"]] == [None, None]
    assert both["annotations"][1][9] == [a, 0, 19, None]
    only_a = client.get(f"/api/comparisons/{cid}/annotations?documents={a}").get_json()
    assert [row[4] for row in only_a["annotations"]] == [None, "great again"]
    assert only_a["annotations"][1][9] == [a, 0, 19, None]
    # A document of another comparison is not this list's: its id changes nothing.
    _, (other, _) = add_small_comparison(app, title="Other")
    foreign = client.get(f"/api/comparisons/{cid}/annotations?documents={other}").get_json()
    assert [row[4] for row in foreign["annotations"]] == ["gold coins", "great again"]
    for wrong in ("x", "1,,2", "-1", ",".join(["1"] * 9)):
        response = client.get(f"/api/comparisons/{cid}/annotations?documents={wrong}")
        assert response.status_code == 400, wrong
        assert response.get_json()["error"] == "bad_request"


def test_a_quote_that_differs_from_the_text_is_sent(app, client, small):
    cid, a, b = small["cid"], small["a"], small["b"]
    with app.app_context():
        session = db.get_session()
        session.execute(
            update(models.Annotation)
            .where(models.Annotation.public_id == small["gold"])
            .values(quote="gold  coins")
        )
        session.commit()
    data = client.get(f"/api/comparisons/{cid}/annotations?documents={a},{b}").get_json()
    assert [row[4] for row in data["annotations"]] == ["gold  coins", None]


# -- validators: 304 while unchanged, 200 after every kind of change ---------------------------


def fresh_etag(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.cache_control.private and response.cache_control.no_cache
    assert "cookie" in response.headers["Vary"].lower()
    etag, weak = response.get_etag()
    assert weak and etag
    return response.headers["ETag"]


def assert_not_modified(client, url, etag):
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag


def test_a_reload_is_304_until_the_annotations_change_in_any_way(app, client, seeded, tmp_path):
    cid, (a, b) = seeded
    text_b = seeded.texts[1]
    url = f"/api/comparisons/{cid}/annotations?documents={a},{b}"
    first = post(client, b, new_annotation(text_b, SLOGAN, comparison_id=cid))
    etag = fresh_etag(client, url)
    assert_not_modified(client, url, etag)
    assert_not_modified(client, url, etag)
    # The same list without cut quotes is another answer, with another validator.
    uncut = f"/api/comparisons/{cid}/annotations"
    assert client.get(uncut, headers={"If-None-Match": etag}).status_code == 200
    assert fresh_etag(client, uncut) != etag

    exported = json.loads(client.get(f"/comparisons/{cid}/export.json").get_data())
    exported["annotations"][0]["id"] = str(uuid.uuid4())
    imported_id = exported["annotations"][0]["id"]

    def rename_a_tag_of_its_set():
        with app.app_context():
            session = db.get_session()
            owner = session.scalar(select(models.User.id).where(models.User.name == "Mr Ito"))
            record = tagsets.tag_set_record(tagsets.get_tag_set(session, "class-set"))
            renamed = editing.update_tag(record, "slogan", name="Catchphrase")
            tagsets.save_tag_set(session, renamed, owner_id=owner)
            session.commit()

    def copy_the_set_and_tag_with_it():
        with app.app_context():
            session = db.get_session()
            owner = session.scalar(select(models.User.id).where(models.User.name == "Mr Ito"))
            record = tagsets.tag_set_record(tagsets.get_tag_set(session, "media-literacy"))
            copied = editing.copy_tag_set(record, key="class-set", name="Our class")
            tagsets.save_tag_set(session, copied, owner_id=owner)
            session.commit()
        payload = new_annotation(text_b, "Great Again", comparison_id=cid)
        payload["tag_set_key"] = "class-set"
        post(client, b, payload)

    changes = [
        ("created", lambda: post(client, b, new_annotation(text_b, "Japan", comparison_id=cid))),
        ("edited", lambda: client.patch(f"/api/annotations/{first}", json={"note": "Edited."})),
        ("deleted", lambda: client.delete(f"/api/annotations/{first}")),
        ("restored", lambda: client.post(f"/api/annotations/{first}/restore")),
        ("imported", lambda: upload(client, cid, json.dumps(exported).encode("utf-8"))),
        ("tagged with a new set", copy_the_set_and_tag_with_it),
        ("a tag renamed", rename_a_tag_of_its_set),
    ]
    seen = {etag}
    for change, make in changes:
        answer = make()
        if hasattr(answer, "status_code"):
            assert answer.status_code in (200, 201, 302), (change, answer.get_data(as_text=True))
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200, change
        etag = response.headers["ETag"]
        assert etag not in seen, change
        seen.add(etag)
        assert_not_modified(client, url, etag)
        items = {item["id"]: item for item in listed(response)}
        if change == "edited":
            assert items[first]["note"] == "Edited." and items[first]["version"] == 2
        if change == "deleted":
            assert first not in items
        if change == "restored":
            assert items[first]["version"] == 4
        if change == "imported":
            assert imported_id in items
        if change == "a tag renamed":
            assert "Catchphrase" in [tag["name"] for tag in response.get_json()["tags"]]


# -- who sees what: no validator opens another person's list -----------------------------------


def test_a_validator_never_opens_another_persons_list(classroom):  # noqa: F811
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, ben, teacher = classroom["ana"], classroom["ben"], classroom["teacher"]
    own = f"/api/exercises/{eid}/annotations"
    key = f"{own}?of=key"
    public = f"/api/comparisons/{cid}/annotations"

    # Both lists are empty, yet each person's validator is their own.
    ana_empty, ben_empty = fresh_etag(ana, own), fresh_etag(ben, own)
    assert ana_empty != ben_empty
    assert ben.get(own, headers={"If-None-Match": ana_empty}).status_code == 200

    public_etag = fresh_etag(app.test_client(), public)
    assert save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid)).status_code == 201
    assert save(ben, doc_a, body(app, cid, doc_a, "Takaichi", exercise_id=eid)).status_code == 201
    ana_etag = fresh_etag(ana, own)
    answer = ben.get(own, headers={"If-None-Match": ana_etag})
    assert answer.status_code == 200
    assert [item["quote"] for item in listed(answer)] == ["Takaichi"]
    # Exercise work is no part of the public list: its validator does not move either.
    assert_not_modified(app.test_client(), public, public_etag)

    teacher_key = body(app, cid, doc_b, SLOGAN, exercise_id=eid, note="The key.")
    assert save(teacher, doc_b, teacher_key).status_code == 201
    key_etag = fresh_etag(teacher, key)
    # Before the reveal the key is refused, whatever validator comes with the request.
    assert ana.get(key, headers={"If-None-Match": key_etag}).status_code == 403
    assert set_state(teacher, eid, "revealed").status_code == 302
    revealed = ana.get(key, headers={"If-None-Match": key_etag})
    assert revealed.status_code == 200
    assert [item["note"] for item in listed(revealed)] == ["The key."]
    ana_key_etag = revealed.headers["ETag"]
    assert_not_modified(ana, key, ana_key_etag)
    # Hidden again: the copy Ana keeps is not confirmed, the key is refused.
    assert set_state(teacher, eid, "closed").status_code == 302
    assert ana.get(key, headers={"If-None-Match": ana_key_etag}).status_code == 403
    # The state is part of the answer, so Ana's own list is new too.
    closed = ana.get(own, headers={"If-None-Match": ana_etag})
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"

    add_teacher(app, username="outsider", name="Someone Else")
    outsider = signed_in(app, username="outsider")
    assert outsider.get(own, headers={"If-None-Match": ana_etag}).status_code == 404
    assert app.test_client().get(own, headers={"If-None-Match": ana_etag}).status_code == 401


# -- compression ---------------------------------------------------------------------------------

DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}


@pytest.mark.parametrize("encoding", sorted(DECODERS))
def test_text_answers_come_compressed_as_the_client_asks(client, small, encoding):
    url = f"/api/comparisons/{small['cid']}/annotations"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert "accept-encoding" in plain.headers["Vary"].lower()
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "accept-encoding" in packed.headers["Vary"].lower()
    assert DECODERS[encoding](packed.get_data()) == plain.get_data()
    # The validator is the same for both: a compressed copy revalidates as well.
    assert packed.headers["ETag"] == plain.headers["ETag"]
    again = client.get(
        url, headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""

    page = client.get(f"/comparisons/{small['cid']}", headers={"Accept-Encoding": encoding})
    assert page.headers["Content-Encoding"] == encoding
    assert "Buy gold coins now." in DECODERS[encoding](page.get_data()).decode("utf-8")


def test_compression_follows_accept_encoding_and_skips_small_and_packed_bodies(client, small):
    url = f"/api/comparisons/{small['cid']}/annotations"
    for header, expected in (
        ("identity", None),
        ("gzip;q=0, br", "br"),
        ("gzip, br;q=0.5", "gzip"),
        ("compress", None),
    ):
        response = client.get(url, headers={"Accept-Encoding": header})
        assert response.headers.get("Content-Encoding") == expected, header
    # Under 500 bytes: not worth it.
    tiny = client.get("/api/comparisons/999999/annotations", headers={"Accept-Encoding": "gzip"})
    assert tiny.status_code == 404 and len(tiny.get_data()) < 500
    assert "Content-Encoding" not in tiny.headers
    # A PNG is compressed already.
    image = client.get("/static/img/screenshot-compare.png", headers={"Accept-Encoding": "gzip"})
    assert image.status_code == 200 and "Content-Encoding" not in image.headers
    image.close()
    # Scripts and the CSV export are text: compressed as they stream (Flask-Compress streams
    # zstd, brotli or deflate, not gzip), and whole once unpacked.
    script = client.get("/static/js/annotate/server.js", headers={"Accept-Encoding": "br"})
    assert script.headers["Content-Encoding"] == "br"
    assert b"export function readList" in brotli.decompress(script.get_data())
    script.close()
    export = f"/comparisons/{small['cid']}/export.csv"
    plain_csv = client.get(export).get_data()
    packed_csv = client.get(export, headers={"Accept-Encoding": "gzip, br"})
    assert packed_csv.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed_csv.get_data()) == plain_csv

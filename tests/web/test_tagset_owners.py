"""Issue 12, finding 9: a tag set belongs to the teacher who made it, and an exercise's set
stays as its students saw it."""

from __future__ import annotations

import pytest

from annotations.storage import tagsets
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from tests.web.test_exercises import make_exercise
from webapp import db

pytestmark = pytest.mark.databases

TAG = {"tag-name": "Loaded word", "tag-description": "", "tag-colour": "#AA3300"}


def stored(app, key):
    with app.app_context():
        row = tagsets.get_tag_set(db.get_session(), key)
        return None if row is None else (tagsets.tag_set_record(row), row.owner_id)


def make_own_set(client, name="Our words"):
    response = client.post("/tag-sets/new", data={"name": name, "description": ""})
    assert response.status_code == 302
    key = response.headers["Location"].split("/tag-sets/")[1].split("/")[0]
    assert client.post(f"/tag-sets/{key}/tags", data=TAG).status_code == 302
    return key


@pytest.fixture
def other_teacher(app, client):
    add_teacher(app, username="ms.rivera", name="Ms Rivera")
    return signed_in(app, username="ms.rivera")


def test_another_teacher_cannot_rename_or_retag_a_set(app, client, other_teacher):
    key = make_own_set(client)
    before, owner = stored(app, key)
    assert owner is not None
    attempts = [
        (f"/tag-sets/{key}/edit", {"set-name": "Renamed", "set-description": ""}),
        (f"/tag-sets/{key}/tags", {**TAG, "tag-name": "Sneaky"}),
        (
            f"/tag-sets/{key}/tags/loaded-word/edit",
            {"name": "Fine word", "description": "", "colour": "#000000"},
        ),
        (f"/tag-sets/{key}/tags/loaded-word/remove", {}),
        (f"/tag-sets/{key}/tags/loaded-word/move", {"direction": "up"}),
    ]
    for path, data in attempts:
        response = other_teacher.post(path, data=data, follow_redirects=True)
        assert "belongs to another teacher" in response.get_data(as_text=True), path
    assert other_teacher.get(f"/tag-sets/{key}/edit").status_code == 302
    assert stored(app, key) == (before, owner)
    # The owner still changes it.
    response = client.post(
        f"/tag-sets/{key}/edit", data={"set-name": "Renamed", "set-description": ""}
    )
    assert response.status_code == 302
    assert stored(app, key)[0].name == "Renamed"


def test_another_teacher_copies_the_set_and_owns_the_copy(app, client, other_teacher):
    key = make_own_set(client)
    response = other_teacher.post(f"/tag-sets/{key}/copy", data={"name": "Rivera words"})
    assert response.status_code == 302
    copy_key = response.headers["Location"].split("/tag-sets/")[1].split("/")[0]
    copy, copy_owner = stored(app, copy_key)
    assert copy_owner != stored(app, key)[1]
    response = other_teacher.post(
        f"/tag-sets/{copy_key}/tags/loaded-word/edit",
        data={"name": "Charged word", "description": "", "colour": "#000000"},
    )
    assert response.status_code == 302
    assert stored(app, copy_key)[0].get_tag("loaded-word").name == "Charged word"
    assert stored(app, key)[0].get_tag("loaded-word").name == "Loaded word"


def test_a_set_an_open_exercise_uses_does_not_change_under_it(app, client, seeded):
    comparison_id, _ = seeded
    key = make_own_set(client)
    make_exercise(client, comparison_id, open_it=False, tag_set=key, title="Draft")
    rename = {"name": "Fine word", "description": "", "colour": "#000000"}
    # A draft has no students yet: the set may still change.
    assert client.post(f"/tag-sets/{key}/tags/loaded-word/edit", data=rename).status_code == 302
    assert stored(app, key)[0].get_tag("loaded-word").name == "Fine word"
    make_exercise(client, comparison_id, tag_set=key, title="Spin")
    before = stored(app, key)
    response = client.post(
        f"/tag-sets/{key}/tags/loaded-word/edit",
        data={**rename, "name": "Other word"},
        follow_redirects=True,
    )
    assert "is used by the exercise" in response.get_data(as_text=True)
    assert stored(app, key) == before

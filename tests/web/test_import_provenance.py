"""Issue 12, finding 4: an import belongs to the importing user; the file's annotator and
times are kept as imported data and exported again unchanged."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from annotations.storage import models
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from tests.web.test_transfer import classroom  # noqa: F401  (fixture)
from tests.web.test_transfer import upload
from webapp import db

pytestmark = pytest.mark.databases

CLAIMED = "2001-02-03T04:05:06+00:00"
CLAIMED_UPDATE = "2002-03-04T05:06:07+00:00"


def forged(exported: bytes, annotator: str) -> tuple[bytes, list[str]]:
    """Return the export as a file claiming ``annotator`` made it in 2001, with new ids."""
    data = json.loads(exported)
    ids = []
    for item in data["annotations"]:
        item["id"] = str(uuid.uuid4())
        item["annotator"] = annotator
        item["created"] = CLAIMED
        item["updated"] = CLAIMED_UPDATE
        ids.append(item["id"])
    return json.dumps(data).encode("utf-8"), ids


def authors(app, public_ids):
    with app.app_context():
        session = db.get_session()
        query = select(models.Annotation.author_id).where(
            models.Annotation.public_id.in_(public_ids)
        )
        return set(session.scalars(query))


def user_id(app, name):
    with app.app_context():
        return db.get_session().scalar(select(models.User.id).where(models.User.name == name))


def user_count(app):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(models.User))


@pytest.mark.parametrize("claimed", ["Ms Tanaka", "Ana", "Somebody New"])
def test_an_import_is_credited_to_the_importer_not_the_files_annotator(classroom, claimed):  # noqa: F811
    app, comparison_id = classroom["app"], classroom["comparison_id"]
    exported = classroom["teacher"].get(f"/comparisons/{comparison_id}/export.json").get_data()
    add_teacher(app, username="mr.rivera", name="Mr Rivera")
    rivera = signed_in(app, username="mr.rivera")
    users_before = user_count(app)
    data, ids = forged(exported, claimed)
    response = upload(rivera, comparison_id, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert authors(app, ids) == {user_id(app, "Mr Rivera")}
    assert user_count(app) == users_before  # no account made from a name in a file
    # The list of annotations (public to the class) names the importer.
    with app.app_context():
        session = db.get_session()
        stored = session.scalars(
            select(models.Annotation).where(models.Annotation.public_id.in_(ids))
        ).all()
        assert {row.imported_annotator for row in stored} == {claimed}
        assert all(row.created_at.year > 2001 for row in stored)
    again = json.loads(rivera.get(f"/comparisons/{comparison_id}/export.json").get_data())
    mine = [item for item in again["annotations"] if item["id"] in ids]
    assert len(mine) == len(ids)
    for item in mine:
        assert item["annotator"] == claimed
        assert item["created"] == CLAIMED
        assert item["updated"] == CLAIMED_UPDATE


def test_an_edit_after_import_is_dated_now(classroom):  # noqa: F811
    app, comparison_id = classroom["app"], classroom["comparison_id"]
    teacher = classroom["teacher"]
    exported = teacher.get(f"/comparisons/{comparison_id}/export.json").get_data()
    data, ids = forged(exported, "Ms Elsewhere")
    assert upload(teacher, comparison_id, data).status_code == 200
    with app.app_context():
        session = db.get_session()
        row = session.scalars(
            select(models.Annotation).where(models.Annotation.public_id == ids[0])
        ).one()
        row.note = "Changed here."
        row.updated_at = models.utcnow()
        session.commit()
    again = json.loads(teacher.get(f"/comparisons/{comparison_id}/export.json").get_data())
    item = next(item for item in again["annotations"] if item["id"] == ids[0])
    assert item["annotator"] == "Ms Elsewhere" and item["created"] == CLAIMED
    assert item["updated"] != CLAIMED_UPDATE and item["updated"] > "2026"

"""Edits with versions: a stale edit or delete answers 409 with the stored annotation (#12)."""

from __future__ import annotations

import pytest

from annotations.storage import saving
from tests.web.helpers import listed
from tests.web.test_malformed_input import annotation_body
from tests.web.test_malformed_input import seeded  # noqa: F401 - the fixture
from tests.web.test_malformed_input import slogan_document
from webapp import db

pytestmark = pytest.mark.databases


def stored(app, public_id):
    with app.app_context():
        row = saving.find_annotation(db.get_session(), public_id)
        return row.note, [tag.key for tag in row.tags], row.version, row.deleted_at is not None


@pytest.fixture
def saved(app, client, seeded):  # noqa: F811
    document_id = slogan_document(app, seeded)
    body = annotation_body(app, document_id, comparison_id=seeded[0])
    response = client.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["version"] == 1
    return body["public_id"]


def test_two_tabs_editing_one_annotation_end_in_a_conflict_not_a_loss(app, client, saved):
    # Tab 1 and tab 2 both opened the annotation at version 1.
    first = client.patch(f"/api/annotations/{saved}", json={"note": "from tab 1", "version": 1})
    assert first.status_code == 200
    assert first.get_json()["version"] == 2
    second = client.patch(
        f"/api/annotations/{saved}", json={"tags": ["slogan", "loaded-language"], "version": 1}
    )
    assert second.status_code == 409
    answer = second.get_json()
    assert answer["error"] == "stale_version"
    assert "version 2" in answer["message"]
    # The stored annotation comes back, so the editor can show both.
    assert answer["annotation"]["note"] == "from tab 1"
    assert answer["annotation"]["version"] == 2
    assert stored(app, saved) == ("from tab 1", ["slogan"], 2, False)
    # Starting again from version 2 goes through.
    third = client.patch(
        f"/api/annotations/{saved}", json={"tags": ["slogan", "loaded-language"], "version": 2}
    )
    assert third.status_code == 200
    assert stored(app, saved)[1:] == (["slogan", "loaded-language"], 3, False)


def test_a_stale_delete_is_refused_and_a_current_one_deletes(app, client, saved):
    client.patch(f"/api/annotations/{saved}", json={"note": "changed", "version": 1})
    response = client.delete(f"/api/annotations/{saved}?version=1")
    assert response.status_code == 409
    assert response.get_json()["annotation"]["note"] == "changed"
    assert stored(app, saved)[3] is False
    response = client.delete(f"/api/annotations/{saved}?version=2")
    assert response.status_code == 200
    assert stored(app, saved)[3] is True


@pytest.mark.parametrize("version", ["x", "-1", "99999999999999"])
def test_a_malformed_version_is_a_400(app, client, saved, version):
    response = client.delete(f"/api/annotations/{saved}?version={version}")
    assert response.status_code == 400
    assert stored(app, saved)[3] is False
    response = client.patch(f"/api/annotations/{saved}", json={"note": "n", "version": "1"})
    assert response.status_code == 400
    assert response.get_json()["field"] == "version"


def test_the_annotation_list_gives_each_version(app, client, saved, seeded):  # noqa: F811
    comparison_id, _ = seeded
    client.patch(f"/api/annotations/{saved}", json={"note": "once"})
    items = listed(client.get(f"/api/comparisons/{comparison_id}/annotations"))
    (item,) = [a for a in items if a["id"] == saved]
    assert item["version"] == 2

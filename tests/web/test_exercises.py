"""Classroom exercises on the web: making and running one, joining, permissions route by route."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from annotations.storage import models
from annotations.storage import saving
from annotations.storage import tagsets
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_small_comparison
from tests.web.helpers import add_teacher
from tests.web.helpers import document_text
from tests.web.helpers import listed
from tests.web.helpers import signed_in
from tests.web.pdf_reading import read_pdf
from tests.web.pdf_reading import squeeze
from webapp import create_app
from webapp import db

STUDENT_PASSWORD = "my class password"
SMALL_A1 = "Buy gold coins now."
SMALL_B1 = "Make the country great again."
EMOJI_NOTE = "A slogan \U0001f1ef\U0001f1f5 borrowed from a US campaign \U0001f914"

pytestmark = pytest.mark.databases


def make_exercise(client, comparison_id, *, open_it=True, tag_set="media-literacy", title="Spin"):
    data = {
        "title": title,
        "comparison": str(comparison_id),
        "tag_set": tag_set,
        "instructions": "Tag every slogan.\nSay why in the note.",
    }
    data["save_open" if open_it else "save_draft"] = "1"
    response = client.post("/exercises/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/exercises/(\d+)$", response.headers["Location"]).group(1))


def exercise_row(app, exercise_id):
    with app.app_context():
        session = db.get_session()
        row = session.get(models.Exercise, exercise_id)
        session.expunge(row)
        return row


def join(app, code, name, password=STUDENT_PASSWORD):
    client = app.test_client()
    response = client.post("/join", data={"code": code, "name": name, "password": password})
    return client, response


def student(app, exercise_id, name):
    client, response = join(app, exercise_row(app, exercise_id).join_code, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def body(app, comparison_id, document_id, quote, *, exercise_id, tags=("slogan",), note=""):
    text = document_text(app, document_id)
    start = text.index(quote)
    payload = {
        "public_id": str(uuid.uuid4()),
        "comparison_id": comparison_id,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_set_key": "media-literacy",
        "tag_keys": list(tags),
        "note": note,
    }
    if exercise_id is not None:
        payload["exercise_id"] = exercise_id
    return payload


def save(client, document_id, payload):
    return client.post(f"/api/documents/{document_id}/annotations", json=payload)


def count(app, model, *where):
    with app.app_context():
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return db.get_session().scalar(query)


def field_errors(response, field):
    page = response.get_data(as_text=True)
    match = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def set_state(client, exercise_id, state):
    return client.post(f"/exercises/{exercise_id}/state/{state}")


@pytest.fixture
def classroom(auth_app, seeded):
    """A teacher with an open exercise on the seeds; two students, Ana and Ben, joined."""
    comparison_id, (doc_a, doc_b) = seeded
    add_teacher(auth_app)
    teacher = signed_in(auth_app)
    exercise_id = make_exercise(teacher, comparison_id)
    return {
        "app": auth_app,
        "teacher": teacher,
        "exercise_id": exercise_id,
        "comparison_id": comparison_id,
        "doc_a": doc_a,
        "doc_b": doc_b,
        "ana": student(auth_app, exercise_id, "Ana"),
        "ben": student(auth_app, exercise_id, "Ben"),
    }


# -- making and running an exercise -------------------------------------------------------------


def test_a_teacher_makes_a_draft_then_opens_closes_and_reveals_it(auth_app, seeded):
    comparison_id, _ = seeded
    add_teacher(auth_app)
    teacher = signed_in(auth_app)
    exercise_id = make_exercise(teacher, comparison_id, open_it=False)
    row = exercise_row(auth_app, exercise_id)
    assert row.state == "draft"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", row.join_code)
    page = teacher.get(f"/exercises/{exercise_id}").get_data(as_text=True)
    assert row.join_code in page and f"/join/{row.join_code}" in page
    assert "Tag every slogan." in page

    for state in ("open", "closed", "open", "revealed", "closed"):
        response = set_state(teacher, exercise_id, state)
        assert response.status_code == 302
        assert exercise_row(auth_app, exercise_id).state == state
    # A closed exercise cannot go back to draft; nothing changes and the teacher is told.
    response = set_state(teacher, exercise_id, "draft")
    assert exercise_row(auth_app, exercise_id).state == "closed"
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot become draft" in page
    assert set_state(teacher, exercise_id, "finished").status_code == 404


def test_the_exercise_form_explains_each_mistake_and_creates_nothing(auth_app, seeded):
    add_teacher(auth_app)
    teacher = signed_in(auth_app)
    response = teacher.post(
        "/exercises/new",
        data={"title": "  ", "comparison": "999", "tag_set": "no-such-set", "save_draft": "1"},
    )
    assert response.status_code == 422
    assert "Give the exercise a title." in field_errors(response, "title")
    assert "Not a valid choice" in field_errors(response, "comparison")
    assert "Not a valid choice" in field_errors(response, "tag_set")
    assert count(auth_app, models.Exercise) == 0


def test_only_teachers_make_exercises(auth_app, seeded, classroom):
    response = classroom["ana"].get("/exercises/new")
    assert response.status_code == 403
    anonymous = auth_app.test_client().get("/exercises/new")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_editing_title_and_instructions(classroom):
    teacher, exercise_id = classroom["teacher"], classroom["exercise_id"]
    response = teacher.post(
        f"/exercises/{exercise_id}/edit", data={"title": "Spin, part 2", "instructions": "Go."}
    )
    assert response.status_code == 302
    row = exercise_row(classroom["app"], exercise_id)
    assert (row.title, row.instructions) == ("Spin, part 2", "Go.")
    bad = teacher.post(f"/exercises/{exercise_id}/edit", data={"title": "", "instructions": ""})
    assert bad.status_code == 422
    assert exercise_row(classroom["app"], exercise_id).title == "Spin, part 2"


# -- joining ------------------------------------------------------------------------------------


def test_joining_signs_the_student_in_to_their_copy(classroom):
    app, exercise_id = classroom["app"], classroom["exercise_id"]
    code = exercise_row(app, exercise_id).join_code
    client, response = join(app, f" {code.lower()[:3]}-{code.lower()[3:]} ", "Chloé")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exercises/{exercise_id}/work")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Signed in as Chloé" in page
    assert f'data-exercise-id="{exercise_id}"' in page
    assert "Tag every slogan." in page
    assert "data-read-only" not in page
    with app.app_context():
        query = select(models.User).where(models.User.name == "Chloé")
        user = db.get_session().scalars(query).one()
        assert user.role == "student" and user.username is None
        assert user.password_hash.startswith("scrypt:")


def test_join_link_fills_in_the_code(classroom):
    app = classroom["app"]
    code = exercise_row(app, classroom["exercise_id"]).join_code
    page = app.test_client().get(f"/join/{code.lower()}").get_data(as_text=True)
    assert f'value="{code}"' in page


@pytest.mark.parametrize(
    ("code", "name", "password", "field", "message"),
    [
        ("ZZZZZZ", "Dan", STUDENT_PASSWORD, "code", "no exercise has this code"),
        ("", "Dan", STUDENT_PASSWORD, "code", "Type the code your teacher gave you."),
        (None, "Dan", "short", "password", "at least 10 characters"),
        (None, "Dan", "1234567890", "password", "more than digits"),
        (None, "", STUDENT_PASSWORD, "name", "Type the name your teacher will see."),
        (None, "ana", "not her password", "name", "already taken in this exercise"),
        (None, "x" * 61, STUDENT_PASSWORD, "name", "Field cannot be longer than 60"),
    ],
)
def test_a_bad_join_says_why_and_creates_nothing(classroom, code, name, password, field, message):
    app = classroom["app"]
    users_before = count(app, models.User)
    real = exercise_row(app, classroom["exercise_id"]).join_code
    _, response = join(app, real if code is None else code, name, password)
    assert response.status_code == 422
    assert message.lower() in field_errors(response, field).lower()
    assert count(app, models.User) == users_before
    assert count(app, models.ExerciseMember) == 2


def test_a_whole_class_joins_from_one_address_and_only_mistakes_are_limited(classroom, tmp_path):
    app = classroom["app"]
    limited = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": app.config["DATABASE_URL"],
        },
        instance_path=str(tmp_path / "limited"),
    )
    code = exercise_row(app, classroom["exercise_id"]).join_code
    # More than the ten failures one account may have: successes do not count.
    for number in range(15):
        _, response = join(limited, code, f"Student {number}")
        assert response.status_code == 302, response.get_data(as_text=True)
    # One student mistyping their password is held up after ten tries; the class is not.
    for _ in range(10):
        assert join(limited, code, "Student 3", "not my password")[1].status_code == 422
    assert join(limited, code, "Student 3")[1].status_code == 429
    assert join(limited, code, "Student 4")[1].status_code == 302
    assert join(limited, code, "Student 15")[1].status_code == 302
    with limited.app_context():
        db.get_engine().dispose()


def test_a_returning_student_signs_back_in_without_a_second_account(classroom):
    app = classroom["app"]
    code = exercise_row(app, classroom["exercise_id"]).join_code
    _, response = join(app, code, "  ANA ")
    assert response.status_code == 302
    assert count(app, models.ExerciseMember) == 2
    assert count(app, models.User, models.User.role == "student") == 2


def test_a_draft_or_closed_exercise_takes_no_new_students(classroom):
    app, teacher, exercise_id = classroom["app"], classroom["teacher"], classroom["exercise_id"]
    draft_id = make_exercise(teacher, classroom["comparison_id"], open_it=False, title="Later")
    _, response = join(app, exercise_row(app, draft_id).join_code, "Dan")
    assert "not open yet" in field_errors(response, "code")
    set_state(teacher, exercise_id, "closed")
    code = exercise_row(app, exercise_id).join_code
    _, response = join(app, code, "Dan")
    assert response.status_code == 422
    assert "closed" in field_errors(response, "code")
    # Ana joined before: she may still come back to read her work.
    _, response = join(app, code, "Ana")
    assert response.status_code == 302
    assert count(app, models.ExerciseMember) == 2


# -- tagging in an exercise ---------------------------------------------------------------------


def test_students_tag_their_own_copy_and_see_only_it(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, ben = classroom["ana"], classroom["ben"]
    response = save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid))
    assert response.status_code == 201, response.get_json()
    ana_id = response.get_json()["id"]
    assert response.get_json()["exercise_id"] == eid
    promo = body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("promotional",))
    assert save(ben, doc_a, promo).status_code == 201

    mine = listed(ana.get(f"/api/exercises/{eid}/annotations"))
    assert [item["quote"] for item in mine] == [SLOGAN]
    theirs = listed(ben.get(f"/api/exercises/{eid}/annotations"))
    assert [item["quote"] for item in theirs] == [CRYPTO]
    # The open reading page of the comparison shows no exercise work at all.
    public = app.test_client().get(f"/api/comparisons/{cid}/annotations").get_json()
    assert public["annotations"] == []
    # Ben cannot touch Ana's annotation: to him it does not exist.
    assert ben.patch(f"/api/annotations/{ana_id}", json={"note": "mine now"}).status_code == 404
    assert ben.delete(f"/api/annotations/{ana_id}").status_code == 404
    assert ben.post(f"/api/annotations/{ana_id}/restore").status_code == 404
    # Ana can edit and delete her own.
    assert ana.patch(f"/api/annotations/{ana_id}", json={"note": "a slogan"}).status_code == 200
    assert ana.delete(f"/api/annotations/{ana_id}").status_code == 200
    assert ana.post(f"/api/annotations/{ana_id}/restore").status_code == 200


def test_a_student_cannot_tag_outside_their_exercise(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_b, ana = classroom["doc_b"], classroom["ana"]
    before = count(app, models.Annotation)
    outside = body(app, cid, doc_b, SLOGAN, exercise_id=None)
    assert save(ana, doc_b, outside).status_code == 403
    other_id = make_exercise(classroom["teacher"], cid, title="Other class")
    response = save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=other_id))
    assert response.status_code == 404
    wrong_set = body(app, cid, doc_b, SLOGAN, exercise_id=eid)
    wrong_set["tag_set_key"] = "policy-frames"
    wrong_set["tag_keys"] = ["economic"]
    response = save(ana, doc_b, wrong_set)
    assert response.status_code == 422 and "media-literacy" in response.get_json()["message"]
    wrong_comparison = body(app, cid, doc_b, SLOGAN, exercise_id=eid)
    wrong_comparison["comparison_id"] = None
    assert save(ana, doc_b, wrong_comparison).status_code == 422
    assert count(app, models.Annotation) == before


def test_after_close_students_cannot_change_anything_but_the_teacher_can_edit_the_key(
    classroom,
):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, teacher = classroom["ana"], classroom["teacher"]
    ana_id = save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid)).get_json()["id"]
    set_state(teacher, eid, "closed")
    response = save(ana, doc_a, body(app, cid, doc_a, CRYPTO, exercise_id=eid))
    assert response.status_code == 403
    assert response.get_json()["error"] == "exercise_closed"
    assert ana.patch(f"/api/annotations/{ana_id}", json={"note": "late"}).status_code == 403
    assert ana.delete(f"/api/annotations/{ana_id}").status_code == 403
    with app.app_context():
        row = saving.find_annotation(db.get_session(), ana_id)
        assert row.note == "" and row.deleted_at is None
    page = ana.get(f"/exercises/{eid}/work").get_data(as_text=True)
    assert 'data-read-only="true"' in page and "can no longer be changed" in page
    key = body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("promotional",), note="An ad.")
    assert save(teacher, doc_a, key).status_code == 201
    # The teacher cannot rewrite a student's work, whatever the state.
    assert teacher.patch(f"/api/annotations/{ana_id}", json={"note": "x"}).status_code == 403


def test_the_key_stays_hidden_from_students_until_the_reveal(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_b, ana, teacher = classroom["doc_b"], classroom["ana"], classroom["teacher"]
    key = body(app, cid, doc_b, SLOGAN, exercise_id=eid, note="A campaign slogan, borrowed.")
    assert save(teacher, doc_b, key).status_code == 201
    assert ana.get(f"/api/exercises/{eid}/annotations?of=key").status_code == 403
    assert ana.get(f"/api/exercises/{eid}/annotations").get_json()["annotations"] == []
    assert "borrowed" not in ana.get(f"/exercises/{eid}/work").get_data(as_text=True)
    response = ana.get(f"/exercises/{eid}/feedback")
    assert response.status_code == 302
    set_state(teacher, eid, "revealed")
    revealed = listed(ana.get(f"/api/exercises/{eid}/annotations?of=key"))
    assert [item["note"] for item in revealed] == ["A campaign slogan, borrowed."]
    page = ana.get(f"/exercises/{eid}/feedback").get_data(as_text=True)
    assert "A campaign slogan, borrowed." in page


# -- permissions, route by route ----------------------------------------------------------------


def teacher_routes(eid, user_id):
    return [
        ("get", f"/exercises/{eid}"),
        ("get", f"/exercises/{eid}/edit"),
        ("get", f"/exercises/{eid}/heatmap"),
        ("get", f"/exercises/{eid}/results"),
        ("get", f"/exercises/{eid}/students/{user_id}"),
        ("get", f"/api/exercises/{eid}/progress"),
        ("post", f"/exercises/{eid}/state/closed"),
    ]


def test_another_teacher_finds_no_such_exercise(classroom):
    app, eid = classroom["app"], classroom["exercise_id"]
    add_teacher(app, username="mr.sato", name="Mr Sato")
    other = signed_in(app, "mr.sato")
    ana_id = member_id(app, eid, "Ana")
    for method, path in [*teacher_routes(eid, ana_id), ("get", f"/exercises/{eid}/work")]:
        response = getattr(other, method)(path)
        assert response.status_code == 404, (method, path)
    assert other.get(f"/api/exercises/{eid}/annotations").status_code == 404
    assert exercise_row(app, eid).state == "open"
    assert "Spin" not in other.get("/exercises").get_data(as_text=True)


def test_students_reach_no_teacher_page(classroom):
    eid, ana = classroom["exercise_id"], classroom["ana"]
    ben_id = member_id(classroom["app"], eid, "Ben")
    for method, path in teacher_routes(eid, ben_id):
        response = getattr(ana, method)(path)
        assert response.status_code == 403, (method, path)
    assert ana.post(f"/exercises/{eid}/feedback/{uuid.uuid4()}").status_code == 403
    assert exercise_row(classroom["app"], eid).state == "open"
    assert ana.get("/exercises").headers["Location"].endswith(f"/exercises/{eid}/work")


def test_a_student_of_another_class_finds_no_such_exercise(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    other_id = make_exercise(classroom["teacher"], cid, title="Other class")
    outsider = student(app, other_id, "Zoe")
    assert outsider.get(f"/exercises/{eid}/work").status_code == 404
    assert outsider.get(f"/exercises/{eid}/feedback").status_code == 404
    assert outsider.get(f"/api/exercises/{eid}/annotations").status_code == 404
    assert outsider.get(f"/api/exercises/{eid}/annotations?of=key").status_code == 404


def test_anonymous_visitors_see_no_exercise(classroom):
    client = classroom["app"].test_client()
    eid = classroom["exercise_id"]
    assert client.get(f"/api/exercises/{eid}/annotations").status_code == 401
    response = client.get(f"/exercises/{eid}/work")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- the teacher's views ------------------------------------------------------------------------


def member_id(app, exercise_id, name):
    with app.app_context():
        query = (
            select(models.User.id)
            .join(models.ExerciseMember, models.ExerciseMember.user_id == models.User.id)
            .where(models.ExerciseMember.exercise_id == exercise_id, models.User.name == name)
        )
        return db.get_session().scalar(query)


def test_progress_counts_each_students_tags(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, teacher = classroom["ana"], classroom["teacher"]
    save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid))
    save(ana, doc_a, body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("promotional", "slogan")))
    save(teacher, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid))  # the key: not progress
    data = teacher.get(f"/api/exercises/{eid}/progress").get_json()
    by_name = {row["name"]: row for row in data["students"]}
    assert list(by_name) == ["Ana", "Ben"]
    assert by_name["Ana"]["annotations"] == 2
    assert {tag["name"]: tag["count"] for tag in by_name["Ana"]["tags"]} == {
        "Slogan or catchphrase": 2,
        "Promotional or advertising content": 1,
    }
    assert by_name["Ana"]["last_activity"] is not None
    assert by_name["Ben"] == {**by_name["Ben"], "annotations": 0, "tags": [], "last_activity": None}
    page = teacher.get(f"/exercises/{eid}").get_data(as_text=True)
    assert "data-progress-url" in page and ">Ana</a>" in page


def test_results_heatmap_and_feedback_for_a_hand_counted_class(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, ben, teacher = classroom["ana"], classroom["ben"], classroom["teacher"]
    # Key: the slogan (slogan) and the crypto line (promotional).
    save(teacher, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid, note="Borrowed slogan."))
    crypto_key = body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("promotional",))
    save(teacher, doc_a, crypto_key)
    # Ana: the slogan right; "Make Japan" alone (10 of 22 characters: under half) as slogan again.
    ana_first = save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid)).get_json()["id"]
    save(ana, doc_b, body(app, cid, doc_b, "Make Japan", exercise_id=eid))
    # Ben: the crypto line with the wrong tag.
    save(ben, doc_a, body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("slogan",)))

    page = teacher.get(f"/exercises/{eid}/results").get_data(as_text=True)
    ana_id, ben_id = member_id(app, eid, "Ana"), member_id(app, eid, "Ben")
    ana_row = re.search(rf'<tr data-student-id="{ana_id}">(.*?)</tr>', page, re.S).group(1)
    # Ana: the two "Make Japan..." spans both overlap the key slogan, but a match is one-to-one:
    # 1 matched, 1 missed (crypto), 1 extra -> precision 1/2, recall 1/2.
    cells = re.findall(r'<td class="num">(.*?)</td>', ana_row)
    assert cells == ["1", "1", "1", "50%", "50%", "50%"]
    ben_row = re.search(rf'<tr data-student-id="{ben_id}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', ben_row)[:3] == ["0", "2", "1"]
    assert "Krippendorff" in page

    heat = teacher.get(f"/exercises/{eid}/heatmap").get_data(as_text=True)
    assert 'title="1 of 2 students: Slogan or catchphrase (1)"' in heat
    assert heat.count('class="heat heat-') >= 2
    only_promo = teacher.get(f"/exercises/{eid}/heatmap?tag=promotional").get_data(as_text=True)
    assert "<mark" not in only_promo.split('<div class="heat-columns">')[1]
    assert teacher.get(f"/exercises/{eid}/heatmap?tag=nope").status_code == 404

    response = teacher.post(
        f"/exercises/{eid}/feedback/{ana_first}", data={f"fb-{ana_first}-body": "Well spotted."}
    )
    assert response.status_code == 302
    student_page = teacher.get(f"/exercises/{eid}/students/{ana_id}").get_data(as_text=True)
    assert "Well spotted." in student_page
    set_state(teacher, eid, "revealed")
    ana_page = ana.get(f"/exercises/{eid}/feedback").get_data(as_text=True)
    assert "Well spotted." in ana_page and "Borrowed slogan." in ana_page
    assert "Well spotted." not in ben.get(f"/exercises/{eid}/feedback").get_data(as_text=True)
    # Clearing the box removes the feedback.
    teacher.post(f"/exercises/{eid}/feedback/{ana_first}", data={f"fb-{ana_first}-body": " "})
    assert count(app, models.Feedback) == 0


def test_feedback_only_on_a_students_annotation_of_this_exercise(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_b, teacher = classroom["doc_b"], classroom["teacher"]
    key_id = save(teacher, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid)).get_json()["id"]
    data = {f"fb-{key_id}-body": "x"}
    assert teacher.post(f"/exercises/{eid}/feedback/{key_id}", data=data).status_code == 404
    missing = str(uuid.uuid4())
    assert teacher.post(f"/exercises/{eid}/feedback/{missing}", data={}).status_code == 404
    assert count(app, models.Feedback) == 0


def test_the_exercise_report_counts_students_not_the_key_and_is_the_teachers_only(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, ben, teacher = classroom["ana"], classroom["ben"], classroom["teacher"]
    save(teacher, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid))
    save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid, note=EMOJI_NOTE))
    save(ben, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid))
    save(ben, doc_a, body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=("promotional",)))
    page = teacher.get(f"/exercises/{eid}/report").get_data(as_text=True)
    assert "3 annotations by 2 students" in page
    assert "key: 1 tag" in page
    against = page.split('data-table="against-key"')[1].split("</table>")[0]
    assert re.search(r"Ana</th><td class=\"num\">1</td><td class=\"num\">0</td>", against)
    # Ana and Ben agree on the slogan sentence; Ben alone tagged the advertisement.
    assert 'data-alpha="' in page
    response = teacher.get(f"/exercises/{eid}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = read_pdf(response.get_data())
    text = squeeze(pdf.text)
    # The PDF says what the page says, in the page's words ("students", not "annotators").
    assert "Report: Spin" in text and "Exercise · 3 annotations by 2 students · key: 1 tag" in text
    assert "By student" in text and "Agreement between students" in text
    assert "annotator" not in text.lower()
    # Hand count by source: the slogan twice in B, the advertisement once in A.
    assert "Slogan or catchphrase 0 2 2" in text
    assert "Promotional or advertising content 1 0 1" in text
    assert "Annotations 1 2 3" in text
    # By student: Ana 1 slogan; Ben 1 slogan, 1 promotional.
    assert "Ana 1 1" in text and "Ben 1 1 2" in text
    # Alpha by hand: N = sentences x 2 tags, 2 students, so 2N values; 3 are "tagged" (both
    # on the slogan's sentence, Ben on the advertisement's) and one unit disagrees:
    # alpha = 1 - (2N - 1) * o_01 / (n_0 * n_1) with o_01 = 1, n_1 = 3, n_0 = 2N - 3.
    units = int(re.search(r"over (\d+) sentence-level decisions", text).group(1))
    alpha = 1 - (2 * units - 1) / ((2 * units - 3) * 3)
    assert f"Krippendorff’s alpha: {alpha:.2f}" in text
    # Span F1 of Ana against Ben: 1 match, Ana 1 span, Ben 2: 2 * 1 / (1 + 2) = 67%.
    assert "(1 pair): mean 67%" in text
    assert "Ana 67%" in text and "Ben 67%" in text
    # Against the key (1 tag): Ana matched it alone; Ben matched it and added one more.
    assert "Ana 1 0 0 100% 100% 100%" in text
    assert "Ben 1 0 1 50% 100% 67%" in text
    assert "Class 2 0 1 67% 100% 80%" in text
    for header in ("Matched", "Missed", "Extra", "Precision", "Recall", "F1"):
        assert header.lower() in text.lower()
    assert EMOJI_NOTE in text
    assert pdf.overflow == []
    assert pdf.marked and pdf.lang == "en" and pdf.title == "Report: Spin · Parallax"
    assert ana.get(f"/exercises/{eid}/report").status_code == 403
    assert ana.get(f"/exercises/{eid}/report.pdf").status_code == 403
    add_teacher(app, username="mr.sato", name="Mr Sato")
    other = signed_in(app, "mr.sato")
    assert other.get(f"/exercises/{eid}/report").status_code == 404
    assert other.get(f"/exercises/{eid}/report.pdf").status_code == 404


def test_results_and_report_show_the_hand_counted_agreement(auth_app, seeded):
    # The small comparison: A = "Buy gold coins now." (A1), "The minister spoke on Monday."
    # (A2), "Rain is due tonight." (A3); B = "Make the country great again." (B1), "The
    # minister spoke twice on Monday." (B2).
    #   Key: A1 promotional, B1 slogan.   Ana: the same two.
    #   Ben: A1 promotional, B1 promotional, A3 promotional.
    # Against the key (same tag, half the shorter span overlapping): Ana matches 2, misses 0,
    # adds 0: P = R = F1 = 100%. Ben matches 1 (A1), misses 1 (B1 slogan), adds 2: P = 1/3,
    # R = 1/2, F1 = 2PR / (P + R) = 0.4. The class: 3 matched, 1 missed, 2 extra: P = 3/5,
    # R = 3/4, F1 = 0.9 / 1.35 = 2/3 (67%).
    # Alpha between the students (the key is not a student): 2 tags used x 5 sentences = 10
    # decisions each, n = 20 values; ones 2 + 3 = 5, zeros 15; they differ on 3 cells (B1
    # slogan, B1 promotional, A3 promotional), so o01 = 3 and
    #   alpha = 1 - (n - 1) * o01 / (n0 * n1) = 1 - 19 * 3 / (15 * 5) = 0.24.
    # Pairwise F1 (Ana as key, Ben as response) is Ben's against the key: 40%.
    comparison_id, (doc_a, doc_b) = add_small_comparison(auth_app)
    add_teacher(auth_app)
    teacher = signed_in(auth_app)
    eid = make_exercise(teacher, comparison_id)
    ana, ben = student(auth_app, eid, "Ana"), student(auth_app, eid, "Ben")
    tags = {
        teacher: [(doc_a, SMALL_A1, "promotional"), (doc_b, SMALL_B1, "slogan")],
        ana: [(doc_a, SMALL_A1, "promotional"), (doc_b, SMALL_B1, "slogan")],
        ben: [
            (doc_a, SMALL_A1, "promotional"),
            (doc_b, SMALL_B1, "promotional"),
            (doc_a, "Rain is due tonight.", "promotional"),
        ],
    }
    for client, items in tags.items():
        for document, quote, key in items:
            payload = body(auth_app, comparison_id, document, quote, exercise_id=eid, tags=(key,))
            assert save(client, document, payload).status_code == 201

    page = teacher.get(f"/exercises/{eid}/results").get_data(as_text=True)
    rows = {}
    for name in ("Ana", "Ben"):
        row = re.search(
            rf'<tr data-student-id="{member_id(auth_app, eid, name)}">(.*?)</tr>', page, re.S
        )
        rows[name] = re.findall(r'<td class="num">(.*?)</td>', row.group(1))
    assert rows["Ana"] == ["2", "0", "0", "100%", "100%", "100%"]
    assert rows["Ben"] == ["1", "1", "2", "33%", "50%", "40%"]
    overall = page.split("<tfoot>")[1].split("</tfoot>")[0]
    assert re.findall(r'<td class="num">(.*?)</td>', overall) == [
        "3",
        "1",
        "2",
        "60%",
        "75%",
        "67%",
    ]
    assert 'data-alpha="0.240"' in page
    assert "Krippendorff&rsquo;s alpha: <strong>0.24</strong>" in page
    assert "Over 10 decisions" in page

    report = teacher.get(f"/exercises/{eid}/report").get_data(as_text=True)
    assert 'data-alpha="0.240"' in report
    assert "<strong data-mean-f1>40%</strong>" in report


def test_a_wide_exercise_report_splits_its_student_table_and_cuts_off_no_column(classroom):
    app, cid, eid = classroom["app"], classroom["comparison_id"], classroom["exercise_id"]
    doc_a, doc_b = classroom["doc_a"], classroom["doc_b"]
    ana, ben, teacher = classroom["ana"], classroom["ben"], classroom["teacher"]
    with app.app_context():
        tags = [
            (tag.key, tag.name)
            for tag in tagsets.get_tag_set(db.get_session(), "media-literacy").tags
        ]
    assert len(tags) == 12
    keys = [key for key, _ in tags]
    save(ana, doc_b, body(app, cid, doc_b, SLOGAN, exercise_id=eid, tags=keys))
    save(ben, doc_a, body(app, cid, doc_a, CRYPTO, exercise_id=eid, tags=keys[:5]))
    page = teacher.get(f"/exercises/{eid}/report").get_data(as_text=True)
    response = teacher.get(f"/exercises/{eid}/report.pdf")
    pdf = read_pdf(response.get_data())
    text = squeeze(pdf.text)
    # 12 tag columns: two tables of 6, each with the students' names, the last with the total.
    for html_or_pdf in (page, text):
        assert "Tags 1–6 of 12" in html_or_pdf and "Tags 7–12 of 12" in html_or_pdf
    first = text.split("Tags 1–6 of 12")[1].split("Tags 7–12 of 12")[0]
    second = text.split("Tags 7–12 of 12")[1]
    for index, (_, name) in enumerate(tags):
        assert name.upper() in (first if index < 6 else second).upper(), name
    # Ana's one annotation has every tag; Ben's the first five. The last column counts
    # annotations (one each) and comes once, in the second table.
    assert "Ana 1 1 1 1 1 1 Ben 1 1 1 1 1 Tags 7–12" in text
    assert "ANNOTATIONS Ana 1 1 1 1 1 1 1 Ben 1" in second
    assert pdf.overflow == []

"""Issue 12, finding 2: signing out, signing out everywhere and a new password end sessions."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from annotations.storage import models
from tests.web.helpers import PASSWORD
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from tests.web.test_exercises import exercise_row
from tests.web.test_exercises import join
from tests.web.test_exercises import make_exercise
from webapp import db

pytestmark = pytest.mark.databases

TEACHER_PAGE = "/tag-sets/new"
NEW_PASSWORD = "seven otters juggle plums"


def copy_of(client, app):
    """Return a new client holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_teacher(client):
    return client.get(TEACHER_PAGE).status_code == 200


def sign_ins(app):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(models.LoginSession))


@pytest.fixture
def teacher(auth_app):
    add_teacher(auth_app)
    return signed_in(auth_app)


def test_a_cookie_copied_before_sign_out_signs_nobody_in(auth_app, teacher):
    thief = copy_of(teacher, auth_app)
    assert is_teacher(thief)
    assert teacher.post("/logout").status_code == 302
    assert not is_teacher(teacher)
    response = thief.get(TEACHER_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.post("/api/documents/1/annotations", json={}).status_code == 401
    assert sign_ins(auth_app) == 0


def test_a_students_copied_cookie_ends_with_their_sign_out(auth_app, seeded, teacher):
    comparison_id, _ = seeded
    exercise_id = make_exercise(teacher, comparison_id)
    ana, response = join(auth_app, exercise_row(auth_app, exercise_id).join_code, "Ana")
    assert response.status_code == 302
    work = response.headers["Location"]
    thief = copy_of(ana, auth_app)
    assert thief.get(work).status_code == 200
    ana.post("/logout")
    assert thief.get(work).status_code == 302
    assert ana.get(work).status_code == 302


def test_signing_out_one_browser_keeps_the_others(auth_app, teacher):
    other = signed_in(auth_app)
    teacher.post("/logout")
    assert is_teacher(other)


def test_sign_out_everywhere_ends_every_browser(auth_app, teacher):
    laptop, classroom_pc = signed_in(auth_app), signed_in(auth_app)
    thief = copy_of(classroom_pc, auth_app)
    response = laptop.post("/logout/everywhere")
    assert response.status_code == 302
    assert not any(is_teacher(c) for c in (laptop, classroom_pc, thief, teacher))
    assert sign_ins(auth_app) == 0


def test_a_password_change_ends_the_other_sign_ins(auth_app, teacher):
    other = signed_in(auth_app)
    thief = copy_of(teacher, auth_app)
    page = teacher.get("/account")
    assert page.status_code == 200 and "Change your password" in page.get_data(as_text=True)
    wrong = teacher.post(
        "/account",
        data={"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert is_teacher(other)
    response = teacher.post(
        "/account", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert is_teacher(teacher)
    assert not is_teacher(other) and not is_teacher(thief)
    assert sign_ins(auth_app) == 1
    old = auth_app.test_client().post(
        "/login", data={"username": "ms.tanaka", "password": PASSWORD}
    )
    assert old.status_code == 422
    new = auth_app.test_client().post(
        "/login", data={"username": "ms.tanaka", "password": NEW_PASSWORD}
    )
    assert new.status_code == 302


def test_a_weak_new_password_is_refused_and_nothing_ends(auth_app, teacher):
    other = signed_in(auth_app)
    response = teacher.post(
        "/account", data={"current": PASSWORD, "password": "password123", "confirm": "password123"}
    )
    assert response.status_code == 422
    assert "easy to guess" in response.get_data(as_text=True)
    assert is_teacher(teacher) and is_teacher(other)


def test_a_sign_in_ends_after_its_absolute_lifetime(auth_app, teacher):
    assert is_teacher(teacher)
    lifetime = auth_app.config["SESSION_ABSOLUTE_LIFETIME"]
    with auth_app.app_context():
        session = db.get_session()
        began = models.utcnow() - dt.timedelta(seconds=lifetime + 60)
        session.execute(update(models.LoginSession).values(created_at=began))
        session.commit()
    assert not is_teacher(teacher)
    # The next sign-in clears the dead row and starts afresh.
    fresh = signed_in(auth_app)
    assert is_teacher(fresh)
    assert sign_ins(auth_app) == 1


def test_a_sign_in_ends_after_the_idle_lifetime(auth_app, teacher):
    auth_app.config["PERMANENT_SESSION_LIFETIME"] = 2
    busy = signed_in(auth_app)
    idle = signed_in(auth_app)
    for _ in range(3):
        time.sleep(1)
        assert is_teacher(busy)  # every request starts the idle count again
    assert not is_teacher(idle)


def test_the_cookie_holds_a_token_not_the_user_id(auth_app, teacher):
    value = teacher.get_cookie("session").value
    serializer = SecureCookieSessionInterface().get_signing_serializer(auth_app)
    data = serializer.loads(value)
    assert len(data["_user_id"]) >= 40
    with auth_app.app_context():
        stored = db.get_session().scalars(select(models.LoginSession.token_hash)).all()
    assert data["_user_id"] not in stored

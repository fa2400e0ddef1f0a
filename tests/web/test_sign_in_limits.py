"""Issue 12, finding 8: limits count the account as the look-up folds it; a teacher lets a
locked-out student in."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from annotations.storage import models
from tests.web.helpers import PASSWORD
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from tests.web.test_exercises import STUDENT_PASSWORD
from tests.web.test_exercises import exercise_row
from tests.web.test_exercises import join
from tests.web.test_exercises import make_exercise
from webapp import create_app
from webapp import db

pytestmark = pytest.mark.databases

FULLWIDTH_M = "\uff4d"  # "ｍ", which NFKC folds to "m"
FULLWIDTH_A = "\uff21"  # "Ａ"


@pytest.fixture
def limited(app, tmp_path):
    """A second app on the `app` fixture's database with the sign-in limits on."""
    limited = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "DATABASE_URL": app.config["DATABASE_URL"]},
        instance_path=str(tmp_path / "limited"),
    )
    assert limited.config["RATELIMIT_ENABLED"]
    try:
        yield limited
    finally:
        with limited.app_context():
            db.get_engine().dispose()


def member_id(app, exercise_id):
    """Return the user id of the one student of an exercise."""
    query = select(models.ExerciseMember.user_id).where(
        models.ExerciseMember.exercise_id == exercise_id
    )
    with app.app_context():
        return db.get_session().scalar(query)


def login(app, username, password):
    return app.test_client().post("/login", data={"username": username, "password": password})


def test_look_alike_spellings_of_a_username_share_one_limit(app, limited):
    username = f"mr.sato{uuid.uuid4().hex[:6]}"
    add_teacher(app, username=username, name="Mr Sato")
    for attempt in range(10):
        spelling = [username, username.upper(), f"  {username} "][attempt % 3]
        assert login(limited, spelling, "a wrong guess").status_code == 422
    look_alike = FULLWIDTH_M + username[1:]
    assert login(limited, look_alike, "a wrong guess").status_code == 429
    assert login(limited, username, PASSWORD).status_code == 429


def test_a_teacher_lets_a_locked_out_student_in(app, limited, seeded):
    comparison_id, _ = seeded
    add_teacher(app)
    teacher = signed_in(limited)
    exercise_id = make_exercise(teacher, comparison_id)
    code = exercise_row(app, exercise_id).join_code
    ana, response = join(limited, code, "Ana")
    assert response.status_code == 302
    work = response.headers["Location"]
    # Someone at the same school address guesses with a look-alike spelling of her name.
    for _ in range(10):
        assert join(limited, code, FULLWIDTH_A + "na", "a wrong guess")[1].status_code == 422
    assert join(limited, code.lower(), "ana", "a wrong guess")[1].status_code == 429
    assert join(limited, code, "Ana")[1].status_code == 429  # the real Ana is held up too
    user_id = member_id(app, exercise_id)
    page = teacher.get(f"/exercises/{exercise_id}/students/{user_id}").get_data(as_text=True)
    assert "Let Ana sign in" in page
    let_in = f"/exercises/{exercise_id}/students/{user_id}/let-in"
    response = teacher.post(let_in, data={"password": ""})
    assert response.status_code == 302
    assert join(limited, code, "Ana")[1].status_code == 302
    # A forgotten password: the teacher gives a new one, which ends Ana's old sign-ins.
    assert ana.get(work).status_code == 200
    refused = teacher.post(let_in, data={"password": "password123"}, follow_redirects=True)
    assert "not changed" in refused.get_data(as_text=True)
    assert join(limited, code, "Ana", "otters in the library")[1].status_code == 422
    teacher.post(let_in, data={"password": "otters in the library"})
    assert ana.get(work).status_code == 302
    assert join(limited, code, "Ana", STUDENT_PASSWORD)[1].status_code == 422
    assert join(limited, code, "Ana", "otters in the library")[1].status_code == 302


def test_only_the_exercises_teacher_lets_its_students_in(app, limited, seeded):
    comparison_id, _ = seeded
    add_teacher(app)
    add_teacher(app, username="mr.other", name="Mr Other")
    teacher = signed_in(limited)
    exercise_id = make_exercise(teacher, comparison_id)
    code = exercise_row(app, exercise_id).join_code
    ana, _ = join(limited, code, "Ana")
    other = signed_in(limited, username="mr.other")

    user_id = member_id(app, exercise_id)
    let_in = f"/exercises/{exercise_id}/students/{user_id}/let-in"
    assert other.post(let_in, data={"password": "otters in the library"}).status_code == 404
    assert ana.post(let_in, data={"password": "otters in the library"}).status_code in (302, 403)
    assert join(limited, code, "Ana", STUDENT_PASSWORD)[1].status_code == 302

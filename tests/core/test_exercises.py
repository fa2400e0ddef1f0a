"""The classroom core: exercises, their states, joining, progress and feedback (no web)."""

from __future__ import annotations

import uuid

import pytest

from annotations.classroom import exercises
from annotations.errors import ExerciseClosedError
from annotations.errors import ExerciseError
from annotations.errors import JoinError
from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import saving
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases

TEXT_A = "Leaders met on Friday. They praised the alliance. Join a crypto club for $100/mo."
TEXT_B = "The two leaders spoke. A new era begins, said one."
STUDENT_PASSWORD = "my class password"
TEACHER_PASSWORD = "tide pools at dawn"


@pytest.fixture
def lesson(session):
    """A comparison of three documents, a teacher and a draft exercise on the first two."""
    texts = (TEXT_A, TEXT_B, "Third one.")
    rows = [comparisons.add_document(session, ingest_text(t)) for t in texts]
    comparison = comparisons.add_comparison(session, "Lesson", rows)
    teacher = accounts.create_user(
        session, username="ms.tanaka", name="Ms Tanaka", password=TEACHER_PASSWORD, role="teacher"
    )
    exercise = exercises.create_exercise(
        session,
        teacher_id=teacher.id,
        comparison_id=comparison.id,
        tag_set_key="media-literacy",
        title="  Spin  ",
        instructions=" Tag every slogan. ",
    )
    session.commit()
    return {"rows": rows, "comparison": comparison, "teacher": teacher, "exercise": exercise}


def join(session, exercise, name, password=STUDENT_PASSWORD):
    return exercises.join_exercise(session, code=exercise.join_code, name=name, password=password)


def tag(session, exercise, author, document, quote, tags=("slogan",)):
    start = document.text.index(quote)
    data = checks.AnnotationInput(
        public_id=str(uuid.uuid4()),
        document_id=document.id,
        start=start,
        end=start + len(quote),
        quote=quote,
        tag_keys=tuple(tags),
        tag_set_key="media-literacy",
        comparison_id=exercise.comparison_id,
        exercise_id=exercise.id,
    )
    row, created = saving.add_annotation(session, data, author_id=author.id)
    assert created
    return row


def test_join_codes_are_typed_loosely_and_never_reused(session, lesson, monkeypatch):
    assert exercises.normalize_join_code(" ab-c d\tef ") == "ABCDEF"
    taken = lesson["exercise"].join_code
    assert len(taken) == 6 and set(taken) <= set(exercises.JOIN_CODE_ALPHABET)
    assert exercises.find_exercise_by_code(session, taken.lower()) is lesson["exercise"]
    # The first code drawn is the taken one; the maker draws again.
    drawn = iter(taken + "ZZZZZZ")
    monkeypatch.setattr(exercises.secrets, "choice", lambda alphabet: next(drawn))
    assert exercises.make_join_code(session) == "ZZZZZZ"


def test_a_new_exercise_is_a_tidy_draft_on_the_first_two_documents(lesson):
    exercise, rows = lesson["exercise"], lesson["rows"]
    assert exercise.state == "draft"
    assert (exercise.title, exercise.instructions) == ("Spin", "Tag every slogan.")
    assert (exercise.doc_a_id, exercise.doc_b_id) == (rows[0].id, rows[1].id)
    assert exercise.tag_set.key == "media-literacy"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "   "}, "title: required"),
        ({"title": "x" * 201}, "title: use at most 200 characters"),
        ({"instructions": "x" * 5001}, "instructions: use at most 5000 characters"),
        ({"comparison_id": 999}, "comparison: comparison 999 does not exist"),
        ({"tag_set_key": "nope"}, "tag_set: unknown tag set 'nope'"),
        ({"same_documents": True}, "documents: pick two different articles"),
    ],
)
def test_a_bad_exercise_is_refused_naming_its_field(session, lesson, changes, message):
    fields = {
        "teacher_id": lesson["teacher"].id,
        "comparison_id": lesson["comparison"].id,
        "tag_set_key": "media-literacy",
        "title": "Title",
    }
    changes = dict(changes)  # the parameters are shared by the SQLite and PostgreSQL runs
    if changes.pop("same_documents", False):
        fields["document_ids"] = (lesson["rows"][0].id, lesson["rows"][0].id)
    fields.update(changes)
    with pytest.raises(ExerciseError) as caught:
        exercises.create_exercise(session, **fields)
    assert str(caught.value).startswith(message)


def test_other_documents_of_the_comparison_may_be_picked(session, lesson):
    rows = lesson["rows"]
    exercise = exercises.create_exercise(
        session,
        teacher_id=lesson["teacher"].id,
        comparison_id=lesson["comparison"].id,
        tag_set_key="media-literacy",
        title="Other pair",
        document_ids=(rows[2].id, rows[0].id),
    )
    assert (exercise.doc_a_id, exercise.doc_b_id) == (rows[2].id, rows[0].id)
    assert exercise.join_code != lesson["exercise"].join_code


def test_states_move_only_along_the_allowed_transitions(session, lesson):
    exercise = lesson["exercise"]
    with pytest.raises(ExerciseError, match="a draft exercise cannot become closed"):
        exercises.set_state(session, exercise, "closed")
    exercises.set_state(session, exercise, "open")
    opened = exercise.opened_at
    assert opened is not None and exercise.closed_at is None
    assert exercises.set_state(session, exercise, "open").opened_at == opened  # a no-op
    exercises.set_state(session, exercise, "closed")
    closed = exercise.closed_at
    assert closed is not None
    exercises.set_state(session, exercise, "revealed")
    # Revealing a closed exercise keeps when it closed.
    assert exercise.closed_at == closed and exercise.revealed_at is not None
    exercises.set_state(session, exercise, "closed")
    assert exercise.revealed_at is None
    exercises.set_state(session, exercise, "open")
    assert exercise.opened_at == opened and exercise.closed_at is None
    with pytest.raises(ExerciseError, match="cannot become draft"):
        exercises.set_state(session, exercise, "draft")


def test_names_are_unique_whatever_their_case_and_spacing():
    assert exercises.name_key("  Ana   María ") == exercises.name_key("ana maría")
    assert exercises.name_key("ﬁona") == exercises.name_key("Fiona")  # NFKC unfolds the ligature
    assert exercises.check_display_name("  Ana \t María ") == "Ana María"
    for bad, message in (
        ("   ", "name: enter the name"),
        ("x" * 61, "name: use at most 60 characters"),
        ("Ana\u0000", "name: use letters"),
    ):
        with pytest.raises(JoinError, match=message):
            exercises.check_display_name(bad)


def test_joining_a_draft_an_open_and_a_closed_exercise(session, lesson):
    exercise = lesson["exercise"]
    with pytest.raises(JoinError, match="code: this exercise is not open yet"):
        join(session, exercise, "Ana")
    with pytest.raises(JoinError, match="code: no exercise has this code"):
        exercises.join_exercise(session, code="  ", name="Ana", password=STUDENT_PASSWORD)
    exercises.set_state(session, exercise, "open")
    ana = join(session, exercise, "Ana")
    assert ana.created and ana.user.role == "student" and ana.user.name == "Ana"
    again = join(session, exercise, "  ANA ")
    assert not again.created and again.user.id == ana.user.id
    with pytest.raises(JoinError, match="name: this name is already taken"):
        join(session, exercise, "ana", password="someone else's password")
    assert exercises.membership(session, ana.user.id).exercise_id == exercise.id
    exercises.set_state(session, exercise, "closed")
    # Ana comes back to read feedback; nobody new joins.
    assert join(session, exercise, "Ana").user.id == ana.user.id
    with pytest.raises(JoinError, match="closed and takes no new students"):
        join(session, exercise, "Ben")
    assert exercises.count_members(session, [exercise.id]) == {exercise.id: 1}
    assert exercises.count_members(session, []) == {}


def test_who_may_tag_when(session, lesson):
    exercise, teacher = lesson["exercise"], lesson["teacher"]
    exercises.set_state(session, exercise, "open")
    ana = join(session, exercise, "Ana").user
    exercises.check_can_annotate(exercise, ana.id, "student")
    exercises.check_can_annotate(exercise, teacher.id, "teacher")
    with pytest.raises(ExerciseClosedError, match="only the exercise's teacher and students"):
        exercises.check_can_annotate(exercise, teacher.id + 1000, "teacher")
    exercises.set_state(session, exercise, "closed")
    exercises.check_can_annotate(exercise, teacher.id, "teacher")  # the key stays editable
    with pytest.raises(ExerciseClosedError, match="this exercise is closed"):
        exercises.check_can_annotate(exercise, ana.id, "student")


def test_progress_counts_each_students_live_tags(session, lesson):
    exercise, teacher = lesson["exercise"], lesson["teacher"]
    doc_a, doc_b = lesson["rows"][:2]
    exercises.set_state(session, exercise, "open")
    ana = join(session, exercise, "Ana").user
    ben = join(session, exercise, "Ben").user
    tag(session, exercise, ana, doc_a, "Join a crypto club for $100/mo.", ("promotional",))
    tag(session, exercise, ana, doc_b, "A new era begins", ("slogan", "promotional"))
    gone = tag(session, exercise, ana, doc_a, "Leaders met on Friday.", ("slogan",))
    saving.delete_annotation(session, gone.public_id)
    tag(session, exercise, teacher, doc_b, "A new era begins")  # the key is not progress
    session.commit()
    progress = {row.name: row for row in exercises.student_progress(session, exercise)}
    assert list(progress) == ["Ana", "Ben"]
    # Ana: 2 live annotations; promotional twice, slogan once (the deleted one not counted).
    assert progress["Ana"].annotations == 2
    assert progress["Ana"].tags == (
        ("Promotional or advertising content", 2),
        ("Slogan or catchphrase", 1),
    )
    assert progress["Ana"].last_activity is not None
    assert (progress["Ben"].annotations, progress["Ben"].tags) == (0, ())
    assert progress["Ben"].last_activity is None and progress["Ben"].user_id == ben.id
    mine = exercises.exercise_annotations(session, exercise, author_id=ana.id)
    assert [row.quote for row in mine] == ["Join a crypto club for $100/mo.", "A new era begins"]
    everyone = exercises.exercise_annotations(session, exercise)
    assert len(everyone) == 3
    spans = exercises.exercise_spans(session, exercise)
    assert sorted((span.tag, span.start) for span in spans[ana.id]) == sorted(
        [
            ("promotional", TEXT_A.index("Join a crypto")),
            ("promotional", TEXT_B.index("A new era")),
            ("slogan", TEXT_B.index("A new era")),
        ]
    )
    assert set(spans) == {ana.id, teacher.id}


def test_feedback_is_written_changed_and_removed(session, lesson):
    exercise, teacher = lesson["exercise"], lesson["teacher"]
    doc_a = lesson["rows"][0]
    exercises.set_state(session, exercise, "open")
    ana = join(session, exercise, "Ana").user
    work = tag(session, exercise, ana, doc_a, "Leaders met on Friday.")
    written = exercises.set_feedback(session, work, teacher_id=teacher.id, body="  Good.  ")
    assert written.body == "Good."
    changed = exercises.set_feedback(session, work, teacher_id=teacher.id, body="Better.")
    assert changed.id == written.id and changed.body == "Better."
    assert exercises.feedback_for(session, [work.id])[work.id].body == "Better."
    with pytest.raises(ExerciseError, match="body: use at most 2000 characters"):
        exercises.set_feedback(session, work, teacher_id=teacher.id, body="x" * 2001)
    assert exercises.set_feedback(session, work, teacher_id=teacher.id, body=" ") is None
    assert exercises.feedback_for(session, [work.id]) == {}
    assert exercises.feedback_for(session, []) == {}
    outside = checks.AnnotationInput(
        public_id=str(uuid.uuid4()),
        document_id=doc_a.id,
        start=0,
        end=7,
        quote="Leaders",
        tag_keys=("slogan",),
        tag_set_key="media-literacy",
    )
    row, _ = saving.add_annotation(session, outside, author_id=teacher.id)
    with pytest.raises(ExerciseError, match="annotation: feedback goes on work done"):
        exercises.set_feedback(session, row, teacher_id=teacher.id, body="No.")


def test_a_teachers_exercises_newest_first(session, lesson):
    teacher = lesson["teacher"]
    second = exercises.create_exercise(
        session,
        teacher_id=teacher.id,
        comparison_id=lesson["comparison"].id,
        tag_set_key="media-literacy",
        title="Second",
    )
    listed = exercises.list_teacher_exercises(session, teacher.id)
    assert [row.id for row in listed] == [second.id, lesson["exercise"].id]
    assert exercises.list_teacher_exercises(session, teacher.id + 1000) == []

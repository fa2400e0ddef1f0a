"""The fast annotation list: its JSON written out by hand, its times and its filters."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy import text

from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import listing
from annotations.storage import models
from annotations.storage import saving
from annotations.storage import tagsets
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases

TEXT_A = "Leaders met on Friday. Join a crypto club for $100/mo."
TEXT_B = "A new “Make Japan Great Again” era begins."


@pytest.fixture
def documents(session):
    rows = [comparisons.add_document(session, ingest_text(t)) for t in (TEXT_A, TEXT_B)]
    comparison = comparisons.add_comparison(session, "Listing", rows)
    session.commit()
    return comparison, rows


def save(session, document, quote, tags, *, author=None, **fields):
    start = document.text.index(quote)
    data = checks.AnnotationInput(
        public_id=str(uuid.uuid4()),
        document_id=document.id,
        start=start,
        end=start + len(quote),
        quote=quote,
        tag_keys=tuple(tags),
        tag_set_key="media-literacy",
        **fields,
    )
    row, _ = saving.add_annotation(session, data, author_id=author.id if author else None)
    return row


def test_one_annotation_as_the_client_reads_it(session, documents):
    comparison, (doc_a, doc_b) = documents
    author = accounts.get_or_add_user(session, "Ms Tanaka")
    quote = "Make Japan Great Again"
    row = save(
        session,
        doc_b,
        quote,
        ("loaded-language", "slogan"),
        author=author,
        note="A borrowed slogan.",
        comparison_id=comparison.id,
    )
    row.created_at = dt.datetime(2025, 10, 25, 9, 30, 0)
    row.updated_at = dt.datetime(2025, 10, 25, 9, 30, 1, 250000)
    session.commit()
    start = TEXT_B.index(quote)
    # Written out by hand from the README (fields, status "human") and the tag set (colours).
    assert listing.annotation_dicts(session) == [
        {
            "id": row.public_id,
            "document_id": doc_b.id,
            "comparison_id": comparison.id,
            "exercise_id": None,
            "start": start,
            "end": start + 22,
            "quote": quote,
            "prefix": TEXT_B[:start],
            "suffix": TEXT_B[start + 22 :],
            # In the tag set's order (slogan comes before loaded language), not as sent.
            "tags": [
                {"key": "slogan", "name": "Slogan or catchphrase", "colour": "#fee891"},
                {
                    "key": "loaded-language",
                    "name": "Loaded or emotive language",
                    "colour": "#e68c9b",
                },
            ],
            "tag_set": "media-literacy",
            "note": "A borrowed slogan.",
            "status": "human",
            "author": "Ms Tanaka",
            "relation": None,
            "link": None,
            "created": "2025-10-25T09:30:00+00:00",
            "updated": "2025-10-25T09:30:01.250000+00:00",
            "deleted": False,
            # Saved (version 1), then its times changed above: a second write.
            "version": 2,
        }
    ]


def test_times_stored_in_another_shape_are_still_iso(session, documents, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("only SQLite stores times as text")
    _, (doc_a, _) = documents
    row = save(session, doc_a, "Leaders", ("slogan",))
    session.commit()
    # A time written by another tool, without microseconds: parsed in Python instead.
    session.execute(
        text("UPDATE annotation SET created_at = '2025-10-25 09:30:00' WHERE id = :id"),
        {"id": row.id},
    )
    session.commit()
    (item,) = listing.annotation_dicts(session)
    assert item["created"] == "2025-10-25T09:30:00+00:00"


def test_updated_is_left_out_when_unchanged_if_asked(session, documents):
    _, (doc_a, _) = documents
    row = save(session, doc_a, "Leaders", ("slogan",))
    row.created_at = row.updated_at = dt.datetime(2025, 1, 2, 3, 4, 5, 600000)
    session.commit()
    columns, to_iso = listing.iso_time_columns(session, updated_when_changed=True)
    created, updated = session.execute(select(*columns).select_from(models.Annotation)).one()
    assert to_iso(created) == "2025-01-02T03:04:05.600000+00:00"
    assert updated is None


def test_filters_pick_live_work_in_and_out_of_exercises(session, documents):
    comparison, (doc_a, doc_b) = documents
    ana = accounts.get_or_add_user(session, "Ana", role="student")
    teacher = accounts.get_or_add_user(session, "Ms Tanaka")
    exercise = models.Exercise(
        title="Class",
        comparison_id=comparison.id,
        doc_a_id=doc_a.id,
        doc_b_id=doc_b.id,
        tag_set_id=tagsets.get_tag_set(session, "media-literacy").id,
        teacher_id=teacher.id,
        join_code="ABCDEF",
        instructions="",
    )
    session.add(exercise)
    session.flush()
    free = save(session, doc_a, "Leaders", ("slogan",), comparison_id=comparison.id)
    work = save(
        session,
        doc_a,
        "crypto club",
        ("promotional",),
        author=ana,
        comparison_id=comparison.id,
        exercise_id=exercise.id,
    )
    gone = save(session, doc_b, "era", ("slogan",), comparison_id=comparison.id)
    saving.delete_annotation(session, gone.public_id)
    session.commit()

    def ids(**filters):
        return [item["id"] for item in listing.annotation_dicts(session, **filters)]

    assert ids() == [free.public_id, work.public_id]
    assert ids(comparison_id=comparison.id, outside_exercises=True) == [free.public_id]
    assert ids(exercise_id=exercise.id) == [work.public_id]
    assert ids(exercise_id=exercise.id, author_id=ana.id) == [work.public_id]
    assert ids(exercise_id=exercise.id, author_id=teacher.id) == []
    (item,) = listing.annotation_dicts(session, exercise_id=exercise.id)
    assert (item["exercise_id"], item["author"]) == (exercise.id, "Ana")

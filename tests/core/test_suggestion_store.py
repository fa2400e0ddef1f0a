"""Suggestions in the database: stored once, reviewed safely when two sessions race."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annotations.errors import AnnotationError
from annotations.records import Suggestion
from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import saving
from annotations.storage import suggestions
from annotations.storage import tagsets
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases

A = "Analysts said the deal is done. Later, analysts said it failed."
B = "Critics say it works. Analysts said no."


@pytest.fixture
def scope(session):
    user = accounts.get_or_add_user(session, "Ms Sato")
    rows = [comparisons.add_document(session, ingest_text(text)) for text in (A, B)]
    comparison = comparisons.add_comparison(session, "Deal", rows)
    session.flush()
    saving.add_annotation(
        session,
        checks.AnnotationInput(
            public_id=str(uuid.uuid4()),
            document_id=rows[0].id,
            start=0,
            end=13,
            quote="Analysts said",
            tag_keys=("vague-source",),
            tag_set_key="media-literacy",
            comparison_id=comparison.id,
        ),
        author_id=user.id,
    )
    session.commit()
    return suggestions.Scope(
        comparison_id=comparison.id,
        document_ids=(rows[0].id, rows[1].id),
        tag_set_id=tagsets.get_tag_set(session, "media-literacy").id,
        user_id=user.id,
    )


def test_suggestions_are_stored_once_under_ids_made_from_their_place(session, engine, scope):
    rows = suggestions.propose_suggestions(session, scope)
    session.commit()
    # A: "Analysts said the deal is done. Later, " is 39 characters; B: 22 before "Analysts".
    assert [(row.document_id, row.start, row.end, row.status) for row in rows] == [
        (scope.document_ids[0], 39, 52, "suggested"),
        (scope.document_ids[1], 22, 35, "suggested"),
    ]
    assert rows[0].public_id == suggestions.suggestion_public_id(
        scope, scope.document_ids[0], 39, 52, "vague-source"
    )
    with Session(engine) as other:
        again = [row.public_id for row in suggestions.propose_suggestions(other, scope)]
        other.commit()
    assert again == [row.public_id for row in rows]
    assert session.scalar(select(func.count()).select_from(models.Annotation)) == 3


def race_after_reading(monkeypatch, engine, status):
    """Make the next review, between its read and its write, lose a race to another one."""
    real = saving.find_annotation
    raced = []

    def find_then_race(session, public_id):
        row = real(session, public_id)
        if not raced:
            raced.append(public_id)
            with Session(engine) as other:
                assert real(other, public_id).version == row.version
                other_row = real(other, public_id)
                other_row.status = status
                other.commit()
        return row

    monkeypatch.setattr(suggestions, "find_annotation", find_then_race)
    return raced


def test_two_reviews_at_once_cannot_both_win(session, engine, scope, monkeypatch):
    public_id = suggestions.propose_suggestions(session, scope)[0].public_id
    session.commit()
    raced = race_after_reading(monkeypatch, engine, "accepted")
    with Session(engine) as late:
        # It read version 1; the other review stored version 2 before this one wrote.
        with pytest.raises(StaleDataError):
            suggestions.review_suggestion(late, public_id, "rejected")
        late.rollback()
    assert raced == [public_id]
    with Session(engine) as check:
        row = saving.find_annotation(check, public_id)
        assert (row.status, row.version) == ("accepted", 2)


def test_review_checks_the_version_and_what_is_reviewed(session, scope):
    rows = suggestions.propose_suggestions(session, scope)
    public_id = rows[0].public_id
    suggestions.review_suggestion(session, public_id, "rejected", version=1)
    with pytest.raises(AnnotationError, match="version"):
        suggestions.review_suggestion(session, public_id, "accepted", version=1)
    with pytest.raises(AnnotationError, match="expected one of"):
        suggestions.review_suggestion(session, public_id, "human")
    own = session.scalars(
        select(models.Annotation).where(models.Annotation.status == "human")
    ).one()
    with pytest.raises(AnnotationError, match="not a suggestion"):
        suggestions.review_suggestion(session, own.public_id, "accepted")


def test_a_rejection_keeps_rule_suggestions_out_of_that_document_in_any_comparison(session, scope):
    rule = Suggestion(1, 0, 11, "Critics say", "vague-source", "vague source", 0.7, "rule:x")

    def rules(documents, tag_set, alignment):
        return [rule]

    rows = suggestions.propose_suggestions(session, scope, rules=rules)
    critics = [row for row in rows if row.quote == "Critics say"]
    assert len(critics) == 1
    suggestions.review_suggestion(session, critics[0].public_id, "rejected")
    # Another comparison of the same two documents: the rule proposes "Critics say" again,
    # but this user rejected it in that document.
    documents = [session.get(models.Document, i) for i in scope.document_ids]
    other = comparisons.add_comparison(session, "Deal again", documents)
    session.flush()
    elsewhere = suggestions.Scope(
        comparison_id=other.id,
        document_ids=scope.document_ids,
        tag_set_id=scope.tag_set_id,
        user_id=scope.user_id,
    )
    quotes = [row.quote for row in suggestions.propose_suggestions(session, elsewhere, rules=rules)]
    # The learned ones come back in the new comparison (A's first "Analysts said" too:
    # nothing is tagged there yet); "Critics say" does not.
    assert quotes == ["Analysts said", "analysts said", "Analysts said"]

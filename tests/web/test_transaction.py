"""db.transaction(): a view's block commits when it ends and rolls back when it raises."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotations.errors import AnnotationError
from annotations.storage import models
from webapp.db import get_engine
from webapp.db import get_session
from webapp.db import transaction

pytestmark = pytest.mark.databases


def names_seen_from_another_connection():
    with Session(get_engine()) as other:
        return sorted(other.scalars(select(models.User.name)))


def test_a_block_that_ends_is_committed(app):
    with app.app_context():
        with transaction() as session:
            assert session is get_session()
            session.add(models.User(name="Kept", role="teacher"))
        assert names_seen_from_another_connection() == ["Kept"]


def test_a_block_that_raises_is_rolled_back_and_the_error_goes_on(app):
    with app.app_context():
        with pytest.raises(AnnotationError, match="refused"):
            with transaction() as session:
                session.add(models.User(name="Lost", role="teacher"))
                session.flush()
                raise AnnotationError("refused", field="name")
        assert names_seen_from_another_connection() == []
        # The session is usable again at once, as after any rollback.
        assert get_session().scalar(select(func.count()).select_from(models.User)) == 0


def test_a_commit_that_fails_is_rolled_back_too(app):
    with app.app_context():
        with transaction() as session:
            session.add(models.User(name="First", role="teacher", username_key="same"))
        with pytest.raises(IntegrityError):
            with transaction() as session:
                session.add(models.User(name="Second", role="teacher", username_key="same"))
        assert names_seen_from_another_connection() == ["First"]
        assert get_session().scalar(select(func.count()).select_from(models.User)) == 1

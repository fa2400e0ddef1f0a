"""Fixtures of the core tests: a Session on the model tables, the built-in tag sets stored."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from annotations.storage import tagsets


@pytest.fixture
def session(engine):
    """Return a Session on a database with the model tables and the built-in tag sets."""
    with Session(engine) as session:
        tagsets.install_builtin_tag_sets(session)
        session.commit()
        yield session

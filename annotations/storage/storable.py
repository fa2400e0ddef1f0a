"""A last check before a flush: every text and integer an object holds can be stored.

The entry points check their input (:mod:`annotations.text.untrusted`); this catches what any of
them missed, on SQLite and PostgreSQL alike, before the database sees a row: SQLite would
keep a NUL and fail on a lone surrogate or a 64-bit overflow, PostgreSQL refuses all three.
The error names the column, and the caller's rollback leaves nothing half written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from annotations.errors import InputError
from annotations.text.untrusted import MAX_INTEGER
from annotations.text.untrusted import text_problem

__all__ = ["check_storable", "watch_flushes"]


def check_storable(instance: Any) -> None:
    """Raise InputError naming the first column of ``instance`` whose value cannot be stored."""
    state = inspect(instance)
    for column in state.mapper.column_attrs:
        value = state.dict.get(column.key)
        if isinstance(value, str):
            problem = text_problem(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            in_range = -MAX_INTEGER - 1 <= value <= MAX_INTEGER
            problem = None if in_range else f"the number is out of range (at most {MAX_INTEGER})"
        else:
            continue
        if problem is not None:
            raise InputError(problem, field=column.key)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        check_storable(instance)


def watch_flushes(factory: sessionmaker[Session]) -> None:
    """Check every object the sessions of ``factory`` flush with :func:`check_storable`."""
    event.listen(factory, "before_flush", _before_flush)

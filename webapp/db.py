"""The database: one engine per app, one Session per app context, Alembic configuration."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

from alembic.config import Config
from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from annotations.models import Base

EXTENSION = "parallax_db"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite connections enforce foreign keys and use WAL."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
    # SQLite ignores foreign keys unless asked on every connection; WAL lets readers
    # go on while one writer commits.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL still never corrupts the database; it skips an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and close the session on teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def _session_factory() -> sessionmaker[Session]:
    factory: sessionmaker[Session] = current_app.extensions[EXTENSION]
    return factory


def get_engine() -> Engine:
    """Return the current app's engine."""
    engine = _session_factory().kw["bind"]
    assert isinstance(engine, Engine)
    return engine


_ONE_STATEMENT_WRITES = "parallax_one_statement_writes"
_AUTOCOMMIT_ENGINE = "parallax_autocommit_engine"

_View = TypeVar("_View", bound=Callable[..., Any])


def one_statement_writes(view: _View) -> _View:
    """Mark a view that writes, if at all, in single statements, each whole by itself.

    On PostgreSQL the session of such a request autocommits: no BEGIN and no COMMIT, two
    round trips fewer for a request that reads a little and inserts once. Each statement
    still commits or fails whole. A view that must write more than one statement together
    calls :func:`transactional_session` first. Elsewhere (SQLite) nothing changes.
    """
    setattr(view, _ONE_STATEMENT_WRITES, True)
    return view


def _autocommits() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, _ONE_STATEMENT_WRITES, False))


def get_session() -> Session:
    """Return the Session of the current app context, opening it on first use."""
    if "db_session" not in g:
        factory = _session_factory()
        engine = get_engine()
        if engine.dialect.name == "postgresql" and _autocommits():
            # Same pool; SQLAlchemy sets the connection back to transactions on check-in.
            autocommit = current_app.extensions.get(_AUTOCOMMIT_ENGINE)
            if autocommit is None:
                autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
                current_app.extensions[_AUTOCOMMIT_ENGINE] = autocommit
            g.db_session = factory(bind=autocommit)
        else:
            g.db_session = factory()
    session: Session = g.db_session
    return session


def transactional_session() -> Session:
    """Close the context's Session and return a new one that runs in a transaction."""
    close_session()
    g.db_session = _session_factory()()
    session: Session = g.db_session
    return session


def close_session(exception: BaseException | None = None) -> None:
    """Close the context's Session, which rolls back anything not committed."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def missing_tables(connection: Connection) -> list[str]:
    """Return the names of the model tables the database does not have."""
    present = set(inspect(connection).get_table_names())
    return [name for name in Base.metadata.tables if name not in present]


def alembic_config(connection: Connection | None = None) -> Config:
    """Return the Alembic configuration from pyproject.toml, bound to ``connection`` if given."""
    config = Config(toml_file=PYPROJECT)
    if connection is not None:
        config.attributes["connection"] = connection
    return config

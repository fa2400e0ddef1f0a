"""The database: one engine per app, one Session per app context, Alembic configuration."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic.config import Config
from flask import Flask
from flask import current_app
from flask import g
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


def get_session() -> Session:
    """Return the Session of the current app context, opening it on first use."""
    if "db_session" not in g:
        session = _session_factory()()
        if g.get("db_autocommit"):
            # Each statement commits by itself, until the session's first commit or rollback
            # hands the connection back; from then on the session uses transactions again.
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.db_session = session
    session = g.db_session
    return session


def use_autocommit() -> None:
    """Run the request's statements in autocommit, each committing by itself.

    Until the session's first commit or rollback; then it uses transactions again. For views
    whose every write is one statement (atomic by itself): on PostgreSQL it saves BEGIN and
    COMMIT, two round trips. Call it before the request's first statement.
    """
    if "db_session" in g:
        raise RuntimeError("use_autocommit() comes before the request's first statement")
    g.db_autocommit = True


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

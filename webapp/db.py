"""The database: one engine per app, one Session per app context, Alembic migrations."""

from __future__ import annotations

import contextlib
import functools
import select
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

from filelock import FileLock
from flask import Flask
from flask import current_app
from flask import g
from flask import request
from sqlalchemy import Connection
from sqlalchemy import Dialect
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker
from werkzeug.exceptions import ServiceUnavailable

from annotations.storage import storable
from annotations.storage.models import Base
from webapp import locations

if TYPE_CHECKING:
    # Alembic is imported by the functions that migrate: commands such as `parallax export`
    # start without it.
    from alembic.config import Config

EXTENSION = "parallax_db"
SCHEMA_EXTENSION = "parallax_schema"
# Any fixed number: the PostgreSQL advisory lock that lets one process at a time migrate.
_MIGRATION_LOCK = 0x7061726C
# New revision files are named like 20261201_80cb0a84a5c3_classroom_exercises.py.
REVISION_FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"
# A pooled connection idle longer than this is pinged before use (firewalls drop idle ones).
PING_AFTER_IDLE_SECONDS = 10.0
_RETURNED = "parallax_returned"


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite connections enforce foreign keys and use WAL."""
    try:
        engine = create_engine(url)
    except ModuleNotFoundError as exc:
        # PostgreSQL's driver is an extra: say how to get it rather than show a traceback.
        raise RuntimeError(
            f"the database driver {exc.name!r} is not installed; for PostgreSQL run "
            "`pip install 'parallax[postgresql]'`"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    else:
        # A pooled connection the server dropped (a restart, a cut network) is replaced
        # before use, so service resumes on the first request after the database returns.
        event.listen(engine, "checkin", _note_return)
        event.listen(engine, "checkout", functools.partial(_replace_if_dropped, engine.dialect))
    return engine


def _note_return(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info[_RETURNED] = time.monotonic()


def _replace_if_dropped(
    dialect: Dialect, dbapi_connection: Any, connection_record: Any, proxy: Any
) -> None:
    """Ping a pooled connection before use only when it may be dead; raise to replace it.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip per request,
    a quarter of a save's. A connection the server closed shows as readable at once (the
    server's goodbye or end of stream; an idle connection has nothing else to read), so it
    and one idle past ``PING_AFTER_IDLE_SECONDS`` are pinged; the others are used as they are.
    """
    idle = time.monotonic() - connection_record.info.get(_RETURNED, time.monotonic())
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is not None and idle < PING_AFTER_IDLE_SECONDS:
        try:
            readable, _, _ = select.select([fileno()], [], [], 0)
        except (OSError, ValueError):
            readable = [True]
        if not readable:
            return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as exc:
        raise DisconnectionError("the pooled connection is closed") from exc


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
    factory = sessionmaker(engine, expire_on_commit=False)
    storable.watch_flushes(factory)
    app.extensions[EXTENSION] = factory
    app.extensions[SCHEMA_EXTENSION] = {"ready": False, "lock": threading.Lock()}
    app.teardown_appcontext(close_session)
    app.before_request(_ensure_schema)


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
        g.db_session = _session_factory()()
        if g.get("db_autocommit"):
            # Each statement commits by itself, until the session's first commit or rollback
            # hands the connection back; from then on the session uses transactions again.
            g.db_session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    session: Session = g.db_session
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


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """Run a block in the request's session: commit when it ends, roll back if it raises.

    The error goes on up after the rollback, so the view shows it (a form error, a flash,
    the API's JSON). Views write through this rather than calling ``commit()`` themselves;
    the exception is the one-statement save of ``api.create_annotation``, which runs in
    autocommit (see :func:`use_autocommit`) and only hands its connection back.
    """
    session = get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


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
    """Return the Alembic configuration of the installed package, bound to ``connection`` if given.

    Built in code, not read from a file, so a wheel installed anywhere migrates as a checkout does.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(locations.migrations_dir()))
    config.set_main_option("file_template", REVISION_FILE_TEMPLATE)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def needs_upgrade(connection: Connection) -> bool:
    """Return True if the database lacks migrations: none applied yet, or not the latest.

    A schema that no migration made (``create_all``, as the tests build theirs) and that has
    every table is left alone.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return bool(missing_tables(connection))
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return current != head


def upgrade_database(engine: Engine, revision: str = "head") -> str | None:
    """Apply the migrations up to ``revision``, one process at a time; return where it is.

    Several server processes may start on a new database at once: on PostgreSQL an advisory
    lock, on SQLite a lock file next to the database, makes the others wait and then find
    nothing left to do.
    """
    from alembic import command as alembic_command
    from alembic.runtime.migration import MigrationContext

    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        alembic_command.upgrade(alembic_config(connection), revision)
        return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    # filelock works the same on Windows, macOS and Linux (fcntl is POSIX only).
    with FileLock(f"{path}.migrate-lock"):
        yield


def _ensure_schema() -> None:
    """Before a process's first request, bring the database up to date (``AUTO_MIGRATE``).

    With ``AUTO_MIGRATE`` off, a database that needs ``parallax db upgrade`` answers 503 with
    that advice until it has been run.
    """
    state = current_app.extensions[SCHEMA_EXTENSION]
    # Static files (the error page's styling among them) need no database.
    if state["ready"] or request.endpoint == "static":
        return
    with state["lock"]:
        if state["ready"]:
            return
        engine = get_engine()
        try:
            with engine.connect() as connection:
                behind = needs_upgrade(connection)
        except OperationalError as exc:
            current_app.logger.error("cannot reach the database %s: %s", engine.url, exc.orig)
            raise ServiceUnavailable("The database cannot be reached right now.") from exc
        if behind:
            if not current_app.config["AUTO_MIGRATE"]:
                raise ServiceUnavailable(
                    "The database is not up to date: run `parallax db upgrade` on the server."
                )
            revision = upgrade_database(engine)
            current_app.logger.info("migrated the database %s to %s", engine.url, revision)
        state["ready"] = True

from __future__ import annotations

import threading
import time

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import g
from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from annotations.storage import models
from webapp import create_app
from webapp import db


def count_users(app):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(models.User))


@pytest.mark.databases
def test_one_session_per_app_context(app):
    with app.app_context():
        first = db.get_session()
        assert db.get_session() is first
        assert g.db_session is first
    with app.app_context():
        assert db.get_session() is not first


@pytest.mark.databases
def test_teardown_closes_and_rolls_back(app):
    with app.app_context():
        session = db.get_session()
        session.add(models.User(name="Uncommitted", role="student"))
        session.flush()
        assert session.in_transaction()
    assert not session.in_transaction()
    assert count_users(app) == 0


@pytest.mark.databases
def test_commit_outlives_the_context_and_rows_stay_loaded(app):
    with app.app_context():
        session = db.get_session()
        user = models.User(name="Ada", role="teacher")
        session.add(user)
        session.commit()
        # expire_on_commit=False: the row can still be read after the commit.
        assert user.name == "Ada"
    assert user.id is not None
    assert count_users(app) == 1


@pytest.mark.databases
def test_autocommit_commits_each_statement_until_the_first_rollback(app):
    with app.app_context():
        db.use_autocommit()
        session = db.get_session()
        session.add(models.User(name="Kept without a commit", role="student"))
        session.flush()
        session.rollback()
        # From the rollback on, the session uses a transaction again: this row goes at the
        # end of the context, which rolls back what was not committed.
        session.add(models.User(name="Rolled back", role="student"))
        session.flush()
    with app.app_context():
        names = db.get_session().scalars(select(models.User.name)).all()
    assert names == ["Kept without a commit"]


def test_autocommit_must_come_before_the_first_statement(app):
    with app.app_context():
        db.get_session()
        with pytest.raises(RuntimeError, match="before the request's first statement"):
            db.use_autocommit()


@pytest.mark.databases
def test_foreign_keys_are_enforced(session):
    session.add(models.Comparison(title="Orphan", created_by_id=12345))
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.databases
def test_engine_follows_the_config(app, database_url):
    with app.app_context():
        engine = db.get_engine()
    assert engine.url.render_as_string(hide_password=False) == database_url


def test_sqlite_uses_wal_and_foreign_keys(session):
    connection = session.connection()
    assert connection.dialect.name == "sqlite"
    assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.databases
def test_missing_tables_lists_what_create_all_made(app):
    with app.app_context():
        connection = db.get_session().connection()
        assert db.missing_tables(connection) == []
        models.Base.metadata.tables["alignment"].drop(connection)
        assert db.missing_tables(connection) == ["alignment"]


def test_creating_the_app_opens_no_connection(tmp_path):
    database = tmp_path / "absent" / "parallax.sqlite3"
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        db.get_session().close()
    assert not database.parent.exists()


def fresh_app(tmp_path, database_url, **config):
    """An app on ``database_url``, which holds no table yet; its tables are dropped after."""
    return create_app(
        {"TESTING": True, "DATABASE_URL": database_url, **config},
        instance_path=str(tmp_path / "fresh"),
    )


@pytest.mark.databases
def test_the_first_request_applies_the_migrations(tmp_path, empty_engine, database_url):
    app = fresh_app(tmp_path, database_url)
    with empty_engine.connect() as connection:
        assert db.needs_upgrade(connection)
    # A fresh install's first visit: the teacher setup page, on migrated tables.
    response = app.test_client().get("/")
    assert (response.status_code, response.location) == (302, "/setup")
    assert app.test_client().get("/setup").status_code == 200
    with empty_engine.connect() as connection:
        assert not db.needs_upgrade(connection)
        assert db.missing_tables(connection) == []
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        assert MigrationContext.configure(connection).get_current_revision() == head
    with app.app_context():
        db.get_engine().dispose()


@pytest.mark.databases
def test_without_auto_migrate_an_old_database_says_what_to_run(
    tmp_path, empty_engine, database_url
):
    app = fresh_app(tmp_path, database_url, AUTO_MIGRATE=False)
    client = app.test_client()
    response = client.get("/comparisons")
    assert response.status_code == 503
    assert "parallax db upgrade" in response.get_data(as_text=True)
    answer = client.get("/api/tag-sets")
    assert answer.status_code == 503
    assert answer.get_json()["error"] == "service_unavailable"
    assert "parallax db upgrade" in answer.get_json()["message"]
    with empty_engine.connect() as connection:
        assert db.missing_tables(connection)
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert client.get("/comparisons").status_code == 200
    with app.app_context():
        db.get_engine().dispose()


def test_a_database_that_cannot_be_reached_answers_503(tmp_path):
    database = tmp_path / "not-a-folder"
    database.write_text("a file where the database's folder should be")
    app = fresh_app(tmp_path, f"sqlite:///{database}/parallax.sqlite3")
    response = app.test_client().get("/comparisons")
    assert response.status_code == 503
    assert "The database cannot be reached right now." in response.get_data(as_text=True)


@pytest.mark.databases
def test_servers_starting_together_migrate_once(tmp_path, empty_engine, database_url):
    engines = [db.make_engine(database_url) for _ in range(3)]
    revisions = []
    errors = []

    def upgrade(engine):
        try:
            revisions.append(db.upgrade_database(engine))
        except Exception as exc:  # any failure is the test's to report
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    assert revisions == [head] * 3


@pytest.mark.postgres
def test_a_pooled_connection_is_pinged_only_when_it_may_be_dead(postgres_url, monkeypatch):
    engine = db.make_engine(postgres_url)
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    try:
        for _ in range(3):
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert pings == []  # in use just now, nothing to read on its socket: no round trip
        record = engine.pool._pool.queue[0]
        record.info[db._RETURNED] -= db.PING_AFTER_IDLE_SECONDS + 1
        with engine.connect() as connection:
            backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert pings == [1]  # idle too long: pinged, alive, kept
        # The server ends the connection (as a restart would): the next checkout sees its
        # socket readable, pings, and gets a new connection instead of an error.
        admin = create_engine(postgres_url, poolclass=NullPool)
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            for _ in range(100):
                if other.execute(gone, {"pid": backend}).scalar_one() == 0:
                    break
                time.sleep(0.05)
        admin.dispose()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
        assert len(pings) == 2
    finally:
        engine.dispose()

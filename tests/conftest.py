from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from annotations.storage.models import Base
from webapp import create_app
from webapp import db

POSTGRES_URL_VARIABLE = "PARALLAX_TEST_DATABASE_URL"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "databases: run on SQLite and again on PostgreSQL when "
        f"{POSTGRES_URL_VARIABLE} is set (the `database_url` fixture follows)",
    )


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "databases"
    ):
        metafunc.parametrize(
            "database_url",
            [
                pytest.param("sqlite", id="sqlite"),
                pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
            ],
            indirect=True,
        )


@pytest.fixture(scope="session")
def postgres_url():
    """Return a URL into a fresh PostgreSQL schema, dropped with everything in it at the end."""
    base = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base:
        pytest.skip(f"PostgreSQL variant: {POSTGRES_URL_VARIABLE} is not set")
    schema = f"parallax_test_{secrets.token_hex(6)}"
    admin = create_engine(base, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL variant: cannot reach {make_url(base)}: {reason}")
    try:
        # Every connection of the test session lands in the schema, Alembic's table included.
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database_url(request, tmp_path):
    """Return an empty database's URL: SQLite in tmp_path, or the PostgreSQL test schema."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'parallax.sqlite3'}"


def drop_everything(engine):
    """Drop the model tables and Alembic's version table, leaving the database empty."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A test that left a transaction open would otherwise make this wait forever.
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def empty_engine(database_url):
    """Return an engine on an empty database; what the test creates there is dropped after."""
    engine = db.make_engine(database_url)
    try:
        yield engine
    finally:
        drop_everything(engine)
        engine.dispose()


@pytest.fixture
def engine(empty_engine):
    """Return an engine on a database holding the model tables and nothing else."""
    Base.metadata.create_all(empty_engine)
    return empty_engine


@pytest.fixture
def app(tmp_path, database_url):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            # Sign-in and its rate limit have their own tests (tests/web/test_auth.py).
            "LOGIN_DISABLED": True,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": database_url,
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        engine = db.get_engine()
    Base.metadata.create_all(engine)
    try:
        yield app
    finally:
        drop_everything(engine)
        engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """Return the app context's Session; the context (and the Session) ends with the test."""
    with app.app_context():
        yield db.get_session()

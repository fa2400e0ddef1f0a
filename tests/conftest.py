from __future__ import annotations

import os
import secrets
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from werkzeug.test import TestResponse

from annotations.storage.models import Base
from tests.web.helpers import PASSWORD
from tests.web.helpers import add_teacher
from webapp import create_app
from webapp import db

POSTGRES_URL_VARIABLE = "PARALLAX_TEST_DATABASE_URL"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "login_disabled: run the `app` fixture with sign-in turned off (the single-user mode)",
    )
    config.addinivalue_line(
        "markers", "signed_out: the `client` fixture is not signed in and no teacher is stored"
    )
    config.addinivalue_line(
        "markers",
        "databases: run on SQLite and again on PostgreSQL when "
        f"{POSTGRES_URL_VARIABLE} is set (the `database_url` and `server_database` "
        "fixtures follow)",
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
    if "server_database" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "databases"
    ):
        # A served app lives for its module, so its database does too.
        metafunc.parametrize(
            "server_database",
            [
                pytest.param("sqlite", id="sqlite"),
                pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
            ],
            indirect=True,
            scope="module",
        )


def postgres_problem(url: str) -> str | None:
    """Return why PostgreSQL at ``url`` cannot be reached in a few seconds, or None if it can."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def pytest_collection_finish(session):
    """Under CI, stop at once with a one-line reason when a service the run needs is missing.

    Locally the tests that need it skip (PostgreSQL) or fail (Chromium) one by one with the
    reason; on CI a skipped PostgreSQL variant would let a green run hide untested code.
    """
    if not os.environ.get("CI"):
        return
    items = session.items
    if any(item.get_closest_marker("postgres") for item in items):
        base = os.environ.get(POSTGRES_URL_VARIABLE)
        if not base:
            pytest.exit(f"CI: {POSTGRES_URL_VARIABLE} is not set; PostgreSQL tests must run", 1)
        problem = postgres_problem(base)
        if problem is not None:
            pytest.exit(f"CI: PostgreSQL at {make_url(base)} is unreachable: {problem}", 1)
    if any(item.get_closest_marker("browser") for item in items) and not shutil.which("chromium"):
        pytest.exit("CI: chromium is not on PATH (apt-get install -y chromium)", 1)


class PostgresSchemas:
    """Fresh PostgreSQL schemas on one server, each dropped with everything in it at the end."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = create_engine(base, poolclass=NullPool, connect_args={"connect_timeout": 5})
        self.schemas: list[str] = []

    def new(self) -> str:
        """Create a schema and return a URL whose every connection lands in it."""
        schema = f"parallax_test_{secrets.token_hex(6)}"
        try:
            with self.admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0]
            pytest.skip(f"PostgreSQL variant: cannot reach {make_url(self.base)}: {reason}")
        self.schemas.append(schema)
        # Every connection lands in the schema, Alembic's table included.
        url = make_url(self.base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        for schema in self.schemas:
            with self.admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_schemas():
    """Return a :class:`PostgresSchemas` on the test server (skip when none is configured)."""
    base = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base:
        pytest.skip(f"PostgreSQL variant: {POSTGRES_URL_VARIABLE} is not set")
    schemas = PostgresSchemas(base)
    try:
        yield schemas
    finally:
        schemas.drop_all()


@pytest.fixture(scope="session")
def postgres_url(postgres_schemas):
    """Return a URL into a fresh PostgreSQL schema, dropped with everything in it at the end."""
    return postgres_schemas.new()


@pytest.fixture
def database_url(request, tmp_path):
    """Return an empty database's URL: SQLite in tmp_path, or the PostgreSQL test schema."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'parallax.sqlite3'}"


@pytest.fixture(scope="module")
def server_database(request):
    """Return the config that puts a served app's database on SQLite or PostgreSQL.

    SQLite (the default) is the file in the app's instance folder; PostgreSQL is a fresh
    schema of its own, so two apps served in one session never share tables.
    """
    if getattr(request, "param", "sqlite") == "postgresql":
        return {"DATABASE_URL": request.getfixturevalue("postgres_schemas").new()}
    return {}


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
def app(request, tmp_path, database_url):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            # Production signs people in; the single-user mode is for the tests marked so.
            "LOGIN_DISABLED": request.node.get_closest_marker("login_disabled") is not None,
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


TEACHER_USERNAME = "mr.ito"


class AuthActions:
    """Sign a test client in and out through the forms, as a person would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str = TEACHER_USERNAME, password: str = PASSWORD) -> TestResponse:
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self) -> TestResponse:
        return self.client.post("/logout")


@pytest.fixture
def client(request, app):
    """A test client signed in as a teacher (Mr Ito), as people use Parallax.

    With sign-in off (``login_disabled``) or for a test marked ``signed_out`` it is signed
    out and no teacher is stored.
    """
    client = app.test_client()
    if app.config["LOGIN_DISABLED"] or request.node.get_closest_marker("signed_out"):
        return client
    add_teacher(app, username=TEACHER_USERNAME, name="Mr Ito")
    response = AuthActions(client).login()
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def auth(client):
    """Sign the ``client`` in (``auth.login(username, password)``) and out (``auth.logout()``)."""
    return AuthActions(client)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """Return the app context's Session; the context (and the Session) ends with the test."""
    with app.app_context():
        yield db.get_session()

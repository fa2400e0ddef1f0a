"""Alembic environment: the Parallax models against the app's database.

The database is, in order: the connection a caller put in ``config.attributes["connection"]``
(``parallax db upgrade`` does), the URL given with ``alembic -x db=URL``, or the app's
``DATABASE_URL``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from annotations.storage.models import Base
from webapp.db import make_engine

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    """Return the URL given with ``-x db=URL``, else the app's ``DATABASE_URL``."""
    url = context.get_x_argument(as_dictionary=True).get("db")
    if url:
        return url
    from webapp import create_app

    return str(create_app().config["DATABASE_URL"])


def run_migrations_offline() -> None:
    """Write the migration SQL to stdout without a database."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations(connection: Connection) -> None:
    """Run the migrations on ``connection``."""
    # SQLite cannot alter most of a table in place; batch mode copies the table instead.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""``parallax serve``: a production server for a class (gunicorn, or waitress on Windows)."""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask import current_app
from flask.cli import with_appcontext

from webapp import db
from webapp.cli import InputProblem
from webapp.console import HELP_OPTIONS

DEFAULT_PORT = 8000
# The value Flask's tutorial uses; it must never sign a served session.
KNOWN_SECRETS = frozenset({"", "dev"})
SECRET_FILE = "secret_key"


def default_server() -> str:
    """Return the server for this platform: gunicorn needs fork(), which Windows lacks."""
    return "waitress" if sys.platform == "win32" else "gunicorn"


def default_workers() -> int:
    """Return gunicorn's advice for sync workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def ensure_secret_key(app: Flask) -> str | None:
    """Return a secret key for serving, made once into the instance folder if none is set.

    A key set in ``config.py`` or ``PARALLAX_SECRET_KEY`` wins; otherwise a random key is kept
    in ``<instance>/secret_key`` (readable by its owner only) so a restart signs nobody out.
    Return None when the configured key is already a real one.
    """
    if str(app.config.get("SECRET_KEY") or "") not in KNOWN_SECRETS:
        return None
    path = Path(app.instance_path) / SECRET_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise InputProblem(f"{path} holds a key shorter than 32 characters; delete it")
    return key


def lan_address() -> str | None:
    """Return this machine's address on its local network, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # A UDP "connection" sends nothing; it only picks the outgoing interface.
            probe.connect(("10.254.254.254", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def student_addresses(host: str, port: int, scheme: str = "http") -> list[str]:
    """Return the addresses students can open, best first."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return [f"{scheme}://{host}:{port}/"]
    if host in ("0.0.0.0", "::", ""):
        found = [lan_address(), socket.gethostname()]
        return [f"{scheme}://{name}:{port}/" for name in found if name] or [
            f"{scheme}://127.0.0.1:{port}/"
        ]
    return [f"{scheme}://{host}:{port}/"]


def _serve_gunicorn(overrides: dict[str, Any], options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    from webapp import create_app

    class ParallaxServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return create_app(overrides)

    ParallaxServer().run()


def _serve_waitress(overrides: dict[str, Any], host: str, port: int, threads: int) -> None:
    import waitress

    from webapp import create_app

    waitress.serve(
        create_app(overrides),
        host=host,
        port=port,
        threads=threads,
        ident="Parallax",
    )


@click.command("serve", context_settings=HELP_OPTIONS)
@click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    help="Address to listen on: 0.0.0.0 lets the class reach it, 127.0.0.1 only this computer.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (gunicorn) or threads (waitress); two per core plus one by default.",
)
@click.option(
    "--trusted-proxies",
    type=click.IntRange(0, 5),
    default=None,
    help="Reverse proxies in front that set X-Forwarded-For/-Proto/-Host (default: the setting).",
)
@click.option(
    "--https/--no-https",
    "prefer_https",
    default=None,
    help="Served over HTTPS (by a proxy): mark cookies Secure (default: the setting).",
)
@click.option(
    "--server",
    type=click.Choice(["gunicorn", "waitress"]),
    default=default_server,
    show_default="gunicorn; waitress on Windows",
    help="The WSGI server.",
)
@click.option("--timeout", type=click.IntRange(5, 3600), default=60, show_default=True)
@with_appcontext
def serve_command(
    host: str,
    port: int,
    workers: int | None,
    trusted_proxies: int | None,
    prefer_https: bool | None,
    server: str,
    timeout: int,
) -> None:
    """Serve Parallax to a class with a production server (gunicorn, or waitress on Windows)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    overrides: dict[str, Any] = {}
    if trusted_proxies is not None:
        overrides["TRUSTED_PROXIES"] = trusted_proxies
    if prefer_https is not None:
        overrides["PREFER_HTTPS"] = prefer_https
    key = ensure_secret_key(app)
    if key is not None:
        overrides["SECRET_KEY"] = key
    # Migrate once here, not in each worker's first request.
    engine = db.get_engine()
    try:
        revision = db.upgrade_database(engine)
    except Exception as exc:
        raise click.ClickException(
            f"cannot bring the database {engine.url!r} up to date: {exc}; "
            "`parallax doctor` checks the installation"
        ) from exc
    finally:
        # The workers open their own connections; none of this process's may reach them.
        engine.dispose()
    workers = workers or default_workers()
    proxies = int(overrides.get("TRUSTED_PROXIES", app.config["TRUSTED_PROXIES"]))
    https = bool(overrides.get("PREFER_HTTPS", app.config["PREFER_HTTPS"]))
    click.echo(f"Parallax {_version()} with {server}, database at revision {revision}.")
    click.echo(f"Listening on {host}:{port}. Point students to:")
    for address in student_addresses(host, port, "https" if https and proxies else "http"):
        click.echo(f"  {address}")
    if https and proxies:
        click.echo("  (through your HTTPS proxy's address)")
    if server == "waitress":
        _serve_waitress(overrides, host, port, workers * 2)
        return
    if sys.platform == "win32":
        raise InputProblem("gunicorn does not run on Windows; use --server waitress")
    _serve_gunicorn(
        overrides,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "timeout": timeout,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": os.environ.get("PARALLAX_LOG_LEVEL", "info").lower(),
            "proc_name": "parallax",
        },
    )


def _version() -> str:
    from importlib.metadata import version

    return version("parallax")

"""``parallax doctor``: check an installation and say what to fix."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from annotations.errors import AnnotationError
from annotations.text.ingest import read_manifest
from webapp import db
from webapp import locations
from webapp.console import HELP_OPTIONS
from webapp.serving import KNOWN_SECRETS
from webapp.serving import SECRET_FILE


@dataclass(frozen=True)
class Finding:
    """One check: what was looked at, whether it is fine, and what to do if not."""

    name: str
    ok: bool
    detail: str


def check_instance(app: Flask) -> Finding:
    """Check that the instance folder exists and can be written."""
    folder = Path(app.instance_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding(
            "instance folder",
            False,
            f"{folder} cannot be written ({exc.strerror}); give this user write access "
            f"or set {locations.INSTANCE_ENV} to a folder it can write",
        )
    return Finding("instance folder", True, str(folder))


def check_secret(app: Flask) -> Finding:
    """Check that sessions are signed with a key of this installation's own."""
    key = str(app.config.get("SECRET_KEY") or "")
    if key not in KNOWN_SECRETS:
        if len(key) < 32:
            return Finding(
                "secret key", False, "SECRET_KEY is shorter than 32 characters; set a longer one"
            )
        return Finding("secret key", True, "set")
    kept = Path(app.instance_path) / SECRET_FILE
    if kept.is_file():
        return Finding("secret key", True, f"`parallax serve` uses the one kept in {kept}")
    return Finding(
        "secret key",
        True,
        f"not set yet: `parallax serve` makes one into {kept} (or set PARALLAX_SECRET_KEY)",
    )


def check_database(app: Flask) -> Finding:
    """Check that the database answers and has every migration."""
    engine = db.get_engine()
    try:
        with engine.connect() as connection:
            behind = db.needs_upgrade(connection)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        return Finding(
            "database",
            False,
            f"cannot reach {engine.url!r}: {reason}; check DATABASE_URL and that the server runs",
        )
    except ModuleNotFoundError as exc:
        return Finding(
            "database",
            False,
            f"the driver {exc.name!r} is missing; install it with "
            "`pip install 'parallax[postgresql]'`",
        )
    if behind:
        return Finding(
            "database", False, f"{engine.url!r} lacks migrations; run `parallax db upgrade`"
        )
    return Finding("database", True, f"{engine.url!r} is up to date")


def check_seeds(app: Flask) -> Finding:
    """Check that the seed articles can be read."""
    try:
        title, documents = read_manifest(app.config["SEEDS_DIR"])
    except AnnotationError as exc:
        return Finding("seed articles", False, f"{exc}; reinstall Parallax or fix SEEDS_DIR")
    return Finding("seed articles", True, f"{title!r}, {len(documents)} articles")


def check_pdf() -> Finding:
    """Check what PDF reports need: WeasyPrint and the Pango library it loads (no browser)."""
    from webapp.reports.pdf import PdfUnavailable
    from webapp.reports.pdf import _weasyprint

    try:
        weasyprint = _weasyprint()
    except PdfUnavailable as exc:
        return Finding(
            "PDF reports",
            False,
            f"WeasyPrint cannot load Pango ({exc}); install Pango (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0) or do without PDF downloads",
        )
    except ImportError:
        return Finding("PDF reports", False, "WeasyPrint is missing; reinstall Parallax")
    return Finding("PDF reports", True, f"WeasyPrint {weasyprint.__version__}; no browser needed")


def check_rate_limits(app: Flask) -> Finding:
    """Check where sign-in limits are counted, and that a shared store answers."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if uri.startswith("memory://"):
        return Finding(
            "sign-in limits",
            True,
            "counted in each process's memory (set RATELIMIT_STORAGE_URI to share them "
            "between servers)",
        )
    try:
        from limits.storage import storage_from_string

        healthy = storage_from_string(uri).check()
    except Exception as exc:  # the storage libraries raise their own errors
        return Finding("sign-in limits", False, f"cannot use {uri}: {exc}")
    if not healthy:
        return Finding("sign-in limits", False, f"{uri} does not answer; start it or fix the URI")
    return Finding("sign-in limits", True, f"shared in {uri}")


def run_checks(app: Flask) -> list[Finding]:
    """Run every check against ``app``."""
    return [
        Finding(
            "Python",
            sys.version_info >= (3, 11),
            f"{sys.version.split()[0]} on {sys.platform}",
        ),
        check_instance(app),
        check_secret(app),
        check_database(app),
        check_seeds(app),
        check_pdf(),
        check_rate_limits(app),
    ]


@click.command("doctor", context_settings=HELP_OPTIONS)
@with_appcontext
def doctor_command() -> None:
    """Check the installation and say what to fix."""
    findings = run_checks(current_app._get_current_object())  # type: ignore[attr-defined]
    width = max(len(finding.name) for finding in findings)
    for finding in findings:
        mark = "ok " if finding.ok else "FIX"
        click.echo(f"{mark} {finding.name:<{width}}  {finding.detail}")
    problems = sum(not finding.ok for finding in findings)
    if problems:
        raise click.ClickException(
            f"{problems} thing{'s' * (problems != 1)} to fix (marked FIX above)"
        )
    click.echo(f"Everything Parallax needs is in place ({os.path.basename(sys.executable)}).")

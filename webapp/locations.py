"""Where Parallax finds its files: package data, and the instance folder it writes to.

Everything read at run time (migrations, seed articles, templates, static files) is package
data found through ``importlib.resources``, so an installed wheel behaves as a checkout does.
Kept free of Flask and SQLAlchemy: the command line imports it before knowing the command.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "parallax"
INSTANCE_ENV = "PARALLAX_INSTANCE"


def package_root() -> Path:
    """Return the folder of the installed ``webapp`` package."""
    return Path(str(resources.files("webapp")))


def checkout_root() -> Path | None:
    """Return the repository root when Parallax runs from its source checkout, else None."""
    root = package_root().parent
    if (root / "pyproject.toml").is_file() and (root / "annotations").is_dir():
        return root
    return None


def migrations_dir() -> Path:
    """Return the folder of the Alembic environment and revisions."""
    return package_root() / "migrations"


def seeds_dir() -> Path:
    """Return the folder holding the seed articles and their ``manifest.json``.

    The wheel ships the repository's ``seeds/`` as ``webapp/seeds``; a checkout reads it in place.
    """
    installed = package_root() / "seeds"
    if (installed / "manifest.json").is_file():
        return installed
    root = checkout_root()
    if root is not None:
        return root / "seeds"
    return installed


def default_instance_path() -> Path:
    """Return the instance folder: ``PARALLAX_INSTANCE``, the checkout's, or a per-user one."""
    chosen = os.environ.get(INSTANCE_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    root = checkout_root()
    if root is not None:
        return root / "instance"
    # Imported here: only installed copies need it, and it reads the platform's conventions.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

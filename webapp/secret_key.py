"""The key that signs sessions and CSRF tokens: never one anybody else knows.

Without a configured ``SECRET_KEY`` the app makes a random one into ``<instance>/secret_key``
(readable by its owner only) the first time it starts, and every later start, every worker
and every command reads the same file, so a restart signs nobody out. A configured key that
is publicly known (Flask tutorial's ``"dev"`` and the like) or too short to resist guessing
stops the app from starting, except in debug mode and in tests.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Final

from flask import Flask

__all__ = ["KNOWN_SECRET_KEYS", "MIN_SECRET_KEY_LENGTH", "SECRET_FILE", "configure_secret_key"]

SECRET_FILE: Final = "secret_key"
MIN_SECRET_KEY_LENGTH: Final = 32
KNOWN_SECRET_KEYS: Final = frozenset(
    {
        "",
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "changeme",
        "change-me",
        "change_me",
        "test",
        "testing",
        "default",
        "password",
        "parallax",
        "your-secret-key",
        "super-secret",
        "supersecret",
    }
)


class InsecureSecretKeyError(RuntimeError):
    """The configured SECRET_KEY is one an attacker could know or guess."""


def configure_secret_key(app: Flask) -> None:
    """Give ``app`` a secret key of its own, or refuse a known one outside debug and tests."""
    key = app.config.get("SECRET_KEY")
    if key is None:
        app.config["SECRET_KEY"] = read_or_make_secret_key(Path(app.instance_path))
        return
    if app.debug or app.testing:
        return
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
    if text.strip().lower() in KNOWN_SECRET_KEYS:
        raise InsecureSecretKeyError(
            f"SECRET_KEY is set to the publicly known value {text!r}: anybody could sign a "
            "session cookie with it. Remove the setting so that Parallax makes a random key "
            f"into {Path(app.instance_path) / SECRET_FILE}, or set a long random value."
        )
    if len(text) < MIN_SECRET_KEY_LENGTH:
        raise InsecureSecretKeyError(
            f"SECRET_KEY has {len(text)} characters; use at least {MIN_SECRET_KEY_LENGTH} "
            "random ones (python3 -c 'import secrets; print(secrets.token_hex(32))'), or "
            "remove the setting so that Parallax makes one."
        )


def read_or_make_secret_key(instance: Path) -> str:
    """Return the key kept in ``instance``, making it first (mode 0600) if there is none."""
    path = instance / SECRET_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".{SECRET_FILE}.{secrets.token_hex(8)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32) + "\n")
        try:
            # A link never replaces a file: when several workers start at once, the first
            # one's key is published whole and every other worker reads that one.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise InsecureSecretKeyError(
            f"{path} holds a key of {len(key)} characters; delete the file to have a new one made"
        )
    return key

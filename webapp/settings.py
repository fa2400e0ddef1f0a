"""Every setting Parallax reads, with its default: the one place a default is written.

``create_app()`` loads :func:`defaults` first, then ``instance/config.py``, then the
``PARALLAX_`` environment variables, then a test's mapping. README's configuration table
lists exactly the :data:`SETTINGS` with their defaults (a test checks it); their meaning is
README's.
:data:`FIXED` holds what Parallax sets for Flask and its extensions and nobody needs to
change (cookie flags, where the sign-in limits count).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Final

from webapp import locations

__all__ = [
    "DEFAULT_AUTHOR",
    "FIXED",
    "IMPORT_MAX_BYTES",
    "SETTINGS",
    "Setting",
    "defaults",
]

DEFAULT_AUTHOR: Final = "Annotator"
IMPORT_MAX_BYTES: Final = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Setting:
    """One documented setting: its name, its default and, if not its JSON, how README shows it."""

    name: str
    default: Any
    shown: str | None = None

    @property
    def default_text(self) -> str:
        """Return the default as README's table shows it: JSON in backticks, or ``shown``."""
        return self.shown if self.shown is not None else f"`{json.dumps(self.default)}`"


SETTINGS: Final[tuple[Setting, ...]] = (
    # Signs sessions and CSRF tokens. Unset, a random key is made into the instance folder.
    Setting("SECRET_KEY", None, shown="made into `<instance>/secret_key`"),
    Setting("DATABASE_URL", None, shown="`sqlite:///<instance>/parallax.sqlite3`"),
    Setting(
        "SEEDS_DIR",
        str(locations.seeds_dir()),
        shown="the seeds shipped with Parallax",
    ),
    # Credited with the annotations when LOGIN_DISABLED is set.
    Setting("DEFAULT_AUTHOR", DEFAULT_AUTHOR),
    # Set when Parallax is served over HTTPS: cookies then say Secure.
    Setting("PREFER_HTTPS", False),
    # Bring the database up to date before a server process's first request.
    Setting("AUTO_MIGRATE", True),
    Setting("LOGIN_RATE_LIMIT", "10 per minute"),
    Setting("LOGIN_ADDRESS_RATE_LIMIT", "50 per minute"),
    # Proxies in front that set X-Forwarded-For/-Proto/-Host (0: none, trust no header).
    Setting("TRUSTED_PROXIES", 0),
    Setting("RATELIMIT_ENABLED", True),
    # A sign-in ends after this many seconds without a request (Flask's setting)...
    Setting("PERMANENT_SESSION_LIFETIME", 2 * 60 * 60),
    # ...and this many seconds after it began, however busy (a school day).
    Setting("SESSION_ABSOLUTE_LIFETIME", 12 * 60 * 60),
    Setting("LOGIN_DISABLED", False),
    Setting("IMPORT_MAX_BYTES", IMPORT_MAX_BYTES, shown=f"`{IMPORT_MAX_BYTES}` (32 MiB)"),
    # Under gunicorn's 30 s worker timeout, so a long article gets a 413 and not a killed worker.
    Setting("WORK_TIME_LIMIT", 20),
    # A CSRF token holds as long as the session: people keep the annotation page open for
    # hours, and a token that ran out after an hour would refuse their next save.
    Setting("WTF_CSRF_TIME_LIMIT", None, shown="`null` (the session's lifetime)"),
    # Where sign-in failures are counted: memory:// counts per process; redis://host:6379
    # shares the counts between every worker and server.
    Setting("RATELIMIT_STORAGE_URI", "memory://"),
    Setting("RATELIMIT_KEY_PREFIX", ""),
    # PARALLAX_LOG_LEVEL: DEBUG, INFO (every request), WARNING or ERROR.
    Setting("LOG_LEVEL", "INFO"),
)

FIXED: Final[Mapping[str, Any]] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def defaults(instance_path: str) -> dict[str, Any]:
    """Return every default as ``create_app()`` loads it, for an app in ``instance_path``."""
    values = {setting.name: setting.default for setting in SETTINGS}
    values["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "parallax.sqlite3")
    return {**values, **FIXED}

"""Accounts: check usernames and passwords, create users, and verify a sign-in.

Passwords are hashed with scrypt from the standard library (memory-hard, no extra
dependency), stored as ``scrypt:N:r:p$salt$hash``, the format Werkzeug's
``generate_password_hash`` writes, so either can check the other's hashes.

Rules, kept short on purpose (length beats composition rules):

- a username is 3-64 characters: letters, digits, ``.``, ``_`` or ``-``, starting with a
  letter or digit; it is unique whatever its case;
- a password has at least 10 characters, is not only digits, not one character repeated,
  not the username, not one of the 30,000 most common passwords (zxcvbn's list) and not
  easy to guess by zxcvbn's estimate (a common password with a small change, a keyboard
  walk, a sequence).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from annotations.errors import AccountError
from annotations.errors import DuplicateUsernameError
from annotations.errors import InvalidUsernameError
from annotations.errors import WeakPasswordError
from annotations.storage import models

__all__ = [
    "COMMON_PASSWORDS",
    "GUESSABLE_ADVICE",
    "MAX_NAME_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "USERNAME_PATTERN",
    "SignedInRow",
    "authenticate",
    "change_password",
    "end_sign_in",
    "end_sign_ins",
    "find_signed_in",
    "start_sign_in",
    "check_password",
    "check_username",
    "create_user",
    "find_user",
    "get_or_add_user",
    "has_teacher",
    "hash_password",
    "normalize_username",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 200
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,63}")
# The 30,000 most used passwords of the leaked-password corpora zxcvbn ranks guesses by
# (MIT licence), lowercased; the list is theirs, kept up to date upstream.
COMMON_PASSWORDS: frozenset[str] = frozenset(FREQUENCY_LISTS["passwords"])
# zxcvbn's score 0-1: fewer than a million guesses ("password123", "football10").
_MIN_ZXCVBN_SCORE = 2
# zxcvbn refuses longer input; the start of a long passphrase decides its strength anyway.
_ZXCVBN_MAX_LENGTH = 72
GUESSABLE_ADVICE = (
    "try three or four words that do not belong together, like 'purple kettle under the bridge'"
)

# Werkzeug's default scrypt cost: about 50 ms and 32 MiB per hash.
_SCRYPT_N = 2**15
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_SALT_LENGTH = 16
# Checked when the username is unknown, so that a miss costs as long as a wrong password.
_DUMMY_HASH: str | None = None


def normalize_username(username: str) -> str:
    """Return the key a username is unique by: trimmed and lowercased."""
    return username.strip().lower()


def check_username(username: str) -> str:
    """Return the trimmed username, or raise InvalidUsernameError saying what is wrong."""
    username = username.strip()
    if not username:
        raise InvalidUsernameError("required", field="username")
    if USERNAME_PATTERN.fullmatch(username) is None:
        raise InvalidUsernameError(
            "use 3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            field="username",
        )
    return username


def check_password(password: str, *, username: str | None = None) -> None:
    """Raise WeakPasswordError if ``password`` breaks one of the module's rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"use at least {MIN_PASSWORD_LENGTH} characters (a short phrase works)",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"use at most {MAX_PASSWORD_LENGTH} characters", field="password")
    if password.isdigit():
        raise WeakPasswordError("use more than digits", field="password")
    if len(set(password)) == 1:
        raise WeakPasswordError("use more than one repeated character", field="password")
    if username is not None and password.strip().lower() == normalize_username(username):
        raise WeakPasswordError("must differ from the username", field="password")
    if password.strip().lower() in COMMON_PASSWORDS:
        raise WeakPasswordError(
            "lots of people use this password, so it is easy to guess; " + GUESSABLE_ADVICE,
            field="password",
        )
    inputs = [username] if username else []
    if zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < _MIN_ZXCVBN_SCORE:
        raise WeakPasswordError(
            "this password is a common one with a small change, so it is easy to guess; "
            + GUESSABLE_ADVICE,
            field="password",
        )


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of ``password``."""
    salt = secrets.token_urlsafe(_SALT_LENGTH)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt:{_SCRYPT_N}:{_SCRYPT_R}:{_SCRYPT_P}${salt}${digest}"


def verify_password(password_hash: str, password: str) -> bool:
    """Return True if ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        method, salt, expected = password_hash.split("$", 2)
        name, n, r, p = method.split(":")
        if name != "scrypt":
            return False
        actual = _scrypt(password, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt.encode("utf-8"), n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM
    ).hex()


def find_user(session: Session, username: str) -> models.User | None:
    """Return the user with this username, whatever its case, or None."""
    query = select(models.User).where(models.User.username_key == normalize_username(username))
    return session.scalars(query).first()


def create_user(
    session: Session, *, username: str, name: str, password: str, role: models.Role
) -> models.User:
    """Add a user who can sign in, or raise an AccountError naming the field at fault."""
    username = check_username(username)
    name = " ".join(name.split())
    if not name:
        raise AccountError("required", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError(f"use at most {MAX_NAME_LENGTH} characters", field="name")
    if role not in models.ROLES:
        raise AccountError(f"must be one of {', '.join(models.ROLES)}", field="role")
    check_password(password, username=username)
    if find_user(session, username) is not None:
        raise DuplicateUsernameError(f"{username!r} is taken", field="username")
    user = models.User(
        username=username,
        username_key=normalize_username(username),
        name=name,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> models.User | None:
    """Return the user if the password is right (noting the time), else None."""
    global _DUMMY_HASH
    user = find_user(session, username)
    if user is None or user.password_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = models.utcnow()
    return user


def has_teacher(session: Session) -> bool:
    """Return True once a teacher who can sign in exists."""
    query = (
        select(models.User.id)
        .where(models.User.role == "teacher", models.User.password_hash.is_not(None))
        .limit(1)
    )
    return session.scalars(query).first() is not None


def get_or_add_user(session: Session, name: str, *, role: models.Role = "teacher") -> models.User:
    """Return the oldest user with this name, adding one with ``role`` if there is none."""
    query = select(models.User).where(models.User.name == name).order_by(models.User.id).limit(1)
    user = session.scalars(query).first()
    if user is None:
        user = models.User(name=name, role=role)
        session.add(user)
        session.flush()
    return user


class SignedInRow(NamedTuple):
    """What a request needs to know about the user a session cookie names."""

    id: int
    username: str | None
    name: str
    role: models.Role


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_sign_in(session: Session, user_id: int) -> str:
    """Record a new signed-in browser for ``user_id``; return the token its cookie keeps."""
    token = secrets.token_urlsafe(32)
    session.add(models.LoginSession(token_hash=_token_hash(token), user_id=user_id))
    session.flush()
    return token


def find_signed_in(session: Session, token: str, *, not_before: dt.datetime) -> SignedInRow | None:
    """Return the user a sign-in token belongs to, if it was not ended and began after
    ``not_before`` and the user may still sign in."""
    query = (
        select(models.User.id, models.User.username, models.User.name, models.User.role)
        .join(models.LoginSession, models.LoginSession.user_id == models.User.id)
        .where(
            models.LoginSession.token_hash == _token_hash(token),
            models.LoginSession.created_at > not_before,
            models.User.password_hash.is_not(None),
        )
    )
    row = session.execute(query).first()
    if row is None:
        return None
    # Students sign in through their exercise's join code and have no username.
    if row.username is None and row.role != "student":
        return None
    return SignedInRow(id=row.id, username=row.username, name=row.name, role=row.role)


def end_sign_in(session: Session, token: str) -> None:
    """Forget one signed-in browser: its cookie, and every copy of it, signs nobody in."""
    session.execute(
        delete(models.LoginSession).where(models.LoginSession.token_hash == _token_hash(token))
    )


def end_sign_ins(session: Session, user_id: int, *, older_than: dt.datetime | None = None) -> int:
    """Forget every signed-in browser of ``user_id`` (or only those begun before
    ``older_than``); return how many were ended."""
    query = delete(models.LoginSession).where(models.LoginSession.user_id == user_id)
    if older_than is not None:
        query = query.where(models.LoginSession.created_at < older_than)
    result = session.execute(query)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def change_password(session: Session, user: models.User, password: str) -> None:
    """Give ``user`` a new password (checked by the rules above) and end all their sign-ins."""
    check_password(password, username=user.username or user.name)
    user.password_hash = hash_password(password)
    end_sign_ins(session, user.id)

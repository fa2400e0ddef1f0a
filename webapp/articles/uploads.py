"""Uploads kept across a failed submit of the new-comparison form.

A browser never sends a file input back with a form shown again after an error, so a file
the user chose would be lost with any mistake elsewhere on the form. The server keeps each
uploaded file under ``<instance>/kept-uploads/`` by a random token that the form carries in a
hidden field: the file is used again unless the user chooses another or drops it. Kept files
are bound to the user who sent them, limited in size like any upload, and removed after
:data:`KEEP_FOR` or once the comparison is created.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from werkzeug.datastructures import FileStorage

from annotations.text.ingest import MAX_BYTES

KEEP_FOR = 60 * 60
"""Seconds a kept upload lasts."""
MAX_KEPT_BYTES = 200 * 2**20
"""All kept uploads together; past it the oldest go first."""
FOLDER = "kept-uploads"


@dataclass(frozen=True, slots=True)
class KeptUpload:
    """A file kept from an earlier submit of the form."""

    token: str
    filename: str
    size: int
    data: bytes

    def as_file(self) -> FileStorage:
        """Return the kept bytes as an upload, as if the user had chosen the file again."""
        return FileStorage(stream=io.BytesIO(self.data), filename=self.filename)


def _folder() -> str:
    folder = os.path.join(current_app.instance_path, FOLDER)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[str, str]:
    base = os.path.join(_folder(), token)
    return base + ".bin", base + ".json"


def _is_token(token: str) -> bool:
    return 20 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def purge(now: float | None = None) -> None:
    """Remove expired kept uploads, then the oldest while all of them are over the limit."""
    now = time.time() if now is None else now
    folder = _folder()
    entries = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        if now - stat.st_mtime > KEEP_FOR:
            _remove(path)
        elif name.endswith(".bin"):
            entries.append((stat.st_mtime, stat.st_size, name[: -len(".bin")]))
    total = sum(size for _, size, _ in entries)
    for _, size, token in sorted(entries):
        if total <= MAX_KEPT_BYTES:
            break
        discard(token)
        total -= size


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def keep(upload: FileStorage, owner: str) -> KeptUpload | None:
    """Store an uploaded file for ``owner``; return it, or None when it is over the size limit."""
    upload.stream.seek(0)
    data = upload.stream.read(MAX_BYTES + 1)
    upload.stream.seek(0)
    if len(data) > MAX_BYTES:
        return None
    purge()
    token = secrets.token_urlsafe(24)
    filename = os.path.basename(upload.filename or "upload")[:255]
    body, meta = _paths(token)
    with open(body, "wb") as handle:
        handle.write(data)
    with open(meta, "w", encoding="utf-8") as handle:
        json.dump({"filename": filename, "owner": owner}, handle)
    return KeptUpload(token, filename, len(data), data)


def load(token: str, owner: str) -> KeptUpload | None:
    """Return the kept upload ``token`` of ``owner``, or None if it expired or is not theirs."""
    if not _is_token(token):
        return None
    body, meta = _paths(token)
    try:
        if time.time() - os.stat(body).st_mtime > KEEP_FOR:
            discard(token)
            return None
        with open(meta, encoding="utf-8") as handle:
            info = json.load(handle)
        if info.get("owner") != owner:
            return None
        with open(body, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (FileNotFoundError, ValueError):
        return None
    return KeptUpload(token, str(info.get("filename") or "upload"), len(data), data)


def discard(token: str) -> None:
    """Remove a kept upload (no error if it is already gone)."""
    if _is_token(token):
        for path in _paths(token):
            _remove(path)

"""What every request must be before a view reads it: bounded ids, storable text, sane JSON.

Answered here once, for every route, rather than in each view: a URL id beyond a database
integer is a 404 (no such thing), a NUL or lone surrogate in a form, query or JSON body is a
400 naming the field, and JSON too deep or with too long a number is a 400 saying so.
"""

from __future__ import annotations

from typing import Any
from typing import NoReturn

from flask import Flask
from flask import Request
from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from annotations.errors import InputError
from annotations.text.untrusted import MAX_INTEGER
from annotations.text.untrusted import load_json
from annotations.text.untrusted import text_problem

__all__ = ["BoundedIntegerConverter", "init_app"]


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` that matches only ids a database integer holds; larger ones are a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


class _JSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode("utf-8") if isinstance(s, bytes) else s
        try:
            return load_json(text)
        except InputError as error:
            # Flask turns a ValueError into its 400, through Request.on_json_loading_failed.
            raise ValueError(str(error)) from None


class _Request(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> NoReturn:
        if e is None:
            super().on_json_loading_failed(e)
        raise BadRequest(f"the request body is not usable JSON: {e}")


def _check_request_text() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and text_problem(value) is not None:
            raise BadRequest(f"{name!r} (in the address): {text_problem(value)}")
    # Form fields are left to their forms, which name the field beside it; what reaches the
    # database unchecked is refused by annotations.storage.storable or answered by faults.
    for name, value in request.args.items(multi=True):
        for part in (name, value):
            problem = text_problem(part)
            if problem is not None:
                raise BadRequest(f"{name!r} (query field): {problem}")
        digits = value.strip().lstrip("+-")
        if digits.isdigit() and len(digits) > 9:
            if len(digits) > 10 or int(digits) > MAX_INTEGER:
                raise BadRequest(f"{name!r}: the number is out of range (at most {MAX_INTEGER})")
    for name, upload in request.files.items(multi=True):
        if upload.filename and text_problem(upload.filename) is not None:
            raise BadRequest(f"{name!r}: the file name {text_problem(upload.filename)}")


def init_app(app: Flask) -> None:
    """Bound ``<int:...>`` ids, read JSON carefully and check request text before any view.

    Call before any blueprint is registered: rules take their converters when added.
    """
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = _JSONProvider(app)
    app.request_class = _Request
    app.before_request(_check_request_text)

"""The reading pages' annotation lists as HTTP answers: compact JSON with a validator.

Each answer carries a weak ETag made from the list's filters, who may see it (``scope``) and
aggregates of the annotations (:func:`annotations.storage.reading.list_validator`), and
``Cache-Control: private, no-cache``: the browser keeps the list but asks every time, and a
list that has not changed is answered 304 without being built. Weak, because the same list
travels compressed or not (Flask-Compress leaves weak validators alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from flask import abort
from flask import request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from annotations.storage import reading

__all__ = ["cut_documents", "list_response"]

# Document ids a client may name in ?documents=: a reading page shows two, at most four.
_MAX_DOCUMENTS = 8


def cut_documents(session: Session, comparison_id: int) -> list[int]:
    """Return the documents of ``?documents=1,2`` that belong to the comparison.

    The client holds their text, so the list leaves out quotes it can cut from them.
    Ids of other documents are ignored; text that is not a list of ids is a 400.
    """
    given = request.args.get("documents", "")
    if not given:
        return []
    parts = given.split(",")
    if len(parts) > _MAX_DOCUMENTS or not all(part.isdigit() and len(part) < 10 for part in parts):
        abort(400, "documents: expected document ids separated by commas")
    return reading.member_documents(session, comparison_id, {int(part) for part in parts})


def list_response(
    session: Session,
    *,
    head: Mapping[str, Any],
    scope: str,
    filters: Mapping[str, Any],
    cut_from: list[int],
) -> Response:
    """Answer the list the filters pick: 304 if the client's copy is current, else 200.

    ``head`` comes first in the JSON object (the ids the list belongs to); ``scope`` must
    name everything besides the filters that decides what this caller sees, so that two
    callers who see different lists never share a validator.
    """
    scope = f"{scope}|documents {','.join(map(str, cut_from))}"
    digest = reading.list_validator(session, scope=scope, **filters)
    if request.if_none_match.contains_weak(digest):
        response = Response(status=304)
    else:
        body = {**head, **reading.reading_list(session, cut_from=cut_from, **filters)}
        response = Response(orjson.dumps(body), mimetype="application/json")
    response.set_etag(digest, weak=True)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    # A shared computer: another person's sign-in is another cookie, and another list.
    response.vary.add("Cookie")
    return response

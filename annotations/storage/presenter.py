"""An annotation as its JSON shows it: one builder from plain values, used by every path.

The API's answer to a save (:func:`~annotations.storage.saving.add_new_annotation`), an
ORM row (:func:`annotation_to_dict`) and the Core lists
(:func:`~annotations.storage.listing.annotation_dicts`) all call :func:`annotation_json`,
so a new field is added once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from annotations.storage import models

__all__ = [
    "annotation_json",
    "annotation_to_dict",
    "isoformat_utc",
    "link_to_dict",
    "tag_to_dict",
]


def isoformat_utc(moment: dt.datetime | None) -> str | None:
    """Return a stored time as ISO 8601 in UTC (None stays None)."""
    if moment is None:
        return None
    # SQLite hands timestamps back without a zone; they were written in UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def link_to_dict(
    document_id: int | None, start: int | None, end: int | None, quote: str | None
) -> dict[str, Any] | None:
    """Return a comparative annotation's link as its JSON shows it (None when unlinked)."""
    if document_id is None:
        return None
    return {"document_id": document_id, "start": start, "end": end, "quote": quote}


def tag_to_dict(key: str, name: str, colour: str) -> dict[str, str]:
    """Return one of an annotation's tags as its JSON shows it."""
    return {"key": key, "name": name, "colour": colour}


def annotation_json(
    *,
    public_id: str,
    document_id: int,
    comparison_id: int | None,
    exercise_id: int | None,
    start: int,
    end: int,
    quote: str,
    prefix: str,
    suffix: str,
    tags: Sequence[dict[str, str]],
    tag_set: str | None,
    note: str,
    status: str,
    author: str | None,
    relation: str | None,
    link_document_id: int | None,
    link_start: int | None,
    link_end: int | None,
    link_quote: str | None,
    created: str | None,
    updated: str | None,
    deleted: bool,
    version: int = 1,
) -> dict[str, Any]:
    """Return an annotation as a JSON-ready dict, its id being the public id.

    ``tags`` are :func:`tag_to_dict` dicts in the annotation's order; times are ISO 8601 text.
    """
    return {
        "id": public_id,
        "document_id": document_id,
        "comparison_id": comparison_id,
        "exercise_id": exercise_id,
        "start": start,
        "end": end,
        "quote": quote,
        "prefix": prefix,
        "suffix": suffix,
        "tags": list(tags),
        "tag_set": tag_set,
        "note": note,
        "status": status,
        "author": author,
        "relation": relation,
        "link": link_to_dict(link_document_id, link_start, link_end, link_quote),
        "created": created,
        "updated": updated,
        "deleted": deleted,
        "version": version,
    }


def annotation_to_dict(row: models.Annotation) -> dict[str, Any]:
    """Return a stored annotation (an ORM row) as :func:`annotation_json` gives it."""
    return annotation_json(
        public_id=row.public_id,
        document_id=row.document_id,
        comparison_id=row.comparison_id,
        exercise_id=row.exercise_id,
        start=row.start,
        end=row.end,
        quote=row.quote,
        prefix=row.prefix,
        suffix=row.suffix,
        tags=[tag_to_dict(tag.key, tag.name, tag.colour) for tag in row.tags],
        tag_set=row.tags[0].tag_set.key if row.tags else None,
        note=row.note,
        status=row.status,
        author=row.author.name if row.author is not None else None,
        relation=row.relation,
        link_document_id=row.link_document_id,
        link_start=row.link_start,
        link_end=row.link_end,
        link_quote=row.link_quote,
        created=isoformat_utc(row.created_at),
        updated=isoformat_utc(row.updated_at),
        deleted=row.deleted_at is not None,
        version=row.version,
    )

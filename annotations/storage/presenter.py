"""An annotation as its JSON shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from annotations.storage import models


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


def annotation_to_dict(row: models.Annotation) -> dict[str, Any]:
    """Return an annotation as a JSON-ready dict, its id being the public id."""
    link = link_to_dict(row.link_document_id, row.link_start, row.link_end, row.link_quote)
    return {
        "id": row.public_id,
        "document_id": row.document_id,
        "comparison_id": row.comparison_id,
        "exercise_id": row.exercise_id,
        "start": row.start,
        "end": row.end,
        "quote": row.quote,
        "prefix": row.prefix,
        "suffix": row.suffix,
        "tags": [{"key": tag.key, "name": tag.name, "colour": tag.colour} for tag in row.tags],
        "tag_set": row.tags[0].tag_set.key if row.tags else None,
        "note": row.note,
        "status": row.status,
        "author": row.author.name if row.author is not None else None,
        "relation": row.relation,
        "link": link,
        "created": isoformat_utc(row.created_at),
        "updated": isoformat_utc(row.updated_at),
        "deleted": row.deleted_at is not None,
    }

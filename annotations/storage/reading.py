"""What a reading page draws: the compact annotation list, and the validator that dates it.

The list names each field once and each tag and author once: every annotation is a row of
values in the order of ``fields``, its tags and author are indexes into ``tags`` and
``authors``, and its quote is left out (``None``) where the client already holds the text
it can cut it from. The full shape of one annotation (times, status, context, tag set) stays
that of :func:`~annotations.storage.presenter.annotation_json`, given by a save's answer and
the exports.

:func:`list_validator` reads a few aggregates of the same annotations (deleted ones too)
and of the tag sets in one statement, so that an unchanged list can be answered "not
modified" without building it.
"""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Collection
from typing import Any
from typing import Final

from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations.storage import models
from annotations.storage._tables import ANNOTATION_ORDER
from annotations.storage._tables import ANNOTATION_TABLE
from annotations.storage.listing import annotation_filters
from annotations.storage.listing import tag_ids_column

__all__ = [
    "LIST_FIELDS",
    "LIST_FORMAT",
    "list_validator",
    "member_documents",
    "reading_list",
]

# Bumped whenever the list's shape changes, so that a client's cached list of an older
# shape is never answered "not modified".
LIST_FORMAT: Final = 1

# One annotation's row in the list, in this order.
LIST_FIELDS: Final = (
    "id",
    "document_id",
    "start",
    "end",
    "quote",
    "tags",
    "note",
    "author",
    "relation",
    "link",
    "version",
)

_ANNOTATION: Final = ANNOTATION_TABLE
_USER: Final = typing.cast(Table, models.User.__table__)
_TAG: Final = typing.cast(Table, models.Tag.__table__)
_TAG_SET: Final = typing.cast(Table, models.TagSet.__table__)
_DOCUMENT: Final = typing.cast(Table, models.Document.__table__)
_MEMBER: Final = typing.cast(Table, models.ComparisonDocument.__table__)

_TAGS_BY_ID: Final = (
    select(_TAG.c.id, _TAG.c.key, _TAG.c.name, _TAG.c.colour, _TAG.c.position, _TAG_SET.c.key)
    .join(_TAG_SET, _TAG_SET.c.id == _TAG.c.tag_set_id)
    .where(_TAG.c.id.in_(bindparam("tag_ids", expanding=True)))
)
_NAMES_BY_ID: Final = select(_USER.c.id, _USER.c.name).where(
    _USER.c.id.in_(bindparam("user_ids", expanding=True))
)
_TEXTS_BY_ID: Final = select(_DOCUMENT.c.id, _DOCUMENT.c.text).where(
    _DOCUMENT.c.id.in_(bindparam("document_ids", expanding=True))
)


def member_documents(session: Session, comparison_id: int, wanted: Collection[int]) -> list[int]:
    """Return those of ``wanted`` that are documents of the comparison, in ascending order."""
    if not wanted:
        return []
    query = select(_MEMBER.c.document_id).where(
        _MEMBER.c.comparison_id == comparison_id, _MEMBER.c.document_id.in_(sorted(set(wanted)))
    )
    return sorted(session.connection().execute(query).scalars())


def list_validator(
    session: Session,
    *,
    scope: str,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    outside_exercises: bool = False,
) -> str:
    """Return a digest that changes whenever the list these filters pick may change.

    ``scope`` names who asks and what they may see (the caller's part of the key). The
    aggregates cover the annotations of the filters, deleted ones included: a new or
    imported annotation adds to their count and raises the largest id, every change of a
    row (tags, note, deletion, restoring) adds one to its version and moves its update
    time, an author removed sets the row's author to NULL; and the tag sets' count,
    versions and last change stand for the tags' names and colours. Read it before the
    list: a change landing between the two then costs one more full answer, never a stale
    "not modified".
    """
    table = _ANNOTATION
    query = select(
        func.count(),
        func.max(table.c.id),
        func.sum(table.c.version),
        func.count(table.c.deleted_at),
        func.count(table.c.author_id),
        func.max(table.c.updated_at),
        select(func.count()).select_from(_TAG_SET).scalar_subquery(),
        select(func.sum(_TAG_SET.c.version)).scalar_subquery(),
        select(func.max(_TAG_SET.c.updated_at)).scalar_subquery(),
    ).where(
        *annotation_filters(
            comparison_id=comparison_id,
            exercise_id=exercise_id,
            author_id=author_id,
            outside_exercises=outside_exercises,
            include_deleted=True,
        )
    )
    row = session.connection().execute(query).one()
    material = "|".join([f"list {LIST_FORMAT}", scope, *(str(value) for value in row)])
    return hashlib.blake2b(material.encode("utf-8"), digest_size=16).hexdigest()


def reading_list(
    session: Session,
    *,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    outside_exercises: bool = False,
    cut_from: Collection[int] = (),
) -> dict[str, Any]:
    """Return the live annotations the filters pick, by position, in the compact shape.

    The result has ``fields`` (:data:`LIST_FIELDS`), ``tags`` (``{"key", "name",
    "colour", "tag_set"}``, each once), ``authors`` (names, each once) and ``annotations``
    (one list of values a row). ``tags`` in a row are indexes into ``tags``, ``author`` an
    index into ``authors`` (or None), ``link`` None or ``[document_id, start, end,
    quote]``. A quote is None where its document is one of ``cut_from`` and
    ``text[start:end]`` of it is the quote: the client cuts it from the text it shows.
    """
    table = _ANNOTATION
    query = (
        select(
            table.c.public_id,
            table.c.document_id,
            table.c.start,
            table.c.end,
            table.c.quote,
            table.c.note,
            table.c.author_id,
            table.c.relation,
            table.c.link_document_id,
            table.c.link_start,
            table.c.link_end,
            table.c.link_quote,
            table.c.version,
            tag_ids_column(session),
        )
        .where(
            *annotation_filters(
                comparison_id=comparison_id,
                exercise_id=exercise_id,
                author_id=author_id,
                outside_exercises=outside_exercises,
            )
        )
        .order_by(*ANNOTATION_ORDER)
    )
    connection = session.connection()
    rows = connection.execute(query).all()
    texts: dict[int, str] = {}
    if cut_from:
        texts = dict(
            connection.execute(_TEXTS_BY_ID, {"document_ids": sorted(set(cut_from))}).all()
        )
    tags, tag_indexes = _tag_table(session, {row[-1] for row in rows})
    authors, author_indexes = _author_table(session, {row[6] for row in rows})
    annotations = []
    # Unpacked: reading the columns by name off each Row makes the list half as slow again.
    for (
        public_id,
        document_id,
        start,
        end,
        quote,
        note,
        author_id_,
        relation,
        link_document_id,
        link_start,
        link_end,
        link_quote,
        version,
        tag_ids,
    ) in rows:
        text = texts.get(document_id)
        if text is not None and text[start:end] == quote:
            quote = None
        link = None
        if link_document_id is not None:
            text = texts.get(link_document_id)
            if text is not None and link_start is not None and link_end is not None:
                if text[link_start:link_end] == link_quote:
                    link_quote = None
            link = [link_document_id, link_start, link_end, link_quote]
        annotations.append(
            [
                public_id,
                document_id,
                start,
                end,
                quote,
                tag_indexes[tag_ids],
                note,
                author_indexes.get(author_id_),
                relation,
                link,
                version,
            ]
        )
    return {
        "fields": list(LIST_FIELDS),
        "tags": tags,
        "authors": authors,
        "annotations": annotations,
    }


def _tag_table(
    session: Session, joined_ids: set[str | None]
) -> tuple[list[dict[str, str]], dict[str | None, list[int]]]:
    """Return the tags the joined id lists name, once each, and each list as their indexes.

    Tags are listed by tag set, then in the set's order; an annotation's tags too.
    """
    wanted = {int(tag_id) for joined in joined_ids if joined for tag_id in joined.split(",")}
    found = []
    if wanted:
        found = sorted(
            session.connection().execute(_TAGS_BY_ID, {"tag_ids": sorted(wanted)}),
            key=lambda tag: (tag[5], tag[4], tag[1], tag[0]),
        )
    tags = [
        {"key": key, "name": name, "colour": colour, "tag_set": set_key}
        for _, key, name, colour, _, set_key in found
    ]
    index = {tag[0]: number for number, tag in enumerate(found)}
    lists = {
        joined: sorted(index[int(tag_id)] for tag_id in (joined or "").split(",") if tag_id)
        for joined in joined_ids
    }
    return tags, lists


def _author_table(
    session: Session, author_ids: set[int | None]
) -> tuple[list[str], dict[int | None, int]]:
    """Return the authors' names, once each in order of name, and each author's index."""
    wanted = sorted(author_id for author_id in author_ids if author_id is not None)
    if not wanted:
        return [], {}
    found = sorted(
        session.connection().execute(_NAMES_BY_ID, {"user_ids": wanted}),
        key=lambda user: (user[1], user[0]),
    )
    return [name for _, name in found], {
        user_id: number for number, (user_id, _) in enumerate(found)
    }

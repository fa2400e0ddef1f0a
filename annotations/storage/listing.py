"""Annotations listed from plain Core rows: the annotation screen's list, the exports' columns.

The ORM builds an object per annotation, tag and author, which is most of the time of a list
of 1,000 annotations; these reads take the columns they need in one query and the tags they
name in a second, and make the JSON-ready dicts of :func:`presenter.annotation_to_dict` from them.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable
from typing import Any
from typing import Final
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from annotations.storage import models
from annotations.storage._tables import ANNOTATION_COLUMNS
from annotations.storage._tables import ANNOTATION_ORDER
from annotations.storage._tables import ANNOTATION_TABLE
from annotations.storage._tables import ANNOTATION_TAG_TABLE
from annotations.storage.presenter import annotation_json
from annotations.storage.presenter import isoformat_utc
from annotations.storage.presenter import tag_to_dict

__all__ = [
    "COUNTED_STATUSES",
    "annotation_dicts",
    "annotation_filters",
    "in_text_order",
    "iso_time_columns",
    "list_annotations",
    "tag_ids_column",
]

COUNTED_STATUSES: Final = ("human", "accepted")
"""The statuses of annotations a person stands behind: what lists, keys and grades count."""

_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])
_ANNOTATION: Final = ANNOTATION_TABLE
_ANNOTATION_TAG: Final = ANNOTATION_TAG_TABLE
_USER: Final = typing.cast(Table, models.User.__table__)
_TAG: Final = typing.cast(Table, models.Tag.__table__)
_TAG_SET: Final = typing.cast(Table, models.TagSet.__table__)

# A tag as an annotation's JSON shows it, and what orders an annotation's tags.
_TAGS_BY_ID: Final = (
    select(_TAG.c.id, _TAG.c.key, _TAG.c.name, _TAG.c.colour, _TAG.c.position, _TAG_SET.c.key)
    .join(_TAG_SET, _TAG_SET.c.id == _TAG.c.tag_set_id)
    .where(_TAG.c.id.in_(bindparam("tag_ids", expanding=True)))
)


def annotation_filters(
    *,
    comparison_id: int | None = None,
    document_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    outside_exercises: bool = False,
    include_deleted: bool = False,
    include_pending: bool = False,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions that pick annotations as asked (live ones unless told).

    Unless ``include_pending``, only the tags a person stands behind count: suggestions not
    yet accepted (status ``suggested``) and rejected ones are left out, so they reach no
    reading list, key, grade or count; exports and imports include them.
    """
    table = models.Annotation
    conditions: list[ColumnElement[bool]] = []
    if not include_pending:
        conditions.append(table.status.in_(COUNTED_STATUSES))
    if comparison_id is not None:
        conditions.append(table.comparison_id == comparison_id)
    if document_id is not None:
        conditions.append(table.document_id == document_id)
    if exercise_id is not None:
        conditions.append(table.exercise_id == exercise_id)
    if author_id is not None:
        conditions.append(table.author_id == author_id)
    if outside_exercises:
        conditions.append(table.exercise_id.is_(None))
    if not include_deleted:
        conditions.append(table.deleted_at.is_(None))
    return conditions


def list_annotations(
    session: Session,
    *,
    comparison_id: int | None = None,
    document_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    include_deleted: bool = False,
    outside_exercises: bool = False,
) -> list[models.Annotation]:
    """Return annotations ordered by document and position, filtered as asked.

    With ``outside_exercises``, work done in classroom exercises (students' copies and
    answer keys) is left out: it is shown only to those the exercise lets see it.
    """
    query = (
        select(models.Annotation)
        .options(
            selectinload(models.Annotation.tags).selectinload(models.Tag.tag_set),
            selectinload(models.Annotation.author),
        )
        .where(
            *annotation_filters(
                comparison_id=comparison_id,
                document_id=document_id,
                exercise_id=exercise_id,
                author_id=author_id,
                outside_exercises=outside_exercises,
                include_deleted=include_deleted,
            )
        )
        .order_by(*ANNOTATION_ORDER)
    )
    return list(session.scalars(query))


def in_text_order(query: _Query, *then: ColumnElement[Any] | InstrumentedAttribute[Any]) -> _Query:
    """Return ``query`` ordered as every list of annotations is: by document and position.

    ``then`` breaks ties within one annotation (such as its tags' order).
    """
    return query.order_by(*ANNOTATION_ORDER, *then)


def tag_ids_column(session: Session) -> ColumnElement[Any]:
    """Return a column with each annotation's tag ids joined by commas (None for none)."""
    tag_id = _ANNOTATION_TAG.c.tag_id
    joined: ColumnElement[Any]
    if session.get_bind().dialect.name == "sqlite":
        joined = func.group_concat(tag_id, ",")
    else:
        joined = func.string_agg(cast(tag_id, String), ",")
    annotation_id = _ANNOTATION_TAG.c.annotation_id
    return select(joined).where(annotation_id == _ANNOTATION.c.id).scalar_subquery()


def iso_time_columns(
    session: Session, *, updated_when_changed: bool = False
) -> tuple[list[ColumnElement[Any]], Callable[[Any], str]]:
    """Return the created and updated columns and the function that makes them ISO 8601 text.

    With ``updated_when_changed`` the updated column is NULL where it equals the created one.
    On SQLite the stored text becomes ISO 8601 in the query itself: parsing 200,000
    timestamps into datetimes only to print them again, or even slicing them in Python, costs
    more than the rest of the query.
    """
    columns, to_iso = _time_columns(session.get_bind().dialect.name, updated_when_changed)
    return list(columns), to_iso


@functools.cache
def _time_columns(
    dialect: str, updated_when_changed: bool
) -> tuple[tuple[ColumnElement[Any], ...], Callable[[Any], str]]:
    # Made once per database kind: building the SQLite expressions costs a tenth of a list.
    created_at, updated_at = _ANNOTATION.c.created_at, _ANNOTATION.c.updated_at
    if dialect != "sqlite":
        if updated_when_changed:
            return (created_at, case((updated_at == created_at, None), else_=updated_at)), _iso
        return (created_at, updated_at), _iso
    created_text, updated_text = type_coerce(created_at, String), type_coerce(updated_at, String)
    updated = _sqlite_iso_column(updated_text)
    if updated_when_changed:
        updated = case((updated_text == created_text, None), else_=updated)
    return (_sqlite_iso_column(created_text), updated), _sqlite_iso


def _sqlite_iso_column(stored: ColumnElement[str]) -> ColumnElement[str]:
    """Return SQL for the ISO 8601 text of a stored SQLite time, or "~" and the stored text.

    SQLAlchemy stores ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC here); the result is the text
    of ``presenter.isoformat_utc`` of the parsed value, which leaves out zero microseconds.
    Anything else comes back marked with "~" and is parsed in Python.
    """
    day, clock = func.substr(stored, 1, 10), func.substr(stored, 12, 8)
    return case(
        (
            and_(
                func.length(stored) == 26,
                func.substr(stored, 11, 1) == " ",
                func.substr(stored, 20, 1) == ".",
            ),
            day
            + "T"
            + case((func.substr(stored, 20) == ".000000", clock), else_=func.substr(stored, 12))
            + "+00:00",
        ),
        else_="~" + stored,
    )


def _iso(moment: dt.datetime | None) -> str:
    return isoformat_utc(moment) or ""


def _sqlite_iso(text: str) -> str:
    if text[:1] != "~":
        return text
    return _iso(dt.datetime.fromisoformat(text[1:]))


def annotation_dicts(
    session: Session,
    *,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    outside_exercises: bool = False,
) -> list[dict[str, Any]]:
    """Return the live annotations the filters pick, by position, as ``annotation_to_dict``.

    The filters are those of :func:`annotation_filters`. Two queries: the annotations
    with their author's name and their tag ids, then the tags those ids name.
    """
    table = _ANNOTATION
    times, to_iso = iso_time_columns(session)
    query = (
        select(
            *(table.c[name] for name in ANNOTATION_COLUMNS if name != "author_id"),
            _USER.c.name,
            *times,
            table.c.version,
            tag_ids_column(session),
        )
        .outerjoin(_USER, _USER.c.id == table.c.author_id)
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
    tag_lists = _tag_lists(session, {row[-1] for row in rows})
    answer = []
    # Unpacked: reading the columns by name off each Row makes the list half as slow again.
    for (
        public_id,
        document_id,
        comparison_id_,
        exercise_id_,
        start,
        end,
        quote,
        prefix,
        suffix,
        note,
        status,
        relation,
        link_document_id,
        link_start,
        link_end,
        link_quote,
        author,
        created_at,
        updated_at,
        version,
        tag_ids,
    ) in rows:
        tag_set, tags = tag_lists[tag_ids]
        answer.append(
            annotation_json(
                public_id=public_id,
                document_id=document_id,
                comparison_id=comparison_id_,
                exercise_id=exercise_id_,
                start=start,
                end=end,
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                tags=tags,
                tag_set=tag_set,
                note=note,
                status=status,
                author=author,
                relation=relation,
                link_document_id=link_document_id,
                link_start=link_start,
                link_end=link_end,
                link_quote=link_quote,
                created=to_iso(created_at),
                updated=to_iso(updated_at),
                deleted=False,
                version=version,
            )
        )
    return answer


def _tag_lists(
    session: Session, joined_ids: set[str | None]
) -> dict[str | None, tuple[str | None, tuple[dict[str, str], ...]]]:
    """Return, for each joined list of tag ids, its tag set's key and its tags in order."""
    wanted = {int(tag_id) for joined in joined_ids if joined for tag_id in joined.split(",")}
    tags = {}
    if wanted:
        for tag_id, key, name, colour, position, set_key in session.connection().execute(
            _TAGS_BY_ID, {"tag_ids": sorted(wanted)}
        ):
            tag = tag_to_dict(key, name, colour)
            tags[tag_id] = ((position, key, tag_id), tag, set_key)
    lists: dict[str | None, tuple[str | None, tuple[dict[str, str], ...]]] = {}
    for joined in joined_ids:
        found = sorted(
            (tags[int(tag_id)] for tag_id in (joined or "").split(",") if tag_id),
            key=lambda tag: tag[0],
        )
        lists[joined] = (found[0][2] if found else None, tuple(tag[1] for tag in found))
    return lists

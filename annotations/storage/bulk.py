"""Annotations read and written many at a time as Core rows: exports, imports, counts.

:mod:`annotations.exchange.outbound` turns these rows into records and
:mod:`annotations.exchange.inbound` records into rows; the tables stay inside the storage
package. Core statements rather than ORM objects: building and flushing
100,000 Annotation objects took most of an import's 40 s.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

from sqlalchemy import Connection
from sqlalchemy import Select
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations.storage._tables import ANNOTATION_COLUMNS
from annotations.storage._tables import ANNOTATION_ORDER
from annotations.storage._tables import ANNOTATION_TABLE
from annotations.storage._tables import ANNOTATION_TAG_TABLE
from annotations.storage.checks import AnnotationContent
from annotations.storage.listing import annotation_filters
from annotations.storage.listing import iso_time_columns
from annotations.storage.listing import tag_ids_column

__all__ = [
    "annotation_rows",
    "content_of",
    "count_annotations",
    "insert_annotations",
    "stored_contents",
]

_ANNOTATION: Final = ANNOTATION_TABLE
_ANNOTATION_TAG: Final = ANNOTATION_TAG_TABLE


def _filtered(
    query: Select[Any],
    *,
    comparison_id: int | None,
    exercise_id: int | None,
    outside_exercises: bool,
    author_id: int | None,
) -> Select[Any]:
    return query.where(
        *annotation_filters(
            comparison_id=comparison_id,
            exercise_id=exercise_id,
            outside_exercises=outside_exercises,
            author_id=author_id,
            # Exports carry suggestions and rejections with their status, unchanged.
            include_pending=True,
        )
    )


def count_annotations(
    session: Session,
    *,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    outside_exercises: bool = False,
    author_id: int | None = None,
) -> int:
    """Return how many live annotations the filters pick (those of :func:`annotation_rows`)."""
    query = _filtered(
        select(func.count()).select_from(_ANNOTATION),
        comparison_id=comparison_id,
        exercise_id=exercise_id,
        outside_exercises=outside_exercises,
        author_id=author_id,
    )
    return int(session.execute(query).scalar_one())


def annotation_rows(
    session: Session,
    *,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    outside_exercises: bool = False,
    author_id: int | None = None,
) -> tuple[Select[Any], Callable[[Any], str]]:
    """Return the select of the live annotations the filters pick, in text order, and ``to_iso``.

    Each row holds the annotation columns (those of ``models.Annotation`` that say what it
    is: public_id, document_id, comparison_id, exercise_id, start, end, quote, prefix,
    suffix, note, author_id, status, relation, link_document_id, link_start, link_end,
    link_quote), then created and updated (NULL when unchanged; ``to_iso`` makes them
    ISO 8601 text), then the imported annotator, created and updated (NULL unless imported),
    then the tag ids joined by commas.
    """
    times, to_iso = iso_time_columns(session, updated_when_changed=True)
    query = _filtered(
        select(
            *(_ANNOTATION.c[name] for name in ANNOTATION_COLUMNS),
            *times,
            _ANNOTATION.c.imported_annotator,
            _ANNOTATION.c.imported_created,
            _ANNOTATION.c.imported_updated,
            tag_ids_column(session),
        ),
        comparison_id=comparison_id,
        exercise_id=exercise_id,
        outside_exercises=outside_exercises,
        author_id=author_id,
    ).order_by(*ANNOTATION_ORDER)
    return query, to_iso


def content_of(values: Mapping[Any, Any], tag_ids: Iterable[int]) -> AnnotationContent:
    """Return what a row (stored, or about to be) says, to compare one with the other."""
    return AnnotationContent(
        document_id=values["document_id"],
        comparison_id=values["comparison_id"],
        exercise_id=values["exercise_id"],
        start=values["start"],
        end=values["end"],
        quote=values["quote"],
        tag_ids=frozenset(tag_ids),
        note=values["note"],
        relation=values["relation"],
        link_document_id=values["link_document_id"],
        link_start=values["link_start"],
        link_end=values["link_end"],
        link_quote=values["link_quote"],
    )


def stored_contents(session: Session, public_ids: Iterable[str]) -> dict[str, AnnotationContent]:
    """Return what each stored annotation with one of these public ids says, by public id."""
    ids = list(public_ids)
    stored: dict[str, AnnotationContent] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        rows = session.execute(
            select(_ANNOTATION).where(_ANNOTATION.c.public_id.in_(chunk))
        ).mappings()
        by_row = {row["id"]: row for row in rows}
        tag_ids: dict[int, set[int]] = {row_id: set() for row_id in by_row}
        if by_row:
            for annotation_id, tag_id in session.execute(
                select(_ANNOTATION_TAG.c.annotation_id, _ANNOTATION_TAG.c.tag_id).where(
                    _ANNOTATION_TAG.c.annotation_id.in_(list(by_row))
                )
            ):
                tag_ids[annotation_id].add(tag_id)
        for row_id, row in by_row.items():
            stored[row["public_id"]] = content_of(row, tag_ids[row_id])
    return stored


def _insert_many(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all have the same keys with the driver's own executemany.

    SQLAlchemy's executemany builds and processes each row's parameters in Python, most of
    an import's insert time; here each column's bind processor (the dialect's conversion of
    a datetime, say) runs as SQLAlchemy would run it, with nothing else around it. Columns
    the rows leave out take their scalar default.
    """
    keys = list(rows[0])
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    # Columns the rows leave out get their scalar default, as an ORM insert would give them.
    defaults: dict[str, Any] = {}
    for name in names:
        if name not in rows[0]:
            default = table.c[name].default
            if default is None or not default.is_scalar:
                raise ValueError(f"no value for the column {name!r}")
            defaults[name] = getattr(default, "arg", None)
    processors = {
        name: processor
        for name in names
        if (processor := table.c[name].type.bind_processor(dialect)) is not None
    }
    plain = [name for name in names if name not in processors]
    rows = [{**row, **defaults} for row in rows] if defaults else rows
    if not processors and compiled.positional:
        params: list[Any] = [tuple([row[name] for name in plain]) for row in rows]
    elif compiled.positional:
        params = [
            tuple(
                [processors[name](row[name]) if name in processors else row[name] for name in names]
            )
            for row in rows
        ]
    else:
        params = [
            {
                name: processors[name](row[name]) if name in processors else row[name]
                for name in names
            }
            for row in rows
        ]
    connection.exec_driver_sql(str(compiled), params)


def insert_annotations(session: Session, rows: list[tuple[dict[str, Any], list[int]]]) -> None:
    """Insert the rows and their tags with two executemany statements.

    The new rows' ids are read back by public id (unique) in one select: an insert with
    RETURNING runs one statement per row on SQLite, five times as long.
    """
    if not rows:
        return
    session.flush()  # the authors added by name
    connection = session.connection()
    _insert_many(connection, _ANNOTATION, [values for values, _ in rows])
    public_ids = [values["public_id"] for values, _ in rows]
    ids: dict[str, int] = {}
    for at in range(0, len(public_ids), 1000):
        found = connection.execute(
            select(_ANNOTATION.c.public_id, _ANNOTATION.c.id).where(
                _ANNOTATION.c.public_id.in_(public_ids[at : at + 1000])
            )
        )
        ids.update((public_id, row_id) for public_id, row_id in found)
    links = [
        {"annotation_id": ids[values["public_id"]], "tag_id": tag_id}
        for values, tag_ids in rows
        for tag_id in tag_ids
    ]
    if links:
        _insert_many(connection, _ANNOTATION_TAG, links)

"""Save, change, delete and restore annotations: the ORM save path and the one-statement one.

Every function takes the caller's Session and never commits, rolls back or opens one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import Final

from sqlalchemy import Insert
from sqlalchemy import Integer
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from annotations.errors import AnnotationNotFoundError
from annotations.errors import ConflictError
from annotations.errors import DocumentNotFoundError
from annotations.errors import StaleVersionError
from annotations.storage import models
from annotations.storage._tables import ANNOTATION_COLUMNS
from annotations.storage._tables import ANNOTATION_TABLE
from annotations.storage._tables import ANNOTATION_TAG_TABLE
from annotations.storage.checks import AnnotationInput
from annotations.storage.checks import _AuthorLike
from annotations.storage.checks import _check_annotation
from annotations.storage.checks import _check_note
from annotations.storage.checks import _check_public_id
from annotations.storage.checks import _read_for_save
from annotations.storage.checks import _resolve_tags
from annotations.storage.checks import _set_tags
from annotations.storage.checks import stored_content
from annotations.storage.presenter import annotation_json
from annotations.storage.presenter import isoformat_utc
from annotations.storage.presenter import tag_to_dict
from annotations.text.anchor import context_of

__all__ = [
    "ONE_STATEMENT_SAVE_DIALECTS",
    "add_annotation",
    "add_new_annotation",
    "check_version",
    "delete_annotation",
    "find_annotation",
    "restore_annotation",
    "update_annotation",
]


def find_annotation(session: Session, public_id: str) -> models.Annotation | None:
    """Return the annotation with this public id (deleted or not), or None."""
    query = (
        select(models.Annotation)
        .where(models.Annotation.public_id == public_id)
        .options(selectinload(models.Annotation.tags).selectinload(models.Tag.tag_set))
    )
    return session.scalars(query).first()


def _get_annotation(session: Session, public_id: str) -> models.Annotation:
    row = find_annotation(session, public_id)
    if row is None:
        raise AnnotationNotFoundError(f"no annotation has the id {public_id!r}")
    return row


def add_annotation(
    session: Session,
    data: AnnotationInput,
    *,
    author_id: int | None = None,
    assume_new: bool = False,
) -> tuple[models.Annotation, bool]:
    """Store a new annotation and return it with True, or the same one saved before with False.

    Saving is idempotent on ``public_id``: the same content again returns the stored row;
    different content under a stored id raises :class:`ConflictError`. When the quote is not
    at ``[start, end)`` it is looked for nearby (see :func:`annotations.text.anchor.anchor_quote`),
    and the span where it is found is stored. With ``assume_new`` the stored ids are not
    looked at first: a stored id then raises ``IntegrityError`` from the flush, and the caller
    rolls back and calls again without it (one query less when ids are new, as they mostly are).
    """
    _check_public_id(data.public_id)
    checked, tags, document = _check_annotation(session, data, _set_tags)
    existing = None if assume_new else find_annotation(session, data.public_id)
    if existing is not None:
        if stored_content(existing) != checked:
            raise ConflictError(
                f"annotation {data.public_id} was already saved with other content",
                field="public_id",
            )
        return existing, False
    prefix, suffix = context_of(document.text, checked.start, checked.end)
    row = models.Annotation(
        public_id=data.public_id,
        document_id=checked.document_id,
        comparison_id=checked.comparison_id,
        exercise_id=checked.exercise_id,
        start=checked.start,
        end=checked.end,
        quote=checked.quote,
        prefix=prefix,
        suffix=suffix,
        note=checked.note,
        author_id=author_id,
        status="human",
        relation=checked.relation,
        link_document_id=checked.link_document_id,
        link_start=checked.link_start,
        link_end=checked.link_end,
        link_quote=checked.link_quote,
        tags=tags,
    )
    session.add(row)
    session.flush()
    return row, True


_INSERT_ANNOTATION = insert(ANNOTATION_TABLE).returning(ANNOTATION_TABLE.c.id)
_INSERT_ANNOTATION_TAG = insert(ANNOTATION_TAG_TABLE)
# The columns a new annotation's insert sets.
_NEW_COLUMNS: Final = (*ANNOTATION_COLUMNS, "created_at", "updated_at")


def _insert_with_tags() -> Insert:
    """Return INSERT of an annotation that also inserts its tags, ``tag_ids`` (PostgreSQL)."""
    # Named parameters: inside a WITH, an insert does not take its columns from the values.
    parameters = {
        name: bindparam(name, type_=ANNOTATION_TABLE.c[name].type) for name in _NEW_COLUMNS
    }
    new = (
        insert(ANNOTATION_TABLE)
        .values(parameters)
        .returning(ANNOTATION_TABLE.c.id)
        .cte("new_annotation")
    )
    tag_ids = func.unnest(bindparam("tag_ids", type_=postgresql.ARRAY(Integer)))
    rows = select(new.c.id, tag_ids).select_from(new)
    columns = ["annotation_id", "tag_id"]
    return insert(ANNOTATION_TAG_TABLE).from_select(columns, rows).add_cte(new)


_INSERT_ANNOTATION_WITH_TAGS: Final = _insert_with_tags()
# The databases on which add_new_annotation writes in one statement, so it needs no
# transaction around it.
ONE_STATEMENT_SAVE_DIALECTS: Final = frozenset({"postgresql"})


def add_new_annotation(
    session: Session,
    data: AnnotationInput,
    *,
    author: _AuthorLike | None = None,
) -> dict[str, Any]:
    """Store a new annotation and return it as ``presenter.annotation_to_dict`` gives it.

    The same checks as :func:`add_annotation` with ``assume_new``, in fewer round trips: one
    query reads the document, the comparison's members and the tags, and the rows go in as
    Core inserts (one statement on PostgreSQL) without ORM objects. A document that does not
    exist raises :class:`DocumentNotFoundError`. A stored ``public_id`` raises
    ``IntegrityError``; the caller rolls back and calls :func:`add_annotation` to answer a
    replay or a conflict. ``author`` may be any object with ``id`` and ``name``, such as a
    Core row. The reads use the session's connection without an autoflush: flush anything
    pending that they depend on first.
    """
    _check_public_id(data.public_id)
    reads = _read_for_save(session, data)
    if reads.document is None:
        raise DocumentNotFoundError(f"no document has the id {data.document_id}")
    checked, tags, document = _check_annotation(
        session,
        data,
        lambda _session, _key: reads.tags,
        reads.document,
        lambda _session, _comparison_id: reads.member_ids,
    )
    prefix, suffix = context_of(document.text, checked.start, checked.end)
    now = models.utcnow()
    values = {
        "public_id": data.public_id,
        "document_id": checked.document_id,
        "comparison_id": checked.comparison_id,
        "exercise_id": checked.exercise_id,
        "start": checked.start,
        "end": checked.end,
        "quote": checked.quote,
        "prefix": prefix,
        "suffix": suffix,
        "note": checked.note,
        "author_id": author.id if author is not None else None,
        "status": "human",
        "relation": checked.relation,
        "link_document_id": checked.link_document_id,
        "link_start": checked.link_start,
        "link_end": checked.link_end,
        "link_quote": checked.link_quote,
        "created_at": now,
        "updated_at": now,
    }
    connection = session.connection()
    tag_ids = [tag.id for tag in tags]
    if connection.dialect.name in ONE_STATEMENT_SAVE_DIALECTS:
        # The annotation and its tags in one statement (a data-modifying WITH).
        connection.execute(_INSERT_ANNOTATION_WITH_TAGS, {**values, "tag_ids": tag_ids})
    else:
        annotation_id = connection.execute(_INSERT_ANNOTATION, values).scalar_one()
        connection.execute(
            _INSERT_ANNOTATION_TAG,
            [{"annotation_id": annotation_id, "tag_id": tag_id} for tag_id in tag_ids],
        )
    stamp = isoformat_utc(now)
    return annotation_json(
        public_id=data.public_id,
        document_id=checked.document_id,
        comparison_id=checked.comparison_id,
        exercise_id=checked.exercise_id,
        start=checked.start,
        end=checked.end,
        quote=checked.quote,
        prefix=prefix,
        suffix=suffix,
        # In the order asked for, as add_annotation's row holds them until it is read again.
        tags=[tag_to_dict(tag.key, tag.name, tag.colour) for tag in tags],
        tag_set=data.tag_set_key,
        note=checked.note,
        status="human",
        author=author.name if author is not None else None,
        relation=checked.relation,
        link_document_id=checked.link_document_id,
        link_start=checked.link_start,
        link_end=checked.link_end,
        link_quote=checked.link_quote,
        created=stamp,
        updated=stamp,
        deleted=False,
    )


def update_annotation(
    session: Session,
    public_id: str,
    *,
    tag_keys: Sequence[str] | None = None,
    note: str | None = None,
    version: int | None = None,
) -> models.Annotation:
    """Change an annotation's tags (within its tag set) or note, and return it.

    With ``version``, the version the change started from: another raises
    StaleVersionError and changes nothing.
    """
    row = _get_annotation(session, public_id)
    check_version(row, version)
    if row.deleted_at is not None:
        raise AnnotationNotFoundError(f"annotation {public_id!r} is deleted; restore it first")
    if tag_keys is not None:
        row.tags = _resolve_tags(session, row.tags[0].tag_set.key, tag_keys)
    if note is not None:
        row.note = _check_note(note)
    # Changing only the tags touches no column of the row, so the time is set here.
    row.updated_at = models.utcnow()
    session.flush()
    return row


def check_version(row: models.Annotation, version: int | None) -> None:
    """Raise StaleVersionError if ``version`` is given and is not the row's version."""
    if version is not None and version != row.version:
        raise StaleVersionError(
            f"the annotation was changed elsewhere (it is at version {row.version}, "
            f"this change started from version {version})",
            field="version",
        )


def delete_annotation(
    session: Session, public_id: str, *, version: int | None = None
) -> models.Annotation:
    """Mark an annotation deleted (it can be restored) and return it.

    With ``version``, as for :func:`update_annotation`.
    """
    row = _get_annotation(session, public_id)
    check_version(row, version)
    if row.deleted_at is None:
        row.deleted_at = models.utcnow()
        session.flush()
    return row


def restore_annotation(session: Session, public_id: str) -> models.Annotation:
    """Undo the deletion of an annotation and return it."""
    row = _get_annotation(session, public_id)
    if row.deleted_at is not None:
        row.deleted_at = None
        session.flush()
    return row

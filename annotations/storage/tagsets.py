"""Read and write tag sets, and install the built-in ones.

Every function takes the caller's Session and never commits, rolls back or opens one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from annotations.framing import taxonomy
from annotations.storage import models

__all__ = [
    "change_refusal",
    "get_tag_set",
    "install_builtin_tag_sets",
    "list_tag_sets",
    "save_tag_set",
    "tag_set_record",
]


def get_tag_set(session: Session, key: str) -> models.TagSet | None:
    """Return the stored tag set with this key, or None."""
    query = (
        select(models.TagSet)
        .where(models.TagSet.key == key)
        .options(selectinload(models.TagSet.tags))
    )
    return session.scalars(query).first()


def list_tag_sets(session: Session) -> list[models.TagSet]:
    """Return the stored tag sets, built-in ones first, then by name."""
    query = (
        select(models.TagSet)
        .options(selectinload(models.TagSet.tags))
        .order_by(models.TagSet.is_builtin.desc(), models.TagSet.name, models.TagSet.id)
    )
    return list(session.scalars(query))


def tag_set_record(row: models.TagSet) -> taxonomy.TagSet:
    """Return the frozen tag set a row holds."""
    return taxonomy.TagSet(
        key=row.key,
        name=row.name,
        description=row.description,
        version=row.version,
        source=row.source,
        tags=tuple(
            taxonomy.Tag(
                key=tag.key,
                name=tag.name,
                description=tag.description,
                colour=tag.colour,
                shortcut=tag.shortcut,
                group=tag.group_name,
            )
            for tag in row.tags
        ),
    )


def _tags_in_use(session: Session, tag_ids: Sequence[int]) -> int:
    if not tag_ids:
        return 0
    query = (
        select(func.count())
        .select_from(models.AnnotationTag)
        .where(models.AnnotationTag.tag_id.in_(tag_ids))
    )
    return session.scalar(query) or 0


def change_refusal(session: Session, row: models.TagSet, user_id: int | None) -> str | None:
    """Return why ``user_id`` may not change the stored set ``row``, or None if they may.

    A set belongs to the teacher who made it; others copy it. A set that an exercise past
    its draft uses stays as the students tagged with it. ``user_id`` None (sign-in off, the
    command line) skips the owner check only.
    """
    if row.is_builtin:
        return f"\u201c{row.name}\u201d is built in and cannot be changed: copy it to edit"
    if user_id is not None and row.owner_id is not None and row.owner_id != user_id:
        return (
            f"\u201c{row.name}\u201d belongs to another teacher: copy it to make your own version"
        )
    query = (
        select(models.Exercise.title)
        .where(models.Exercise.tag_set_id == row.id, models.Exercise.state != "draft")
        .order_by(models.Exercise.id)
        .limit(1)
    )
    title = session.scalars(query).first()
    if title is not None:
        return (
            f"\u201c{row.name}\u201d is used by the exercise \u201c{title}\u201d, so it stays "
            "as the students see it: copy it to make a changed version"
        )
    return None


def save_tag_set(
    session: Session,
    tag_set: taxonomy.TagSet,
    *,
    builtin: bool = False,
    owner_id: int | None = None,
) -> models.TagSet:
    """Store ``tag_set`` under its key, adding it or replacing the stored one, and return the row.

    Tags are matched by key, so annotations keep the tags that stay. A built-in set is only
    changed by installing the built-in sets again (``builtin=True``); people copy it instead.
    Removing a tag that annotations use raises :class:`~annotations.framing.taxonomy.TaxonomyError`,
    and so does changing a set :func:`change_refusal` refuses to ``owner_id``; a new set
    belongs to ``owner_id``.
    """
    row = get_tag_set(session, tag_set.key)
    if row is None:
        row = models.TagSet(key=tag_set.key, tags=[], owner_id=owner_id)
        session.add(row)
    elif not builtin and not row.is_builtin:
        refusal = change_refusal(session, row, owner_id)
        if refusal is not None:
            raise taxonomy.TaxonomyError("key", refusal)
    elif row.is_builtin and not builtin:
        raise taxonomy.TaxonomyError(
            "key", f"{tag_set.key!r} is a built-in tag set: copy it to make your own version"
        )
    elif builtin and not row.is_builtin:
        raise taxonomy.TaxonomyError(
            "key", f"{tag_set.key!r} is already used by a tag set that is not built in"
        )
    kept = {tag.key: tag for tag in row.tags}
    wanted = {tag.key for tag in tag_set.tags}
    dropped = [tag for key, tag in kept.items() if key not in wanted]
    used = _tags_in_use(session, [tag.id for tag in dropped if tag.id is not None])
    if used:
        names = ", ".join(repr(tag.key) for tag in dropped)
        raise taxonomy.TaxonomyError(
            "tags", f"cannot remove {names}: {used} annotation tag(s) use them; copy the set"
        )
    row.name = tag_set.name
    row.description = tag_set.description
    row.version = tag_set.version
    row.source = tag_set.source
    row.is_builtin = builtin
    tags: list[models.Tag] = []
    for position, tag in enumerate(tag_set.tags):
        tag_row = kept.get(tag.key) or models.Tag(key=tag.key)
        tag_row.name = tag.name
        tag_row.description = tag.description
        tag_row.colour = tag.colour
        tag_row.shortcut = tag.shortcut
        tag_row.group_name = tag.group
        tag_row.position = position
        tags.append(tag_row)
    row.tags = tags
    row.updated_at = models.utcnow()
    session.flush()
    return row


def install_builtin_tag_sets(session: Session) -> int:
    """Store the built-in tag sets that are missing or out of date; return how many changed."""
    changed = 0
    for tag_set in taxonomy.builtin_tag_sets():
        row = get_tag_set(session, tag_set.key)
        if row is not None and row.is_builtin and tag_set_record(row) == tag_set:
            continue
        save_tag_set(session, tag_set, builtin=True)
        changed += 1
    return changed

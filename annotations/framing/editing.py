"""Edit tag sets: every edit returns a new, checked set one version higher.

A :class:`~annotations.framing.taxonomy.TagSet` never changes in place, so annotations
made with an older version keep their meaning.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import fields
from dataclasses import replace
from typing import Any

from annotations.errors import TaxonomyError
from annotations.framing.taxonomy import MAX_KEY_LENGTH
from annotations.framing.taxonomy import MAX_SOURCE_LENGTH
from annotations.framing.taxonomy import PALETTE
from annotations.framing.taxonomy import SHORTCUT_ORDER
from annotations.framing.taxonomy import Tag
from annotations.framing.taxonomy import TagSet

__all__ = [
    "add_tag",
    "copy_tag_set",
    "free_colour",
    "free_shortcut",
    "move_tag",
    "remove_tag",
    "slugify",
    "update_tag",
    "update_tag_set",
]


def slugify(name: str, *, taken: Collection[str] = ()) -> str:
    """Return a key made from ``name``: lowercase ASCII words joined by hyphens.

    Accents are dropped; letters and digits with no ASCII form become ``u`` plus their
    code point in hex. With ``taken``, a suffix ``-2``, ``-3``... keeps the key unique.

    >>> slugify("Appeal to fear/prejudice")
    'appeal-to-fear-prejudice'
    >>> slugify("Économie", taken={"economie"})
    'economie-2'
    """
    words: list[str] = []
    word: list[str] = []
    # Casefolding first turns "ß" into "ss"; NFKD then splits accents off their letters.
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if unicodedata.category(char)[0] == "M":
            continue
        if char.isascii() and char.isalnum():
            word.append(char.lower())
            continue
        if word:
            words.append("".join(word))
            word = []
        if char.isalnum():
            words.append(f"u{ord(char):04x}")
    if word:
        words.append("".join(word))
    if not words:
        raise TaxonomyError("name", f"{name!r} has no letters or digits to make a key from")
    base = _clip_key("-".join(words), MAX_KEY_LENGTH)
    key, number = base, 1
    while key in taken:
        number += 1
        suffix = f"-{number}"
        key = _clip_key(base, MAX_KEY_LENGTH - len(suffix)) + suffix
    return key


def _clip_key(key: str, limit: int) -> str:
    if len(key) <= limit:
        return key
    clipped = key[:limit]
    # Cut at a hyphen so no word is left half-written, unless the first word is too long.
    if key[limit] != "-" and "-" in clipped:
        clipped = clipped.rsplit("-", 1)[0]
    return clipped.rstrip("-")


def free_shortcut(tag_set: TagSet) -> str | None:
    """Return the first key of 1-9, 0, a-z that no tag of the set uses, or None."""
    used = {tag.shortcut.casefold() for tag in tag_set.tags if tag.shortcut is not None}
    return next((char for char in SHORTCUT_ORDER if char not in used), None)


def free_colour(tag_set: TagSet) -> str:
    """Return the first palette colour no tag of the set uses (cycling once all are used)."""
    used = {tag.colour for tag in tag_set.tags}
    unused = [colour for colour in PALETTE if colour not in used]
    return unused[0] if unused else PALETTE[len(tag_set.tags) % len(PALETTE)]


def _next_version(tag_set: TagSet, **changes: Any) -> TagSet:
    return replace(tag_set, version=tag_set.version + 1, **changes)


def _index_of(tag_set: TagSet, tag_key: str) -> int:
    for index, tag in enumerate(tag_set.tags):
        if tag.key == tag_key:
            return index
    raise TaxonomyError("tag_key", f"no tag {tag_key!r} in tag set {tag_set.key!r}")


def copy_tag_set(tag_set: TagSet, *, key: str, name: str) -> TagSet:
    """Return an editable copy under a new key and name, at version 1, noting its origin."""
    origin = f"Copied from {tag_set.name} ({tag_set.key}, version {tag_set.version})"
    source = f"{origin}; {tag_set.source}" if tag_set.source else f"{origin}."
    if len(source) > MAX_SOURCE_LENGTH:
        # Copies of copies keep the newest origin and as much older history as fits.
        source = source[: MAX_SOURCE_LENGTH - 1] + "…"
    return replace(tag_set, key=key, name=name, version=1, source=source)


def update_tag_set(tag_set: TagSet, **changes: str | None) -> TagSet:
    """Return the set with a new ``name``, ``description`` and/or ``source``, next version.

    With nothing actually changed, return ``tag_set`` itself (no new version).
    """
    allowed = {"name", "description", "source"}
    for field_name in changes:
        if field_name not in allowed:
            raise TaxonomyError(field_name, "cannot be changed with update_tag_set")
    if all(getattr(tag_set, name) == value for name, value in changes.items()):
        return tag_set
    return _next_version(tag_set, **changes)


def _check_clashes(tags: tuple[Tag, ...], index: int) -> None:
    # Report a clash at the tag being edited rather than at whichever comes later.
    tag = tags[index]
    for other_index, other in enumerate(tags):
        if other_index == index:
            continue
        for what, mine, theirs in (
            ("key", tag.key, other.key),
            ("name", tag.name.casefold(), other.name.casefold()),
            ("shortcut", _fold(tag.shortcut), _fold(other.shortcut)),
        ):
            if mine is not None and mine == theirs:
                shown = getattr(tag, what)
                raise TaxonomyError(
                    f"tags[{index}].{what}",
                    f"duplicate {what} {shown!r}",
                    clashes_with=other_index,
                )


def _fold(shortcut: str | None) -> str | None:
    return None if shortcut is None else shortcut.casefold()


def add_tag(tag_set: TagSet, tag: Tag, *, index: int | None = None) -> TagSet:
    """Return the set with ``tag`` added at the end (or before ``index``), next version."""
    position = len(tag_set.tags) if index is None else index
    if not 0 <= position <= len(tag_set.tags):
        raise TaxonomyError("index", f"{position} is outside 0..{len(tag_set.tags)}")
    tags = list(tag_set.tags)
    tags.insert(position, tag)
    _check_clashes(tuple(tags), position)
    return _next_version(tag_set, tags=tuple(tags))


def update_tag(tag_set: TagSet, tag_key: str, **changes: str | None) -> TagSet:
    """Return the set with the tag ``tag_key`` changed as given, next version.

    Any field of :class:`Tag` may change, the key too. A bad value raises with the tag's
    field (``colour``); a clash with another tag with ``tags[i].<field>``. With nothing
    actually changed, return ``tag_set`` itself (no new version).
    """
    index = _index_of(tag_set, tag_key)
    names = {field.name for field in fields(Tag)}
    for field_name in changes:
        if field_name not in names:
            raise TaxonomyError(field_name, "is not a field of a tag")
    # Tag checks the values at run time; the hint only says each is text or None.
    values: dict[str, Any] = changes
    tag = replace(tag_set.tags[index], **values)
    if tag == tag_set.tags[index]:
        return tag_set
    tags = tag_set.tags[:index] + (tag,) + tag_set.tags[index + 1 :]
    _check_clashes(tags, index)
    return _next_version(tag_set, tags=tags)


def remove_tag(tag_set: TagSet, tag_key: str) -> TagSet:
    """Return the set without the tag ``tag_key``, next version."""
    index = _index_of(tag_set, tag_key)
    return _next_version(tag_set, tags=tag_set.tags[:index] + tag_set.tags[index + 1 :])


def move_tag(tag_set: TagSet, tag_key: str, index: int) -> TagSet:
    """Return the set with the tag ``tag_key`` moved to position ``index``, next version."""
    current = _index_of(tag_set, tag_key)
    if not 0 <= index < len(tag_set.tags):
        raise TaxonomyError("index", f"{index} is outside 0..{len(tag_set.tags) - 1}")
    if index == current:
        return tag_set
    tags = list(tag_set.tags)
    tags.insert(index, tags.pop(current))
    return _next_version(tag_set, tags=tuple(tags))

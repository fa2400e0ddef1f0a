"""Tag sets: named, versioned, frozen lists of tags, the built-in sets and JSON.

The built-in sets are ``tagsets/*.json`` here, read by :func:`tag_set_from_json` as imports are.

A :class:`TagSet` never changes in place: every edit (:mod:`annotations.framing.editing`)
returns a new set whose ``version`` is one higher, so annotations made with an older
version keep their meaning.
Every check raises :class:`TaxonomyError`, whose ``field`` names what is wrong
(``"colour"``, ``"tags[3].shortcut"``) so a form or an import can point at it.

Shortcut keys are single printable characters, compared case-insensitively within a set.
The annotation screen keeps these keys for itself (see :data:`RESERVED_SHORTCUTS`):
Escape cancels the tag picker, Enter confirms it, Tab moves focus, space scrolls the page,
and ``?`` opens the keyboard help.

JSON shape (``format_version`` 1), as written by :func:`tag_set_to_json`::

    {"format": "parallax-tagset", "format_version": 1,
     "key": "media-literacy", "name": "Media literacy", "description": "...",
     "version": 1, "source": "..." or null,
     "tags": [{"key": "slogan", "name": "Slogan or catchphrase", "description": "...",
               "colour": "#fee891", "shortcut": "1" or null, "group": "..." or null}]}

:func:`tag_set_from_json` also accepts a tag set without ``description``/``source`` and
tags without ``description``/``shortcut``/``group`` (empty text or null); any other field
missing, or any field it does not know, is an error.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Any
from typing import Final

from annotations.errors import TaxonomyError

__all__ = [
    "DEFAULT_TAG_SET",
    "DEFAULT_TAG_SET_KEY",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_KEY_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_SOURCE_LENGTH",
    "MAX_TAGS",
    "MEDIA_LITERACY",
    "PALETTE",
    "PERSUASION_TECHNIQUES",
    "POLICY_FRAMES",
    "RESERVED_SHORTCUTS",
    "SHORTCUT_ORDER",
    "Tag",
    "TagSet",
    "TaxonomyError",
    "builtin_tag_sets",
    "get_builtin",
    "tag_set_from_json",
    "tag_set_to_json",
]

MAX_TAGS: Final = 60
MAX_KEY_LENGTH: Final = 64
MAX_NAME_LENGTH: Final = 80
MAX_DESCRIPTION_LENGTH: Final = 500
MAX_SOURCE_LENGTH: Final = 500

FORMAT: Final = "parallax-tagset"
FORMAT_VERSION: Final = 1

#: Keys the annotation screen handles itself, each with the reason; compared casefolded.
RESERVED_SHORTCUTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "\x1b": "Escape cancels the tag picker",
        "esc": "Escape cancels the tag picker",
        "escape": "Escape cancels the tag picker",
        "\r": "Enter confirms the tag picker",
        "\n": "Enter confirms the tag picker",
        "enter": "Enter confirms the tag picker",
        "return": "Enter confirms the tag picker",
        "\t": "Tab moves the keyboard focus",
        "tab": "Tab moves the keyboard focus",
        " ": "space scrolls the page",
        "space": "space scrolls the page",
        "?": "? opens the keyboard help",
    }
)

#: The order in which :func:`free_shortcut` offers keys.
SHORTCUT_ORDER: Final = "1234567890abcdefghijklmnopqrstuvwxyz"

#: Pastel highlight colours, distinct from each other and from a white page; near-black text
#: (#1a1a1a) on any of them keeps a contrast ratio above 8:1 (WCAG AAA asks for 7:1).
PALETTE: Final[tuple[str, ...]] = (
    "#a8c0f8",
    "#d0d000",
    "#90b090",
    "#d0f8b8",
    "#b0a858",
    "#f880b8",
    "#a8f8f8",
    "#c8d880",
    "#f8f080",
    "#98d0b8",
    "#78b0b8",
    "#f88800",
    "#f8c0d8",
    "#e8f810",
    "#c0d8a0",
    "#20e0d0",
    "#d8a0d8",
    "#d8d0f8",
    "#b0b880",
    "#b8f0c8",
    "#48b0f8",
    "#d0b850",
    "#f0a8a8",
)

_KEY_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLOUR_RE: Final = re.compile(r"#[0-9a-fA-F]{6}")


def _check_key(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if len(value) > MAX_KEY_LENGTH:
        raise TaxonomyError(field, f"longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_RE.fullmatch(value):
        raise TaxonomyError(
            field, f"{value!r} is not a key: use lowercase letters, digits and single hyphens"
        )


def _check_name(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if not value.strip():
        raise TaxonomyError(field, "must not be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise TaxonomyError(field, f"longer than {MAX_NAME_LENGTH} characters")
    if value != value.strip():
        raise TaxonomyError(field, f"{value!r} starts or ends with whitespace")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise TaxonomyError(field, "must be one line without control characters")


def _check_text(value: object, field: str, limit: int) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if len(value) > limit:
        raise TaxonomyError(field, f"longer than {limit} characters")
    # Line breaks are fine in a description; other control characters are never meant.
    if any(unicodedata.category(char) == "Cc" and char != "\n" for char in value):
        raise TaxonomyError(field, "contains control characters")


def _check_shortcut(value: object, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected one character or null, got {type(value).__name__}")
    reason = RESERVED_SHORTCUTS.get(value.casefold())
    if reason is not None:
        raise TaxonomyError(field, f"{value!r} is reserved: {reason}")
    if len(value) != 1:
        raise TaxonomyError(field, f"{value!r} is not a single character")
    # A combining mark or a space cannot be pressed on its own as a key.
    if not value.isprintable() or value.isspace() or unicodedata.category(value)[0] == "M":
        raise TaxonomyError(field, f"{value!r} is not a printable character")


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag: a stable key, what people see, a highlight colour and an optional key."""

    key: str
    name: str
    description: str
    colour: str
    shortcut: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        _check_key(self.key, "key")
        _check_name(self.name, "name")
        _check_text(self.description, "description", MAX_DESCRIPTION_LENGTH)
        if not isinstance(self.colour, str) or not _COLOUR_RE.fullmatch(self.colour):
            raise TaxonomyError("colour", f"expected '#rrggbb', got {self.colour!r}")
        # One spelling per colour, so equal colours compare equal.
        object.__setattr__(self, "colour", self.colour.lower())
        _check_shortcut(self.shortcut, "shortcut")
        if self.group is not None:
            _check_name(self.group, "group")


@dataclass(frozen=True, slots=True)
class TagSet:
    """A named, versioned list of tags; keys, names and shortcuts are unique within it."""

    key: str
    name: str
    description: str
    version: int = 1
    tags: tuple[Tag, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        _check_key(self.key, "key")
        _check_name(self.name, "name")
        _check_text(self.description, "description", MAX_DESCRIPTION_LENGTH)
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise TaxonomyError("version", f"expected an integer, got {self.version!r}")
        if self.version < 1:
            raise TaxonomyError("version", f"must be at least 1, got {self.version}")
        if self.source is not None:
            _check_text(self.source, "source", MAX_SOURCE_LENGTH)
            if not self.source.strip():
                raise TaxonomyError("source", "must not be empty (use null for no source)")
        if isinstance(self.tags, list):
            object.__setattr__(self, "tags", tuple(self.tags))
        if not isinstance(self.tags, tuple):
            raise TaxonomyError("tags", f"expected a tuple of tags, got {type(self.tags).__name__}")
        if len(self.tags) > MAX_TAGS:
            raise TaxonomyError("tags", f"at most {MAX_TAGS} tags, got {len(self.tags)}")
        seen_keys: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        seen_shortcuts: dict[str, int] = {}
        for index, tag in enumerate(self.tags):
            if not isinstance(tag, Tag):
                raise TaxonomyError(f"tags[{index}]", f"expected a Tag, got {type(tag).__name__}")
            _check_unique(seen_keys, tag.key, tag.key, index, "key")
            _check_unique(seen_names, tag.name.casefold(), tag.name, index, "name")
            if tag.shortcut is not None:
                folded = tag.shortcut.casefold()
                _check_unique(seen_shortcuts, folded, tag.shortcut, index, "shortcut")

    def get_tag(self, key: str) -> Tag | None:
        """Return the tag with this key, or None."""
        for tag in self.tags:
            if tag.key == key:
                return tag
        return None

    def tag_for_shortcut(self, char: str) -> Tag | None:
        """Return the tag whose shortcut is ``char`` (ignoring case), or None."""
        folded = char.casefold()
        for tag in self.tags:
            if tag.shortcut is not None and tag.shortcut.casefold() == folded:
                return tag
        return None

    @property
    def groups(self) -> tuple[str, ...]:
        """Return the tags' group names in order of first appearance."""
        return tuple(dict.fromkeys(tag.group for tag in self.tags if tag.group is not None))


def _check_unique(seen: dict[str, int], folded: str, shown: str, index: int, what: str) -> None:
    first = seen.setdefault(folded, index)
    if first != index:
        raise TaxonomyError(
            f"tags[{index}].{what}",
            f"duplicate {what} {shown!r}",
            clashes_with=first,
        )


# -- JSON ------------------------------------------------------------------------------------

_SET_FIELDS: Final = (
    "format",
    "format_version",
    "key",
    "name",
    "description",
    "version",
    "source",
    "tags",
)
_TAG_FIELDS: Final = ("key", "name", "description", "colour", "shortcut", "group")
_SPELLINGS: Final = {"color": "colour", "colours": "colour", "shortcut_key": "shortcut"}


def tag_set_to_json(tag_set: TagSet) -> dict[str, Any]:
    """Return ``tag_set`` as the documented ``parallax-tagset`` dict (format version 1)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": tag_set.key,
        "name": tag_set.name,
        "description": tag_set.description,
        "version": tag_set.version,
        "source": tag_set.source,
        "tags": [
            {
                "key": tag.key,
                "name": tag.name,
                "description": tag.description,
                "colour": tag.colour,
                "shortcut": tag.shortcut,
                "group": tag.group,
            }
            for tag in tag_set.tags
        ],
    }


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _object(value: object, where: str, known: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TaxonomyError(where, f"expected an object, got {_type_name(value)}")
    for name in value:
        if name not in known:
            hint = _SPELLINGS.get(name) if isinstance(name, str) else None
            tip = f" (did you mean {hint!r}?)" if hint else ""
            prefix = "" if where == "data" else f"{where}."
            raise TaxonomyError(f"{prefix}{name}", f"unknown field{tip}")
    return value


def _required(data: dict[str, object], name: str, where: str) -> object:
    if name not in data:
        raise TaxonomyError(where, "missing")
    return data[name]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise TaxonomyError(where, f"expected text, got {_type_name(value)}")
    return value


def _optional_text(value: object, where: str) -> str | None:
    return None if value is None else _text(value, where)


def tag_set_from_json(data: object) -> TagSet:
    """Return the tag set in a ``parallax-tagset`` dict, checking every field.

    Raise :class:`TaxonomyError` naming the first bad field, e.g. ``tags[2].colour``.
    """
    root = _object(data, "data", _SET_FIELDS)
    fmt = _required(root, "format", "format")
    if fmt != FORMAT:
        raise TaxonomyError("format", f"expected {FORMAT!r}, got {fmt!r}")
    format_version = _required(root, "format_version", "format_version")
    if isinstance(format_version, bool) or not isinstance(format_version, int):
        raise TaxonomyError(
            "format_version", f"expected a whole number, got {_type_name(format_version)}"
        )
    if format_version != FORMAT_VERSION:
        raise TaxonomyError(
            "format_version", f"unsupported version {format_version} (expected {FORMAT_VERSION})"
        )
    key = _text(_required(root, "key", "key"), "key")
    name = _text(_required(root, "name", "name"), "name")
    description = _text(root.get("description", ""), "description")
    version = _required(root, "version", "version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise TaxonomyError("version", f"expected a whole number, got {_type_name(version)}")
    source = _optional_text(root.get("source"), "source")
    raw_tags = _required(root, "tags", "tags")
    if not isinstance(raw_tags, list):
        raise TaxonomyError("tags", f"expected a list, got {_type_name(raw_tags)}")
    if len(raw_tags) > MAX_TAGS:
        raise TaxonomyError("tags", f"at most {MAX_TAGS} tags, got {len(raw_tags)}")
    tags = tuple(_tag_from_json(raw, f"tags[{index}]") for index, raw in enumerate(raw_tags))
    return TagSet(key, name, description, version=version, tags=tags, source=source)


def _tag_from_json(raw: object, where: str) -> Tag:
    item = _object(raw, where, _TAG_FIELDS)
    key = _text(_required(item, "key", f"{where}.key"), f"{where}.key")
    name = _text(_required(item, "name", f"{where}.name"), f"{where}.name")
    colour = _text(_required(item, "colour", f"{where}.colour"), f"{where}.colour")
    description = _text(item.get("description", ""), f"{where}.description")
    shortcut = _optional_text(item.get("shortcut"), f"{where}.shortcut")
    group = _optional_text(item.get("group"), f"{where}.group")
    try:
        return Tag(key, name, description, colour, shortcut=shortcut, group=group)
    except TaxonomyError as error:
        raise error.within(where) from None


# -- built-in sets ---------------------------------------------------------------------------

DEFAULT_TAG_SET_KEY: Final = "media-literacy"


def _load_builtin(key: str) -> TagSet:
    """Return the built-in set stored as ``tagsets/<key>.json``, checked like an imported one."""
    resource = files("annotations.framing").joinpath("tagsets", f"{key}.json")
    tag_set = tag_set_from_json(json.loads(resource.read_text(encoding="utf-8")))
    if tag_set.key != key:
        raise TaxonomyError("key", f"expected {key!r} in tagsets/{key}.json, got {tag_set.key!r}")
    return tag_set


MEDIA_LITERACY: Final = _load_builtin("media-literacy")
POLICY_FRAMES: Final = _load_builtin("policy-frames")
PERSUASION_TECHNIQUES: Final = _load_builtin("persuasion-techniques")
DEFAULT_TAG_SET: Final = MEDIA_LITERACY
_BUILTINS: Final = (MEDIA_LITERACY, POLICY_FRAMES, PERSUASION_TECHNIQUES)


def builtin_tag_sets() -> tuple[TagSet, ...]:
    """Return the built-in tag sets, the default (media literacy) first."""
    return _BUILTINS


def get_builtin(key: str) -> TagSet | None:
    """Return the built-in tag set with this key, or None."""
    for tag_set in _BUILTINS:
        if tag_set.key == key:
            return tag_set
    return None

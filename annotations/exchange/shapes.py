"""The shapes a file of annotations may take, checked on a file read whole.

Parallax JSON (``format``, ``version``, ``annotations``), or W3C JSON-LD: an
``AnnotationCollection`` whose pages follow each other by ``next``, an ``AnnotationPage``, one
``Annotation`` or a list of them. :mod:`annotations.exchange.streaming` reads the files that
Parallax writes a window at a time and the others whole, through :func:`top_level_items`.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from annotations.errors import ImportFormatError
from annotations.exchange.formats import FORMAT_NAME
from annotations.exchange.formats import FORMAT_VERSION
from annotations.exchange.formats import ImportFormat

__all__ = [
    "as_list",
    "check_format",
    "is_int",
    "kind_of",
    "top_level_items",
    "types_of",
]


def kind_of(value: object) -> str:
    """Return how a message names the JSON kind of ``value`` ("text", "a list", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def as_list(value: object) -> list[Any]:
    """Return a JSON-LD value as a list: None is empty, a single value a list of one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(obj: Mapping[str, Any]) -> set[str]:
    """Return the W3C types of a JSON-LD node (``type`` or ``@type``, without ``oa:``)."""
    values = as_list(obj.get("type", obj.get("@type")))
    return {value.removeprefix("oa:") for value in values if isinstance(value, str)}


def is_int(value: object) -> bool:
    """Return True for a JSON whole number (not true or false)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_format(value: Mapping[str, Any]) -> None:
    """Raise ImportFormatError unless ``value`` names this Parallax JSON format and version."""
    if value["format"] != FORMAT_NAME:
        raise ImportFormatError(
            f"unknown format {value['format']!r}: expected {FORMAT_NAME!r} or W3C JSON-LD"
        )
    version = value.get("version")
    if not is_int(version) or version != FORMAT_VERSION:
        raise ImportFormatError(
            f"unknown {FORMAT_NAME} version {version!r}: this Parallax reads version "
            f"{FORMAT_VERSION}"
        )


def _page_items(first: object, included: Sequence[Any]) -> list[Any]:
    pages: dict[str, Mapping[str, Any]] = {}
    for node in included:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            pages[node["id"]] = node
    items: list[Any] = []
    seen: set[str] = set()
    page: object = first
    while page is not None:
        if isinstance(page, str):
            if page not in pages:
                raise ImportFormatError(
                    f"the page {page} is not in this file; import a file that holds every page"
                )
            page = pages[page]
        if not isinstance(page, dict) or "AnnotationPage" not in types_of(page):
            raise ImportFormatError("a page of the collection is not an AnnotationPage object")
        page_id = page.get("id")
        if isinstance(page_id, str):
            if page_id in seen:
                raise ImportFormatError(f"the pages loop: {page_id} comes back after itself")
            seen.add(page_id)
        page_items = page.get("items")
        if not isinstance(page_items, list):
            raise ImportFormatError(f"the page {page_id} has no 'items' list")
        items.extend(page_items)
        page = page.get("next")
    unread = sorted(set(pages) - seen)
    if unread:
        raise ImportFormatError(f"the page {unread[0]} is in the file but no 'next' leads to it")
    return items


def top_level_items(value: Any) -> tuple[ImportFormat, list[Any]]:
    """Return the format and the annotations of a whole file's JSON value, or raise."""
    if isinstance(value, list):
        return "w3c-jsonld", value
    if not isinstance(value, dict):
        raise ImportFormatError(
            f"the file holds {kind_of(value)}; expected an object or a list of annotations"
        )
    if "format" in value:
        check_format(value)
        annotations = value.get("annotations")
        if not isinstance(annotations, list):
            raise ImportFormatError(
                f"the 'annotations' field must be a list, not {kind_of(annotations)}"
            )
        return "parallax-json", annotations
    types = types_of(value)
    included = as_list(value.get("@included"))
    if "AnnotationCollection" in types:
        items = _page_items(value.get("first"), included)
        total = value.get("total")
        if is_int(total) and total != len(items):
            raise ImportFormatError(
                f"the collection's total is {total} but its pages hold {len(items)} annotations"
            )
        return "w3c-jsonld", items
    if "AnnotationPage" in types:
        return "w3c-jsonld", _page_items(value, included)
    if "Annotation" in types:
        return "w3c-jsonld", [value]
    raise ImportFormatError(
        "the top-level object is neither Parallax JSON nor a W3C Annotation, "
        "AnnotationPage or AnnotationCollection"
    )

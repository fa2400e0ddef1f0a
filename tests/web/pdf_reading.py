"""Read a PDF as its reader gets it: the text (pypdf's extraction), where the text sits on the
page (pdfminer.six's layout, which follows the charts' nested transforms), and the tags a screen
reader uses (structure tree, language, title)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


@dataclass(frozen=True)
class PdfFacts:
    """What a test checks in a PDF."""

    text: str
    words: list[str]
    pages: int
    lang: str | None
    title: str | None
    display_title: bool
    marked: bool
    roles: list[str]
    figures_without_alt: int
    xmp: str
    overflow: list[str]


def _roles(node, found: list[str], bare: list[int], depth: int = 0) -> None:
    if depth > 60:
        return
    node = node.get_object()
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append(str(node["/S"]))
            if node["/S"] == "/Figure" and not str(node.get("/Alt") or "").strip():
                bare.append(1)
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), DictionaryObject):
                    _roles(kid, found, bare, depth + 1)


def _overflow(data: bytes) -> list[str]:
    """Return the lines of text that reach past their page's right or left edge (cut off)."""
    found = []
    for number, page in enumerate(extract_pages(io.BytesIO(data)), start=1):
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                if line.x1 > page.width + 0.5 or line.x0 < -0.5:
                    text = line.get_text().strip()
                    found.append(f"page {number}: {text!r} spans x={line.x0:.0f}-{line.x1:.0f}")
    return found


def read_pdf(data: bytes) -> PdfFacts:
    """Return the text, the structure roles and the metadata of the PDF ``data``."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    texts = [page.extract_text() for page in reader.pages]
    overflow = _overflow(data)
    text = "\n".join(texts)
    roles: list[str] = []
    bare: list[int] = []
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        _roles(tree, roles, bare)
    viewer = root.get("/ViewerPreferences")
    mark_info = root.get("/MarkInfo")
    metadata = root.get("/Metadata")
    return PdfFacts(
        text=text,
        words=re.findall(r"\S+", text),
        pages=len(reader.pages),
        lang=str(root["/Lang"]) if "/Lang" in root else None,
        title=(reader.metadata or {}).get("/Title"),
        display_title=bool(viewer and viewer.get_object().get("/DisplayDocTitle")),
        marked=bool(mark_info and mark_info.get_object().get("/Marked")),
        roles=roles,
        figures_without_alt=len(bare),
        xmp=metadata.get_object().get_data().decode("utf-8", "replace") if metadata else "",
        overflow=overflow,
    )


def squeeze(text: str) -> str:
    """Return ``text`` with every run of white space made one space."""
    return " ".join(text.split())

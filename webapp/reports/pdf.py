"""The report as a tagged PDF, drawn by WeasyPrint from the report page's own HTML.

The PDF and the printed page come from one template and one print stylesheet, so they say the
same words and show the same columns. WeasyPrint's PDF/UA-1 output carries the structure tree
(headings, tables, lists), ``/Lang`` from ``<html lang>`` and the ``<title>`` as the document
title shown by viewers. It fetches nothing from the network: only the app's own static files.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from functools import lru_cache
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

# The stylesheets are written for browsers too: WeasyPrint logs a warning for every screen-only
# rule it skips (media queries, SVG paint properties), which says nothing about the report.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# Any absolute base will do: links in the page are made absolute against it, and only
# /static/... URLs are ever read, from the package's static folder.
BASE_URL = "http://parallax.invalid/"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here (its Pango library is missing)."""


@lru_cache(maxsize=1)
def _weasyprint() -> Any:
    # Imported on first use: WeasyPrint loads Pango when imported, and a server without Pango
    # should still serve every page but the PDF.
    try:
        import weasyprint
    except OSError as error:
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def _fetcher(static_folder: str, static_path: str) -> Any:
    """Return a WeasyPrint URL fetcher that reads the app's static files and nothing else."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    root = os.path.realpath(static_folder)
    prefix = static_path.rstrip("/") + "/"

    class StaticFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = unquote(urlsplit(url).path)
            if not url.startswith(BASE_URL) or not path.startswith(prefix):
                raise ValueError(f"The PDF reads only the app's static files, not {url}")
            file = os.path.realpath(os.path.join(root, path[len(prefix) :]))
            if os.path.commonpath([file, root]) != root:
                raise ValueError(f"Outside the static folder: {url}")
            with open(file, "rb") as handle:
                body = handle.read()
            kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, headers={"Content-Type": kind})

    return StaticFetcher()


def render_pdf(html: str, *, static_folder: str, static_path: str = "/static") -> bytes:
    """Return the report page ``html``, laid out for A4 paper, as the bytes of a tagged PDF.

    Raises PdfUnavailable when WeasyPrint cannot load its Pango library.
    """
    document = _weasyprint().HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=_fetcher(static_folder, static_path),
        media_type="print",
    )
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))

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
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from weasyprint import HTML
from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

# The stylesheets are written for browsers too: WeasyPrint logs a warning for every screen-only
# rule it skips (media queries, SVG paint properties), which says nothing about the report.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# Any absolute base will do: links in the page are made absolute against it, and only
# /static/... URLs are ever read, from the package's static folder.
BASE_URL = "http://parallax.invalid/"


class StaticFetcher(URLFetcher):
    """Serve ``/static/...`` from the app's static folder and refuse every other URL."""

    def __init__(self, static_folder: str, static_path: str = "/static", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.static_folder = os.path.realpath(static_folder)
        self.static_path = static_path.rstrip("/") + "/"

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the static file ``url`` names; raise ValueError for anything else."""
        path = unquote(urlsplit(url).path)
        if not url.startswith(BASE_URL) or not path.startswith(self.static_path):
            raise ValueError(f"The PDF reads only the app's static files, not {url}")
        file = os.path.realpath(os.path.join(self.static_folder, path[len(self.static_path) :]))
        if os.path.commonpath([file, self.static_folder]) != self.static_folder:
            raise ValueError(f"Outside the static folder: {url}")
        with open(file, "rb") as handle:
            body = handle.read()
        kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": kind})


def render_pdf(html: str, *, static_folder: str, static_path: str = "/static") -> bytes:
    """Return the report page ``html``, laid out for A4 paper, as the bytes of a tagged PDF."""
    document = HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=StaticFetcher(static_folder, static_path),
        media_type="print",
    )
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))

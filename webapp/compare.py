"""The home page and the seed comparison read from files when the database has none."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import url_for
from werkzeug.wrappers import Response

from annotations.errors import InputError
from annotations.text.ingest import read_manifest
from webapp import articles
from webapp.db import get_session
from webapp.rendering import ComparisonView
from webapp.rendering import build_comparison
from webapp.rendering import html_text

bp = Blueprint("compare", __name__)
bp.add_app_template_filter(html_text, "doc_text")


@functools.cache
def load_seed_comparison(seeds_dir: str) -> ComparisonView:
    """Read the manifest in ``seeds_dir`` and align its first two articles (once per process)."""
    title, documents = read_manifest(seeds_dir)
    if len(documents) < 2:
        raise InputError(f"{seeds_dir}: the manifest lists fewer than two articles")
    return build_comparison(title, documents[0], documents[1])


def seeds_dir() -> Path | None:
    """Return the configured seed folder if it holds a manifest, else None."""
    folder = Path(current_app.config["SEEDS_DIR"]).resolve()
    return folder if (folder / "manifest.json").is_file() else None


@functools.cache
def _manifest_title(folder: str) -> str | None:
    try:
        title = json.loads((Path(folder) / "manifest.json").read_text("utf-8"))["comparison"]
        return str(title["title"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def get_seed_comparison_or_404() -> ComparisonView:
    """Return the seed comparison, or answer 404 if the configured folder has no manifest."""
    folder = seeds_dir()
    if folder is None:
        abort(404)
    return load_seed_comparison(str(folder))


@bp.get("/")
def index() -> str:
    """List the stored comparisons, or offer the seed articles when there are none."""
    rows = articles.list_comparisons(get_session())
    seed = None
    if not rows and seeds_dir() is not None:
        seed = get_seed_comparison_or_404()
    return render_template("articles/list.html", comparisons=rows, seed=seed)


@bp.get("/compare/seeds")
def show() -> str | Response:
    """Show the seed comparison: the stored one if the database has it, else from files."""
    folder = seeds_dir()
    if folder is None:
        abort(404)
    title = _manifest_title(str(folder))
    if title is not None:
        stored = articles.find_comparison_by_title(get_session(), title)
        if stored is not None:
            return redirect(url_for("articles.show", comparison_id=stored.id))
    return render_template("compare/show.html", comparison=load_seed_comparison(str(folder)))

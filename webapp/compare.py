"""The comparison pages: the seed comparison listed on ``/`` and shown side by side."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template

from annotations.errors import InputError
from annotations.ingest import read_manifest
from webapp.rendering import ComparisonView
from webapp.rendering import build_comparison

bp = Blueprint("compare", __name__)


@functools.cache
def load_seed_comparison(seeds_dir: str) -> ComparisonView:
    """Read the manifest in ``seeds_dir`` and align its first two articles (once per process)."""
    title, documents = read_manifest(seeds_dir)
    if len(documents) < 2:
        raise InputError(f"{seeds_dir}: the manifest lists fewer than two articles")
    return build_comparison(title, documents[0], documents[1])


def get_seed_comparison_or_404() -> ComparisonView:
    """Return the seed comparison, or answer 404 if the configured folder has no manifest."""
    seeds_dir = Path(current_app.config["SEEDS_DIR"]).resolve()
    if not (seeds_dir / "manifest.json").is_file():
        abort(404)
    return load_seed_comparison(str(seeds_dir))


@bp.get("/")
def index() -> str:
    """List the comparisons (for now, the seed comparison)."""
    return render_template("compare/index.html", comparison=get_seed_comparison_or_404())


@bp.get("/compare/seeds")
def show() -> str:
    """Show the two seed articles side by side with their matched passages."""
    return render_template("compare/show.html", comparison=get_seed_comparison_or_404())

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func
from sqlalchemy import select

from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage.models import Base
from annotations.text.align import align_documents
from annotations.text.ingest import read_manifest
from tests.web.helpers import CRYPTO
from tests.web.helpers import SLOGAN
from webapp import db

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
MANIFEST = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.databases


def counts(app):
    with app.app_context():
        session = db.get_session()
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (
                models.Document,
                models.Comparison,
                models.ComparisonDocument,
                models.Alignment,
            )
        }


def drop_tables(app):
    with app.app_context():
        Base.metadata.drop_all(db.get_engine())


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    for fragment in fragments:
        assert fragment in result.stderr


def test_seed_stores_the_seed_comparison_once(app, runner):
    title = MANIFEST["comparison"]["title"]
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert title in result.stdout
    assert counts(app) == {"document": 2, "comparison": 1, "comparison_document": 2, "alignment": 1}

    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0, again.output
    assert "already exists" in again.stdout
    assert counts(app) == {"document": 2, "comparison": 1, "comparison_document": 2, "alignment": 1}


def test_seed_rows_hold_the_files_and_their_alignment(app, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    _, documents = read_manifest(SEEDS)
    with app.app_context():
        session = db.get_session()
        comparison = comparisons.find_comparison_by_title(session, MANIFEST["comparison"]["title"])
        rows = comparison.documents
        for row, article in zip(rows, MANIFEST["articles"], strict=True):
            assert row.text == (SEEDS / article["file"]).read_bytes().decode("utf-8")
            assert row.title == article["title"]
            assert row.outlet == article["outlet"]
        assert rows[0].published.isoformat() == MANIFEST["articles"][0]["published"]
        (alignment,) = comparison.alignments
        assert (alignment.doc_a, alignment.doc_b) == (rows[0], rows[1])
        stored = comparisons.load_alignment(alignment)
        assert stored == align_documents(*documents)
        # Read off the articles by hand: A's closing advert and B's slogan have no counterpart.
        text_a, text_b = rows[0].text, rows[1].text
        crypto = text_a.index(CRYPTO)
        assert (crypto, crypto + len(CRYPTO)) in [(s.start, s.end) for s in stored.only_a]
        slogan = text_b.index(SLOGAN)
        assert any(s.start <= slogan < s.end for s in stored.only_b)
        assert not any(p.b.start <= slogan < p.b.end for p in stored.pairs)


def test_seed_without_tables_says_to_upgrade(app, runner):
    drop_tables(app)
    result = runner.invoke(args=["seed"])
    assert_one_line_error(result, "no ", "table", "run `parallax db upgrade` first")
    assert "Traceback" not in result.output


def test_db_upgrade_then_seed(app, runner):
    drop_tables(app)
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    (head,) = ScriptDirectory.from_config(db.alembic_config()).get_heads()
    assert result.stdout.rstrip().endswith(f"is at revision {head}.")
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert counts(app)["alignment"] == 1


def test_db_upgrade_unknown_revision_is_one_line(app, runner):
    drop_tables(app)
    result = runner.invoke(args=["db", "upgrade", "--revision", "nonexistent"])
    assert_one_line_error(result, "nonexistent")


def test_seed_with_a_broken_manifest_is_one_line(app, runner, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "manifest.json").write_text("{not json", encoding="utf-8")
    app.config["SEEDS_DIR"] = str(seeds)
    result = runner.invoke(args=["seed"])
    assert_one_line_error(result, "manifest.json")
    assert counts(app)["document"] == 0

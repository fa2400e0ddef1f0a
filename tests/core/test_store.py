from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import DocumentMeta
from annotations.records import PassagePair
from annotations.records import Span
from annotations.storage import comparisons
from annotations.storage import models
from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text
from annotations.text.ingest import read_document
from annotations.text.ingest import read_manifest
from annotations.text.segment import segment_text

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"

pytestmark = pytest.mark.databases


@pytest.fixture(scope="module")
def seeds():
    return read_manifest(SEEDS)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def stored(engine, document):
    """Store ``document`` in one session and return its row read back in another."""
    with Session(engine) as session:
        row_id = comparisons.add_document(session, document).id
        session.commit()
    with Session(engine) as session:
        return session.get(models.Document, row_id)


def test_seed_documents_round_trip(engine, seeds):
    _, documents = seeds
    for document in documents:
        row = stored(engine, document)
        assert row.text == document.text
        assert row.content_hash == hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        # The file path names a file on the machine that read it; it is not stored.
        assert comparisons.get_document_record(row) == dataclasses.replace(document, path=None)


def test_html_document_round_trip_keeps_source_and_meta(engine):
    document = read_document(DATA / "article.html")
    assert document.source is not None
    document = dataclasses.replace(
        document,
        path=None,
        meta=DocumentMeta(
            outlet="Example Times",
            title="A headline",
            url="https://example.org/a?b=1",
            published=dt.date(2024, 2, 29),
            language="de",
        ),
    )
    row = stored(engine, document)
    assert row.source == document.source
    assert row.source_format == "html"
    assert row.published == dt.date(2024, 2, 29)
    assert comparisons.get_document_record(row) == document


def test_text_outside_the_basic_plane_and_markers_survive(engine):
    text = " date 2025-10-25 Ship 🚢 left at 9.\n\n\n## Later\r\n\nIt came back. Twice! 👍🏽"
    document = ingest_text(text, source_format="markdown")
    assert document.segmentation.markers and document.segmentation.headings
    record = comparisons.get_document_record(stored(engine, document))
    assert record == document
    for sentence in record.segmentation.sentences:
        assert record.text[sentence.start : sentence.end] == text[sentence.start : sentence.end]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab. \n#🚢é"), min_size=1, max_size=80))
def test_segmentation_json_round_trip(raw):
    # No database needed: the JSON column stores exactly what json.dumps writes.
    segmentation = segment_text(raw, source_format="markdown")
    data = json.loads(json.dumps(comparisons.segmentation_to_json(segmentation)))
    assert comparisons.segmentation_from_json(data) == segmentation


def test_comparison_keeps_document_order(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in reversed(documents)]
        comparison = comparisons.add_comparison(session, title, rows, description="Two reports")
        session.commit()
        comparison_id, row_ids = comparison.id, [row.id for row in rows]
    with Session(engine) as session:
        comparison = session.get(models.Comparison, comparison_id)
        assert comparison.title == title
        assert comparison.description == "Two reports"
        assert [d.id for d in comparison.documents] == row_ids
        assert [m.position for m in comparison.members] == [0, 1]
        assert comparison.created_at is not None
        assert comparison.created_by is None


def test_comparison_needs_two_distinct_documents(engine, seeds):
    _, documents = seeds
    with Session(engine) as session:
        row = comparisons.add_document(session, documents[0])
        with pytest.raises(ValueError, match="at least two"):
            comparisons.add_comparison(session, "One", [row])
        with pytest.raises(ValueError, match="each document once"):
            comparisons.add_comparison(session, "Twice", [row, row])


def test_position_is_unique_within_a_comparison(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        third = comparisons.add_document(session, documents[0])
        session.add(models.ComparisonDocument(comparison=comparison, document=third, position=1))
        with pytest.raises(IntegrityError):
            session.flush()


def test_find_comparison_by_title_returns_the_oldest(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        assert comparisons.find_comparison_by_title(session, title) is None
        rows = [comparisons.add_document(session, d) for d in documents]
        first = comparisons.add_comparison(session, title, rows)
        comparisons.add_comparison(session, title, rows)
        comparisons.add_comparison(session, "Other", rows)
        session.commit()
        assert comparisons.find_comparison_by_title(session, title).id == first.id
        assert comparisons.find_comparison_by_title(session, title.upper()) is None


def test_alignment_round_trip(engine, seeds):
    title, documents = seeds
    alignment = align_documents(*documents)
    assert alignment.pairs and alignment.only_a and alignment.only_b
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        row = comparisons.save_alignment(session, comparison, rows[0], rows[1], alignment)
        session.commit()
        alignment_id = row.id
    with Session(engine) as session:
        row = session.get(models.Alignment, alignment_id)
        assert row.doc_a.text == documents[0].text
        assert row.doc_b.text == documents[1].text
        assert row.settings["version"] == alignment.settings.version
        loaded = comparisons.load_alignment(row)
        assert loaded == alignment
        for pair in loaded.pairs:
            assert pair.a.slice(row.doc_a.text) == pair.a.slice(documents[0].text)


def test_alignment_with_numpy_numbers_is_stored_as_json(engine, seeds):
    title, documents = seeds
    pair = PassagePair(
        a=Span(np.int64(0), np.int64(5)),
        b=Span(1, 4),
        score=np.float32(61.3),
        kind="partial",
        a_sentences=(np.int64(0),),
        b_sentences=(0, 1),
    )
    alignment = Alignment((pair,), (Span(6, 9),), (), AlignSettings(12.5, 0.6, "test"))
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        alignment_id = comparisons.save_alignment(session, comparison, *rows, alignment).id
        session.commit()
    with Session(engine) as session:
        loaded = comparisons.load_alignment(session.get(models.Alignment, alignment_id))
    assert loaded == alignment
    assert type(loaded.pairs[0].score) is float


def test_alignment_documents_must_belong_to_the_comparison(engine, seeds):
    title, documents = seeds
    alignment = align_documents(*documents)
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        outsider = comparisons.add_document(session, documents[1])
        with pytest.raises(ValueError, match="belong to its comparison"):
            comparisons.save_alignment(session, comparison, rows[0], outsider, alignment)


def test_deleting_a_comparison_keeps_its_documents(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        comparisons.save_alignment(session, comparison, *rows, align_documents(*documents))
        session.commit()
        session.delete(comparison)
        session.commit()
        assert count(session, models.Comparison) == 0
        assert count(session, models.ComparisonDocument) == 0
        assert count(session, models.Alignment) == 0
        assert count(session, models.Document) == 2


def test_a_document_in_a_comparison_cannot_be_deleted(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparisons.add_comparison(session, title, rows)
        session.commit()
        session.delete(rows[0])
        with pytest.raises(IntegrityError):
            session.flush()


def test_user_role_is_checked(engine):
    with Session(engine) as session:
        session.add(models.User(name="Ada", role="teacher"))
        session.commit()
        user = session.scalars(select(models.User)).one()
        assert user.created_at is not None
        assert "Ada" in repr(user)
        session.add(models.User(name="Eve", role="guest"))
        with pytest.raises(IntegrityError):
            session.flush()


def test_repr_names_the_row(engine, seeds):
    title, documents = seeds
    with Session(engine) as session:
        rows = [comparisons.add_document(session, d) for d in documents]
        comparison = comparisons.add_comparison(session, title, rows)
        row = comparisons.save_alignment(session, comparison, *rows, align_documents(*documents))
        assert repr(rows[0]) == f"Document(id={rows[0].id}, title={documents[0].meta.title!r})"
        assert title in repr(comparison)
        assert f"comparison_id={comparison.id}" in repr(comparison.members[0])
        assert f"doc_b_id={rows[1].id}" in repr(row)

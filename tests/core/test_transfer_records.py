"""Annotations out of the database as records, and records back in (exchange.outbound, inbound)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from annotations.classroom import exercises
from annotations.exchange import exporting
from annotations.exchange import importing
from annotations.exchange import inbound
from annotations.exchange import outbound
from annotations.records import Span
from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import listing
from annotations.storage import models
from annotations.storage import presenter
from annotations.storage import saving
from annotations.storage import tagsets
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases

TEXT_A = "Leaders met on Friday. 🙂 They praised the alliance. Join a crypto club for $100/mo."
TEXT_B = "The two leaders spoke. A new “Make Japan Great Again” era begins.\n\n\n"


def make_comparison(session, texts=(TEXT_A, TEXT_B), title="Test comparison", site="news"):
    rows = []
    for number, text in enumerate(texts):
        document = ingest_text(text)
        meta = dataclasses.replace(
            document.meta,
            title=f"{site.title()} article {'AB'[number]}",
            url=f"https://{site}.example/{number}",
        )
        rows.append(comparisons.add_document(session, dataclasses.replace(document, meta=meta)))
    comparison = comparisons.add_comparison(session, title, rows)
    session.commit()
    return comparison


@pytest.fixture
def comparison(session):
    return make_comparison(session)


def add(session, document, quote, *, tags=("slogan",), author=None, **overrides):
    start = document.text.index(quote)
    fields = {
        "public_id": str(uuid.uuid4()),
        "document_id": document.id,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_keys": tuple(tags),
        "tag_set_key": "media-literacy",
    }
    fields.update(overrides)
    row, _ = saving.add_annotation(
        session, checks.AnnotationInput(**fields), author_id=author.id if author else None
    )
    return row


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def records(session, **filters):
    return list(outbound.iter_records(session, **filters))


# -- export ----------------------------------------------------------------------------------


def test_records_hold_every_field_checked_by_hand(session, comparison):
    a, b = comparison.documents
    ana = accounts.get_or_add_user(session, "Ana")
    # Tags given out of the tag set's order come back in its order (slogan is its first tag).
    linked = add(
        session,
        a,
        "They praised the alliance.",
        tags=("loaded-language", "slogan"),
        author=ana,
        note='Nice 🙂, "quoted"',
        comparison_id=comparison.id,
        relation="reframed",
        link_document_id=b.id,
        link_start=TEXT_B.index("Make"),
        link_end=TEXT_B.index("Make") + len("Make Japan Great Again"),
        link_quote="Make Japan Great Again",
    )
    plain = add(session, a, "Leaders", comparison_id=comparison.id)
    session.commit()

    first, second = records(session, comparison_id=comparison.id)
    assert first.id == plain.public_id and second.id == linked.public_id  # by start
    assert second.comparison_id == comparison.id
    assert second.comparison_title == "Test comparison"
    assert second.document_id == a.id and second.document_title == "News article A"
    assert second.document_url == "https://news.example/0"
    assert second.document_hash == hashlib.sha256(TEXT_A.encode()).hexdigest()
    assert second.annotator == "Ana" and first.annotator == ""
    assert second.tag_set == "media-literacy"
    assert second.tags == (
        ("slogan", "Slogan or catchphrase"),
        ("loaded-language", "Loaded or emotive language"),
    )
    # "Leaders met on Friday. 🙂 " is 25 code points: the emoji counts once.
    assert (second.start, second.end) == (25, 51)
    assert second.quote == "They praised the alliance."
    assert second.prefix == "Leaders met on Friday. 🙂 "
    assert second.suffix == " Join a crypto club for $100/mo."
    assert second.note == 'Nice 🙂, "quoted"'
    assert second.status == "human" and second.relation == "reframed"
    assert second.link is not None
    assert (second.link.document_id, second.link.document_title) == (b.id, "News article B")
    assert (second.link.start, second.link.end) == (30, 52)
    assert second.link.quote == "Make Japan Great Again"
    assert first.link is None and first.relation is None and first.note == ""
    # The times read the same as the JSON API's.
    stored = presenter.annotation_to_dict(saving.find_annotation(session, linked.public_id))
    assert (second.created, second.updated) == (stored["created"], stored["updated"])


def test_times_without_microseconds_read_as_the_api_reads_them(session, comparison):
    a, _ = comparison.documents
    row = add(session, a, "Leaders")
    row.created_at = dt.datetime(2025, 10, 25, 9, 30, tzinfo=dt.UTC)
    row.updated_at = dt.datetime(2025, 10, 26, 9, 30, 0, 5, tzinfo=dt.UTC)
    session.commit()
    (record,) = records(session)
    assert record.created == "2025-10-25T09:30:00+00:00"
    assert record.updated == "2025-10-26T09:30:00.000005+00:00"


def test_times_sqlite_stored_in_another_form_are_parsed(session, comparison):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("only SQLite stores times as text")
    a, _ = comparison.documents
    plain, same = add(session, a, "Leaders"), add(session, a, "Friday")
    session.commit()
    update = sql_text(
        "UPDATE annotation SET created_at = :created, updated_at = :updated WHERE id = :id"
    )
    session.execute(
        update,
        {
            "id": plain.id,
            "created": "2025-10-25 09:30:00",
            "updated": "2025-10-25T10:00:00.250000+00:00",
        },
    )
    stamp = "2025-10-25 11:00:00.000000"
    session.execute(update, {"id": same.id, "created": stamp, "updated": stamp})
    session.commit()
    by_quote = {record.quote: record for record in records(session)}
    assert by_quote["Leaders"].created == "2025-10-25T09:30:00+00:00"
    assert by_quote["Leaders"].updated == "2025-10-25T10:00:00.250000+00:00"
    assert by_quote["Friday"].created == by_quote["Friday"].updated == "2025-10-25T11:00:00+00:00"


def test_filters_order_and_no_orm_objects(session, comparison, monkeypatch):
    a, b = comparison.documents
    teacher = accounts.get_or_add_user(session, "Ms T")
    exercise = exercises.create_exercise(
        session,
        teacher_id=teacher.id,
        comparison_id=comparison.id,
        tag_set_key="media-literacy",
        title="Spin",
    )
    for word in ("Friday", "Leaders", "crypto", "alliance", "praised"):
        add(session, a, word, comparison_id=comparison.id)
    add(session, b, "leaders", comparison_id=comparison.id)
    key = add(
        session, b, "era", comparison_id=comparison.id, exercise_id=exercise.id, author=teacher
    )
    deleted = add(session, a, "club", comparison_id=comparison.id)
    saving.delete_annotation(session, deleted.public_id)
    session.commit()
    comparison_id, exercise_id, teacher_id = comparison.id, exercise.id, teacher.id
    key_id = key.public_id
    session.expunge_all()
    monkeypatch.setattr(outbound, "BATCH_SIZE", 2)

    everything = records(session, comparison_id=comparison_id)
    assert [r.quote for r in everything] == [
        "Leaders",
        "Friday",
        "praised",
        "alliance",
        "crypto",
        "leaders",
        "era",
    ]
    assert len(session.identity_map) == 0  # Core rows only
    # Progress comes a batch at a time, each once its records have been taken.
    taken, reports = [], []
    for record in outbound.iter_records(
        session, comparison_id=comparison_id, progress=lambda n: reports.append((n, len(taken)))
    ):
        taken.append(record)
    assert reports == [(2, 2), (2, 4), (2, 6), (1, 7)]
    outside = records(session, comparison_id=comparison_id, outside_exercises=True)
    assert "era" not in [r.quote for r in outside] and len(outside) == 6
    assert [r.id for r in records(session, exercise_id=exercise_id)] == [key_id]
    assert [r.quote for r in records(session, author_id=teacher_id)] == ["era"]
    assert outbound.count_records(session, comparison_id=comparison_id) == 7
    assert outbound.count_records(session, comparison_id=comparison_id, outside_exercises=True) == 6


# -- import ----------------------------------------------------------------------------------


@pytest.fixture
def exported(session, comparison):
    """Two annotations of the comparison, exported as Parallax JSON (bytes)."""
    a, b = comparison.documents
    ana = accounts.get_or_add_user(session, "Ana")
    add(
        session,
        a,
        "crypto club",
        tags=("promotional", "loaded-language"),
        author=ana,
        note="Ad 🚀",
        comparison_id=comparison.id,
    )
    add(
        session,
        b,
        "leaders",
        comparison_id=comparison.id,
        relation="b-softens",
        link_document_id=a.id,
        link_start=0,
        link_end=7,
        link_quote="Leaders",
    )
    session.commit()
    return "".join(exporting.iter_json(records(session), meta={})).encode()


def test_import_into_a_fresh_database_gives_the_same_records(session, exported, tmp_path):
    before = records(session)
    engine = store_engine(tmp_path)
    with Session(engine) as fresh:
        tagsets.install_builtin_tag_sets(fresh)
        target = make_comparison(fresh)
        batch = importing.read_annotations(exported)
        report = inbound.import_records(
            fresh, batch, comparison_id=target.id, author_fallback="Importer"
        )
        assert report == inbound.ImportReport(2, (), 0, (), ())
        fresh.commit()
        after = records(fresh)
        # Both databases were made the same way, so even the row ids agree. The one thing
        # that must differ: the link annotation had no author, and an imported annotation
        # always gets one (the fallback), so "" becomes "Importer".
        assert before[1].annotator == ""
        assert after == [before[0], before[1]._replace(annotator="Importer")]
        again = inbound.import_records(
            fresh, batch, comparison_id=target.id, author_fallback="Importer"
        )
        assert (again.imported, again.unchanged, again.is_clean) == (0, 2, True)
    engine.dispose()


def store_engine(tmp_path):
    from annotations.storage.models import Base
    from webapp.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    Base.metadata.create_all(engine)
    return engine


def batch_of(data, **changes):
    batch = importing.read_annotations(data)
    return dataclasses.replace(batch, records=tuple(r._replace(**changes) for r in batch.records))


def delete_all(session):
    for row in listing.list_annotations(session, include_deleted=True):
        session.delete(row)
    session.commit()


def test_shifted_offsets_are_re_anchored_and_reported(session, comparison, exported):
    delete_all(session)
    batch = importing.read_annotations(exported)
    crypto = batch.records[0]
    shifted = crypto._replace(start=crypto.start - 3, end=crypto.end - 3)
    batch = dataclasses.replace(batch, records=(shifted,))
    report = inbound.import_records(
        session, batch, comparison_id=comparison.id, author_fallback="x"
    )
    assert report.imported == 1 and report.is_clean
    (moved,) = report.re_anchored
    start = TEXT_A.index("crypto club")
    assert moved.old == Span(start - 3, start + 8) and moved.new == Span(start, start + 11)
    (record,) = records(session)
    assert (record.start, record.end, record.quote) == (start, start + 11, "crypto club")


def test_a_quote_not_in_the_text_is_orphaned_not_placed(session, comparison, exported):
    delete_all(session)
    batch = batch_of(exported, quote="Zebras graze quietly", start=0, end=20)
    report = inbound.import_records(
        session, batch, comparison_id=comparison.id, author_fallback="x"
    )
    assert report.imported == 0 and not report.is_clean
    assert [(o.index, o.quote) for o in report.orphaned] == [
        (0, "Zebras graze quietly"),
        (1, "Zebras graze quietly"),
    ]
    assert report.orphaned[0].document_title == "News article A"


def test_same_id_with_other_content_is_a_problem_and_same_content_is_not(
    session, comparison, exported
):
    same = inbound.import_records(
        session,
        importing.read_annotations(exported),
        comparison_id=comparison.id,
        author_fallback="x",
    )
    assert (same.imported, same.unchanged, same.skipped) == (0, 2, ())
    changed = inbound.import_records(
        session,
        batch_of(exported, note="edited"),
        comparison_id=comparison.id,
        author_fallback="x",
    )
    assert [s.reason for s in changed.skipped] == [
        "Its id is already stored here with other content."
    ] * 2


def test_document_not_found_exercise_work_and_unknown_tags_are_skipped(
    session, comparison, exported
):
    delete_all(session)
    other = make_comparison(
        session, texts=("Something else.", "Another text."), title="Other", site="blog"
    )
    report = inbound.import_records(
        session, importing.read_annotations(exported), comparison_id=other.id, author_fallback="x"
    )
    assert [s.index for s in report.skipped] == [0, 1]
    assert "Its document (News article A) is not in comparison" in report.skipped[0].reason
    assert count(session, models.Annotation) == 0

    report = inbound.import_records(
        session,
        batch_of(exported, exercise_id=7),
        comparison_id=comparison.id,
        author_fallback="x",
    )
    assert "exercise work is private" in report.skipped[0].reason
    report = inbound.import_records(
        session,
        batch_of(exported, tags=(("no-such-tag", "No"),)),
        comparison_id=comparison.id,
        author_fallback="x",
    )
    assert (
        report.skipped[0].reason == "Its tag 'no-such-tag' is not in the tag set 'media-literacy'."
    )


def test_another_tools_annotation_is_found_by_url_and_tag_name(session, comparison):
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://tool.example/anno/1",
        "type": "Annotation",
        "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "slogan or CATCHPHRASE"}],
        "target": {
            "source": "https://news.example/1",
            "selector": {"type": "TextQuoteSelector", "exact": "Make Japan Great Again"},
        },
    }
    batch = importing.read_annotations(exporting._dumps(annotation))
    report = inbound.import_records(
        session, batch, comparison_id=comparison.id, author_fallback="Importer"
    )
    assert report.imported == 1 and len(report.re_anchored) == 1
    (record,) = records(session)
    assert record.document_title == "News article B"
    assert (record.start, record.end) == (30, 52)
    assert record.tags == (("slogan", "Slogan or catchphrase"),)
    assert record.annotator == "Importer"
    # A non-UUID id becomes the same name-based UUID every time: importing again finds it.
    assert uuid.UUID(record.id).version == 5
    again = inbound.import_records(
        session, batch, comparison_id=comparison.id, author_fallback="Importer"
    )
    assert (again.imported, again.unchanged) == (0, 1)


def test_unreadable_items_are_skipped_with_their_place_in_the_file(session, comparison, exported):
    delete_all(session)
    data = importing.read_annotations(exported)
    good = exporting.record_to_json(data.records[0])
    text = exporting._dumps(
        {"format": "parallax-annotations", "version": 1, "annotations": [{"id": "x"}, good, good]}
    )
    report = inbound.import_records(
        session, importing.read_annotations(text), comparison_id=comparison.id, author_fallback="x"
    )
    assert report.imported == 1
    assert [(s.index, s.item_id) for s in report.skipped] == [(0, "x"), (2, good["id"])]
    assert "duplicate id" in report.skipped[1].reason


def test_unknown_comparison_is_a_value_error(session):
    batch = importing.ImportBatch("parallax-json", (), ())
    with pytest.raises(ValueError, match="no comparison has the id 999"):
        inbound.import_records(session, batch, comparison_id=999, author_fallback="x")

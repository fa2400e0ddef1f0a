from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annotations.errors import AnnotationError
from annotations.errors import AnnotationNotFoundError
from annotations.errors import ConflictError
from annotations.errors import DocumentNotFoundError
from annotations.errors import SpanError
from annotations.errors import UnknownTagError
from annotations.framing import editing
from annotations.framing import taxonomy
from annotations.framing.taxonomy import TaxonomyError
from annotations.storage import _tables
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


@pytest.fixture
def comparison(session):
    rows = [comparisons.add_document(session, ingest_text(text)) for text in (TEXT_A, TEXT_B)]
    comparison = comparisons.add_comparison(session, "Test comparison", rows)
    session.commit()
    return comparison


def make_input(document, quote, *, tags=("slogan",), **overrides):
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
    return checks.AnnotationInput(**fields)


def link_to(document, quote="They praised the alliance.", relation="b-adds"):
    """Return the fields that link an annotation to ``quote`` in ``document``."""
    start = document.text.index(quote)
    return {
        "relation": relation,
        "link_document_id": document.id,
        "link_start": start,
        "link_end": start + len(quote),
        "link_quote": quote,
    }


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


# -- tag sets --------------------------------------------------------------------------------


def test_builtin_sets_install_once_and_round_trip(session):
    assert tagsets.install_builtin_tag_sets(session) == 0
    rows = tagsets.list_tag_sets(session)
    assert [row.key for row in rows if row.is_builtin] == sorted(
        (ts.key for ts in taxonomy.builtin_tag_sets()),
        key=lambda key: tagsets.get_tag_set(session, key).name,
    )
    for tag_set in taxonomy.builtin_tag_sets():
        assert tagsets.tag_set_record(tagsets.get_tag_set(session, tag_set.key)) == tag_set
    assert count(session, models.Tag) == sum(len(ts.tags) for ts in taxonomy.builtin_tag_sets())


def test_builtin_set_cannot_be_edited_in_place(session):
    edited = editing.update_tag_set(taxonomy.MEDIA_LITERACY, name="Mine")
    with pytest.raises(TaxonomyError, match="built-in"):
        tagsets.save_tag_set(session, edited)
    session.rollback()
    assert tagsets.get_tag_set(session, "media-literacy").name == "Media literacy"


def test_user_set_is_saved_updated_and_keeps_tag_ids(session):
    copy = editing.copy_tag_set(taxonomy.MEDIA_LITERACY, key="my-set", name="My set")
    row = tagsets.save_tag_set(session, copy)
    assert not row.is_builtin
    slogan_id = next(tag.id for tag in row.tags if tag.key == "slogan")
    edited = editing.update_tag(copy, "slogan", name="Motto")
    edited = editing.remove_tag(edited, "headline-framing")
    row = tagsets.save_tag_set(session, edited)
    assert tagsets.tag_set_record(row) == edited
    assert next(tag.id for tag in row.tags if tag.key == "slogan") == slogan_id
    assert count(session, models.Tag) == sum(
        len(ts.tags) for ts in taxonomy.builtin_tag_sets()
    ) + len(edited.tags)


def test_removing_a_tag_in_use_is_refused(session, comparison):
    copy = editing.copy_tag_set(taxonomy.MEDIA_LITERACY, key="my-set", name="My set")
    tagsets.save_tag_set(session, copy)
    document = comparison.documents[1]
    data = make_input(document, "Make Japan Great Again", tag_set_key="my-set")
    saving.add_annotation(session, data)
    with pytest.raises(TaxonomyError, match="slogan"):
        tagsets.save_tag_set(session, editing.remove_tag(copy, "slogan"))


# -- annotations -----------------------------------------------------------------------------


def test_add_annotation_stores_offsets_quote_and_context(session, comparison):
    document = comparison.documents[1]
    data = make_input(document, "Make Japan Great Again", comparison_id=comparison.id, note="A")
    row, created = saving.add_annotation(session, data)
    session.commit()
    assert created
    assert document.text[row.start : row.end] == "Make Japan Great Again"
    assert row.prefix == document.text[max(0, row.start - 32) : row.start]
    assert row.suffix == document.text[row.end : row.end + 32]
    assert [tag.key for tag in row.tags] == ["slogan"]
    assert row.status == "human" and row.deleted_at is None
    data_dict = presenter.annotation_to_dict(row)
    assert data_dict["id"] == data.public_id
    assert data_dict["tag_set"] == "media-literacy"
    assert data_dict["tags"] == [
        {"key": "slogan", "name": "Slogan or catchphrase", "colour": "#fee891"}
    ]
    assert data_dict["link"] is None
    assert data_dict["created"].endswith("+00:00")


def test_emoji_offsets_are_code_points(session, comparison):
    document = comparison.documents[0]
    row, _ = saving.add_annotation(session, make_input(document, "They praised the alliance."))
    assert row.start == TEXT_A.index("They")
    assert TEXT_A[row.start : row.end] == "They praised the alliance."


def test_utf16_offsets_are_reanchored_to_the_quote(session, comparison):
    document = comparison.documents[0]
    quote = "They praised the alliance."
    data = make_input(document, quote)
    # A browser counting UTF-16 units puts the span one unit later (the emoji takes two).
    shifted = dataclasses.replace(data, start=data.start + 1, end=data.end + 1)
    row, _ = saving.add_annotation(session, shifted)
    assert (row.start, row.end) == (data.start, data.end)


def test_same_public_id_same_content_is_a_replay(session, comparison):
    data = make_input(comparison.documents[1], "Make Japan Great Again")
    first, created = saving.add_annotation(session, data)
    again, created_again = saving.add_annotation(session, data)
    assert created and not created_again
    assert again.id == first.id
    assert count(session, models.Annotation) == 1


def test_same_public_id_other_content_conflicts(session, comparison):
    data = make_input(comparison.documents[1], "Make Japan Great Again")
    saving.add_annotation(session, data)
    with pytest.raises(ConflictError):
        saving.add_annotation(session, dataclasses.replace(data, note="changed"))
    assert count(session, models.Annotation) == 1


def test_assume_new_inserts_without_looking_and_a_stored_id_fails_the_insert(
    session, comparison, monkeypatch
):
    data = make_input(comparison.documents[1], "Make Japan Great Again")
    lookups = []
    real_find = saving.find_annotation

    def find(session, public_id):
        lookups.append(public_id)
        return real_find(session, public_id)

    monkeypatch.setattr(saving, "find_annotation", find)
    row, created = saving.add_annotation(session, data, assume_new=True)
    session.commit()
    assert created and lookups == []
    # The same id again: the unique public_id stops the insert; nothing was added.
    with pytest.raises(IntegrityError):
        saving.add_annotation(session, data, assume_new=True)
    session.rollback()
    assert count(session, models.Annotation) == 1
    # What the caller does next: the lookup finds the stored annotation (a replay)...
    again, created_again = saving.add_annotation(session, data)
    assert (again.id, created_again, lookups) == (row.id, False, [data.public_id])
    # ...or, with other content under the id, a conflict.
    with pytest.raises(ConflictError):
        saving.add_annotation(session, dataclasses.replace(data, note="changed"))


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"start": -1}, SpanError, "before the start"),
        ({"end": 10_000}, SpanError, "past the end"),
        ({"end": 3, "start": 3}, SpanError, "after start"),
        ({"quote": "Nothing like this is in the text at all"}, SpanError, "quote not found"),
        ({"tag_keys": ("no-such-tag",)}, UnknownTagError, "no-such-tag"),
        ({"tag_set_key": "no-such-set"}, UnknownTagError, "no-such-set"),
        ({"tag_keys": ()}, AnnotationError, "at least one tag"),
        ({"note": "x" * 5001}, AnnotationError, "5000"),
        ({"public_id": "not-a-uuid"}, AnnotationError, "public_id"),
        ({"relation": "b-adds"}, AnnotationError, "comparison"),
        ({"comparison_id": 999_999}, AnnotationError, "does not exist"),
    ],
)
def test_bad_annotations_are_refused(session, comparison, change, error, message):
    data = dataclasses.replace(
        make_input(comparison.documents[1], "Make Japan Great Again"), **change
    )
    with pytest.raises(error, match=message):
        saving.add_annotation(session, data)
    assert count(session, models.Annotation) == 0


def test_document_outside_the_comparison_is_refused(session, comparison):
    other = comparisons.add_document(session, ingest_text("Something else entirely."))
    data = make_input(other, "Something", comparison_id=comparison.id)
    with pytest.raises(AnnotationError, match="not part of comparison"):
        saving.add_annotation(session, data)


def test_comparative_annotation_links_a_span_of_the_other_document(session, comparison):
    a, b = comparison.documents
    link = link_to(a)
    data = make_input(b, "Make Japan Great Again", comparison_id=comparison.id, **link)
    row, _ = saving.add_annotation(session, data)
    assert presenter.annotation_to_dict(row)["link"] == {
        "document_id": a.id,
        "start": link["link_start"],
        "end": link["link_end"],
        "quote": "They praised the alliance.",
    }
    for bad, message in (
        ({"link_end": 10_000}, "past the end"),
        ({"link_quote": None}, "together"),
        ({"link_document_id": b.id}, "two different documents"),
        ({"relation": "b-invents"}, "relation"),
    ):
        changed = dataclasses.replace(data, public_id=str(uuid.uuid4()), **bad)
        with pytest.raises(AnnotationError, match=message):
            saving.add_annotation(session, changed)
    assert count(session, models.Annotation) == 1


def test_update_delete_restore_and_list(session, comparison):
    a, b = comparison.documents
    first, _ = saving.add_annotation(
        session, make_input(b, "Make Japan Great Again", comparison_id=comparison.id)
    )
    second, _ = saving.add_annotation(
        session,
        make_input(a, "Join a crypto club", tags=("promotional",), comparison_id=comparison.id),
    )
    updated = saving.update_annotation(
        session, first.public_id, tag_keys=["slogan", "flag-waving"], note="why"
    )
    assert [tag.key for tag in updated.tags] == ["slogan", "flag-waving"]
    assert updated.note == "why"
    with pytest.raises(UnknownTagError):
        saving.update_annotation(session, first.public_id, tag_keys=["economic"])
    with pytest.raises(AnnotationError, match="at least one tag"):
        saving.update_annotation(session, first.public_id, tag_keys=[])

    listed = listing.list_annotations(session, comparison_id=comparison.id)
    assert [row.public_id for row in listed] == [second.public_id, first.public_id]
    saving.delete_annotation(session, first.public_id)
    assert [
        row.public_id for row in listing.list_annotations(session, comparison_id=comparison.id)
    ] == [second.public_id]
    assert len(listing.list_annotations(session, document_id=b.id, include_deleted=True)) == 1
    saving.restore_annotation(session, first.public_id)
    assert len(listing.list_annotations(session, comparison_id=comparison.id)) == 2
    with pytest.raises(AnnotationNotFoundError):
        saving.delete_annotation(session, str(uuid.uuid4()))


def test_the_database_refuses_a_bad_span_and_status(session, comparison):
    document = comparison.documents[0]
    for fields in ({"start": 5, "end": 5}, {"start": -1, "end": 2}, {"status": "maybe"}):
        row = models.Annotation(
            public_id=str(uuid.uuid4()),
            document_id=document.id,
            start=fields.get("start", 0),
            end=fields.get("end", 3),
            quote="x",
            status=fields.get("status", "human"),
        )
        session.add(row)
        with pytest.raises(IntegrityError, match="(?i)check"):
            session.flush()
        session.rollback()


# -- the save path's Core insert ---------------------------------------------------------------


@pytest.mark.parametrize("linked", [False, True], ids=["plain", "linked"])
def test_add_new_annotation_answers_what_annotation_to_dict_gives(session, comparison, linked):
    a, b = comparison.documents
    author = accounts.get_or_add_user(session, "Ms Rivera")
    link = link_to(a) if linked else {}
    # Tags out of their set's order, one twice; a note; the quote a little off its offsets.
    data = make_input(
        b,
        "Make Japan Great Again",
        tags=("labelling", "slogan", "labelling"),
        note="A slogan in quotes.",
        comparison_id=comparison.id,
        **link,
    )
    data = dataclasses.replace(data, start=data.start + 2, end=data.end + 2)
    orm_data = dataclasses.replace(data, public_id=str(uuid.uuid4()))
    answer = saving.add_new_annotation(session, data, author=author)
    row, created = saving.add_annotation(session, orm_data, author_id=author.id, assume_new=True)
    # As the API answers: before the commit (which here would expire the row and reload it).
    expected = presenter.annotation_to_dict(row)
    session.commit()
    assert created
    for name in ("id", "created", "updated"):
        assert (answer.pop(name), expected.pop(name)) != (None, None)
    assert answer == expected
    # Checked by hand: the span found again, the tags as asked, the author named.
    assert (expected["start"], expected["quote"]) == (
        b.text.index("Make"),
        "Make Japan Great Again",
    )
    assert [tag["key"] for tag in expected["tags"]] == ["labelling", "slogan"]
    assert (expected["author"], expected["status"], expected["deleted"]) == (
        "Ms Rivera",
        "human",
        False,
    )


def test_add_new_annotation_stores_what_it_answers(session, comparison):
    data = make_input(
        comparison.documents[1], "Make Japan Great Again", tags=("slogan", "promotional")
    )
    answer = saving.add_new_annotation(session, data)
    session.commit()
    session.expunge_all()
    stored = presenter.annotation_to_dict(saving.find_annotation(session, data.public_id))
    # Read back the tags come in their set's order (slogan is first in the set).
    assert [tag["key"] for tag in stored["tags"]] == ["slogan", "promotional"]
    assert answer == stored
    assert answer["created"] == answer["updated"]
    assert answer["author"] is None and answer["id"] == data.public_id


def test_add_new_annotation_with_a_stored_id_fails_the_insert(session, comparison):
    data = make_input(comparison.documents[1], "Make Japan Great Again")
    saving.add_new_annotation(session, data)
    session.commit()
    with pytest.raises(IntegrityError):
        saving.add_new_annotation(session, data)
    session.rollback()
    assert count(session, models.Annotation) == 1
    assert count(session, models.AnnotationTag) == 1
    again, created = saving.add_annotation(session, data)
    assert not created and again.public_id == data.public_id


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"end": 10_000}, SpanError, "past the end"),
        ({"tag_keys": ("no-such-tag",)}, UnknownTagError, "no-such-tag"),
        ({"public_id": "not-a-uuid"}, AnnotationError, "public_id"),
        ({"comparison_id": 999_999}, AnnotationError, "does not exist"),
    ],
)
def test_add_new_annotation_refuses_what_add_annotation_refuses(
    session, comparison, change, error, message
):
    data = dataclasses.replace(
        make_input(comparison.documents[1], "Make Japan Great Again"), **change
    )
    with pytest.raises(error, match=message):
        saving.add_new_annotation(session, data)
    assert count(session, models.Annotation) == 0


def test_add_new_annotation_refuses_a_document_outside_the_comparison(session, comparison):
    other = comparisons.add_document(session, ingest_text("Something else entirely."))
    session.commit()
    data = make_input(other, "Something", comparison_id=comparison.id)
    with pytest.raises(AnnotationError, match="not part of comparison"):
        saving.add_new_annotation(session, data)
    assert count(session, models.Annotation) == 0


def test_add_new_annotation_of_a_missing_document_is_not_found(session, comparison):
    data = dataclasses.replace(make_input(comparison.documents[0], "Leaders"), document_id=999)
    with pytest.raises(DocumentNotFoundError, match="no document has the id 999"):
        saving.add_new_annotation(session, data)
    assert count(session, models.Annotation) == 0


# -- the annotation screen's list ------------------------------------------------------------


def test_annotation_dicts_read_with_core_match_annotation_to_dict(session, comparison):
    a, b = comparison.documents
    author = accounts.get_or_add_user(session, "Ms Tanaka")
    other = accounts.get_or_add_user(session, "Mr Sato")
    inputs = [
        # Tags given against their order in the set, which is the order they come back in.
        (make_input(b, "Make Japan Great Again", tags=("loaded-language", "slogan")), author),
        (make_input(a, "🙂", tags=("opinion-as-fact",), note="an emoji\nwith a “quote”"), None),
        (make_input(b, "A new", comparison_id=comparison.id, **link_to(a)), other),
        (make_input(a, "crypto club", tags=("economic",), tag_set_key="policy-frames"), author),
        (make_input(a, "Leaders", comparison_id=comparison.id), other),
    ]
    saved = []
    for data, user in inputs:
        row, _ = saving.add_annotation(
            session, data, author_id=user.id if user is not None else None
        )
        saved.append(row)
    # A whole second (SQLite keeps ".000000", which ISO 8601 output leaves out) and an edit.
    saved[1].created_at = saved[1].created_at.replace(microsecond=0)
    saving.update_annotation(session, saved[3].public_id, note="edited later")
    saving.delete_annotation(session, saved[4].public_id)
    session.commit()
    session.expire_all()

    def by_orm(**filters):
        rows = session.scalars(
            select(models.Annotation)
            .where(*listing.annotation_filters(**filters))
            .order_by(*_tables.ANNOTATION_ORDER)
        )
        return [presenter.annotation_to_dict(row) for row in rows]

    everything = listing.annotation_dicts(session)
    assert everything == by_orm()
    # The deleted one left out; the rest by document and position.
    assert {item["id"] for item in everything} == {row.public_id for row in saved[:4]}
    places = [(item["document_id"], item["start"], item["end"]) for item in everything]
    assert places == sorted(places)
    slogan = next(item for item in everything if item["id"] == saved[0].public_id)
    assert [tag["key"] for tag in slogan["tags"]] == ["slogan", "loaded-language"]
    assert listing.annotation_dicts(session, comparison_id=comparison.id) == by_orm(
        comparison_id=comparison.id
    )
    mine = listing.annotation_dicts(session, author_id=author.id)
    assert mine == by_orm(author_id=author.id)
    assert {item["author"] for item in mine} == {"Ms Tanaka"}
    assert listing.annotation_dicts(session, author_id=10_000) == []

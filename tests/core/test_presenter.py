"""One presenter: a save's answer, an ORM row and the Core list give an annotation one shape."""

from __future__ import annotations

import uuid

import pytest

from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import listing
from annotations.storage import presenter
from annotations.storage import saving
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases

TEXT_A = "Leaders met on Friday. 🙂 They praised the alliance. Join a crypto club for $100/mo."
TEXT_B = "The two leaders spoke. A new “Make Japan Great Again” era begins."


def span(document, quote):
    start = document.text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


@pytest.mark.parametrize("linked", [False, True], ids=["plain", "linked"])
def test_save_answer_row_and_list_give_the_same_annotation(session, linked):
    a, b = (comparisons.add_document(session, ingest_text(text)) for text in (TEXT_A, TEXT_B))
    comparison = comparisons.add_comparison(session, "Shapes", [a, b])
    author = accounts.get_or_add_user(session, "Ms Tanaka")
    session.commit()
    link = {}
    if linked:
        target = span(b, "Make Japan Great Again")
        link = {
            "relation": "b-sharpens",
            "link_document_id": b.id,
            "link_start": target["start"],
            "link_end": target["end"],
            "link_quote": target["quote"],
        }
    data = checks.AnnotationInput(
        public_id=str(uuid.uuid4()),
        document_id=a.id,
        comparison_id=comparison.id,
        tag_keys=("promotional", "slogan"),
        tag_set_key="media-literacy",
        note="Not news: an advert 🙂",
        **span(a, "Join a crypto club for $100/mo."),
        **link,
    )
    answered = saving.add_new_annotation(session, data, author=author)
    session.commit()
    session.expire_all()
    from_row = presenter.annotation_to_dict(saving.find_annotation(session, data.public_id))
    listed = listing.annotation_dicts(session, comparison_id=comparison.id)

    assert listed == [from_row]
    # The save answers the tags in the order asked for; a stored row reads them in set order.
    key_order = [tag["key"] for tag in from_row["tags"]]
    reordered = sorted(answered["tags"], key=lambda tag: key_order.index(tag["key"]))
    assert {**answered, "tags": reordered} == from_row
    assert list(answered) == list(from_row) == list(listed[0])
    assert from_row["author"] == "Ms Tanaka"
    assert (from_row["link"] is not None) is linked
    assert from_row["created"] == answered["created"]

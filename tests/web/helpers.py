"""Helpers shared by the web tests: the seed comparison, teachers and signed-in clients."""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotations.storage import accounts
from annotations.storage import comparisons
from annotations.storage import models
from annotations.text.ingest import ingest_text
from webapp import db

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
PASSWORD = "tide pools at dawn"
SLOGAN = "Make Japan Great Again"
CRYPTO = "Join a premium crypto trading community free for 30 days - normally $100/mo."


class Seed:
    """The seed comparison: unpacks as ``comparison_id, (doc_a, doc_b)``; ``texts`` holds the
    two documents' texts."""

    def __init__(self, comparison_id: int, document_ids: list[int], texts: list[str]) -> None:
        self.comparison_id = comparison_id
        self.document_ids = document_ids
        self.texts = texts

    def __iter__(self):
        return iter((self.comparison_id, self.document_ids))


def seed(app):
    """Run ``parallax seed``; return the :class:`Seed`."""
    comparison_id, document_ids = seed_comparison(app)
    texts = [document_text(app, document_id) for document_id in document_ids]
    return Seed(comparison_id, document_ids, texts)


def seed_comparison(app):
    """Run ``parallax seed``; return the comparison id and its two document ids."""
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        comparison = comparisons.find_comparison_by_title(
            db.get_session(), MANIFEST["comparison"]["title"]
        )
        return comparison.id, [document.id for document in comparison.documents]


def add_teacher(app, username="ms.tanaka", name="Ms Tanaka"):
    """Store a teacher who signs in with PASSWORD; return their id."""
    with app.app_context():
        session = db.get_session()
        user = accounts.create_user(
            session, username=username, name=name, password=PASSWORD, role="teacher"
        )
        session.commit()
        return user.id


def signed_in(app, username="ms.tanaka"):
    """Return a test client signed in through the login form (with its token when CSRF is on)."""
    client = app.test_client()
    data = {"username": username, "password": PASSWORD}
    if app.config.get("WTF_CSRF_ENABLED", True):
        page = client.get("/login").get_data(as_text=True)
        data["csrf_token"] = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def document_text(app, document_id):
    """Return a stored document's text."""
    with app.app_context():
        return db.get_session().get(models.Document, document_id).text


# A small comparison whose agreement is counted by hand in the report and exercise tests:
# A has three sentences and B two, so 5 sentences decide each tag.
SMALL_A = "Buy gold coins now. The minister spoke on Monday. Rain is due tonight."
SMALL_B = "Make the country great again. The minister spoke twice on Monday."


def add_small_comparison(app, title="Small", texts=(SMALL_A, SMALL_B)):
    """Store a comparison of ``texts``; return its id and its documents' ids."""
    with app.app_context():
        session = db.get_session()
        rows = [comparisons.add_document(session, ingest_text(text)) for text in texts]
        comparison = comparisons.add_comparison(session, title, rows)
        session.commit()
        return comparison.id, [row.id for row in rows]


def listed(answer):
    """Return the annotations of a list answer (README, "The annotation list") as dicts.

    Each row is read by the answer's ``fields``; tags and the author are looked up in the
    answer's ``tags`` and ``authors``, and the link becomes ``{document_id, start, end, quote}``.
    """
    data = answer.get_json() if hasattr(answer, "get_json") else answer
    items = []
    for row in data["annotations"]:
        item = dict(zip(data["fields"], row, strict=True))
        item["tags"] = [data["tags"][index] for index in item["tags"]]
        if item["author"] is not None:
            item["author"] = data["authors"][item["author"]]
        if item["link"] is not None:
            item["link"] = dict(
                zip(("document_id", "start", "end", "quote"), item["link"], strict=True)
            )
        items.append(item)
    return items

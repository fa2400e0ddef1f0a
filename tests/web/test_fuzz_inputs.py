"""Random JSON, unstorable text, huge numbers and deep nesting never give a 500 or a write (#12)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.web.helpers import add_teacher
from tests.web.helpers import seed_comparison
from tests.web.helpers import signed_in
from tests.web.test_malformed_input import counts

awkward_text = st.text(
    st.sampled_from(["a", " ", "\x00", "\ud800", "\udfff", "é", "\U0001f642", '"', "\\"]),
    max_size=12,
)
numbers = st.sampled_from([0, -1, 2**31, 2**63, "HUGE", 1.5, float("inf")])
leaves = st.none() | st.booleans() | numbers | awkward_text
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            awkward_text | st.sampled_from(["note", "start", "tag_keys"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


def encode(value):
    # Python's json writes lone surrogates as \\udxxx escapes, as an attacker's client would;
    # infinity and 5,000-digit numbers come out as JSON text a server must still refuse.
    return json.dumps(value).replace('"HUGE"', "9" * 5000)


def deep(levels):
    return "[" * levels + "]" * levels


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from annotations.storage.models import Base
    from webapp import create_app
    from webapp import db

    path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{path / 'parallax.sqlite3'}",
        },
        instance_path=str(path / "instance"),
    )
    with app.app_context():
        Base.metadata.create_all(db.get_engine())
    comparison_id, documents = seed_comparison(app)
    add_teacher(app)
    return app, comparison_id, documents


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app):
    """One client signed in as the teacher for every example (signing in hashes a password)."""
    return signed_in(fuzz_app[0])


def routes(comparison_id, documents):
    document_id = documents[0]
    return [
        ("post", f"/api/documents/{document_id}/annotations"),
        ("patch", "/api/annotations/no-such-id"),
        ("post", f"/api/documents/{2**40}/annotations"),
        ("post", "/api/exercises/1/annotations"),
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=json_values.map(encode) | st.integers(1, 2000).map(deep),
    route=st.integers(0, 3),
    import_kind=st.sampled_from(["tag-set", "annotations"]),
)
def test_fuzzed_bodies_never_fail_the_server(fuzz_app, fuzz_client, body, route, import_kind):
    app, comparison_id, documents = fuzz_app
    client = fuzz_client
    before = counts(app)
    method, url = routes(comparison_id, documents)[route]
    response = getattr(client, method)(
        url, data=body.encode("utf-8", "surrogatepass"), content_type="application/json"
    )
    assert response.status_code < 500, (url, body[:80], response.get_data(as_text=True))
    if import_kind == "tag-set":
        response = client.post("/tag-sets/import", data={"text": body})
    else:
        response = client.post(
            f"/comparisons/{comparison_id}/import",
            data={"file": (io.BytesIO(body.encode("utf-8", "surrogatepass")), "a.json")},
            content_type="multipart/form-data",
        )
    assert response.status_code < 500, (import_kind, body[:80])
    assert counts(app) == before

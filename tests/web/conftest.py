from __future__ import annotations

import pytest

from tests.web.helpers import seed


@pytest.fixture
def auth_app(app):
    """The `app` fixture, named for tests about signing in (sign-in is on by default)."""
    assert not app.config["LOGIN_DISABLED"], "a login_disabled test has no auth_app"
    return app


@pytest.fixture
def seeded(app):
    """Seed the database; unpack as ``comparison_id, (doc_a, doc_b)``, texts in ``.texts``."""
    return seed(app)

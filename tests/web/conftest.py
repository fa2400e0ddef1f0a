from __future__ import annotations

import pytest

from tests.web.helpers import seed


@pytest.fixture
def auth_app(app):
    """The `app` fixture with sign-in turned on."""
    app.config["LOGIN_DISABLED"] = False
    return app


@pytest.fixture
def seeded(app):
    """Seed the database; unpack as ``comparison_id, (doc_a, doc_b)``, texts in ``.texts``."""
    return seed(app)

from __future__ import annotations

import pytest

from tests.web.helpers import seed_comparison


@pytest.fixture
def auth_app(app):
    """The `app` fixture with sign-in turned on."""
    app.config["LOGIN_DISABLED"] = False
    return app


@pytest.fixture
def seeded(app):
    """Seed the database; return the comparison id and its two document ids."""
    return seed_comparison(app)

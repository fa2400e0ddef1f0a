from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False},
        instance_path=str(tmp_path / "instance"),
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()

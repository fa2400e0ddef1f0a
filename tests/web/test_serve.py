"""`parallax serve` and `parallax doctor` in a fresh instance folder, as an administrator would."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.console import main


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    env["PARALLAX_INSTANCE"] = str(instance)
    return env


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_serve_answers_and_prints_the_address(tmp_path, server):
    instance = tmp_path / "instance"
    env = clean_env(instance)
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([sys.executable, "-m", "webapp", *command], env=env, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", "1", "--server", server],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for(f"http://127.0.0.1:{port}/compare/seeds", process)
        assert b"Takaichi" in page
    finally:
        process.send_signal(signal.SIGINT if server == "waitress" else signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"Point students to:\n  http://127.0.0.1:{port}/" in output
    assert f"with {server}" in output
    key = instance / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 64


def test_doctor_says_what_to_fix_then_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("PARALLAX_DATABASE_URL", raising=False)
    runner = CliRunner()
    before = runner.invoke(main, ["doctor"])
    assert before.exit_code == 1
    assert "FIX database" in before.stdout and "run `parallax db upgrade`" in before.stdout
    assert "1 thing to fix" in before.stderr
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    after = runner.invoke(main, ["doctor"])
    assert after.exit_code == 0, after.output
    assert "FIX" not in after.stdout
    assert "ok  instance folder" in after.stdout


def test_doctor_names_an_unreachable_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv(
        "PARALLAX_DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}"
    )
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 1
    assert "FIX database" in result.stdout and "cannot reach" in result.stdout

"""A wheel installed into a fresh virtual environment works from any folder.

Builds the wheel, installs it (with its dependencies, from pip's cache when it has them) into a
new venv outside the checkout, and runs the commands a school's administrator would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.install


def run(*args, **kwargs):
    completed = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, timeout=600, **kwargs
    )
    assert completed.returncode == 0, f"{args}\n{completed.stdout}\n{completed.stderr}"
    return completed


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    # Built from a copy: setuptools writes build/ and *.egg-info into the folder it builds.
    source = base / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "instance", "bench"
        ),
    )
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, source)
    (wheel,) = dist.glob("parallax-*-py3-none-any.whl")
    environment = base / "venv"
    venv.create(environment, with_pip=True)
    bin_dir = environment / ("Scripts" if os.name == "nt" else "bin")
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel)
    return bin_dir, wheel


def test_the_wheel_holds_the_data_the_app_reads(installed):
    import zipfile

    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "webapp/migrations/script.py.mako" in names
    assert "webapp/migrations/env.py" in names
    assert any(name.startswith("webapp/migrations/versions/") for name in names)
    assert "webapp/seeds/manifest.json" in names
    assert "annotations/framing/suggesting/emotive.tsv" in names
    assert "webapp/templates/base.html" in names
    assert any(name.startswith("webapp/static/css/") for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_an_installed_parallax_works_from_another_folder(installed, tmp_path):
    bin_dir, _ = installed
    parallax = bin_dir / "parallax"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    env.pop("VIRTUAL_ENV", None)
    env["PARALLAX_INSTANCE"] = str(tmp_path / "instance")
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"

    version = run(parallax, "--version", cwd=work, env=env)
    assert version.stdout.startswith("Parallax ")
    upgraded = run(parallax, "db", "upgrade", cwd=work, env=env)
    assert "is at revision" in upgraded.stdout
    seeded = run(parallax, "seed", cwd=work, env=env)
    assert "Stored the seed comparison" in seeded.stdout
    (work / "a.txt").write_text("The minister met the press on Monday. She was calm.\n")
    (work / "b.txt").write_text("On Monday the minister met reporters. She was calm.\n")
    aligned = run(parallax, "align", "a.txt", "b.txt", cwd=work, env=env)
    assert "She was calm." in aligned.stdout
    # The package, not the checkout: the installed code lives in the venv.
    where = run(
        bin_dir / "python", "-c", "import webapp; print(webapp.__file__)", cwd=work, env=env
    )
    assert str(ROOT) not in where.stdout

    port = free_port()
    server = subprocess.Popen(
        [str(parallax), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/compare/seeds", timeout=5
                ) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        assert "Takaichi" in page
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output

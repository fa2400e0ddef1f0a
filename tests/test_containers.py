"""The container files: what they say is checked here; the image is built where Docker runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / ".ci" / "docker"
DOCKERFILE = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_the_image_runs_as_an_unprivileged_user():
    users = instructions("USER")
    assert users, "the Dockerfile never leaves root"
    assert users[-1] not in ("root", "0")
    final_stage = DOCKERFILE.rsplit("FROM ", 1)[1]
    assert final_stage.index("USER ") < final_stage.index("CMD ")


def test_the_image_copies_what_the_wheel_is_built_from():
    copied = {
        part.rstrip("/")
        for line in instructions("COPY")
        if not line.startswith("--from")
        for part in shlex.split(line)[:-1]
    }
    project = PYPROJECT["project"]
    needed = {"pyproject.toml", project["readme"], *project["license-files"]}
    needed |= {name.split(".")[0] for name in PYPROJECT["tool"]["setuptools"]["packages"]}
    needed |= set(PYPROJECT["tool"]["setuptools"]["package-dir"].values())
    assert needed <= copied, needed - copied


def test_the_image_serves_checks_its_health_and_has_the_extras():
    (healthcheck,) = instructions("HEALTHCHECK")
    assert "/healthz" in healthcheck and "127.0.0.1:8000" in healthcheck
    (command,) = instructions("CMD")
    assert '"parallax", "serve"' in command and '"--port", "8000"' in command
    assert '"--host", "0.0.0.0"' in command
    assert "EXPOSE 8000" in DOCKERFILE
    extras = re.search(r"parallax-\*\.whl\)\[([\w,]+)\]", DOCKERFILE).group(1).split(",")
    assert set(extras) <= set(PYPROJECT["project"]["optional-dependencies"])
    assert {"postgresql", "redis"} <= set(extras)


def test_compose_runs_two_servers_behind_a_proxy_on_one_database_and_redis():
    services = COMPOSE["services"]
    assert {"app1", "app2", "proxy", "db", "redis"} <= set(services)
    apps = [services["app1"], services["app2"]]
    for app in apps:
        build = app["build"]
        assert (DOCKER / build["context"] / build["dockerfile"]).resolve() == DOCKER / "Dockerfile"
        environment = app["environment"]
        assert environment["PARALLAX_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in environment["PARALLAX_DATABASE_URL"]
        assert environment["PARALLAX_RATELIMIT_STORAGE_URI"].startswith("redis://redis:")
        # One key for both servers, and no default: compose refuses to start without it.
        assert environment["PARALLAX_SECRET_KEY"].startswith("${PARALLAX_SECRET_KEY:?")
        assert environment["PARALLAX_TRUSTED_PROXIES"] == "1"
        assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert apps[0]["environment"] == apps[1]["environment"]
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]


def test_the_proxy_spreads_requests_over_both_servers():
    proxy = COMPOSE["services"]["proxy"]
    (mount,) = proxy["volumes"]
    source, target = mount.split(":")[:2]
    assert target == "/etc/nginx/conf.d/default.conf"
    config = (DOCKER / source).read_text(encoding="utf-8")
    upstream = re.search(r"upstream parallax \{(.*?)\}", config, re.S).group(1)
    assert re.findall(r"server (\w+):8000", upstream) == ["app1", "app2"]
    assert "proxy_pass http://parallax;" in config
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header}" in config


def docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.docker
def test_the_image_builds():
    if not docker_works():
        pytest.skip("no Docker daemon here: the image build is checked where Docker runs")
    built = subprocess.run(
        ["docker", "build", "-f", str(DOCKER / "Dockerfile"), "-t", "parallax:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stderr[-3000:]

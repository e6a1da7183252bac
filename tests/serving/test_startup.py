"""Production refuses to start without its settings or its database, saying why in a sentence;
and a dead Redis costs speed, never pages."""

import subprocess
import sys

import pytest

from .conftest import ROOT, free_port, manage

REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"]


def run_gunicorn(env):
    env = {**env, "WEB_CONCURRENCY": "1", "DJANGO_BIND": f"127.0.0.1:{free_port()}"}
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "wic/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def without(env, name):
    return {key: value for key, value in env.items() if key != name}


@pytest.mark.parametrize("missing", REQUIRED)
def test_gunicorn_refuses_to_start_without_a_production_setting(site, missing):
    result = run_gunicorn(without(site, missing))

    assert result.returncode == 1
    assert f"{missing} is not set" in result.stderr
    [other] = set(REQUIRED) - {missing}
    assert f"{other} is not set" not in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_debug(site):
    result = run_gunicorn({**site, "DJANGO_DEBUG": "1"})

    assert result.returncode == 1
    assert "DJANGO_DEBUG=1 is for development only" in result.stderr


def test_make_serve_refuses_before_migrating(site):
    result = subprocess.run(
        ["scripts/serve.sh"],
        cwd=ROOT,
        env={**without(site, "DJANGO_SECRET_KEY"), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "(wic.E001) DJANGO_SECRET_KEY is not set." in result.stderr
    assert "Operations to perform" not in result.stdout  # migrate never ran
    assert "Traceback" not in result.stderr


@pytest.fixture
def unreachable_postgres(site):
    return {**site, "DATABASE_URL": f"postgres://wic@127.0.0.1:{free_port()}/wic"}


def test_gunicorn_names_database_url_when_postgresql_is_unreachable(unreachable_postgres):
    result = run_gunicorn(unreachable_postgres)

    assert result.returncode == 1
    assert "Cannot connect to the database postgresql://wic@127.0.0.1:" in result.stderr
    assert "(DATABASE_URL)" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_names_database_url_when_postgresql_is_unreachable(unreachable_postgres):
    result = manage(unreachable_postgres, "migrate", "--noinput", check=False)

    assert result.returncode == 1
    assert "(wic.E002) Cannot connect to the database postgresql://wic@127.0.0.1:" in (
        result.stderr
    )
    assert "(DATABASE_URL)" in result.stderr
    assert "Traceback" not in result.stderr


def test_with_redis_down_pages_are_served_and_the_log_says_why(site, gunicorn):
    manage(
        site,
        "shell",
        "--no-imports",
        "-c",
        "from tests.factories import make_edition; "
        "make_edition(year=2018, number=5, is_current=True, name_zh_hans='乌镇峰会')",
    )
    server = gunicorn({**site, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, workers=1)

    pages = [server.get("/zh-hans/") for _ in range(3)]

    assert [(status, "乌镇峰会" in body) for status, _headers, body in pages] == [(200, True)] * 3
    assert "Page cache unavailable (ConnectionError: " in server.output()
    assert "pages are rendered from the database without it" in server.output()

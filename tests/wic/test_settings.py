"""What the environment selects (wic/settings.py, wic/gunicorn.conf.py), and that the
production environment docs/deploy.md describes passes `manage.py check --deploy`."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The production environment of docs/deploy.md.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "wic-2018-" + "x9Tq!7vR#2mLp@4sZk8&Yw3nB6cJ0hFd" * 2,
    "DJANGO_ALLOWED_HOSTS": "wic.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://wic.example.org",
    "DJANGO_HTTPS": "1",
    # The proxy of docs/deploy.md sets X-Forwarded-For (docs/security.md).
    "DJANGO_TRUST_X_FORWARDED_FOR": "1",
}


# Variables of the test process itself, not of the site: the browser tests' Playwright loop
# needs DJANGO_ALLOW_ASYNC_UNSAFE for the ORM calls of every later test.
PROCESS_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def load_settings(monkeypatch, **environ):
    """wic/settings.py as a fresh module under `environ` (and nothing of the test's own)."""
    for name in list(os.environ):
        if name in PROCESS_VARIABLES:
            continue
        if name.startswith("DJANGO_") or name in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "wic" / "settings.py"))


def load_gunicorn_config(monkeypatch, **environ):
    for name in ("WEB_CONCURRENCY", "DJANGO_WORKERS", "DJANGO_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "wic" / "gunicorn.conf.py"))


def test_the_default_cache_is_shared_files_in_the_project(monkeypatch):
    settings = load_settings(monkeypatch)

    assert settings["CACHES"]["default"]["BACKEND"] == "wic.core.cache.PageFileCache"
    assert settings["CACHES"]["default"]["LOCATION"] == ROOT / "var" / "cache"
    # Searches' pages apart, culled on their own and kept a minute: junk evicts only junk.
    queries = settings["CACHES"]["queries"]
    assert queries["LOCATION"] == ROOT / "var" / "cache" / "queries"
    assert (queries["OPTIONS"]["MAX_ENTRIES"], queries["TIMEOUT"]) == (2000, 60)


def test_redis_url_selects_redis(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/2")

    assert settings["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    queries = settings["CACHES"]["queries"]
    assert queries["LOCATION"] == "redis://cache.internal:6379/2"
    assert (queries["KEY_PREFIX"], queries["TIMEOUT"]) == ("wic-queries", 60)


def test_sessions_do_not_depend_on_the_cache(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/2")

    assert settings.get("SESSION_ENGINE", "django.contrib.sessions.backends.db") == (
        "django.contrib.sessions.backends.db"
    )


def test_sqlite_is_tuned_for_many_processes(monkeypatch):
    settings = load_settings(monkeypatch)

    assert settings["DATABASES"]["default"]["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


def test_database_url_selects_postgresql(monkeypatch):
    settings = load_settings(monkeypatch, DATABASE_URL="postgres://wic:pw@db.internal:5432/wic")

    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "wic",
    )
    assert database["OPTIONS"] == {"connect_timeout": 5}


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, True),
        ({"DJANGO_PAGE_CACHE": "0"}, False),
        ({"DJANGO_DEBUG": "1"}, False),
        ({"DJANGO_DEBUG": "1", "DJANGO_PAGE_CACHE": "1"}, True),
    ],
)
def test_the_page_cache_is_on_in_production_and_off_in_development(monkeypatch, environ, on):
    assert load_settings(monkeypatch, **environ)["PAGE_CACHE"] is on


def test_https_turns_on_redirect_secure_cookies_and_hsts(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION)

    assert {name: settings[name] for name in HTTPS_SETTINGS} == {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }


HTTPS_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]


def test_without_https_nothing_redirects(monkeypatch):
    settings = load_settings(monkeypatch)

    assert [settings[name] for name in HTTPS_SETTINGS] == [None, False, False, False, 0]


def manage(environ, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "wic.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_in_the_documented_production_environment():
    result = manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_names_the_missing_production_settings():
    result = manage({"DJANGO_HTTPS": "1"}, "check", "--deploy")

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "(wic.E001)" in line]
    assert sorted(errors) == [
        "?: (wic.E001) DJANGO_ALLOWED_HOSTS is not set.",
        "?: (wic.E001) DJANGO_SECRET_KEY is not set.",
    ]


def test_workers_come_from_web_concurrency(monkeypatch):
    assert load_gunicorn_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_workers_come_from_django_workers(monkeypatch):
    assert load_gunicorn_config(monkeypatch, DJANGO_WORKERS="5")["workers"] == 5


def test_workers_default_to_twice_the_cores_plus_one(monkeypatch):
    config = load_gunicorn_config(monkeypatch)

    cores = len(os.sched_getaffinity(0))
    assert config["workers"] == min(2 * cores + 1, 16)
    assert config["bind"] == "127.0.0.1:8000"


def test_an_empty_variable_counts_as_unset(monkeypatch):
    # `FOO=` in an .env file must keep the default, not select a dummy database or crash.
    empty = dict.fromkeys(
        [
            "DJANGO_SECRET_KEY",
            "DATABASE_URL",
            "DJANGO_DB_CONN_MAX_AGE",
            "DJANGO_LOG_LEVEL",
            "DJANGO_STATIC_ROOT",
            "DJANGO_MEDIA_ROOT",
            "REDIS_URL",
        ],
        "",
    )

    settings = load_settings(monkeypatch, **empty)

    assert settings["SECRET_KEY"] == "django-insecure-dev-only"
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert settings["LOGGING"]["root"]["level"] == "INFO"
    assert settings["STATIC_ROOT"] == ROOT / "staticfiles"
    assert settings["MEDIA_ROOT"] == ROOT / "media"
    assert settings["CACHES"]["default"]["BACKEND"] == "wic.core.cache.PageFileCache"

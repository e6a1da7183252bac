"""When the database fails, visitors get a 503 page in their language, never a traceback.

The unit tests make a view, or the page cache's read of the content version, raise what the
database drivers raise; the last two tests break a real database: a SQLite file locked
under a running gunicorn, and a PostgreSQL server that is not there. (The page cache down:
tests/wic/test_page_cache.py; a malformed fixture: tests/test_loaddata_bad_input.py.)
"""

import json
import logging
import re
import socket
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import translation

from events.views import CurrentEditionHomeView
from tests.serving.conftest import ROOT, manage, site_env, start_gunicorn, stop
from wic.core import cache
from wic.core.middleware import RETRY_AFTER_SECONDS, unavailable

LOCKED = OperationalError("database is locked")
NO_SERVER = OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    "could not connect to server: Connection refused"
)
GONE = InterfaceError("connection already closed")
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}  # BCP 47


def h1(response):
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)[1].strip()


def links(response):
    return re.findall(r'<a [^>]*href="([^"]*)"', response.content.decode())


def translated(language, text):
    with translation.override(language):
        return translation.gettext(text)


def expected_links(language):
    """Skip link, brand, the two languages, Home, Editions, Try again (this page)."""
    return [
        "#main",
        f"/{language}/",
        "/zh-hans/",
        "/en/",
        f"/{language}/",
        f"/{language}/editions/",
        "",
    ]


def assert_unavailable_page(response, language):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Language"] == language
    body = response.content.decode()
    assert f'<html lang="{HTML_LANG[language]}">' in body
    assert h1(response) == translated(language, "Temporarily unavailable")
    assert translated(language, "World Internet Conference") in body
    assert links(response) == expected_links(language)
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.fixture
def broken_view(monkeypatch, db):
    """The home page's view raises `error` on its first query (the request reads the
    content's clock before it, wic/core/cache.py: that works)."""

    def breaks_with(error):
        def dispatch(self, request, *args, **kwargs):
            raise error

        monkeypatch.setattr(CurrentEditionHomeView, "dispatch", dispatch)

    return breaks_with


@pytest.fixture
def broken_version_read(monkeypatch, settings):
    """The page cache (on, as in production) fails reading the content version: before the
    view, before LocaleMiddleware, outside any view's process_exception."""
    settings.PAGE_CACHE = True

    def breaks_with(error):
        def content_version(*args, **kwargs):
            raise error

        monkeypatch.setattr(cache, "content_version", content_version)

    return breaks_with


# --- a view ---------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [LOCKED, NO_SERVER, GONE], ids=["locked", "no-server", "gone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_database_error_in_a_view_gives_the_503_page_in_the_urls_language(
    client, broken_view, error, language
):
    broken_view(error)

    # A Chinese browser on the English page: the URL's prefix decides.
    response = client.get(f"/{language}/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert_unavailable_page(response, language)


def test_the_chinese_page_is_in_chinese(client, broken_view):
    broken_view(LOCKED)

    response = client.get("/zh-hans/")

    body = response.content.decode()
    assert (
        "<title>" + translated("zh-hans", "Temporarily unavailable") + " · 世界互联网大会</title>"
        in body
    )
    assert ">首页</a>" in body and ">历届大会</a>" in body


def test_the_cause_is_logged(client, broken_view, caplog):
    broken_view(LOCKED)

    with caplog.at_level(logging.ERROR, logger="wic.core.middleware"):
        client.get("/en/")

    assert [
        record.getMessage() for record in caplog.records if record.name == "wic.core.middleware"
    ] == ["Database unavailable (OperationalError: database is locked): GET /en/ answered with 503"]


def test_other_errors_still_get_the_500_page(broken_view):
    broken_view(ValueError("a bug"))
    client = Client(raise_request_exception=False)

    response = client.get("/en/")

    assert response.status_code == 500
    assert h1(response) == "Server error"
    assert not response.has_header("Retry-After")


# --- before the view: the page cache reads the database first --------------------------------


@pytest.mark.parametrize("error", [LOCKED, NO_SERVER], ids=["locked", "no-server"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_database_error_in_the_page_cache_gives_the_503_page(
    broken_version_read, error, language
):
    broken_version_read(error)
    client = Client(raise_request_exception=False)

    response = client.get(f"/{language}/2018/agenda/", headers={"accept-language": "fr"})

    assert_unavailable_page(response, language)


@pytest.mark.parametrize(
    ("accept_language", "language"), [("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9", "zh-hans")]
)
def test_without_a_language_prefix_the_browsers_language_decides(
    broken_version_read, accept_language, language
):
    broken_version_read(LOCKED)
    client = Client(raise_request_exception=False)

    response = client.get("/sitemap.xml", headers={"accept-language": accept_language})

    assert_unavailable_page(response, language)


def test_the_page_needs_no_database(rf):
    """Rendered while the database is down: any query here would fail the test (no db mark)."""
    response = unavailable(rf.get("/en/2018/news/"), LOCKED)

    assert response.status_code == 503
    assert h1(response) == "Temporarily unavailable"


# --- real failures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    env = site_env(folder, folder / "db.sqlite3", DJANGO_STATIC_ROOT=str(folder / "static"))
    manage(env, "migrate", "--noinput")
    # Only what the 503 and 404 pages use: the site's stylesheet.
    ignore = ["--ignore", "admin", "--ignore", "modeltranslation", "--ignore", "vendor"]
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", *ignore)
    return folder


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_a_locked_sqlite_file_under_gunicorn_gives_503_then_recovers(migrated_sqlite, tmp_path):
    database = migrated_sqlite / "db.sqlite3"
    env = site_env(
        tmp_path,
        database,
        # Wait 1 s for a lock instead of the production 20 s.
        DATABASE_URL=f"sqlite:///{database}?timeout=1",
        # Connections closed after each request, so that the test can take the file alone.
        DJANGO_DB_CONN_MAX_AGE="0",
        DJANGO_STATIC_ROOT=str(migrated_sqlite / "static"),
    )
    server = start_gunicorn(env, tmp_path / "gunicorn.log", workers=1)
    try:
        assert fetch(server.url + "/en/")[0] == 404  # up: no edition yet
        # Another process holds the file: no reader gets in (exclusive locking mode).
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("SELECT COUNT(*) FROM django_migrations").fetchall()
        try:
            locked = [
                fetch(server.url + "/zh-hans/2018/"),
                fetch(server.url + "/robots.txt", **{"Accept-Language": "en-US"}),
            ]
        finally:
            holder.close()
        recovered = fetch(server.url + "/en/")
    finally:
        stop(server.process)

    assert [(status, headers["Retry-After"]) for status, headers, _ in locked] == [
        (503, str(RETRY_AFTER_SECONDS)),
        (503, str(RETRY_AFTER_SECONDS)),
    ]
    assert [re.search(r'<html lang="([^"]+)"', body)[1] for _, _, body in locked] == [
        "zh-Hans",
        "en",
    ]
    assert "世界互联网大会" in locked[0][2]
    assert recovered[0] == 404  # the same worker answers again, without a restart
    log = server.output()
    assert log.count("Database unavailable (OperationalError: database is locked)") == 2, log
    assert "Traceback" not in "".join(body for _, _, body in locked)


# The test client in a process of its own, configured by its environment like the site.
PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
result = []
for path, language in [("/zh-hans/", ""), ("/en/2018/agenda/", ""), ("/robots.txt", "en")]:
    response = client.get(path, headers={"accept-language": language})
    body = response.content.decode()
    result.append([path, response.status_code, response.get("Retry-After"), body])
print(json.dumps(result))
"""


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("page_cache", ["1", "0"], ids=["page-cache-on", "page-cache-off"])
def test_an_unreachable_postgresql_gives_503(migrated_sqlite, tmp_path, page_cache):
    """The site's own code and psycopg against a closed port: the real connection error."""
    env = site_env(
        tmp_path,
        tmp_path / "unused.sqlite3",
        DATABASE_URL=f"postgres://wic@127.0.0.1:{closed_port()}/wic",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_STATIC_ROOT=str(migrated_sqlite / "static"),
        DJANGO_PAGE_CACHE=page_cache,
        DJANGO_LOG_LEVEL="ERROR",
    )

    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)
    unavailable = (503, str(RETRY_AFTER_SECONDS))
    # Every request reads the content's clock first, for a scheduled draft that may be due
    # (wic/core/drafts.py): robots.txt too.
    assert [(path, status, retry) for path, status, retry, _ in pages] == [
        ("/zh-hans/", *unavailable),
        ("/en/2018/agenda/", *unavailable),
        ("/robots.txt", *unavailable),
    ]
    assert [re.search(r'<html lang="([^"]+)"', body)[1] for *_, body in pages[:2]] == [
        "zh-Hans",
        "en",
    ]
    assert "Traceback" not in "".join(body for *_, body in pages)
    assert re.search(
        r"Database unavailable \(OperationalError: .*Connection refused", result.stderr
    )


def test_the_middleware_sits_right_after_whitenoise(settings):
    middleware = settings.MIDDLEWARE
    position = middleware.index("wic.core.middleware.DatabaseUnavailableMiddleware")

    assert middleware[position - 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    # Outside everything that reads the database: the page cache, sessions, auth.
    assert position < middleware.index("wic.core.cache.PageCacheMiddleware")
    assert position < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")

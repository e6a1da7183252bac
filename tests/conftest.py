import datetime
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Manifest storage needs collectstatic; tests render with plain storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A test-client request leaves its language active; start every test from the default."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Views are tested as they render; the page cache has its own tests
    (tests/wic/test_page_cache.py, tests/serving/), which turn it back on."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    """Every test's database starts from the same content clock, so what this process
    remembers by the clock's number (the page cache's memories, the next scheduled change,
    the next draft due) would carry over from one test to the next: forget it after each
    test, as a new process would start."""
    yield
    from wic.core import cache, drafts

    cache.local_pages.clear()
    cache.query_pages.clear()
    cache.tag_versions.__init__()
    cache.schedule.__init__()
    drafts.due_drafts.__init__()


def turn_page_cache_on(settings, tmp_path):
    """The page cache on, in the configured backend, with nothing in it from other tests:
    a directory of this test's own, or (the PostgreSQL + Redis run) a key space of its own."""
    from wic.core import cache as page_cache_module

    settings.PAGE_CACHE = True
    if settings.CACHES["default"]["BACKEND"] == "wic.core.cache.PageFileCache":
        place = {
            "default": {"LOCATION": str(tmp_path / "cache")},
            "queries": {"LOCATION": str(tmp_path / "cache" / "queries")},
        }
    else:
        prefix = f"test-{uuid.uuid4().hex}"
        place = {alias: {"KEY_PREFIX": f"{prefix}-{alias}"} for alias in settings.CACHES}
    settings.CACHES = {alias: {**settings.CACHES[alias], **place[alias]} for alias in place}
    page_cache_module.guard.down_until = 0.0
    return caches["default"]


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on (`_page_cache_off` turns it off for every other test)."""
    from wic.core import cache as page_cache_module

    yield turn_page_cache_on(settings, tmp_path)
    page_cache_module.guard.down_until = 0.0


class Clock:
    """The site's clock, moved forward in a test: `clock.advance(hours=2)`. What reads the
    time in Python (timezone.now(), time.time()) sees it moved; the database's own clock
    (Now()) does not, and nothing here asks it when something is public."""

    def __init__(self, monkeypatch):
        self.offset = datetime.timedelta()
        real_now, real_time = timezone.now, time.time
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset.total_seconds())

    def advance(self, **delta):
        self.offset += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _login_with_a_request(monkeypatch):
    """django-axes (login throttling, on in every test) needs the request that a login comes
    with, and the test client's `login()` passes none: give it a blank one, as axes' docs
    advise. `force_login()` needs nothing."""
    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)

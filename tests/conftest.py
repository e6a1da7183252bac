import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from django.utils import translation


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
def _login_with_a_request(monkeypatch):
    """django-axes (login throttling, on in every test) needs the request that a login comes
    with, and the test client's `login()` passes none: give it a blank one, as axes' docs
    advise. `force_login()` needs nothing."""
    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)

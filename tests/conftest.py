import pytest
from django.conf import settings
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

"""`Cache-Control: private, no-store` on every response that depends on a session
(wic.core.middleware.SessionPrivacyMiddleware), so that no shared cache in front of the site
keeps an editor's page with its drafts; anonymous visitors' pages stay public and cached."""

import pytest
from django.conf import settings as django_settings

from tests.conftest import turn_page_cache_on
from tests.factories import make_edition, make_editor, make_session
from wic.core.cache import CACHE_HEADER

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def directives(response):
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}


def is_private(response):
    return {"private", "no-store"} <= directives(response)


@pytest.fixture(params=["cache off", "cache on"])
def page_cache(request, settings, tmp_path):
    """Every test twice: the page cache off (as in tests/conftest.py) and on."""
    if request.param == "cache on":
        turn_page_cache_on(settings, tmp_path).clear()
    return request.param == "cache on"


@pytest.fixture
def site():
    edition = make_edition(year=2018, is_current=True)
    make_session(edition=edition, slug="opening")
    make_session(edition=edition, slug="draft", title_en="Draft forum", is_published=False)
    return edition


# Pages whose content depends on who looks (editors see drafts).
PUBLIC_PAGES = ["/en/", "/zh-hans/2018/agenda/", "/en/2018/agenda/opening/"]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/en/2018/agenda/draft/", "/admin/"])
def test_a_logged_in_editors_pages_are_private_and_not_stored(client, page_cache, site, url):
    client.force_login(make_editor())

    first = client.get(url)
    second = client.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert is_private(first) and is_private(second)
    assert CACHE_HEADER not in second  # never from the page cache either


def test_the_editors_draft_page_is_private(client, page_cache, site):
    client.force_login(make_editor())

    response = client.get("/en/2018/agenda/")

    assert b"Draft forum" in response.content
    assert is_private(response)


def test_a_page_that_never_reads_the_session_stays_public_for_an_editor(client, page_cache, site):
    """Search shows published content only, whoever asks: nothing of the session in it."""
    client.force_login(make_editor())

    response = client.get("/en/search/?q=forum")

    assert response.status_code == 200
    assert not directives(response) & {"private", "no-store"}


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/en/search/?q=forum"])
def test_anonymous_visitors_pages_stay_public(client, page_cache, site, url):
    first = client.get(url)
    second = client.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert not directives(first) & {"private", "no-store"}
    assert not directives(second) & {"private", "no-store"}
    if page_cache and not url.startswith("/en/search/"):
        assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")


def test_a_language_cookie_alone_is_not_a_session(client, page_cache, site):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/en/")

    assert not directives(response) & {"private", "no-store"}


def test_logging_in_and_out_are_private(client, page_cache, site):
    make_editor(username="editor", password=PASSWORD)

    login = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"}
    )
    logout = client.post("/admin/logout/")

    assert (login.status_code, logout.status_code) == (302, 200)
    assert is_private(login) and is_private(logout)


def test_after_logout_public_pages_are_public_again(client, page_cache, site):
    client.force_login(make_editor())
    client.post("/admin/logout/")
    client.cookies.pop(django_settings.SESSION_COOKIE_NAME, None)

    response = client.get("/en/")

    assert not directives(response) & {"private", "no-store"}

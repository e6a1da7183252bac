"""Security headers and cookies (wic/settings.py, docs/security.md): the Content-Security-Policy
on every response, public pages, admin, errors and cached pages alike, in development too; the
HTTPS-only headers and cookie flags of the production environment of docs/deploy.md; and
public pages that need no inline script or style, so that the policy can forbid them."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from csp.constants import NONCE
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.models import Edition, Session
from tests.factories import make_document, make_edition, make_editor, make_session
from tests.wic.test_settings import PRODUCTION, load_settings, manage
from wic.core import cache as page_cache_module
from wic.core.cache import CACHE_HEADER

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # The admin's text editor's one inline style, by its hash (wic/settings.py).
    "style-src": ["'self'", "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# The headers SecurityMiddleware and XFrameOptionsMiddleware add to every response.
PLAIN_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Permissions-Policy: what no page uses, denied (wic/settings.py PERMISSIONS_POLICY_DENIED).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), compute-pressure=(), "
    "display-capture=(), encrypted-media=(), fullscreen=(), gamepad=(), geolocation=(), "
    "gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), "
    "interest-cohort=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), "
    "otp-credentials=(), payment=(), picture-in-picture=(), publickey-credentials-create=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), storage-access=(), usb=(), "
    "window-management=(), xr-spatial-tracking=()"
)


def policy(response, nonce=None):
    """The Content-Security-Policy header as {directive: [sources]} (its order is not fixed).
    A response's nonce (the admin's change forms send one) is read into `nonce`, a list, and
    left out: only the scripts of that one response carry it."""
    header = response.headers.get("Content-Security-Policy")
    assert header is not None, f"no CSP on {response.status_code} {response.get('Content-Type')}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    found = {}
    for name, *sources in directives:
        found[name] = [source for source in sources if not source.startswith("'nonce-")]
        if nonce is not None:
            nonce += [source for source in sources if source.startswith("'nonce-")]
    return found


def plain_headers(response):
    return {name: response.headers.get(name) for name in PLAIN_HEADERS}


def permissions(response):
    return response.headers.get("Permissions-Policy")


@pytest.fixture
def edition():
    return make_edition(year=2018, number=5, is_current=True)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


# --- The policy: on every response ---------------------------------------------------------


def test_the_policy_is_exactly_the_documented_one(client, edition):
    response = client.get("/zh-hans/")

    assert response.status_code == 200
    assert policy(response) == POLICY
    assert plain_headers(response) == PLAIN_HEADERS


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/zh-hans/2018/agenda/",
        "/en/search/?q=forum",
        "/sitemap.xml",
        "/robots.txt",
        "/favicon.ico",
        "/en/2018/agenda.ics",
        "/admin/login/",
        "/",  # the language redirect
        "/en/no-such-page/",  # 404
        "/zh-hans/1999/",  # 404 from a view
    ],
)
def test_every_public_response_carries_the_policy_and_headers(client, edition, url):
    response = client.get(url)

    assert response.status_code in (200, 302, 404)
    assert (policy(response), plain_headers(response)) == (POLICY, PLAIN_HEADERS)
    assert permissions(response) == PERMISSIONS_POLICY


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/events/forum/",
        "/admin/events/forum/add/",
        "/admin/events/forum/{pk}/change/",
        "/admin/autocomplete/?app_label=events&model_name=session&field_name=edition",
        "/admin/jsi18n/",
        "/admin/events/venue/add/?_to_field=id&_popup=1",
    ],
)
def test_every_admin_response_carries_the_policy(editor_client, edition, url):
    forum = make_session(edition=edition, kind=Session.Kind.FORUM)

    response = editor_client.get(url.format(pk=forum.pk))

    nonces = []
    assert response.status_code == 200
    assert (policy(response, nonces), plain_headers(response)) == (POLICY, PLAIN_HEADERS)
    assert permissions(response) == PERMISSIONS_POLICY
    # A change form's scripts (the text editor's import map among them) carry a nonce of
    # their own; other pages send none.
    assert len(nonces) == (1 if "/add/" in url or url.endswith("/change/") else 0)


def test_the_policy_applies_in_development_too(client, settings, edition):
    settings.DEBUG = True

    public = client.get("/en/")
    login = client.get("/admin/login/")

    assert (policy(public), policy(login)) == (POLICY, POLICY)


def test_upload_origins_can_be_added_to_img_src(monkeypatch):
    settings = load_settings(
        monkeypatch, DJANGO_CSP_IMG_ORIGINS="https://media.example.org, https://cdn.example.org"
    )

    directives = settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    directives["script-src"] = [s for s in directives["script-src"] if s != NONCE]
    assert directives["img-src"] == [
        "'self'",
        "data:",
        "https://media.example.org",
        "https://cdn.example.org",
    ]
    assert {name: sources for name, sources in directives.items() if name != "img-src"} == {
        name: sources for name, sources in POLICY.items() if name != "img-src"
    }


# --- The page cache -------------------------------------------------------------------------


def test_a_page_from_the_cache_carries_the_policy_and_headers(client, page_cache, edition):
    first = client.get("/en/")
    second = client.get("/en/")

    assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
    assert (policy(second), plain_headers(second)) == (POLICY, PLAIN_HEADERS)
    assert permissions(second) == PERMISSIONS_POLICY
    assert second.content == first.content


def test_the_permissions_policy_is_not_stored_with_a_cached_page(client, page_cache, edition):
    """Like the CSP, it is added on the way out, so a changed policy reaches cached pages."""
    client.get("/en/")

    (page,) = [value for key, value in page_cache_module.local_pages.pages.items()]
    assert "Permissions-Policy" not in dict(page.headers)
    assert "Content-Security-Policy" not in dict(page.headers)


def test_a_static_file_carries_the_headers(client, settings):
    """Served by WhiteNoise, before the rest of the middleware: the headers still reach it.
    (Its finders mode here, as in development: tests have no collected files.)"""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    static_client = type(client)()

    response = static_client.get("/static/css/site.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert permissions(response) == PERMISSIONS_POLICY
    assert policy(response) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_permissions_policy_denies_what_the_issue_named():
    denied = {part.split("=")[0] for part in PERMISSIONS_POLICY.split(", ")}

    assert {
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    } <= denied
    assert all(part.endswith("=()") for part in PERMISSIONS_POLICY.split(", "))


def test_a_head_request_from_the_cache_carries_the_policy(client, page_cache, edition):
    client.get("/en/")

    response = client.head("/en/")

    assert (response[CACHE_HEADER], policy(response)) == ("hit", POLICY)


# --- Production (DJANGO_HTTPS=1 behind the proxy) ------------------------------------------


def test_production_settings_turn_on_hsts_and_secure_httponly_cookies(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION)

    assert {name: settings[name] for name in PRODUCTION_SECURITY} == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "X_FRAME_OPTIONS": "DENY",
    }
    # The nonce is named in the settings, sent only by responses that use one.
    assert settings["CONTENT_SECURITY_POLICY"] == {
        "DIRECTIVES": {**POLICY, "script-src": [*POLICY["script-src"], NONCE]}
    }


PRODUCTION_SECURITY = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
]


@pytest.fixture
def production(settings, monkeypatch):
    """The security settings of the production environment, in this process (before the test
    client's first request: SecurityMiddleware reads them when it is built)."""
    production_settings = load_settings(monkeypatch, **PRODUCTION)
    for name in [*PRODUCTION_SECURITY, "SECURE_PROXY_SSL_HEADER"]:
        setattr(settings, name, production_settings[name])
    return settings


HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}  # what the proxy says of an HTTPS request


def test_production_sends_hsts_over_https(client, production, edition):
    response = client.get("/en/", **HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert (policy(response), plain_headers(response)) == (POLICY, PLAIN_HEADERS)


def test_production_redirects_plain_http_to_https(client, production, edition):
    response = client.get("/en/")

    assert (response.status_code, response["Location"]) == (301, "https://testserver/en/")


def test_production_cookies_are_secure_and_httponly(client, production):
    editor = make_editor(username="editor", password="a-long-test-password")

    login_page = client.get("/admin/login/", **HTTPS)
    logged_in = client.post(
        "/admin/login/",
        {"username": editor.username, "password": "a-long-test-password", "next": "/admin/"},
        **HTTPS,
    )

    assert (login_page.status_code, logged_in.status_code) == (200, 302)
    csrf = login_page.cookies[django_settings.CSRF_COOKIE_NAME]
    session = logged_in.cookies[django_settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")


def test_production_language_cookie_is_secure_and_httponly(client, production):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **HTTPS)

    assert response.status_code == 302
    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["secure"], cookie["httponly"], cookie["samesite"]) == (
        "en",
        True,
        True,
        "Lax",
    )


def test_the_language_cookie_is_httponly_in_development_too(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == ("", True, "Lax")


def test_cookies_are_httponly_in_development_too(client):
    response = client.get("/admin/login/")

    cookie = response.cookies[django_settings.CSRF_COOKIE_NAME]
    assert (cookie["secure"], cookie["httponly"]) == ("", True)


OLD_KEY = "wic-old-" + "k3Yq!9vR#2mLp@4sZk8&Yw3nB6cJ0hFd" * 2
NEW_KEY = "wic-new-" + "P7tq!1vR#2mLp@4sZk8&Yw3nB6cJ0hFd" * 2


def test_secret_key_fallbacks_come_from_the_environment(monkeypatch):
    settings = load_settings(
        monkeypatch, DJANGO_SECRET_KEY=NEW_KEY, DJANGO_SECRET_KEY_FALLBACKS=OLD_KEY
    )

    assert (settings["SECRET_KEY"], settings["SECRET_KEY_FALLBACKS"]) == (NEW_KEY, [OLD_KEY])


@pytest.mark.parametrize(("fallbacks", "status"), [([OLD_KEY], 200), ([], 302)])
def test_rotating_the_secret_key_keeps_editors_logged_in_only_with_the_old_key_as_fallback(
    client, settings, fallbacks, status
):
    """docs/security.md: a routine rotation keeps the old key as a fallback for a while; after
    a leak, no fallback, and every session ends (302 to the login page)."""
    settings.SECRET_KEY = OLD_KEY
    client.force_login(make_editor())
    assert client.get("/admin/").status_code == 200

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, fallbacks
    response = client.get("/admin/")

    assert response.status_code == status


def test_check_deploy_is_clean_with_csp_and_axes_in_production():
    result = manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_warns_without_https():
    """The guard above can fail: without DJANGO_HTTPS the same command warns about HSTS,
    secure cookies and the redirect."""
    environ = {name: value for name, value in PRODUCTION.items() if name != "DJANGO_HTTPS"}

    result = manage(environ, "check", "--deploy")

    warnings = sorted(set(re.findall(r"\(security\.(W\d+)\)", result.stderr + result.stdout)))
    assert warnings == ["W004", "W008", "W012", "W016"]


def test_check_is_clean_in_development():
    result = manage({"DJANGO_DEBUG": "1"}, "check", "--fail-level", "WARNING")

    assert (result.returncode, result.stderr) == (0, "")


# --- No inline script or style on the public pages -----------------------------------------


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block: inline <script>s (other
    than JSON-LD data), <style> elements, style="" and on*="" attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.json_ld = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            if attrs.get("type") == "application/ld+json":
                self.json_ld += 1
            else:
                self.found.append("<script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{tag}[{name}=javascript:]")


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


TEMPLATE_INLINE = re.compile(
    r"<style|\sstyle=|\son[a-z]+=|javascript:|<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)",
    re.I,
)


def test_no_template_has_inline_script_or_style():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if TEMPLATE_INLINE.search(line)
    ]

    assert offenders == []


def test_the_template_scan_finds_inline_code():
    """The pattern above must be able to fail."""
    lines = [
        '<p style="color: red">',
        "<style>p {}</style>",
        "<script>alert(1)</script>",
        '<a onclick="x()">',
        '<a href="javascript:x()">',
    ]
    allowed = ['<script src="/static/x.js"></script>', '<script type="application/ld+json">']

    assert [bool(TEMPLATE_INLINE.search(line)) for line in lines + allowed] == [True] * 5 + [
        False
    ] * 2


def seed_pages(language):
    """Every page of the seed (the real content, with JSON-LD), without anchors, once each."""
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", stdout=io.StringIO())
    names = [
        "events:edition-home",
        "events:about",
        "events:news",
        "events:agenda",
        "outcomes:document-list",
        "outcomes:achievement-list",
        "outcomes:press-list",
    ]
    with translation.override(language):
        urls = [reverse("events:home"), reverse("events:edition-list")]
        for edition in Edition.objects.published():
            urls += [reverse(name, args=[edition.year]) for name in names]
        for app in ("events", "outcomes"):
            for model in apps.get_app_config(app).get_models():
                if hasattr(model, "get_absolute_url") and hasattr(model, "is_published"):
                    urls += [
                        obj.get_absolute_url().partition("#")[0]
                        for obj in model._base_manager.filter(is_published=True)
                    ]
        urls.append(reverse("search") + "?q=" + ("数字" if language == "zh-hans" else "digital"))
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_page_of_the_seed_has_inline_script_or_style(client, language):
    pages = seed_pages(language)

    found = {}
    json_ld_pages = 0
    for url in pages:
        response = client.get(url)
        assert (response.status_code, policy(response)) == (200, POLICY), url
        parser = inline_code(response)
        if parser.found:
            found[url] = parser.found
        json_ld_pages += parser.json_ld > 0

    assert found == {}
    assert len(pages) > 20
    assert json_ld_pages > 0  # JSON-LD is on the pages (data, allowed), see the browser test


def test_a_staff_preview_has_no_inline_script_or_style(editor_client, edition):
    draft = make_document(edition=edition, slug="draft", is_published=False)

    response = editor_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert inline_code(response).found == []


def test_the_page_scan_finds_inline_code():
    class Page:
        content = (
            b'<script type="application/ld+json">{}</script><script>x()</script>'
            b'<p style="color:red" onclick="y()">'
        )

    parser = inline_code(Page)

    assert (parser.found, parser.json_ld) == (["<script>", "p[style]", "p[onclick]"], 1)

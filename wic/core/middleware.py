"""Middleware of the site: the 503 page when the database is unavailable
(`DatabaseUnavailableMiddleware`, below), `Cache-Control: private, no-store` on responses
that depend on a session (`SessionPrivacyMiddleware`), 405 for any method but GET and
HEAD outside the admin and the language switch (`ReadOnlyMiddleware`), and the
Permissions-Policy header (`PermissionsPolicyMiddleware`).

When the database is unreachable or locked: a 503 page, not a traceback.

PostgreSQL down or refusing connections, a SQLite file locked longer than its timeout, a
connection dropped mid-request: Django raises `OperationalError` or `InterfaceError`. The
visitor then gets a short page in their language ("temporarily unavailable, try again")
with `Retry-After`, and the log says what happened. The page is a static template rendered
without the request's context processors, so it needs no database itself.

Two ways in, because Django turns an exception into a response at the edge of every
middleware, so an outer middleware's `try` never sees one:
- a view's error reaches `DatabaseUnavailableMiddleware.process_exception`;
- an error in a middleware (the page cache reads the content version before the view; the
  session is saved after it) goes to the project's 500 handler, `server_error` below,
  which wic/urls.py installs as `handler500`.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
TEMPLATE_NAME = "503.html"


def visitor_language(request):
    """The language of the URL's prefix, else of the cookie or Accept-Language header."""
    return translation.get_language_from_path(
        request.path_info
    ) or translation.get_language_from_request(request)


def unavailable(request, error):
    """The 503 response for `error`, logged with its cause."""
    logger.error(
        "Database unavailable (%s: %s): %s %s answered with 503",
        type(error).__name__,
        str(error).strip(),
        request.method,
        request.path,
    )
    with translation.override(visitor_language(request)):
        body = loader.get_template(TEMPLATE_NAME).render()
        language = translation.get_language()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)  # no proxy or browser may keep this page
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view's database outage with the 503 page (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the uncaught error is a database outage, else
    Django's own 500 page. Called while the exception is being handled."""
    error = sys.exception()
    if isinstance(error, DATABASE_ERRORS):
        return unavailable(request, error)
    return defaults.server_error(request, template_name)


class SessionPrivacyMiddleware:
    """`Cache-Control: private, no-store` on every response that depends on a session.

    A logged-in editor's view of a public page holds drafts, draft banners and edit links;
    the admin holds everything. `Vary: Cookie` alone (SessionMiddleware's) lets a shared cache
    in front keep such a page for the next request with the same cookie, and some caches
    ignore Vary. So a response is marked private and not to be stored whenever the view read
    a session that exists (the request came with a session cookie, or the session has
    data), or the response changes the session (a login, a logout). An anonymous visitor
    without a session cookie gets public pages exactly as before, which the page cache
    (wic/core/cache.py) and shared caches may keep.

    Right after SessionMiddleware in MIDDLEWARE: its response side runs after the views and
    every inner middleware (authentication, messages) have read or changed the session,
    before SessionMiddleware saves it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and depends_on_session(request, session):
            patch_cache_control(response, private=True, no_store=True)
        return response


def depends_on_session(request, session):
    if session.modified:
        return True
    if not session.accessed:
        return False
    return settings.SESSION_COOKIE_NAME in request.COOKIES or not session.is_empty()


# Views that take more than GET and HEAD: the admin (its namespace) and the language switch.
WRITABLE_NAMESPACES = frozenset(["admin"])
WRITABLE_URL_NAMES = frozenset(["set_language"])
SAFE_METHODS = ("GET", "HEAD")


class ReadOnlyMiddleware:
    """The public site only reads: any other method (POST, PUT, TRACE, OPTIONS…) on a URL
    outside the admin and /i18n/setlang/ answers 405 with `Allow: GET, HEAD`.

    One rule for every view, whatever it is made of: Django's class-based views answer
    OPTIONS themselves (200), and function views such as the feed, the sitemap and the media
    files answer every method with their body. Runs once the URL is resolved (an unknown URL
    stays a 404) and before the CSRF check (a POST gets 405, not 403).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and (
            WRITABLE_NAMESPACES.intersection(match.namespaces)
            or match.url_name in WRITABLE_URL_NAMES
        ):
            return None
        logger.info("Method not allowed (%s): %s", request.method, request.path)
        return HttpResponseNotAllowed(SAFE_METHODS)


class PermissionsPolicyMiddleware:
    """`Permissions-Policy: camera=(), microphone=(), geolocation=(), …`: every feature in
    settings.PERMISSIONS_POLICY_DENIED denied to the page and its frames.

    Next to SecurityMiddleware at the top of MIDDLEWARE, outside WhiteNoise and the page
    cache, so that static files and pages served from the cache get it too (a cached page is
    stored without it and gets it on every hit, like the Content-Security-Policy).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response

"""The page cache: whole public pages for anonymous visitors, never stale.

A public page is cached under a key made of the release (the code, templates and
translations that render it), the content version, the language and the full URL. Every
change to content moves the content version (wic/core/signals.py), so from the next request on
every process looks for new keys and renders the page again; the old entries are never
read again and expire or are evicted.

The content version is one row in the database, not a cache entry: it changes in the same
transaction as the content, and clearing, losing or restarting the cache can never bring
back an old page. Reading it costs one query by primary key per public request.

The cache itself is optional equipment: when it fails (Redis down, disk full) pages are
rendered from the database as if it were off, and the log says why.

A hit must cost about what a static file costs, so the middleware sits before sessions,
languages and authentication (MIDDLEWARE in wic/settings.py), reads the version with SQL
compiled once, and stores a page as its body and headers, not as a response object.
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.functions import Now
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

# Public pages outside the language prefix.
UNPREFIXED_PUBLIC_PATHS = frozenset(["/sitemap.xml", "/robots.txt"])

# After a cache error, leave the cache alone for this long, so that a dead Redis costs one
# failed call per process every few seconds, not two per request.
RETRY_AFTER_SECONDS = 10

CACHE_HEADER = "X-Page-Cache"


# --- The content version ------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime
    db_now: datetime  # the database's clock when the version was read

    @property
    def last_modified(self):
        """Last-Modified for pages of this version, or None while it is under a second old.

        HTTP dates count whole seconds: two changes within one second would share a date,
        and a client that only sends If-Modified-Since would keep the first one's page.
        Both times come from the database's clock, so app servers' clocks don't matter.
        """
        if self.db_now - self.changed_at < timedelta(seconds=1):
            return None
        return http_date(self.changed_at.timestamp())


class VersionQuery:
    """The version's query, compiled once per database connection.

    It runs on every public request, cached pages included; building it through the ORM
    each time would cost several times what the database takes to answer it.
    """

    def __init__(self, connection):
        ContentVersion = apps.get_model("wic", "ContentVersion")
        queryset = (
            ContentVersion.objects.using(connection.alias)
            .filter(pk=1)
            .annotate(db_now=Now())
            .values_list("token", "changed_at", "db_now")
        )
        self.compiler = queryset.query.get_compiler(connection=connection)
        self.sql, self.params = self.compiler.as_sql()
        self.converters = self.compiler.get_converters(
            [column for column, _sql, _alias in self.compiler.select]
        )

    def fetch(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            row = cursor.fetchone()
        if row is None:
            return None
        return next(iter(self.compiler.apply_converters([row], self.converters)))


def content_version(using=DEFAULT_DB_ALIAS):
    """The current Version, or None when its row is missing (tables just emptied)."""
    connection = connections[using]  # one per thread: its query goes with it
    query = getattr(connection, "wic_version_query", None)
    if query is None:
        query = connection.wic_version_query = VersionQuery(connection)
    row = query.fetch(connection)
    return Version(*row) if row else None


def bump_content_version(using=DEFAULT_DB_ALIAS):
    """Give the content a new version: every cached page becomes unreachable.

    Called by the save/delete/m2m signals; call it yourself after bulk changes that send no
    signals (QuerySet.update(), bulk_create(), bulk_update(), raw SQL). Tokens are random,
    so a version can never come back, not even when the row is deleted and recreated. The
    time comes from the database's clock.
    """
    ContentVersion = apps.get_model("wic", "ContentVersion")
    token = uuid.uuid4().hex
    versions = ContentVersion.objects.using(using)
    if versions.filter(pk=1).update(token=token, changed_at=Now()):
        return
    try:
        with transaction.atomic(using=using):
            versions.create(pk=1, token=token, changed_at=Now())
    except IntegrityError:  # another process created it in between
        versions.filter(pk=1).update(token=token, changed_at=Now())


# --- The release --------------------------------------------------------------------------


@functools.cache
def release():
    """What renders the pages: a digest of our code, templates, translations, static files.

    Part of every key, so that after a deploy no process serves a page that the previous
    code rendered (and processes still running the old code don't serve theirs to the
    new ones). Computed from file contents, not times, so that two machines running the
    same release share their cache entries. DJANGO_RELEASE (e.g. a git commit) replaces it.
    """
    if settings.RELEASE:
        return settings.RELEASE
    base = Path(settings.BASE_DIR)
    files = []
    for app in apps.get_app_configs():
        app_path = Path(app.path)
        if app_path.is_relative_to(base) and "site-packages" not in app_path.parts:
            files += app_path.rglob("*.py")  # our apps, not those in a virtualenv here
    for directory in settings.TEMPLATES[0]["DIRS"]:
        files += Path(directory).rglob("*.*")
    for directory in settings.LOCALE_PATHS:
        files += Path(directory).rglob("*.mo")
    files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")  # static file hashes
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(set(files)):
        if path.is_file():
            digest.update(
                str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --- The cache on one machine -------------------------------------------------------------


class PageFileCache(FileBasedCache):
    """Django's FileBasedCache, culled every CULL_EVERY writes instead of on each one.

    FileBasedCache lists its whole folder on every set() to count its entries; with
    thousands of pages that takes longer than rendering one. The count may now overshoot
    MAX_ENTRIES by about CULL_EVERY entries per process between two checks.
    """

    CULL_EVERY = 50

    def _cull(self):
        self._writes = getattr(self, "_writes", 0) + 1
        if self._writes % self.CULL_EVERY == 1:  # the first write of a process checks too
            super()._cull()


# --- Guarded cache access -----------------------------------------------------------------


class CacheGuard:
    """Calls the cache, and treats any error as a miss: pages never fail because of it."""

    def __init__(self, alias="default"):
        self.alias = alias
        self.down_until = 0.0

    def call(self, method, *args):
        if time.monotonic() < self.down_until:
            return None
        try:
            return getattr(caches[self.alias], method)(*args)
        except Exception as error:  # whatever the backend raises: redis, OS, pickle errors
            self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Page cache unavailable (%s: %s): pages are rendered from the database "
                "without it; next try in %d s.",
                type(error).__name__,
                error,
                RETRY_AFTER_SECONDS,
            )
            return None


guard = CacheGuard()


# --- The middleware -----------------------------------------------------------------------


@functools.cache
def _language_codes():
    return frozenset(code for code, _name in settings.LANGUAGES)


def is_public_path(path):
    """Public pages carry a language prefix (plus sitemap and robots); admin, i18n,
    static and media files don't, and are never cached."""
    first = path.lstrip("/").split("/", 1)[0]
    return first in _language_codes() or path in UNPREFIXED_PUBLIC_PATHS


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        # Editors are logged in, so they have a session cookie: without one the visitor is
        # anonymous, and we know it without reading the session from the database.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and is_public_path(request.path_info)
    )


def is_cacheable_response(response, vary_allowed=frozenset({"cookie"})):
    """A plain 200 for everyone: no cookie set, no opt-out, nothing varying but cookies.

    Redirects (the language redirect depends on the browser), 404s (a hostile crawler
    could fill the cache with them) and errors are rendered each time.
    """
    cache_control = response.get("Cache-Control", "").lower()
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # e.g. a CSRF token: the page belongs to one visitor
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and vary <= vary_allowed
    )


def page_language(request):
    """The language LocaleMiddleware will activate: the URL's prefix, or for the few
    unprefixed pages the language cookie, then Accept-Language."""
    return getattr(request, "LANGUAGE_CODE", None) or get_language_from_request(
        request, check_path=True
    )


def page_key(request, version):
    url = f"{page_language(request)} {request.build_absolute_uri()}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"page:{release()}:{version.token}:{digest}"


class CachedPage(NamedTuple):
    """What is stored of a page: its body and headers. Cheap to unpickle, unlike a
    whole HttpResponse (header maps, cookie jar, closers…)."""

    content: bytes
    headers: tuple  # ((name, value), …)

    @classmethod
    def of(cls, response):
        headers = tuple((k, v) for k, v in response.items() if k != CACHE_HEADER)
        return cls(response.content, headers)

    def response(self):
        return HttpResponse(self.content, headers=dict(self.headers))


class LocalPages:
    """The pages this process served last, kept in its memory in front of the shared cache.

    The key holds the content version like the shared cache's, so this can never serve a
    stale page either; it saves a popular page's file read (or Redis round trip) and
    decompression. Bounded in bytes; the least recently used pages go first.
    """

    def __init__(self, max_bytes, max_page_bytes):
        self.max_bytes = max_bytes
        self.max_page_bytes = max_page_bytes
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        size = len(page.content)
        if size > self.max_page_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            self.pages[key] = page
            self.size += size
            while self.size > self.max_bytes:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped.content)

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = LocalPages(max_bytes=16 * 2**20, max_page_bytes=2 * 2**20)


@receiver(setting_changed)
def _forget_local_pages(setting, **kwargs):
    # Tests switch the cache or the release: the pages of the old one must not come back.
    if setting in ("CACHES", "PAGE_CACHE", "RELEASE"):
        local_pages.clear()


# Request headers that make a GET conditional.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache.

    Sits right after WhiteNoise, before sessions, languages, CSRF and authentication: a hit
    skips all of them. The key holds the language LocaleMiddleware resolves (so a page
    varying on Accept-Language, like robots.txt, is stored per language), and what the
    inner middleware adds to a page (Content-Language, Vary, X-Frame-Options…) is stored
    with it. Conditional GETs (ETag, Last-Modified) are answered here, as
    ConditionalGetMiddleware would. Only GET responses are stored (a HEAD is answered
    from the GET's entry).
    """

    # The key holds the resolved language, which is all a cookie or Accept-Language changes.
    vary_allowed = frozenset({"cookie", "accept-language"})

    def __init__(self, get_response):
        self.get_response = get_response
        release()  # computed once per process, before the first request

    def __call__(self, request):
        if not settings.PAGE_CACHE or not is_cacheable_request(request):
            return self.get_response(request)
        # Read the version before the view reads the content: a page stored under a version
        # is then at least as new as that version, never older.
        version = content_version()
        if version is None:
            return self.get_response(request)

        key = page_key(request, version)
        page = local_pages.get(key)
        if page is None:
            page = guard.call("get", key)
            if isinstance(page, CachedPage):
                local_pages.put(key, page)
        if isinstance(page, CachedPage):
            response = page.response()
            response[CACHE_HEADER] = "hit"
        else:
            response = self.get_response(request)
            if not is_cacheable_response(response, self.vary_allowed):
                return response
            self.prepare(response)
            if request.method == "GET":
                page = CachedPage.of(response)
                guard.call("set", key, page, settings.PAGE_CACHE_SECONDS)
                local_pages.put(key, page)
            response[CACHE_HEADER] = "miss"
        last_modified = version.last_modified
        if last_modified and not response.has_header("Last-Modified"):
            response["Last-Modified"] = last_modified
        return self.conditional(request, response)

    @staticmethod
    def prepare(response):
        """Headers stored with the page: its ETag, and a request to revalidate each time
        (browsers keep the page but ask with If-None-Match, and get a 304 if it is current)."""
        set_response_etag(response)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)

    @staticmethod
    def conditional(request, response):
        """A 304 when the browser's copy is current (ConditionalGetMiddleware's rule)."""
        if request.method != "GET" or not any(h in request.META for h in CONDITIONAL_HEADERS):
            return response
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=last_modified and parse_http_date_safe(last_modified),
            response=response,
        )

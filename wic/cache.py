"""The page cache: whole public pages for anonymous visitors, never stale.

A public page is cached under a key made of the release (the code, templates and
translations that render it), the content version, the language and the full URL. Every
change to content moves the content version (wic/signals.py), so from the next request on
every process looks for new keys and renders the page again; the old entries are never
read again and expire or are evicted.

The content version is one row in the database, not a cache entry: it changes in the same
transaction as the content, and clearing, losing or restarting the cache can never bring
back an old page. Reading it costs one query by primary key per public request.

The cache itself is optional equipment: when it fails (Redis down, disk full) pages are
rendered from the database as if it were off, and the log says why.
"""

import functools
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models.functions import Now
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date

logger = logging.getLogger(__name__)

# The apps whose models make up the public pages: a change to any of their rows moves the
# content version.
CONTENT_APPS = ("events", "outcomes")

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


def content_version(using=DEFAULT_DB_ALIAS):
    """The current Version, or None when its row is missing (tables just emptied)."""
    ContentVersion = apps.get_model("wic", "ContentVersion")
    row = (
        ContentVersion.objects.using(using)
        .filter(pk=1)
        .annotate(db_now=Now())
        .values_list("token", "changed_at", "db_now")
        .first()
    )
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


def is_public_path(path):
    """Public pages carry a language prefix (plus sitemap and robots); admin, i18n,
    static and media files don't, and are never cached."""
    first = path.lstrip("/").split("/", 1)[0]
    return first in {code for code, _name in settings.LANGUAGES} or (
        path in UNPREFIXED_PUBLIC_PATHS
    )


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        # Editors are logged in, so they have a session cookie: without one the visitor is
        # anonymous, and we know it without reading the session from the database.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and is_public_path(request.path_info)
    )


def is_cacheable_response(response):
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
        and vary <= {"cookie"}
    )


def page_key(request, version):
    url = f"{request.LANGUAGE_CODE} {request.build_absolute_uri()}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"page:{release()}:{version.token}:{digest}"


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache.

    Sits after LocaleMiddleware (the key needs the language) and after
    ConditionalGetMiddleware, which turns the ETag and Last-Modified set here into 304s.
    Only GET responses are stored (a HEAD is answered from the GET's entry).
    """

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
        response = guard.call("get", key)
        if response is not None:
            response[CACHE_HEADER] = "hit"
        else:
            response = self.get_response(request)
            if not is_cacheable_response(response):
                return response
            self.prepare(response)
            if request.method == "GET":
                guard.call("set", key, response, settings.PAGE_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        if version.last_modified and not response.has_header("Last-Modified"):
            response["Last-Modified"] = version.last_modified
        return response

    @staticmethod
    def prepare(response):
        """Headers stored with the page: its ETag, and a request to revalidate each time
        (browsers keep the page but ask with If-None-Match, and get a 304 if it is current)."""
        set_response_etag(response)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)

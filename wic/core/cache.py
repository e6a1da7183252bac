"""The page cache: whole public pages for anonymous visitors, never stale, cold only where
something changed. The design and its reasons are in docs/page-cache.md.

- **Tags.** While a page renders, every SQL query it runs is read for the content tables it
  touches (`PageTags`); a detail page narrows its own table to its one row
  (`events_session:42`). The page is stored with the version of each tag it read. Every change
  to content stamps the tags it touches (its table and its row) with the next number of the
  content's clock (`ContentVersion`), in the same transaction as the change
  (wic/core/signals.py). A stored page is served only while each of its tags still has the
  version it was rendered with: a save makes cold only the pages that read what it changed.
- **Never stale.** The clock is read before the page renders; a page is stored only if none
  of its tags moved past that reading by the time it is rendered, so it is at least as new as
  its versions. The clock and the tags are rows in the database, not cache entries: clearing,
  losing or restarting the cache can never bring an old page back. Each process keeps the tag
  versions in memory and reads only those that moved since its last look: a hit costs one
  query by primary key, plus one small one after a change.
- **One render per cold page.** The first request to find a page cold takes a short lock in
  the shared cache and renders it; the others wait for its result (at most
  RENDER_WAIT_SECONDS), then render themselves.
- **Canonical keys.** A page's key holds only the query parameters its view understands, in a
  canonical order, without empty values; the others are ignored (the page renders as if they
  were absent), so `?utm_source=…` or `?cb=<random>` neither make entries nor pass the cache.
  Free text (a search, a keyword filter) and combinations of filters never enter the pages'
  cache, where a scan of random words would evict real pages: they go to a cache of their own
  (the "queries" alias: bounded apart, kept a minute), and each process keeps the latest in a
  small memory (`query_pages`), judged current like any page. Those that must be rendered are
  limited by `RateLimit` per client address. Invalid filter values are answered but stored
  nowhere (the view marks the answer private).
- **Compressed.** A page is stored with its Brotli and gzip bodies, chosen by
  Accept-Encoding (with Vary and an ETag per encoding), so a hit costs no compression. Only
  anonymous public pages are compressed: nothing an editor sees, nothing with a secret
  (BREACH).

The cache itself is optional equipment: when it fails (Redis down, disk full) pages are
rendered from the database as if it were off, and the log says why.
"""

import functools
import gzip
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import brotli
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Now
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

# Public pages outside the language prefix.
UNPREFIXED_PUBLIC_PATHS = frozenset(["/sitemap.xml", "/robots.txt"])

# After a cache error, leave the cache alone for this long, so that a dead Redis costs one
# failed call per process every few seconds, not two per request.
RETRY_AFTER_SECONDS = 10

# One render per cold page: how long the first request may hold the page's lock, how long the
# others wait for its result, and how often they look.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.01

CACHE_HEADER = "X-Page-Cache"


# --- The content's clock and the tags' versions ----------------------------------------


@dataclass(frozen=True)
class Version:
    """The clock as read at the start of a request."""

    number: int
    epoch: str
    changed_at: datetime
    db_now: datetime  # the database's clock when it was read

    @property
    def last_modified(self):
        """Last-Modified for pages read at this version, or None while it is under a second
        old: HTTP dates count whole seconds, and two changes within one second would share a
        date. Both times come from the database's clock, so app servers' clocks don't matter.
        """
        if self.db_now - self.changed_at < timedelta(seconds=1):
            return None
        return http_date(self.changed_at.timestamp())


class ClockQuery:
    """The clock's query, compiled once per database connection.

    It runs on every public request, cached pages included; building it through the ORM
    each time would cost several times what the database takes to answer it.
    """

    def __init__(self, connection):
        ContentVersion = apps.get_model("wic", "ContentVersion")
        queryset = (
            ContentVersion.objects.using(connection.alias)
            .filter(pk=1)
            .annotate(db_now=Now())
            .values_list("number", "epoch", "changed_at", "db_now")
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
    """The clock now, or None when its row is missing (tables just emptied)."""
    connection = connections[using]  # one per thread: its query goes with it
    query = getattr(connection, "wic_clock_query", None)
    if query is None:
        query = connection.wic_clock_query = ClockQuery(connection)
    row = query.fetch(connection)
    return Version(*row) if row else None


class TagVersions:
    """The tags' versions as this process last read them.

    Loaded whole once, then kept up to date by reading only the tags stamped after the clock
    number last seen (`refresh`). Writers stamp in the order of the clock (its row is
    updated first in each writing transaction, which serializes them), so that read misses
    nothing. A tag never stamped has version 0.
    """

    def __init__(self):
        self.number = None
        self.epoch = None
        self.versions = {}
        self.lock = threading.Lock()

    def refresh(self, version, using=DEFAULT_DB_ALIAS):
        """Bring the versions up to the clock `version` (just read from the database)."""
        with self.lock:
            if (version.epoch, version.number) == (self.epoch, self.number):
                return
            CacheTag = apps.get_model("wic", "CacheTag")
            tags = CacheTag.objects.using(using)
            if version.epoch == self.epoch and version.number > self.number:
                tags = tags.filter(version__gt=self.number)
            else:  # the first look, or a new epoch: all of them
                self.versions = {}
            self.versions.update(tags.values_list("tag", "version"))
            self.number, self.epoch = version.number, version.epoch

    def version(self, tag):
        return self.versions.get(tag, 0)

    def current(self, tags):
        """{tag: version} of `tags` now."""
        return {tag: self.versions.get(tag, 0) for tag in tags}


tag_versions = TagVersions()


def table_tag(model):
    return model._meta.db_table


def row_tag(instance):
    return f"{instance._meta.db_table}:{instance.pk}"


def stamp(tags, using=DEFAULT_DB_ALIAS):
    """Give `tags` the next number of the content's clock: the cached pages that read any of
    them become cold, in every process.

    Call it inside the transaction of the change (the signals of wic/core/signals.py do), so
    that the stamp commits, or rolls back, with it. The time comes from the database's clock.
    """
    ContentVersion = apps.get_model("wic", "ContentVersion")
    CacheTag = apps.get_model("wic", "CacheTag")
    clock = ContentVersion.objects.using(using)
    with transaction.atomic(using=using):
        # The UPDATE comes first: it locks the clock's row until the transaction ends, so
        # writers stamp in the order of their numbers.
        if not clock.filter(pk=1).update(number=F("number") + 1, changed_at=Now()):
            _create_clock(using)
        number = clock.values_list("number", flat=True).get(pk=1)
        CacheTag.objects.using(using).bulk_create(
            [CacheTag(tag=tag, version=number) for tag in sorted(set(tags))],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["version"],
        )


def invalidate_all(using=DEFAULT_DB_ALIAS):
    """Make every cached page cold: after changes that send no signals (QuerySet.update(),
    bulk_create(), raw SQL, a restored backup) and after migrations. A new epoch: the clock's
    numbers may repeat after a restore, never with the same epoch."""
    ContentVersion = apps.get_model("wic", "ContentVersion")
    clock = ContentVersion.objects.using(using)
    epoch = uuid.uuid4().hex
    if not clock.filter(pk=1).update(epoch=epoch, number=F("number") + 1, changed_at=Now()):
        _create_clock(using, epoch)


def _create_clock(using, epoch=""):
    """The clock's row, missing (tables just emptied): its number starts past every tag's."""
    ContentVersion = apps.get_model("wic", "ContentVersion")
    CacheTag = apps.get_model("wic", "CacheTag")
    clock = ContentVersion.objects.using(using)
    highest = CacheTag.objects.using(using).aggregate(highest=Max("version"))["highest"] or 0
    try:
        with transaction.atomic(using=using):
            clock.create(pk=1, number=highest + 1, epoch=epoch, changed_at=Now())
    except IntegrityError:  # another process created it in between
        clock.filter(pk=1).update(number=F("number") + 1, changed_at=Now())


# --- What a page reads -------------------------------------------------------------------


_watched_models = set()


def watch(model):
    """Pages read rows of `model`: note its table (wic/core/signals.py `watch()` does, for
    every model of the content apps and for the shared app's own public models)."""
    _watched_models.add(model)
    watched_tables.cache_clear()


@functools.cache
def watched_tables():
    """The tables whose rows public pages show."""
    return frozenset(model._meta.db_table for model in _watched_models)


# Table names as Django quotes them in SQL, on SQLite and PostgreSQL alike.
_QUOTED_NAME = re.compile(r'"([A-Za-z0-9_]+)"')


class PageTags:
    """The tags of the content one page reads: installed on the database connection while the
    page renders (`connection.execute_wrapper`), it reads each query's SQL for the watched
    tables it names."""

    def __init__(self):
        self.tables = set()
        self.rows = set()
        self.scheduled = set()  # tables read whose rows have a publication window
        self.narrowed = None  # the table whose one row is being read by key, if any
        self.watched = watched_tables()
        self.with_windows = windowed_models()

    def __call__(self, execute, sql, params, many, context):
        for name in _QUOTED_NAME.findall(sql):
            if name in self.with_windows:
                self.scheduled.add(name)
            if name in self.watched and name != self.narrowed:
                self.tables.add(name)
        return execute(sql, params, many, context)

    @contextmanager
    def row_lookup(self, model):
        """Reading one row of `model` by its key (a detail page's object): the page depends on
        that row only, not on its whole table. The caller names the row with `add_row()`."""
        self.narrowed = model._meta.db_table
        try:
            yield
        finally:
            self.narrowed = None

    def add_row(self, instance):
        self.rows.add(row_tag(instance))

    def all(self):
        return self.tables | self.rows


class Schedule:
    """When the pages that read a table next change by the clock alone: the next start or end
    of a publication window of its rows (`publish_at`, `unpublish_at`), which no save marks.

    A page is stored with the earliest such time of the tables it read (`valid_until`) and is
    not served from then on: the next request renders it under the rule of that moment. Each
    process remembers the times per table until the content's clock moves (a save may have
    set a window) or the time has come, so a render costs a query per table at most after a
    change.
    """

    def __init__(self):
        self.known = {}  # table -> next moment (None: none to come)
        self.clock = None
        self.lock = threading.Lock()

    def next_change(self, tables, version, now, using=DEFAULT_DB_ALIAS):
        """The earliest window start or end after `now` among the rows of `tables`, or None."""
        models = windowed_models()
        with self.lock:
            if self.clock != (version.epoch, version.number):
                self.known, self.clock = {}, (version.epoch, version.number)
            moments = []
            for table in tables:
                if table not in models:
                    continue
                moment = self.known.get(table, _UNKNOWN)
                if moment is _UNKNOWN or (moment is not None and moment <= now):
                    rows = models[table]._base_manager.using(using)
                    found = rows.aggregate(
                        start=Min("publish_at", filter=Q(publish_at__gt=now)),
                        end=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
                    )
                    moment = min((m for m in found.values() if m is not None), default=None)
                    self.known[table] = moment
                if moment is not None:
                    moments.append(moment)
            return min(moments, default=None)


@functools.cache
def windowed_models():
    """{table: model} of the models whose rows have a publication window."""
    from .publication import SCHEDULE_FIELDS

    return {
        model._meta.db_table: model
        for model in apps.get_models()
        if not model._meta.proxy
        and all(name in {f.name for f in model._meta.concrete_fields} for name in SCHEDULE_FIELDS)
    }


_UNKNOWN = object()
schedule = Schedule()


def read_by_key(request, model, lookup):
    """`lookup()` (which reads one row of `model` by its key) with the page depending on that
    row alone rather than on its whole table (see PageTags.row_lookup)."""
    tags = getattr(request, "page_tags", None)
    if tags is None:
        return lookup()
    with tags.row_lookup(model):
        obj = lookup()
    tags.add_row(obj)
    return obj


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
    """Django's FileBasedCache, culled every CULL_EVERY writes instead of on each one, and
    with an `add()` that is atomic across processes (the render lock needs it).

    FileBasedCache lists its whole folder on every set() to count its entries; with
    thousands of pages that takes longer than rendering one. The count may now overshoot
    MAX_ENTRIES by about CULL_EVERY entries per process between two checks.
    """

    CULL_EVERY = 50

    def _cull(self):
        self._writes = getattr(self, "_writes", 0) + 1
        if self._writes % self.CULL_EVERY == 1:  # the first write of a process checks too
            super()._cull()

    def add(self, key, value, timeout=None, version=None):
        """Create the entry only if no live one exists: the file is written under a temporary
        name and linked into place, which fails if another process linked first."""
        fname = self._key_to_file(key, version)
        if self._is_live(fname):
            return False
        self._createdir()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            try:
                os.link(tmp_path, fname)
            except FileExistsError:
                if self._is_live(fname):
                    return False
                os.replace(tmp_path, fname)  # an expired entry was in the way
            return True
        finally:
            if os.path.exists(tmp_path):
                os.remove(tmp_path)

    def _is_live(self, fname):
        try:
            with open(fname, "rb") as f:
                return not self._is_expired(f)
        except FileNotFoundError:
            return False


# --- Guarded cache access -----------------------------------------------------------------


class CacheGuard:
    """Calls one cache, and treats any error as a miss: pages never fail because of it."""

    def __init__(self, alias):
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


guard = CacheGuard("default")


# --- Which requests, which pages ----------------------------------------------------------


@functools.cache
def _language_codes():
    return frozenset(code for code, _name in settings.LANGUAGES)


def is_public_path(path):
    """Public pages carry a language prefix (plus sitemap and robots); admin, i18n,
    static and media files don't, and are never cached."""
    first = path.lstrip("/").split("/", 1)[0]
    return first in _language_codes() or path in UNPREFIXED_PUBLIC_PATHS


def is_anonymous_public_request(request):
    return (
        request.method in ("GET", "HEAD")
        # Editors are logged in, so they have a session cookie: without one the visitor is
        # anonymous, and we know it without reading the session from the database.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and is_public_path(request.path_info)
    )


def is_cacheable_response(response, vary_allowed=frozenset({"cookie", "accept-language"})):
    """A plain 200 for everyone: no cookie set, no opt-out, nothing varying but cookies (and
    the language, which the key holds).

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


class QueryParams(NamedTuple):
    """The query parameters a view understands: all of them, and those holding free text."""

    names: frozenset
    free_text: frozenset


def query_params(view):
    """What a view's page reads from the query string: a view declares `query_params` and
    `free_text_params`; a FilterView's are its filters (keyword filters are free text) and
    its page number."""
    view_class = getattr(view, "view_class", None)
    filterset_class = getattr(view_class, "filterset_class", None)
    names = set(getattr(view_class, "query_params", ()))
    free_text = set(getattr(view_class, "free_text_params", ()))
    if filterset_class is not None:
        from .keywords import KeywordFilter

        for name, field in filterset_class.base_filters.items():
            names.add(name)
            if isinstance(field, KeywordFilter):
                free_text.add(name)
    if getattr(view_class, "paginate_by", None):
        names.add(view_class.page_kwarg)
    return QueryParams(frozenset(names), frozenset(free_text))


class PageRequest:
    """A request for a public page, as the cache sees it: its language, the query parameters
    its view understands in canonical order, its key, and whether it may be stored."""

    def __init__(self, request):
        self.language = page_language(request)
        with translation.override(self.language):
            match = resolve(request.path_info)  # Resolver404 for no page at all
        params = query_params(match.func)
        canonical = QueryDict(mutable=True)
        for name in sorted(params.names):
            values = [value for value in request.GET.getlist(name) if value != ""]
            if values:
                canonical.setlist(name, values)
        self.query = canonical.urlencode()
        filters = [name for name in canonical if name not in ("page", "p")]
        # Free text and combinations of filters have no end: rendered each time, not stored.
        self.storable = not (set(canonical) & params.free_text) and len(filters) <= 1
        url = request.build_absolute_uri(request.path) + (f"?{self.query}" if self.query else "")
        digest = hashlib.md5(f"{self.language} {url}".encode(), usedforsecurity=False)
        self.key = f"page:{release()}:{digest.hexdigest()}"
        self.lock_key = f"{self.key}:render"

    def apply(self, request):
        """Make the request the canonical one: the view sees only the parameters it
        understands (links built from the query string follow)."""
        if request.META.get("QUERY_STRING", "") != self.query:
            request.META["QUERY_STRING"] = self.query
            request.GET = QueryDict(self.query)


# --- Compression --------------------------------------------------------------------------

# Brotli's and gzip's middle settings: a fraction of a millisecond for a page, within a few
# percent of their best ratio. Bodies smaller than this are not worth a header.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
MIN_COMPRESS_BYTES = 500
ENCODINGS = ("br", "gzip")


def compress(body):
    """{encoding: body} of `body` in each encoding that makes it smaller."""
    if len(body) < MIN_COMPRESS_BYTES:
        return {}
    bodies = {
        "br": brotli.compress(body, quality=BROTLI_QUALITY),
        "gzip": gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
    }
    return {name: data for name, data in bodies.items() if len(data) < len(body)}


def accepted_encoding(request, available):
    """The best of `available` encodings the client accepts (Accept-Encoding), or None."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    accepted = {}
    for part in header.split(","):
        name, _sep, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        accepted[name.strip().lower()] = quality
    for encoding in ENCODINGS:
        if encoding in available and accepted.get(encoding, accepted.get("*", 0)) > 0:
            return encoding
    return None


def etag_for(etag, encoding):
    """The ETag of one encoding of a page: each representation has its own."""
    if encoding is None or not etag:
        return etag
    return f'{etag[:-1]}-{encoding}"'


# --- What is stored of a page -------------------------------------------------------------


class CachedPage(NamedTuple):
    """What is stored of a page: its headers, its body in each encoding, and the versions of
    the tags it was rendered from. Cheap to unpickle, unlike a whole HttpResponse."""

    headers: tuple  # ((name, value), …), ETag included
    bodies: dict  # {None: identity body, "br": …, "gzip": …}
    epoch: str
    tags: dict  # {tag: version}
    valid_until: float = None  # a publication window opens or closes then (Schedule)

    @classmethod
    def of(cls, response, epoch, tags, valid_until=None):
        headers = tuple((k, v) for k, v in response.items() if k != CACHE_HEADER)
        bodies = {None: response.content, **compress(response.content)}
        return cls(headers, bodies, epoch, tags, valid_until)

    @property
    def size(self):
        return sum(len(body) for body in self.bodies.values())

    def is_current(self, versions):
        return (
            self.epoch == versions.epoch
            and (self.valid_until is None or time.time() < self.valid_until)
            and all(versions.version(tag) == version for tag, version in self.tags.items())
        )

    def response(self, request):
        encoding = accepted_encoding(request, self.bodies)
        response = HttpResponse(self.bodies[encoding], headers=dict(self.headers))
        set_encoding(response, encoding)
        return response


def set_encoding(response, encoding):
    """Mark `response` (already holding the body in `encoding`) for what it is."""
    patch_vary_headers(response, ["Accept-Encoding"])
    if encoding is not None:
        response["Content-Encoding"] = encoding
        if response.has_header("ETag"):
            response["ETag"] = etag_for(response["ETag"], encoding)
    response["Content-Length"] = str(len(response.content))


class LocalPages:
    """The pages this process served last, kept in its memory in front of the shared cache.

    Judged current exactly like the shared cache's, so this can never serve a stale page
    either; it saves a popular page's file read (or Redis round trip) and unpickling.
    Bounded in bytes; the least recently used pages go first.
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
        size = page.size
        if size > self.max_page_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.pages[key] = page
            self.size += size
            while self.size > self.max_bytes:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= dropped.size

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = LocalPages(max_bytes=16 * 2**20, max_page_bytes=2 * 2**20)
# Pages for free text and combinations of filters: a small memory of their own.
query_pages = LocalPages(max_bytes=4 * 2**20, max_page_bytes=256 * 2**10)


class PageStore(NamedTuple):
    """Where pages of one kind are kept: a shared cache (every process), and in front of it
    this process's memory."""

    shared: CacheGuard
    local: LocalPages
    timeout: object = DEFAULT_TIMEOUT  # the shared cache's own


@functools.cache
def page_stores():
    """(real pages, pages of free text and filter combinations)."""
    return (
        PageStore(guard, local_pages, settings.PAGE_CACHE_SECONDS),
        PageStore(CacheGuard("queries"), query_pages),
    )


@receiver(setting_changed)
def _forget_local_state(setting, **kwargs):
    # Tests switch the cache, the release or the database: nothing of the old one may remain.
    if setting in ("CACHES", "PAGE_CACHE", "PAGE_CACHE_SECONDS", "RELEASE", "DATABASES"):
        local_pages.clear()
        query_pages.clear()
        page_stores.cache_clear()
        tag_versions.number = tag_versions.epoch = None


# --- Requests that cannot be stored: a limit per client ----------------------------------


class RateLimit:
    """At most `requests` per `seconds` per client address of the pages rendered each time
    (searches, keyword filters, combinations of filters), counted in the shared cache."""

    def __init__(self, spec):
        requests, _slash, seconds = (spec or "0/60").partition("/")
        self.requests = int(requests or 0)
        self.seconds = int(seconds or 60)

    def retry_after(self, request):
        """Seconds to wait when the client is over the limit, else None."""
        if self.requests <= 0:
            return None
        from .security import client_ip_address

        now = time.time()
        window = int(now // self.seconds)
        key = f"rate:{client_ip_address(request)}:{window}"
        guard.call("add", key, 0, self.seconds * 2)
        count = guard.call("incr", key)
        if count is None or count <= self.requests:
            return None
        return max(1, int((window + 1) * self.seconds - now))


def too_many_requests(request, retry_after):
    """429 in the visitor's language, with Retry-After."""
    from .middleware import visitor_language

    with translation.override(visitor_language(request)):
        body = loader.get_template("429.html").render({"retry_after": retry_after})
        language = translation.get_language()
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    response["Content-Language"] = language
    patch_cache_control(response, no_store=True, private=True)
    return response


# --- The middleware -----------------------------------------------------------------------

# Request headers that make a GET conditional.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache (see the module's
    docstring).

    Sits right after WhiteNoise, before sessions, languages, CSRF and authentication: a hit
    skips all of them. The key holds the language LocaleMiddleware resolves (so a page
    varying on Accept-Language, like robots.txt, is stored per language), and what the
    inner middleware adds to a page (Content-Language, Vary, X-Frame-Options…) is stored
    with it. Conditional GETs (ETag, Last-Modified) are answered here, as
    ConditionalGetMiddleware would. Only GET responses are stored (a HEAD is answered
    from the GET's entry).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.rate_limit = RateLimit(settings.PAGE_CACHE_RATE_LIMIT)
        from .drafts import due_drafts  # drafts read models: imported once apps are ready

        self.due_drafts = due_drafts
        release()  # computed once per process, before the first request

    def __call__(self, request):
        # Read the clock before the view reads the content: a page stored with the versions
        # of this reading is then at least as new as they are, never older. A draft due for
        # publication (wic/core/drafts.py) is published first, by whichever request comes.
        version = content_version()
        if version is not None and self.due_drafts.publish_due(version):
            version = content_version()
        if not is_anonymous_public_request(request):
            return self.get_response(request)
        try:
            page = PageRequest(request)
        except Resolver404:
            return self.get_response(request)  # no such page: Django's 404, never stored
        page.apply(request)
        if not settings.PAGE_CACHE:
            return self.compressed(request, self.get_response(request))
        if version is None:
            return self.get_response(request)
        tag_versions.refresh(version)

        pages, queries = page_stores()
        # Free text, combinations of filters: kept apart, where junk evicts only junk (a
        # popular search is asked again and again), and limited per client when rendered.
        store = pages if page.storable else queries
        cached = self.current_page(page.key, store)
        if cached is None:
            if store is queries:
                retry_after = self.rate_limit.retry_after(request)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            cached, response = self.render_once(request, page, version, store)
        if cached is not None:  # stored, by an earlier request or the one just waited for
            response = cached.response(request)
            response[CACHE_HEADER] = "hit"
        last_modified = version.last_modified
        if last_modified and not response.has_header("Last-Modified"):
            response["Last-Modified"] = last_modified
        return self.conditional(request, response)

    def current_page(self, key, store):
        """The stored page if it is current: this process's copy, else the shared cache's
        (where another process may have stored it anew since this one's copy went cold)."""
        page = store.local.get(key)
        if page is not None and page.is_current(tag_versions):
            return page
        page = store.shared.call("get", key)
        if isinstance(page, CachedPage) and page.is_current(tag_versions):
            store.local.put(key, page)
            return page
        return None

    def render_once(self, request, page, version, store):
        """(stored page, None) when another request's render of it is waited for, else
        (None, this request's response), stored when it may be."""
        locked = store.shared.call("add", page.lock_key, 1, RENDER_LOCK_SECONDS)
        if locked is False:  # another request renders it: wait for its result
            deadline = time.monotonic() + RENDER_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(RENDER_POLL_SECONDS)
                found = store.shared.call("get_many", [page.key, page.lock_key]) or {}
                stored = found.get(page.key)
                if isinstance(stored, CachedPage):
                    if not stored.is_current(tag_versions):
                        # Rendered after a change this process has not read yet.
                        now = content_version()
                        if now is not None:
                            tag_versions.refresh(now)
                    if stored.is_current(tag_versions):
                        store.local.put(page.key, stored)
                        return stored, None
                if page.lock_key not in found:
                    break  # the render ended without storing a page: render it here
        try:
            response = self.render(request, page, version, store)
        finally:
            if locked:
                store.shared.call("delete", page.lock_key)
        return None, response

    def render(self, request, page, version, store):
        """The response of the view, kept in `store` when it may be."""
        tags = PageTags()
        request.page_tags = tags
        started = timezone.now()  # the moment the page's rows are judged public at
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(tags):
            response = self.get_response(request)
        if not is_cacheable_response(response):
            return self.compressed(request, response)
        self.prepare(response)
        if request.method == "GET":
            # The tags' versions after the render: if one moved past the clock read before
            # it, the page may hold older content than its versions say, and is not stored.
            now = content_version()
            if now is not None and now.epoch == version.epoch:
                tag_versions.refresh(now)
                versions = tag_versions.current(tags.all())
                if max(versions.values(), default=0) <= version.number:
                    # Judged at `started`: a window opening during the render ends it at once.
                    until = schedule.next_change(tags.scheduled, now, started)
                    cached = CachedPage.of(
                        response, version.epoch, versions, until and until.timestamp()
                    )
                    store.shared.call("set", page.key, cached, store.timeout)
                    store.local.put(page.key, cached)
                    response = cached.response(request)
                    response[CACHE_HEADER] = "miss"
                    return response
        response = self.compressed(request, response)
        response[CACHE_HEADER] = "miss"
        return response

    @staticmethod
    def compressed(request, response):
        """An anonymous public page, compressed by Accept-Encoding (never a page that sets a
        cookie: its body may carry a secret)."""
        if (
            response.streaming
            or response.cookies
            or response.has_header("Content-Encoding")
            or response.status_code != 200
            or "private" in response.get("Cache-Control", "")  # e.g. a share link's preview
        ):
            return response
        bodies = compress(response.content)
        encoding = accepted_encoding(request, bodies)
        if encoding is not None:
            response.content = bodies[encoding]
        set_encoding(response, encoding)
        return response

    @staticmethod
    def prepare(response):
        """Headers stored with the page: its ETag, and a request to revalidate each time
        (browsers keep the page but ask with If-None-Match, and get a 304 if it is current)."""
        if not response.has_header("ETag"):
            response["ETag"] = (
                f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            )
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

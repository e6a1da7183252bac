"""The one settings module of the WIC site.

Everything that differs between a laptop and a production machine comes from the
environment (see `.env.example` and the README). The defaults serve a laptop:
SQLite in the project folder, uploads in `media/`, DEBUG off unless DJANGO_DEBUG=1.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    """The variable's value, or `default` when it is unset or empty (`FOO=` in an .env file)."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env("DJANGO_DEBUG") == "1"
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-dev-only")
# Old keys still accepted while a new one takes over (docs/security.md, "Rotate the secret key").
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Production behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto
# (docs/deploy.md): DJANGO_HTTPS=1 turns on the redirect to https, secure cookies and HSTS.
HTTPS = env("DJANGO_HTTPS") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = env("DJANGO_HSTS_PRELOAD", "1") == "1"

# Security headers on every response, in development too, so that anything they break shows
# up early (docs/security.md). Cookies are never readable from JavaScript: no script of ours
# or the admin's reads them (the admin's forms carry the CSRF token themselves).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"  # other sites see the origin only
# The language cookie (set by the language switch) like the others: HTTPS only in production,
# never readable from JavaScript (nothing reads it; the server does).
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Permissions-Policy (wic.core.middleware.PermissionsPolicyMiddleware): the browser features
# no page of the site or of the admin uses, denied to the page and to anything it embeds.
# Only names current browsers know (an unknown one is a console warning in Chromium).
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "compute-pressure",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
]
X_FRAME_OPTIONS = "DENY"
# django-csp: no inline script or style anywhere (JSON-LD is data, not script). Uploads served
# from another origin (object storage) need that origin here: DJANGO_CSP_IMG_ORIGINS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The nonce is sent only with responses that use it: the admin's change forms, whose
        # visual text editor needs an inline import map (wic/core/admin.py).
        "script-src": [SELF, NONCE],
        # And the one inline <style> of the admin's text editor: the base ProseMirror rules that
        # Tiptap injects (django-prose-editor's editor.js gives no way to turn that off),
        # allowed by their hash alone. A browser test fails if an upgrade changes them.
        "style-src": [SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
        "img-src": [SELF, "data:", *env_list("DJANGO_CSP_IMG_ORIGINS")],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

INSTALLED_APPS = [
    # Only commands, which must win over other apps' commands of the same name: Django runs
    # the command of the app listed first, and modeltranslation ships a `loaddata` too. Ours
    # extends it, so that loading the seed is recorded as one revision (wic/core/history.py).
    "wic.core.commands",
    "modeltranslation",  # before the admin, so its admin classes patch the forms
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_prose_editor",  # the admin's visual editor for formatted fields
    "csp",
    "axes",  # login throttling; its tables come from its own migrations
    "reversion",  # the editorial history: revisions and versions (wic/core/history.py)
    "wic.core",  # the shared app (label "wic"): content base, admin base, page cache…
    "events",
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy on every response: static files and cached pages too.
    "wic.core.middleware.PermissionsPolicyMiddleware",
    # Says in the log when requests carry an X-Forwarded-For that is not trusted (a proxy
    # that DJANGO_TRUST_X_FORWARDED_FOR was not turned on for): before the page cache.
    "wic.core.security.UntrustedProxyWarningMiddleware",
    # Outside the page cache: cached pages get the policy on every hit too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage answers 503 with Retry-After, not a traceback (wic/core/middleware.py).
    "wic.core.middleware.DatabaseUnavailableMiddleware",
    # Before sessions, languages and auth: a cached page skips them all; it keys on the
    # language LocaleMiddleware will pick and answers conditional GETs itself (wic/core/cache.py).
    "wic.core.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cache-Control: private, no-store on whatever depends on a session (editors' pages).
    "wic.core.middleware.SessionPrivacyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 304s from the ETag / Last-Modified of every other GET.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    # GET and HEAD only, outside the admin and the language switch; before the CSRF check.
    "wic.core.middleware.ReadOnlyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "wic.urls"
# A language's home page (/zh-hans/, /en/), where the shared pages (404, search) link home.
HOME_URL_NAME = "events:home"
WSGI_APPLICATION = "wic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "events.context_processors.site",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many processes on one file: WAL lets visitors read while an editor writes, and
    # BEGIN IMMEDIATE makes writers queue at the start of a transaction (for up to
    # `timeout` seconds) instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast, with a message naming DATABASE_URL (wic/core/checks.py), when it is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The cache that keeps whole pages (wic/core/cache.py). Every process of the site must share it:
# files under var/cache/ on one machine, Redis when REDIS_URL is set. Sessions stay in the
# database, so nothing but the page cache depends on it, and it is guarded: if it fails, pages
# are rendered from the database.
# "queries" holds the pages of free text and filter combinations (searches) apart from the
# real pages, briefly, so that one render serves every process: junk there can evict only junk.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    # A dead or unreachable Redis must cost milliseconds, not seconds, per try.
    redis_options = {"socket_connect_timeout": 0.5, "socket_timeout": 1}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wic",
            "OPTIONS": redis_options,
        },
        "queries": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wic-queries",
            "TIMEOUT": 60,
            "OPTIONS": redis_options,
        },
    }
else:
    cache_dir = Path(env("DJANGO_CACHE_DIR", BASE_DIR / "var" / "cache"))
    CACHES = {
        "default": {
            "BACKEND": "wic.core.cache.PageFileCache",  # FileBasedCache, culled less often
            "LOCATION": cache_dir,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "queries": {
            "BACKEND": "wic.core.cache.PageFileCache",
            "LOCATION": cache_dir / "queries",  # culled on its own
            "TIMEOUT": 60,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# The page cache is on in production and off with DEBUG (templates change under your feet).
PAGE_CACHE = env("DJANGO_PAGE_CACHE", "0" if DEBUG else "1") == "1"
PAGE_CACHE_SECONDS = int(env("DJANGO_PAGE_CACHE_SECONDS", "86400"))
# Pages rendered each time (searches, keyword filters, combinations of filters): at most this
# many per client address per period, "requests/seconds"; "0/60" switches the limit off. A
# person searching hard sends a few a minute; conference Wi-Fi puts many behind one address.
PAGE_CACHE_RATE_LIMIT = env("DJANGO_SEARCH_RATE_LIMIT", "120/60")
# Part of every page's cache key; by default a digest of the code (wic.core.cache.release).
RELEASE = env("DJANGO_RELEASE", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans",), "zh-hans": ("en",)}
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs come from the English title
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"  # admin tabs, served from static/

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The app serves uploads itself (wic/core/media.py) unless a reverse proxy or object storage
# does: DJANGO_SERVE_MEDIA=0 then (docs/deploy.md).
SERVE_MEDIA = env("DJANGO_SERVE_MEDIA", "1") == "1"
STORAGES = {
    # FileSystemStorage that writes to a temporary name first: no half-written uploads.
    "default": {"BACKEND": "wic.core.uploads.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# What editors may upload (wic/core/uploads.py, docs/content-safety.md). The reverse proxy's
# request body limit must be at least the largest of these.
WIC_UPLOAD_IMAGE_MAX_BYTES = 5 * 1024 * 1024
WIC_UPLOAD_IMAGE_MAX_PIXELS = 40_000_000
WIC_UPLOAD_PDF_MAX_BYTES = 20 * 1024 * 1024

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "admin:login"
# Where a login without a safe `next` lands: the admin, the only thing editors log in for
# (Django's default is /accounts/profile/, a page this site does not have).
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling (django-axes, docs/security.md): after 5 failed logins for one username from
# one address, that pair is locked out for 15 minutes; after 20 from one address, whatever the
# usernames (password spraying), that address is (wic.core.security.LoginThrottleHandler). Any
# try while locked out starts the 15 minutes again. An administrator unlocks earlier:
# `manage.py axes_reset_username <name>`, `manage.py axes_reset_ip <address>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "wic.core.security.LoginThrottleHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "wic.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "wic.core.security.client_ip_address"
AXES_VERBOSE = False  # no banner on every command; failures and lockouts are still logged
# Behind a proxy every request comes from the proxy's address. Set this to 1 only when the proxy
# in front of gunicorn always sets X-Forwarded-For (docs/security.md): its last entry is then
# the visitor's address. Otherwise the header is the visitor's to forge, and is ignored.
TRUST_X_FORWARDED_FOR = env("DJANGO_TRUST_X_FORWARDED_FOR") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}

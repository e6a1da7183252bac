"""Start-up guards: refuse to serve production without its settings or its database.

- `manage.py check --deploy` reports a missing DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS
  as errors (wic.E001). Development (`make run`, DEBUG=1) and the tests never run deploy
  checks, so they are not affected.
- Commands that check the database (`migrate`, `check --database default`) say which
  database they could not reach and that DATABASE_URL names it (wic.E002), instead of
  failing later with a traceback.
- gunicorn (wic/gunicorn.conf.py) runs `startup_problems()` before starting any worker.
- `manage.py check --deploy` warns when DJANGO_HTTPS=1 (a proxy in front) and
  DJANGO_TRUST_X_FORWARDED_FOR is off (wic.W001): the login limits would then count every
  visitor as the proxy (docs/security.md). At run time, wic.core.security warns in the log
  when requests actually carry a header that is not trusted.
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections

REQUIRED_IN_PRODUCTION = {
    "DJANGO_SECRET_KEY": 'a long random string, e.g. the output of `python -c "from '
    'django.core.management.utils import get_random_secret_key as k; print(k())"`',
    "DJANGO_ALLOWED_HOSTS": "the comma-separated host names the site answers to, "
    "e.g. wic.example.org",
}


def missing_production_variables(environ=None):
    environ = os.environ if environ is None else environ
    return [name for name in REQUIRED_IN_PRODUCTION if not environ.get(name, "").strip()]


def describe_database(alias=DEFAULT_DB_ALIAS):
    """The database as a URL without its password, for messages."""
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = f"{db['USER']}@" if db.get("USER") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    scheme = db["ENGINE"].rsplit(".", 1)[-1]
    return f"{scheme}://{user}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def database_problem(alias=DEFAULT_DB_ALIAS):
    """Why the database cannot be reached, or None when it can."""
    connection = connections[alias]
    was_open = connection.connection is not None
    try:
        connection.ensure_connection()
    except Exception as error:  # the drivers' errors differ; any of them means "can't"
        source = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "default, DATABASE_URL unset"
        reason = " ".join(str(error).split())
        return f"Cannot connect to the database {describe_database(alias)} ({source}): {reason}"
    finally:
        if not was_open:  # leave the connection as we found it (gunicorn forks after this)
            connection.close()
    return None


def startup_problems():
    """Everything that stops a production server from starting, as sentences."""
    problems = [
        f"{name} is not set: set it to {hint}."
        for name, hint in REQUIRED_IN_PRODUCTION.items()
        if name in missing_production_variables()
    ]
    if settings.DEBUG:
        problems.append(
            "DJANGO_DEBUG=1 is for development only: unset it to serve the site in production."
        )
    if not problems:  # don't add a connection error to a configuration one
        problem = database_problem()
        if problem:
            problems.append(problem)
    return problems


@register(Tags.security, deploy=True)
def check_production_variables(app_configs, **kwargs):
    return [
        Error(
            f"{name} is not set.", hint=f"Set it to {REQUIRED_IN_PRODUCTION[name]}.", id="wic.E001"
        )
        for name in missing_production_variables()
    ]


@register(Tags.security, deploy=True)
def check_proxy_addresses(app_configs, **kwargs):
    if not settings.HTTPS or settings.TRUST_X_FORWARDED_FOR:
        return []
    return [
        Warning(
            "DJANGO_HTTPS=1 says a reverse proxy is in front, but DJANGO_TRUST_X_FORWARDED_FOR "
            "is off: every visitor then has the proxy's address, and the admin's login limits "
            "count all of them together.",
            hint="Make the proxy set X-Forwarded-For (Caddy does by default; nginx: "
            "proxy_set_header X-Forwarded-For $remote_addr) and set "
            "DJANGO_TRUST_X_FORWARDED_FOR=1. See docs/security.md.",
            id="wic.W001",
        )
    ]


@register(Tags.database)
def check_database_reachable(app_configs, databases=None, **kwargs):
    """Runs only when a command asks for database checks (migrate does)."""
    errors = []
    for alias in databases or []:
        problem = database_problem(alias)
        if problem:
            errors.append(Error(problem, id="wic.E002"))
    return errors

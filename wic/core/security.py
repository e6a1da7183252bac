"""The admin's door: what django-axes needs from us (settings in wic/settings.py).

- `client_ip_address()`: the address that login failures are counted against. Behind a
  reverse proxy every request comes from the proxy; its X-Forwarded-For is trusted only when
  the operator says the proxy always sets it.
- `LoginThrottleHandler`: axes' database handler with a second limit. Axes counts failures per
  username and address (AXES_LOCKOUT_PARAMETERS, AXES_FAILURE_LIMIT); this also counts them per
  address across usernames (LOGIN_ADDRESS_FAILURE_LIMIT), so that one address cannot try a few
  passwords on each of many usernames (password spraying).
- `lockout_response()`: the page a locked-out editor sees instead of the login form: in the
  admin's look and language, saying which limit was reached and how to get back in.
- `UntrustedProxyWarningMiddleware`: says in the log, once per process, when requests come
  with X-Forwarded-For that the settings do not trust: the sign of a proxy in front that
  DJANGO_TRUST_X_FORWARDED_FOR was not turned on for (docs/security.md).
"""

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _valid_address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request):
    """REMOTE_ADDR, or the last X-Forwarded-For entry when DJANGO_TRUST_X_FORWARDED_FOR=1.

    The last entry is the one our proxy added (or set) for the peer it saw; earlier entries
    are whatever the client sent, so they are never used. A value that is not an address
    falls back to REMOTE_ADDR, so a forged header can't make up a new "address" per try.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid_address(forwarded.rsplit(",", 1)[-1]) if forwarded else None
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


def address_failures(request):
    """Failed logins from the request's address within the cool-off time, any username."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """AXES_HANDLER: per username and address as axes does, and per address across usernames.

    Axes asks `get_failures()` whether a login is locked (at or over AXES_FAILURE_LIMIT),
    before every login and after every failure. When the address alone has reached
    LOGIN_ADDRESS_FAILURE_LIMIT, the answer is the limit itself: locked, whatever the
    username. Failures are recorded by axes as before (a row per username, address and
    browser), and a success still forgets that username's failures from that address only.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        request.wic_address_locked = (
            address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )
        if request.wic_address_locked:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def throttling():
    """The limits an editor is told about: on the login page and on the lockout page."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, status 429 (Too Many Requests)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        **throttling(),
        "title": _("Too many failed logins"),
        "username": username,
        # Which limit: this username from this address, or this address whatever the username.
        "address_locked": getattr(request, "wic_address_locked", False),
        "address": getattr(request, "axes_ip_address", None) or "",
    }
    # Rendered here: a response made in a middleware (axes') is not rendered later.
    return render(request, "admin/lockout.html", context, status=429)


class UntrustedProxyWarningMiddleware:
    """Warns once per process when a request comes with X-Forwarded-For while
    DJANGO_TRUST_X_FORWARDED_FOR is off.

    That header comes from a reverse proxy (or from a client forging it). With a proxy in
    front and the setting off, every visitor has the proxy's address: the per-address login
    limit then counts everyone's failures together, and anyone can lock an editor out. A
    system check cannot see this (it is a property of the requests), so the first such
    request says it in the log, where the operator looks when something is wrong; `check
    --deploy` also warns when DJANGO_HTTPS=1 (which means a proxy) and trust is off
    (wic/core/checks.py). First in MIDDLEWARE after SecurityMiddleware, so that pages served
    from the page cache count too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.warned = False

    def __call__(self, request):
        if (
            not self.warned
            and "HTTP_X_FORWARDED_FOR" in request.META
            and not settings.TRUST_X_FORWARDED_FOR
        ):
            self.warned = True
            logger.warning(
                "Requests arrive with an X-Forwarded-For header (%s from %s) but "
                "DJANGO_TRUST_X_FORWARDED_FOR is off, so failed admin logins are counted "
                "against %s. If a reverse proxy in front sets that header, every visitor has "
                "its address, and the login limits lock everyone out together: set "
                "DJANGO_TRUST_X_FORWARDED_FOR=1 (docs/security.md). Said once per process.",
                request.META["HTTP_X_FORWARDED_FOR"][:100],
                request.META.get("REMOTE_ADDR"),
                request.META.get("REMOTE_ADDR"),
            )
        return self.get_response(request)

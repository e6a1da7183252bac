"""The admin's door: what django-axes needs from us (settings in wic/settings.py).

- `client_ip_address()`: the address that login failures are counted against, together with
  the username. Behind a reverse proxy every request comes from the proxy; its
  X-Forwarded-For is trusted only when the operator says the proxy always sets it.
- `lockout_response()`: the page a locked-out editor sees instead of the login form: in the
  admin's look and language, saying how to get back in.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


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


def throttling():
    """The limits an editor is told about: on the login page and on the lockout page."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
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
    }
    # Rendered here: a response made in a middleware (axes') is not rendered later.
    return render(request, "admin/lockout.html", context, status=429)

"""The admin's door (django-axes, wic/core/security.py, docs/security.md): after 5 failed logins for
one username from one address, that pair is locked out for 15 minutes; after 20 from one address
whatever the usernames (password spraying), that address is; a page in the admin's look says how
to get back in; an administrator can unlock at once. A proxy whose X-Forwarded-For is not
trusted is said in the log and by `check --deploy`."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import LoginView
from django.core.management import call_command
from django.db.models import F
from django.test import Client, RequestFactory
from pytest_django.asserts import assertContains, assertTemplateUsed

from tests.factories import make_editor
from tests.html import elements, text
from tests.wic.admin_pages import EN
from tests.wic.test_settings import PRODUCTION, manage
from wic.core.security import client_ip_address

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
HOME = "10.1.1.1"
OFFICE = "10.2.2.2"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Dozens of logins per test: a fast hasher (the real one takes ~0.3 s per try)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return make_editor(username="editor", password=PASSWORD)


def log_in(client, password, username="editor", address=HOME, **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **{**EN, **extra},
    )


def fail(client, times, **kwargs):
    return [log_in(client, "wrong", **kwargs).status_code for _ in range(times)]


def logged_in(response):
    return response.status_code == 302 and SESSION_KEY in response.client.session


def backdate_attempts(**delta):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(**delta))


# --- Configuration ---------------------------------------------------------------------------


def test_axes_is_configured_as_documented():
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert {
        "enabled": settings.AXES_ENABLED,
        "limit": settings.AXES_FAILURE_LIMIT,
        "cool off": settings.AXES_COOLOFF_TIME,
        "lock by": settings.AXES_LOCKOUT_PARAMETERS,
        "handler": settings.AXES_HANDLER,
        "limit per address": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "reset on success": settings.AXES_RESET_ON_SUCCESS,
    } == {
        "enabled": True,
        "limit": 5,
        "cool off": timedelta(minutes=15),
        "lock by": [["username", "ip_address"]],
        "handler": "wic.core.security.LoginThrottleHandler",
        "limit per address": 20,
        "reset on success": True,
    }


# --- Failures, lockout, and the way back ----------------------------------------------------


def test_four_failures_still_let_the_editor_in(client, editor):
    failures = fail(client, 4)

    response = log_in(client, PASSWORD)

    assert failures == [200] * 4
    assert logged_in(response)
    assert AccessAttempt.objects.count() == 0  # a success forgets the failures


def test_the_fifth_failure_locks_out_and_shows_the_lockout_page(client, editor):
    failures = fail(client, 5)
    response = log_in(client, PASSWORD)  # the right password no longer helps

    assert failures == [200] * 4 + [429]
    assert response.status_code == 429
    assert not logged_in(response)
    assertTemplateUsed(response, "admin/lockout.html")


def test_the_lockout_page_says_how_to_get_back_in(client, editor):
    fail(client, 5)

    response = log_in(client, PASSWORD)

    root = response
    assertContains(response, '<html lang="en"', status_code=429)
    assert [text(t) for t in elements(root, "title")] == [
        "Too many failed logins | WIC site administration"
    ]
    assert [text(h) for h in elements(root, "h1")] == ["Too many failed logins"]
    assert [text(d) for d in elements(root, "div", id="site-name")] == ["WIC site administration"]
    assert [text(p) for p in elements(root, "p", class_="errornote")] == [
        "Logging in has failed 5 times in a row, so logging in with this username from your "
        "address is blocked for now."
    ]
    assert [text(li) for li in elements(root, "li")] == [
        "wait 15 minutes, then log in with the right password. Every attempt before then "
        "starts the wait again;",
        "or ask a site administrator to unlock your account now. They run: "
        "python manage.py axes_reset_username editor",
    ]
    assert [
        dict(a.attributes)["href"]
        for a in elements(root, "a")
        if text(a) == "Back to the login page"
    ] == ["/admin/login/"]
    # The admin's language switch is there, as on the login page.
    assert len(elements(root, "form", class_="wic-language-switch")) == 1


def test_the_lockout_page_escapes_the_username(client):
    fail(client, 5, username="<b>x</b>")

    response = log_in(client, "wrong", username="<b>x</b>")

    assert response.status_code == 429
    assertContains(response, "axes_reset_username &lt;b&gt;x&lt;/b&gt;", status_code=429)


def test_the_login_page_tells_the_limits(client):
    response = client.get("/admin/login/", **EN)

    root = response
    assert [text(p) for p in elements(root, "p", class_="wic-login-limit")] == [
        "After 5 failed attempts in a row, logging in with that username from your address "
        "is blocked for 15 minutes.",
        "After 20 failed attempts from one address, whatever the usernames, logging in from "
        "that address is blocked for the same time.",
    ]


def test_the_lock_holds_for_the_pair_only(client, editor):
    other = make_editor(username="other", password=PASSWORD)
    fail(client, 5)

    same_pair = log_in(Client(), PASSWORD)
    other_address = log_in(Client(), PASSWORD, address=OFFICE)
    other_user = log_in(Client(), PASSWORD, username=other.username)

    assert same_pair.status_code == 429
    assert logged_in(other_address)
    assert logged_in(other_user)


def test_failures_from_several_addresses_add_up_per_address(client, editor):
    fail(client, 4, address=HOME)
    fail(client, 4, address=OFFICE)

    home = log_in(Client(), PASSWORD, address=HOME)

    assert logged_in(home)


def test_the_lock_still_holds_after_fourteen_minutes(client, editor):
    fail(client, 5)
    backdate_attempts(minutes=14)

    response = log_in(client, PASSWORD)

    assert response.status_code == 429


def test_the_lock_ends_after_fifteen_minutes(client, editor):
    fail(client, 5)
    backdate_attempts(minutes=15, seconds=1)

    response = log_in(client, PASSWORD)

    assert logged_in(response)


def test_a_try_while_locked_out_starts_the_wait_again(client, editor):
    fail(client, 5)
    backdate_attempts(minutes=14)
    log_in(client, "wrong")  # 14 minutes in: locked, and the 15 minutes start again
    backdate_attempts(minutes=2)  # 16 minutes after the lockout, 2 after the last try

    response = log_in(client, PASSWORD)

    assert response.status_code == 429


def test_an_administrator_unlocks_with_axes_reset_username(client, editor):
    fail(client, 5)
    out = StringIO()

    call_command("axes_reset_username", "editor", stdout=out)
    response = log_in(client, PASSWORD)

    assert out.getvalue() == "1 attempts removed.\n"
    assert logged_in(response)


def test_a_superuser_sees_and_deletes_the_lockout_in_the_admin(client, editor, admin_client):
    fail(client, 5)
    (attempt,) = AccessAttempt.objects.all()

    changelist = admin_client.get("/admin/axes/accessattempt/", **EN)
    deleted = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    response = log_in(client, PASSWORD)

    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [attempt]
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "editor",
        HOME,
        5,
    )
    assert deleted.status_code == 302
    assert logged_in(response)


# --- Many usernames from one address (password spraying) ------------------------------------


def spray(client, usernames, tries=4, address=HOME):
    """`tries` wrong passwords for each username: under the per-username limit each time."""
    return [
        log_in(client, "wrong", username=name, address=address).status_code
        for name in usernames
        for _ in range(tries)
    ]


NAMES = [f"name{n}" for n in range(5)]


def test_nineteen_failures_from_one_address_still_let_an_editor_in(client, editor):
    statuses = spray(client, NAMES[:4]) + spray(client, NAMES[4:], tries=3)  # 19 failures

    response = log_in(client, PASSWORD)

    assert statuses == [200] * 19
    assert logged_in(response)


def test_twenty_failures_from_one_address_block_it_whatever_the_username(client, editor):
    statuses = spray(client, NAMES)  # 4 per username: never the per-username limit
    response = log_in(Client(), PASSWORD)  # the right password, a username not tried yet

    assert statuses == [200] * 19 + [429]
    assert response.status_code == 429
    assert not logged_in(response)


def test_the_address_block_holds_for_that_address_only(client, editor):
    spray(client, NAMES)

    office = log_in(Client(), PASSWORD, address=OFFICE)

    assert logged_in(office)


def test_the_address_lockout_page_says_so_and_how_to_unblock(client, editor):
    spray(client, NAMES)

    response = log_in(client, PASSWORD)

    assert [text(p) for p in elements(response, "p", class_="errornote")] == [
        "Logging in from your address has failed 20 times, with one username or several, so "
        "logging in from your address is blocked for now, whatever the username."
    ]
    assert [text(li) for li in elements(response, "li")][1] == (
        "or ask a site administrator to unblock your address now. They run: "
        f"python manage.py axes_reset_ip {HOME}"
    )


def test_an_administrator_unblocks_an_address_with_axes_reset_ip(client, editor):
    spray(client, NAMES)

    call_command("axes_reset_ip", HOME, stdout=StringIO())
    response = log_in(client, PASSWORD)

    assert logged_in(response)


def test_the_address_block_ends_after_fifteen_minutes(client, editor):
    spray(client, NAMES)
    backdate_attempts(minutes=15, seconds=1)

    response = log_in(client, PASSWORD)

    assert logged_in(response)


def test_a_success_does_not_forget_the_other_usernames_failures(client, editor):
    """A sprayer who knows one password cannot reset the address's count with it."""
    spray(client, NAMES[:4])  # 16 failures
    assert logged_in(log_in(Client(), PASSWORD))  # editor's own failures (none) forgotten

    statuses = spray(Client(), ["other"])

    assert statuses == [200, 200, 200, 429]


# --- The address behind a proxy --------------------------------------------------------------


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/admin/login/", **extra)


def test_x_forwarded_for_is_ignored_unless_trusted(settings):
    settings.TRUST_X_FORWARDED_FOR = False

    assert client_ip_address(request_from("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry comes first
        ("2001:db8::1", "2001:db8::1"),
        ("not-an-address", "127.0.0.1"),
        ("", "127.0.0.1"),
        (None, "127.0.0.1"),
    ],
)
def test_a_trusted_proxy_gives_the_last_x_forwarded_for_entry(settings, forwarded, address):
    settings.TRUST_X_FORWARDED_FOR = True

    assert client_ip_address(request_from("127.0.0.1", forwarded)) == address


def test_a_forged_x_forwarded_for_does_not_escape_the_lock(client, editor, settings):
    """Without a trusted proxy, a new forged address per try changes nothing."""
    settings.TRUST_X_FORWARDED_FOR = False
    statuses = [
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(6)
    ]

    assert statuses == [200] * 4 + [429] * 2


def test_behind_a_trusted_proxy_the_lock_is_per_visitor_address(client, editor, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    fail(client, 5, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    visitor = log_in(Client(), PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    colleague = log_in(Client(), PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert visitor.status_code == 429
    assert logged_in(colleague)


# --- Where a login lands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/admin/events/session/", "/admin/events/session/"),  # a safe next is followed
        ("", "/admin/"),
        ("https://evil.example/", "/admin/"),  # another site: not safe
        ("//evil.example/admin/", "/admin/"),
    ],
)
def test_a_login_without_a_safe_next_lands_on_the_admin_index(client, editor, next_url, landing):
    response = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD, "next": next_url}, **EN
    )

    assert logged_in(response)
    assert response["Location"] == landing
    assert client.get(response["Location"]).status_code == 200


def test_a_login_with_no_next_at_all_lands_on_the_admin_index(client, editor):
    """Django's own login view (the admin's passes `next`): the fallback itself."""
    request = RequestFactory().post("/login/", {"username": "editor", "password": PASSWORD})

    assert LoginView(request=request).get_default_redirect_url() == "/admin/"


# --- Tests keep logging in as before ---------------------------------------------------------


def test_the_test_clients_login_works_with_axes_on(client, editor):
    assert client.login(username="editor", password=PASSWORD) is True
    assert client.get("/admin/").status_code == 200


def test_the_test_clients_login_is_throttled_too(client, editor):
    results = [client.login(username="editor", password="wrong") for _ in range(5)]

    assert results == [False] * 5
    assert client.login(username="editor", password=PASSWORD) is False


def test_force_login_works_with_axes_on(client, editor):
    client.force_login(editor)

    assert client.get("/admin/").status_code == 200


# --- A proxy that is not trusted: said in the log and by check --deploy ---------------------


WARNING_START = "Requests arrive with an X-Forwarded-For header"


def proxy_warnings(caplog):
    return [r for r in caplog.records if r.getMessage().startswith(WARNING_START)]


def test_an_untrusted_x_forwarded_for_is_said_in_the_log_once(client, settings, caplog):
    settings.TRUST_X_FORWARDED_FOR = False
    caplog.set_level(logging.WARNING, logger="wic.core.security")

    client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")

    (record,) = proxy_warnings(caplog)
    assert record.levelname == "WARNING"
    assert "(203.0.113.9 from 127.0.0.1)" in record.getMessage()
    assert "set DJANGO_TRUST_X_FORWARDED_FOR=1 (docs/security.md)" in record.getMessage()


def test_a_request_without_x_forwarded_for_says_nothing(client, settings, caplog):
    settings.TRUST_X_FORWARDED_FOR = False
    caplog.set_level(logging.WARNING, logger="wic.core.security")

    client.get("/admin/login/")

    assert proxy_warnings(caplog) == []


def test_a_trusted_x_forwarded_for_says_nothing(client, settings, caplog):
    settings.TRUST_X_FORWARDED_FOR = True
    caplog.set_level(logging.WARNING, logger="wic.core.security")

    client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert proxy_warnings(caplog) == []


def test_check_deploy_warns_behind_https_without_trusting_the_proxy():
    environ = {**PRODUCTION, "DJANGO_TRUST_X_FORWARDED_FOR": "0"}

    result = manage(environ, "check", "--deploy")

    assert result.returncode == 0  # a warning: make serve shows it and goes on
    assert "(wic.W001) DJANGO_HTTPS=1 says a reverse proxy is in front" in result.stderr
    assert "DJANGO_TRUST_X_FORWARDED_FOR=1" in result.stderr

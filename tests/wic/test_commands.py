"""The site's management commands: setup_editors, check_content, create_demo_editor."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import translation

from tests.factories import make_document, make_milestone, make_session, make_track, saved_unchecked
from wic.core.management.base import operator_language


def run(name, **options):
    """Run a command in English (its messages are translated) and return its output."""
    out = StringIO()
    with translation.override("en"):
        call_command(name, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_setup_editors_is_idempotent_and_removes_extra_permissions():
    run("setup_editors")
    group = Group.objects.get(name="Editors")
    first = set(group.permissions.values_list("pk", flat=True))
    group.permissions.add(Permission.objects.get(codename="add_user"))

    output = run("setup_editors")

    assert Group.objects.filter(name="Editors").count() == 1
    assert set(group.permissions.values_list("pk", flat=True)) == first
    assert output == "Group “Editors”: 80 permissions on the site's content.\n"


@pytest.mark.django_db
def test_check_content_passes_when_published_content_is_complete():
    make_session()
    saved_unchecked(make_milestone(is_published=False), title_en="")  # drafts may be incomplete

    output = run("check_content")

    assert output == "All published content complete in both languages.\n"


@pytest.mark.django_db
def test_check_content_lists_every_gap_of_published_items_and_fails():
    session = saved_unchecked(make_session(), title_en="")
    track = make_track(edition=session.edition, description_zh_hans="说明")
    document = saved_unchecked(make_document(edition=session.edition), summary_zh_hans="")
    out = StringIO()

    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("check_content", stdout=out)

    assert out.getvalue().splitlines() == [
        f"events.Track pk={track.pk} “{track.name_en}”: description missing in en",
        # Named in the report's language, falling back to Chinese where English is empty.
        f"events.Session pk={session.pk} “{session.title_zh_hans}”: title missing in en",
        f"outcomes.Document pk={document.pk} “{document.title_en}”: summary missing in zh-hans",
    ]
    assert str(failure.value) == "3 published items miss text in Chinese or English."
    assert failure.value.returncode == 1


@pytest.mark.django_db
def test_create_demo_editor_refuses_without_debug(settings):
    settings.DEBUG = False

    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("create_demo_editor", stdout=StringIO())

    assert "DEBUG is off" in str(failure.value)
    assert not get_user_model().objects.filter(username="editor").exists()


@pytest.mark.django_db
def test_create_demo_editor_makes_a_staff_editor_and_resets_it(settings):
    settings.DEBUG = True

    first = run("create_demo_editor")
    second = run("create_demo_editor")

    lines = second.splitlines()
    password = lines[2].removeprefix("  password: ")
    assert lines == [
        "Demo editor ready.",
        "  username: editor",
        f"  password: {password}",
        "  admin: http://127.0.0.1:8000/admin/",
    ]
    assert password not in first  # a new password each time
    # django-axes counts logins per request: authenticate() needs one (docs/security.md).
    user = authenticate(HttpRequest(), username="editor", password=password)
    assert user is not None
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert [group.name for group in user.groups.all()] == ["Editors"]
    assert get_user_model().objects.filter(username="editor").count() == 1


@pytest.mark.django_db
def test_create_demo_editor_prints_the_admin_where_the_site_is_served(settings):
    settings.DEBUG = True

    output = run("create_demo_editor", address="0.0.0.0:8123")

    assert output.splitlines()[-1] == "  admin: http://0.0.0.0:8123/admin/"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ],
)
def test_commands_speak_the_operators_language(environ, language):
    assert operator_language(environ) == language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "message"),
    [("en_US.UTF-8", "All published content complete"), ("zh_CN.UTF-8", "所有已发布内容")],
)
def test_a_command_prints_in_the_language_of_the_shell_not_the_sites(monkeypatch, lang, message):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)

    with translation.override("zh-hans" if lang.startswith("en") else "en"):
        output = StringIO()
        call_command("check_content", stdout=output)

    assert output.getvalue().startswith(message)

"""What an editor may not do (docs/security.md): reach users, groups, permissions or the login
records, or give themselves any right; and what a logged-in visitor who is not staff sees of
drafts: nothing."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from events.models import Session
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_session,
)
from tests.wic.admin_pages import EN
from wic.core.management.commands.setup_editors import setup_editors

pytestmark = pytest.mark.django_db

FORBIDDEN_APPS = {"auth", "axes", "admin", "contenttypes", "sessions"}


@pytest.fixture
def editor():
    return make_editor(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def user_state(user):
    user.refresh_from_db()
    return {
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": list(user.user_permissions.all()),
    }


EDITOR_STATE = {
    "is_staff": True,
    "is_superuser": False,
    "groups": ["Editors"],
    "user_permissions": [],
}


# --- Users, groups, permissions, login records: 403 -----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/user/{me}/change/",
        "/admin/auth/user/{me}/password/",
        "/admin/auth/user/{me}/delete/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/auth/group/{editors}/change/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
    ],
)
def test_editor_gets_403_on_users_groups_and_login_records(editor_client, editor, url):
    editors = Group.objects.get(name="Editors")

    response = editor_client.get(url.format(me=editor.pk, editors=editors.pk), **EN)

    assert response.status_code == 403


def test_editor_cannot_open_a_lockout_record(editor_client, client):
    attempt = AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="x", failures_since_start=5
    )

    response = editor_client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/")
    delete = editor_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert (response.status_code, delete.status_code) == (403, 403)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_editor_cannot_make_themselves_superuser_or_add_groups_or_permissions(
    editor_client, editor
):
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    admins = Group.objects.create(name="Administrators")
    admins.permissions.set(every_permission)

    response = editor_client.post(
        f"/admin/auth/user/{editor.pk}/change/",
        {
            "username": "editor",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [admins.pk],
            "user_permissions": every_permission,
            "date_joined_0": "2018-11-07",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 403
    assert user_state(editor) == EDITOR_STATE


def test_editor_cannot_give_the_editors_group_more_permissions(editor_client):
    editors = Group.objects.get(name="Editors")
    before = set(editors.permissions.values_list("pk", flat=True))

    response = editor_client.post(
        f"/admin/auth/group/{editors.pk}/change/",
        {"name": "Editors", "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )

    assert response.status_code == 403
    assert set(editors.permissions.values_list("pk", flat=True)) == before


def test_editor_cannot_add_a_user(editor_client):
    response = editor_client.post(
        "/admin/auth/user/add/",
        {"username": "friend", "password1": "x-long-pass-123", "password2": "x-long-pass-123"},
    )

    assert response.status_code == 403
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["editor"]


def test_editor_has_only_content_permissions_in_effect(editor):
    editor = get_user_model().objects.get(pk=editor.pk)  # no cached permissions

    granted = editor.get_all_permissions()

    assert {name.split(".")[0] for name in granted} == {"events", "outcomes", "wic"}
    assert {name for name in granted if name.startswith("wic.")} == {
        "wic.change_publicchange",
        "wic.delete_publicchange",
        "wic.view_publicchange",
        "wic.change_draft",
        "wic.delete_draft",
        "wic.view_draft",
        "wic.change_sharelink",
        "wic.view_sharelink",
    }
    assert not editor.has_module_perms("auth")
    assert not editor.has_module_perms("axes")
    assert not editor.has_perm("auth.change_user")


# --- The Editors group: exactly the content ---------------------------------------------------


def content_permissions():
    """Add/change/delete/view of every model of the content apps (proxies included),
    change/delete/view of the public change log and of pending drafts, change/view of share
    links, built here independently of setup_editors."""
    expected = set()
    for app_label in ("events", "outcomes"):
        for model in apps.get_app_config(app_label).get_models():
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            for action in ("add", "change", "delete", "view"):
                codename = get_permission_codename(action, model._meta)
                expected.add((content_type.app_label, content_type.model, codename))
    # The public change log's entries: reword the note to readers, delete; never add.
    expected |= {
        ("wic", "publicchange", f"{action}_publicchange") for action in ("change", "delete", "view")
    }
    # Pending drafts: reschedule, discard; share links: revoke. Both are made on item forms.
    expected |= {("wic", "draft", f"{action}_draft") for action in ("change", "delete", "view")}
    expected |= {("wic", "sharelink", f"{action}_sharelink") for action in ("change", "view")}
    return expected


def group_permissions(group):
    return set(
        group.permissions.values_list("content_type__app_label", "content_type__model", "codename")
    )


def test_editors_group_holds_exactly_the_content_permissions():
    group = setup_editors()

    assert group_permissions(group) == content_permissions()
    assert len(content_permissions()) == 80


def test_editors_group_holds_no_permission_of_auth_axes_admin_log_contenttypes_sessions():
    group = setup_editors()
    # The apps are installed and their permissions exist: there is something to leave out.
    existing = set(Permission.objects.values_list("content_type__app_label", flat=True))

    held = {app for app, _model, _codename in group_permissions(group)}

    assert FORBIDDEN_APPS <= existing
    assert held & FORBIDDEN_APPS == set()


def test_setup_editors_takes_back_axes_and_auth_permissions_given_by_hand():
    group = setup_editors()
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=FORBIDDEN_APPS))

    group = setup_editors()

    assert group_permissions(group) == content_permissions()


# --- Drafts: staff only -----------------------------------------------------------------------


@pytest.fixture
def drafts():
    edition = make_edition(year=2018, number=5, is_current=True)
    draft_edition = make_edition(year=2019, number=6, is_published=False)
    return [
        f"/en/{draft_edition.year}/",
        make_session(edition=edition, kind=Session.Kind.FORUM, is_published=False)
        .get_absolute_url()
        .replace("/zh-hans/", "/en/"),
        make_document(edition=edition, is_published=False)
        .get_absolute_url()
        .replace("/zh-hans/", "/en/"),
        make_achievement(edition=edition, is_published=False)
        .get_absolute_url()
        .replace("/zh-hans/", "/en/"),
    ]


def test_a_logged_in_user_who_is_not_staff_gets_404_for_drafts(client, drafts):
    visitor = get_user_model().objects.create_user("reader", password="x", is_staff=False)
    client.force_login(visitor)

    statuses = [client.get(url).status_code for url in drafts]

    assert statuses == [404, 404, 404, 404]


def test_staff_see_the_same_drafts(editor_client, drafts):
    statuses = [editor_client.get(url).status_code for url in drafts]

    assert statuses == [200, 200, 200, 200]

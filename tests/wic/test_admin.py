"""The editors' admin as a whole: every content model's pages, who may open them, language."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from events.models import (
    Edition,
    Forum,
    Highlight,
    KeyFigure,
    Milestone,
    Organization,
    Person,
    Session,
    Track,
    Venue,
)
from outcomes.models import Achievement, Document, Field, PressEvaluation
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_field,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_session,
    make_track,
    make_venue,
)
from tests.html import elements, text
from tests.wic.admin_pages import EN, ZH
from wic.core.management.commands.setup_editors import setup_editors
from wic.core.translation_status import translated_fields

CONTENT_APPS = {"events", "outcomes"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in CONTENT_APPS),
    key=lambda model: model._meta.label,
)

BUILDERS = {
    Edition: make_edition,
    Organization: make_organization,
    Person: make_person,
    Venue: make_venue,
    Track: make_track,
    Session: lambda: make_session(kind=Session.Kind.PLENARY),
    Forum: lambda: Forum.objects.get(pk=make_session(kind=Session.Kind.FORUM).pk),
    Milestone: make_milestone,
    Highlight: make_highlight,
    KeyFigure: make_key_figure,
    Document: make_document,
    Field: make_field,
    Achievement: make_achievement,
    PressEvaluation: make_press_evaluation,
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def test_every_content_model_has_an_admin():
    assert {model.__name__ for model in REGISTERED} == {
        "Edition",
        "Organization",
        "Person",
        "Venue",
        "Track",
        "Session",
        "Forum",
        "Milestone",
        "Highlight",
        "KeyFigure",
        "Document",
        "Field",
        "Achievement",
        "PressEvaluation",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_editor_opens_changelist_add_and_change_pages(editor_client, model):
    obj = BUILDERS[model]()

    changelist = editor_client.get(admin_url(model, "changelist"))
    add = editor_client.get(admin_url(model, "add"))
    change = editor_client.get(admin_url(model, "change", obj.pk))

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)
    assert list(changelist.context["cl"].result_list) == [obj]
    # One input per language for the first translated field: the tabs are built from these.
    field = next(iter(translated_fields(model)))
    for response in (add, change):
        for suffix in ("zh_hans", "en"):
            assertContains(response, f'id="id_{field}_{suffix}"')
        scripts = [e.attributes.get("src") for e in elements(response, "script")]
        assert "/static/vendor/jquery-ui/jquery-ui.min.js" in scripts


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_anonymous_visitor_is_sent_to_login(client, model):
    url = admin_url(model, "changelist")

    response = client.get(url)

    assertRedirects(response, f"{reverse('admin:login')}?next={url}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/", "/admin/auth/group/add/"],
)
def test_editor_may_not_manage_users_or_groups(editor_client, url):
    response = editor_client.get(url)

    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_index_lists_only_the_content_apps_the_change_log_drafts_and_share_links(
    editor_client,
):
    response = editor_client.get(reverse("admin:index"), **EN)

    apps = {app["app_label"]: app for app in response.context["app_list"]}
    assert list(apps) == ["events", "outcomes", "wic"]
    assert [model["object_name"] for model in apps["wic"]["models"]] == [
        "Draft",
        "PublicChange",
        "ShareLink",
    ]


@pytest.mark.django_db
def test_admin_speaks_english_with_an_english_browser(editor_client):
    session = make_session()

    response = editor_client.get(admin_url(Session, "change", session.pk), **EN)

    root = response
    assertContains(response, '<html lang="en"')
    assert [text(a) for a in elements(root, "div", id="site-name")] == ["WIC site administration"]
    assert [dict(i.attributes)["value"] for i in elements(root, "input", name="_save")] == ["Save"]


@pytest.mark.django_db
def test_admin_speaks_chinese_by_default(editor_client):
    session = make_session()

    response = editor_client.get(admin_url(Session, "change", session.pk), **ZH)

    root = response
    assertContains(response, '<html lang="zh-hans"')
    assert [dict(i.attributes)["value"] for i in elements(root, "input", name="_save")] == ["保存"]


@pytest.mark.django_db
def test_language_switch_offers_both_languages_and_comes_back(editor_client):
    url = admin_url(Session, "changelist") + "?kind=forum"

    response = editor_client.get(url, **ZH)
    (form,) = elements(response, "form", class_="wic-language-switch")
    switched = editor_client.post(reverse("set_language"), {"language": "en", "next": url})
    after = editor_client.get(url)

    assert [
        (dict(b.attributes)["value"], text(b), dict(b.attributes)["aria-pressed"])
        for b in elements(form, "button")
    ] == [("zh-hans", "简体中文", "true"), ("en", "English", "false")]
    assert [dict(i.attributes)["value"] for i in elements(form, "input", name="next")] == [url]
    assertRedirects(switched, url)
    assert after.context["LANGUAGE_CODE"] == "en"


@pytest.mark.django_db
def test_editors_group_has_exactly_the_content_and_change_log_permissions():
    group = setup_editors()

    models = {
        "events": [
            "organization",
            "person",
            "edition",
            "editionrole",
            "keyfigure",
            "venue",
            "track",
            "session",
            "forum",
            "sessionorganizer",
            "sessionspeaker",
            "milestone",
            "highlight",
        ],
        "outcomes": ["document", "documentsection", "field", "achievement", "pressevaluation"],
    }
    expected = {
        f"{app}.{action}_{model}"
        for app, names in models.items()
        for model in names
        for action in ("add", "change", "delete", "view")
    }
    # The public change log: the note to readers reworded, an entry deleted; never added.
    expected |= {"wic.change_publicchange", "wic.delete_publicchange", "wic.view_publicchange"}
    # Pending drafts rescheduled or discarded, share links revoked; both made on item forms.
    expected |= {"wic.change_draft", "wic.delete_draft", "wic.view_draft"}
    expected |= {"wic.change_sharelink", "wic.view_sharelink"}
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    assert granted == expected
    assert Group.objects.filter(name="Editors").count() == 1

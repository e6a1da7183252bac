"""The events admin: editions with their roles and figures, sessions and forums."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from events.models import Edition, EditionRole, Forum, Highlight, KeyFigure, Session
from tests.factories import (
    make_edition,
    make_editor,
    make_highlight,
    make_organization,
    make_person,
    make_session,
)
from tests.html import elements, text
from tests.wic.admin_pages import EN, changelist_titles, management_form


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def edition_data(**overrides):
    data = {
        "number": "6",
        "year": "2019",
        "name_zh_hans": "第六届世界互联网大会",
        "name_en": "The 6th World Internet Conference",
        "theme_zh_hans": "主题",
        "theme_en": "Theme",
        "summary_zh_hans": "概述",
        "summary_en": "Summary",
        "city_zh_hans": "乌镇",
        "city_en": "Wuzhen",
        "starts_on": "2019-10-20",
        "ends_on": "2019-10-22",
        "sort_order": "0",
        **management_form("roles"),
        **management_form("key_figures"),
    }
    data.update(overrides)
    return data


def session_data(edition, **overrides):
    data = {
        "edition": str(edition.pk),
        "slug": "digital-silk-road",
        "kind": Session.Kind.FORUM,
        "title_zh_hans": "数字丝路论坛",
        "title_en": "Digital Silk Road Forum",
        "date": "2018-11-08",
        "part_of_day": Session.PartOfDay.MORNING,
        "sort_order": "0",
        **management_form("organizer_roles"),
        **management_form("speaker_roles"),
    }
    data.update(overrides)
    return data


def field_errors(response):
    """{field: [messages]} of the form the editor sees again, non-field errors under "__all__"."""
    form = response.context["adminform"].form
    return {name: list(messages) for name, messages in form.errors.items()}


@pytest.mark.django_db
def test_editor_adds_an_edition_with_a_host_and_a_key_figure(editor_client):
    host = make_organization()
    data = edition_data(
        **management_form("roles", total=1),
        **{"roles-0-organization": str(host.pk), "roles-0-role": "host", "roles-0-sort_order": "0"},
        **management_form("key_figures", total=1),
        **{
            "key_figures-0-slug": "forums",
            "key_figures-0-value": "20",
            "key_figures-0-label_zh_hans": "场分论坛",
            "key_figures-0-label_en": "forums",
            "key_figures-0-sort_order": "0",
        },
    )

    response = editor_client.post(reverse("admin:events_edition_add"), data)

    assertRedirects(response, reverse("admin:events_edition_changelist"))
    edition = Edition.objects.get(year=2019)
    assert (edition.name_zh_hans, edition.name_en) == (data["name_zh_hans"], data["name_en"])
    assert list(EditionRole.objects.values_list("edition", "organization", "role")) == [
        (edition.pk, host.pk, "host")
    ]
    assert list(KeyFigure.objects.values_list("edition", "value", "label_en")) == [
        (edition.pk, 20, "forums")
    ]


@pytest.mark.django_db
def test_edition_ending_before_it_starts_is_refused_on_the_end_date(editor_client):
    response = editor_client.post(
        reverse("admin:events_edition_add"),
        edition_data(starts_on="2019-10-22", ends_on="2019-10-20"),
        **EN,
    )

    assert response.status_code == 200
    assert field_errors(response) == {
        "ends_on": ["The end date must not be before the start date."]
    }
    assert Edition.objects.count() == 0


@pytest.mark.django_db
def test_second_current_edition_is_refused_on_the_current_field(editor_client):
    make_edition(is_current=True)

    response = editor_client.post(
        reverse("admin:events_edition_add"), edition_data(is_current="on"), **EN
    )

    assert field_errors(response) == {"is_current": ["Another edition is already the current one."]}
    assert Edition.objects.count() == 1


@pytest.mark.django_db
def test_session_ending_before_it_starts_is_refused_on_the_end_time(editor_client):
    edition = make_edition()

    response = editor_client.post(
        reverse("admin:events_session_add"),
        session_data(edition, starts_at="10:00", ends_at="09:30"),
        **EN,
    )

    assert field_errors(response) == {"ends_at": ["The end time must be after the start time."]}
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_slug_in_an_edition_is_refused_on_the_slug_field(editor_client):
    existing = make_session(slug="digital-silk-road")

    response = editor_client.post(
        reverse("admin:events_session_add"), session_data(existing.edition), **EN
    )

    assert field_errors(response) == {
        "slug": ["Programme item with this Edition and Slug already exists."]
    }
    assert list(Session.objects.all()) == [existing]
    # Shown next to the slug input, not above the form.
    (slug_row,) = elements(response, "div", class_="field-slug")
    assert [text(e) for e in elements(slug_row, "ul", class_="errorlist")] == [
        "Programme item with this Edition and Slug already exists."
    ]
    assert elements(response, "ul", class_="nonfield") == []


@pytest.mark.django_db
def test_same_slug_in_another_edition_is_fine(editor_client):
    make_session(slug="digital-silk-road")
    other = make_edition()

    response = editor_client.post(reverse("admin:events_session_add"), session_data(other))

    assertRedirects(response, reverse("admin:events_session_changelist"))
    assert Session.objects.filter(slug="digital-silk-road").count() == 2


@pytest.mark.django_db
def test_duplicate_highlight_number_is_refused_on_the_number_field(editor_client):
    existing = make_highlight(number=3)
    data = {
        "edition": str(existing.edition.pk),
        "category": existing.category,
        "number": "3",
        "title_zh_hans": "标题",
        "title_en": "Title",
        "body_zh_hans": "正文",
        "body_en": "Text",
        "sort_order": "0",
    }

    response = editor_client.post(reverse("admin:events_highlight_add"), data, **EN)

    assert list(field_errors(response)) == ["number"]
    assert Highlight.objects.count() == 1


@pytest.mark.django_db
def test_session_with_organizer_and_speaker_inlines(editor_client):
    edition = make_edition()
    organizer, speaker = make_organization(), make_person()
    data = session_data(
        edition,
        kind=Session.Kind.DIALOGUE,
        **management_form("organizer_roles", total=1),
        **{"organizer_roles-0-organization": organizer.pk, "organizer_roles-0-role": "host"},
        **{"organizer_roles-0-sort_order": "0"},
        **management_form("speaker_roles", total=1),
        **{"speaker_roles-0-person": speaker.pk, "speaker_roles-0-role": "moderator"},
        **{"speaker_roles-0-sort_order": "0"},
    )

    response = editor_client.post(reverse("admin:events_session_add"), data)

    assertRedirects(response, reverse("admin:events_session_changelist"))
    session = Session.objects.get()
    assert list(session.organizers.all()) == [organizer]
    assert list(session.speaker_roles.values_list("person", "role")) == [(speaker.pk, "moderator")]


@pytest.mark.django_db
def test_forum_admin_lists_only_forums(editor_client):
    forum = make_session(kind=Session.Kind.FORUM, title_en="A forum")
    make_session(kind=Session.Kind.PLENARY, title_en="A plenary")

    response = editor_client.get(reverse("admin:events_forum_changelist"), **EN)

    assert changelist_titles(response) == ["A forum"]
    assert [s.pk for s in response.context["cl"].result_list] == [forum.pk]


@pytest.mark.django_db
def test_forum_added_in_the_forum_admin_is_a_forum(editor_client):
    edition = make_edition()
    data = session_data(edition)
    del data["kind"]

    add_page = editor_client.get(reverse("admin:events_forum_add"))
    response = editor_client.post(reverse("admin:events_forum_add"), data)

    assert "kind" not in add_page.context["adminform"].form.fields
    assertRedirects(response, reverse("admin:events_forum_changelist"))
    assert list(Session.objects.values_list("slug", "kind")) == [("digital-silk-road", "forum")]
    assert Forum.objects.count() == 1


@pytest.mark.django_db
def test_plenary_cannot_be_opened_in_the_forum_admin(editor_client):
    plenary = make_session(kind=Session.Kind.PLENARY)

    response = editor_client.get(reverse("admin:events_forum_change", args=[plenary.pk]))

    # The admin's answer to an object outside its queryset: back to the index with a message.
    assertRedirects(response, reverse("admin:index"))

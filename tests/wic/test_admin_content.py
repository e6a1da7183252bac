"""What editors do in every content admin: publish, search in both languages, find gaps."""

import pytest
from django.urls import NoReverseMatch, reverse

from events.models import Milestone, Session
from tests.factories import (
    make_editor,
    make_milestone,
    make_organization,
    make_session,
    saved_unchecked,
)
from tests.html import elements, text
from tests.wic.admin_pages import EN, ZH, changelist_rows, changelist_titles
from wic.core.admin import PublicPageMixin

CHANGELIST = reverse("admin:events_session_changelist")


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def messages(response):
    (messagelist,) = elements(response, "ul", class_="messagelist")
    return [text(li) for li in elements(messagelist, "li")]


@pytest.mark.django_db
def test_changelist_offers_publish_and_unpublish(editor_client):
    make_session()

    response = editor_client.get(CHANGELIST, **EN)

    (select,) = elements(response, "select", name="action")
    assert [text(option) for option in elements(select, "option")] == [
        "---------",
        "Delete selected programme items",
        "Publish selected programme items",
        "Unpublish selected programme items",
    ]


@pytest.mark.django_db
def test_publish_action_publishes_exactly_the_selected_rows(editor_client):
    edition = make_session().edition
    drafts = [make_session(edition=edition, is_published=False) for _ in range(3)]

    response = editor_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [drafts[0].pk, drafts[2].pk]},
        follow=True,
        **EN,
    )

    published = Session.objects.filter(pk__in=[d.pk for d in drafts], is_published=True)
    assert sorted(published.values_list("pk", flat=True)) == [drafts[0].pk, drafts[2].pk]
    assert messages(response) == ["2 programme items published."]


@pytest.mark.django_db
def test_unpublish_action_unpublishes_exactly_the_selected_rows(editor_client):
    sessions = [make_session() for _ in range(3)]

    response = editor_client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [sessions[1].pk]},
        follow=True,
        **EN,
    )

    assert [s.is_published for s in Session.objects.order_by("pk")] == [True, False, True]
    assert messages(response) == ["1 programme item unpublished: visitors no longer see it."]


@pytest.mark.django_db
def test_publishing_records_the_change_in_the_history(editor_client):
    draft = make_session(is_published=False)

    editor_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True, **EN
    )
    history = editor_client.get(reverse("admin:events_session_history", args=[draft.pk]), **EN)

    (table,) = elements(history, "div", id="change-history")
    _now, *rows = elements(elements(table, "tbody")[0], "tr")
    assert [text(elements(row, "td")[-1]) for row in rows] == ["Changed Published."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "query"), [(EN, "数字丝路"), (ZH, "Digital Silk Road"), (EN, "silk road")]
)
def test_search_finds_a_row_by_its_title_in_either_language(editor_client, headers, query):
    wanted = make_session(title_zh_hans="数字丝路论坛", title_en="Digital Silk Road Forum")
    make_session(title_zh_hans="人工智能论坛", title_en="Artificial Intelligence Forum")

    response = editor_client.get(CHANGELIST, {"q": query}, **headers)

    assert list(response.context["cl"].result_list) == [wanted]


def _milestones_with_gaps():
    edition = make_session().edition
    return {
        "complete": make_milestone(edition=edition, title_en="Complete"),
        # A required text (title) empty in one language.
        "no_en": saved_unchecked(
            make_milestone(edition=edition, title_zh_hans="无英文"), title_en=""
        ),
        # An optional text (time note) filled in English only: Chinese is missing.
        "no_zh": make_milestone(
            edition=edition, title_en="No Chinese time note", time_note_en="Afternoon"
        ),
        # Required texts empty in both languages: body in both.
        "neither": saved_unchecked(
            make_milestone(edition=edition, title_en="Neither body"), body_zh_hans="", body_en=""
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("complete", ["complete"]),
        ("missing-en", ["no_en", "neither"]),
        ("missing-zh-hans", ["no_zh", "neither"]),
        (None, ["complete", "no_en", "no_zh", "neither"]),
    ],
)
def test_translation_filter_shows_exactly_the_incomplete_rows(editor_client, value, expected):
    rows = _milestones_with_gaps()
    params = {"translation": value} if value else {}

    response = editor_client.get(reverse("admin:events_milestone_changelist"), params, **EN)

    assert list(response.context["cl"].result_list) == [rows[name] for name in expected]


@pytest.mark.django_db
def test_translation_marker_shows_which_language_is_missing(editor_client):
    rows = _milestones_with_gaps()

    response = editor_client.get(reverse("admin:events_milestone_changelist"), **EN)

    assert changelist_rows(response) == [
        (str(rows["complete"]), []),
        (str(rows["no_en"]), ["English missing"]),
        (str(rows["no_zh"]), ["Chinese missing"]),
        (str(rows["neither"]), ["Chinese missing", "English missing"]),
    ]


@pytest.mark.django_db
def test_translation_marker_names_the_missing_fields(editor_client):
    milestone = saved_unchecked(make_milestone(time_note_zh_hans="下午"), title_en="", body_en="")

    response = editor_client.get(reverse("admin:events_milestone_changelist"), **EN)

    badges = elements(response, "span", class_="wic-missing")
    assert [(text(b), dict(b.attributes)["title"]) for b in badges] == [
        ("English missing", "Time note, Title, Text")
    ]
    assert list(Milestone.objects.all()) == [milestone]


@pytest.mark.django_db
def test_translation_status_is_shown_on_the_change_form(editor_client):
    milestone = saved_unchecked(make_milestone(), title_en="")

    response = editor_client.get(
        reverse("admin:events_milestone_change", args=[milestone.pk]), **EN
    )

    badges = elements(response, "span", class_="wic-missing")
    assert [text(b) for b in badges] == ["English missing"]


@pytest.mark.django_db
def test_view_on_site_links_to_the_public_page_in_the_admin_language(editor_client):
    session = make_session()

    response = editor_client.get(reverse("admin:events_session_change", args=[session.pk]), **EN)

    links = elements(response, "a", class_="viewsitelink")
    expected = f"/en/{session.edition.year}/agenda/{session.slug}/"
    assert [dict(a.attributes)["href"] for a in links] == [expected]


@pytest.mark.django_db
def test_models_without_a_public_page_have_no_view_on_site_link(editor_client):
    organization = make_organization()

    response = editor_client.get(
        reverse("admin:events_organization_change", args=[organization.pk]), **EN
    )

    assert elements(response, "a", class_="viewsitelink") == []


def test_view_on_site_is_none_when_the_public_url_does_not_resolve():
    class NotYetRouted:
        def get_absolute_url(self):
            raise NoReverseMatch("no such view yet")

    assert PublicPageMixin().view_on_site(NotYetRouted()) is None


@pytest.mark.django_db
def test_changelist_title_column_follows_the_admin_language(editor_client):
    make_session(title_zh_hans="数字丝路论坛", title_en="Digital Silk Road Forum")

    english = editor_client.get(CHANGELIST, **EN)
    chinese = editor_client.get(CHANGELIST, **ZH)

    assert changelist_titles(english) == ["Digital Silk Road Forum"]
    assert changelist_titles(chinese) == ["数字丝路论坛"]

"""The outcomes admin: documents with their sections, achievements, press evaluations."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from outcomes.models import Achievement, Document, DocumentSection
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_field,
    make_organization,
    make_press_evaluation,
    make_section,
)
from tests.html import elements
from tests.wic.admin_pages import EN, ZH, management_form


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def document_data(edition, **overrides):
    data = {
        "edition": str(edition.pk),
        "slug": "wuzhen-outlook-2018",
        "kind": Document.Kind.OUTCOME,
        "title_zh_hans": "乌镇展望2018",
        "title_en": "Wuzhen Outlook 2018",
        "summary_zh_hans": "摘要",
        "summary_en": "Summary",
        "sort_order": "0",
        **management_form("sections"),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_document_page_edits_its_sections_in_both_languages(editor_client):
    section = make_section(number=1)

    response = editor_client.get(
        reverse("admin:outcomes_document_change", args=[section.document.pk])
    )

    names = {
        dict(i.attributes).get("name")
        for i in elements(response, "input")
        if dict(i.attributes).get("name", "").startswith("sections-0-heading")
    }
    assert names == {"sections-0-heading_zh_hans", "sections-0-heading_en"}


@pytest.mark.django_db
def test_editor_adds_a_document_with_a_section(editor_client):
    edition = make_edition()
    data = document_data(
        edition,
        **management_form("sections", total=1),
        **{
            "sections-0-number": "1",
            "sections-0-heading_zh_hans": "发展数字经济",
            "sections-0-heading_en": "Developing the digital economy",
            "sections-0-sort_order": "0",
        },
    )

    response = editor_client.post(reverse("admin:outcomes_document_add"), data)

    assertRedirects(response, reverse("admin:outcomes_document_changelist"))
    assert list(DocumentSection.objects.values_list("number", "heading_zh_hans", "heading_en")) == [
        (1, "发展数字经济", "Developing the digital economy")
    ]


@pytest.mark.django_db
def test_duplicate_document_slug_is_refused_on_the_slug_field(editor_client):
    existing = make_document(slug="wuzhen-outlook-2018")

    response = editor_client.post(
        reverse("admin:outcomes_document_add"), document_data(existing.edition), **EN
    )

    form = response.context["adminform"].form
    assert dict(form.errors) == {"slug": ["Document with this Edition and Slug already exists."]}
    assert list(Document.objects.all()) == [existing]


@pytest.mark.django_db
def test_achievement_search_finds_it_by_its_organization_in_either_language(editor_client):
    alibaba = make_organization(name_zh_hans="阿里巴巴", name_en="Alibaba")
    wanted = make_achievement(organization=alibaba)
    make_achievement()

    english = editor_client.get(
        reverse("admin:outcomes_achievement_changelist"), {"q": "阿里巴巴"}, **EN
    )
    chinese = editor_client.get(
        reverse("admin:outcomes_achievement_changelist"), {"q": "alibaba"}, **ZH
    )

    assert list(english.context["cl"].result_list) == [wanted]
    assert list(chinese.context["cl"].result_list) == [wanted]


@pytest.mark.django_db
def test_achievement_fields_are_chosen_in_the_admin(editor_client):
    ai, five_g = make_field(), make_field()
    achievement = make_achievement()
    data = {
        "edition": str(achievement.edition.pk),
        "slug": achievement.slug,
        "organization": str(achievement.organization.pk),
        "fields": [str(ai.pk), str(five_g.pk)],
        "title_zh_hans": achievement.title_zh_hans,
        "title_en": achievement.title_en,
        "summary_zh_hans": "摘要",
        "summary_en": "Summary",
        "sort_order": "0",
        "is_published": "on",
    }

    response = editor_client.post(
        reverse("admin:outcomes_achievement_change", args=[achievement.pk]), data
    )

    assertRedirects(response, reverse("admin:outcomes_achievement_changelist"))
    assert list(Achievement.objects.get().fields.order_by("pk")) == [ai, five_g]


@pytest.mark.django_db
def test_press_evaluation_filter_by_kind(editor_client):
    media = make_press_evaluation(kind="media")
    make_press_evaluation(kind="expert")

    response = editor_client.get(
        reverse("admin:outcomes_pressevaluation_changelist"), {"kind__exact": "media"}, **EN
    )

    assert list(response.context["cl"].result_list) == [media]

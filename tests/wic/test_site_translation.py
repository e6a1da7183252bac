"""Texts this site translated itself (wic/core/site_translation.py): what an editor may mark,
how the admin offers it, and the marker `{% site_translation %}` puts beside a marked text."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from events.models import Organization, Person, Session
from tests.factories import (
    make_editor,
    make_organization,
    make_person,
    make_session,
    saved_unchecked,
)
from tests.html import elements, form_data, text, texts
from tests.wic.admin_pages import EN, ZH
from wic.core import locking
from wic.core.site_translation import choices, is_marked, plain_label, translated_from

pytestmark = pytest.mark.django_db

CONTENT_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"events", "outcomes"}),
    key=lambda model: model._meta.label,
)


def render(template, language, **context):
    request = RequestFactory().get("/")
    with translation.override(language):
        return Template("{% load wic_tags %}" + template).render(
            Context({"request": request, **context})
        )


def markers(html):
    return elements(html, "span", class_="site-translation")


# What an editor may mark.


def test_marks_offer_each_translated_field_in_each_language_in_model_order():
    with translation.override("en"):
        offered = choices(Organization)

    assert offered == [
        ("name_zh_hans", "Name (Simplified Chinese)"),
        ("name_en", "Name (English)"),
        ("short_name_zh_hans", "Short name (Simplified Chinese)"),
        ("short_name_en", "Short name (English)"),
    ]


def test_marks_are_labelled_in_the_editors_language():
    with translation.override("zh-hans"):
        offered = dict(choices(Person))

    assert offered["title_en"] == "职务（英文）"


@pytest.mark.parametrize(
    ("marks", "code"),
    [
        (["title_en"], "unknown_column"),  # a column of another model
        (["source"], "unknown_column"),  # a field of the model that is not translated
        (["name"], "unknown_column"),  # the bare field, not a column of one language
        (["name_en", "name_en"], "duplicate_column"),
        ("name_en", "invalid_site_translated"),
        ([["name_en"]], "invalid_site_translated"),
    ],
)
def test_only_the_models_own_translation_columns_can_be_marked(marks, code):
    organization = make_organization()
    organization.site_translated = marks

    with pytest.raises(ValidationError) as raised:
        organization.full_clean()

    assert [error.code for error in raised.value.error_dict["site_translated"]] == [code]


def test_every_translation_column_can_be_marked():
    organization = make_organization()
    organization.site_translated = [column for column, _label in choices(Organization)]

    organization.full_clean()  # no error


def test_a_new_row_marks_nothing():
    assert make_person().site_translated == []


# The marker.


@pytest.mark.parametrize(
    ("language", "label", "explanation"),
    [
        ("en", "site translation", "(not an official name or wording)"),
        ("zh-hans", "本站译", "（非官方名称或措辞）"),
    ],
)
def test_marker_follows_a_marked_text_in_the_readers_language(language, label, explanation):
    person = make_person(
        name_zh_hans="维维亚娜·雷丁",
        name_en="Viviane Reding",
        site_translated=["name_zh_hans", "name_en"],
    )

    html = render('{{ p.name }}{% site_translation p "name" %}', language, p=person)

    (marker,) = markers(html)
    assert text(marker) == f"{label} {explanation}"
    assert texts(marker, "span", class_="visually-hidden") == [explanation]
    assert "lang" not in marker.attributes  # the page's language, like the text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_marker_after_a_text_marked_in_the_other_language_only(language):
    other = "en" if language == "zh-hans" else "zh_hans"
    person = make_person(site_translated=[f"name_{other}"])

    html = render('{{ p.name }}{% site_translation p "name" %}', language, p=person)

    assert markers(html) == []


def test_no_marker_when_the_fallback_shows_the_official_text():
    """English marked as the site's, but empty: the English page shows the Chinese original."""
    person = saved_unchecked(
        make_person(name_zh_hans="黄坤明", site_translated=["title_en"]),
        title_zh_hans="中宣部部长",
        title_en="",
    )

    html = render('{{ p.title }}{% site_translation p "title" %}', "en", p=person)

    assert html == "中宣部部长"


def test_a_marked_text_shown_through_the_fallback_is_marked_in_the_pages_language():
    """The Chinese is the site's, and the English page shows it for want of English."""
    organization = saved_unchecked(
        make_organization(name_zh_hans="东西方研究所", site_translated=["name_zh_hans"]),
        name_en="",
    )

    html = render(
        '<span{% lang_attr o "name" %}>{{ o.name }}{% site_translation o "name" %}</span>',
        "en",
        o=organization,
    )

    (marker,) = markers(html)
    assert marker.attributes["lang"] == "en"
    assert text(marker).startswith("site translation")


def test_the_page_explains_the_marker_only_after_showing_one():
    marked = make_person(site_translated=["name_en"])
    plain = make_person()
    template = '{% site_translation p "name" %}|{% site_translation_note %}'

    shown = render(template, "en", p=marked)
    not_shown = render(template, "en", p=plain)

    assert texts(shown, "p", class_="site-translation-note") == [
        "site translation A name or text that this site translated itself from the other "
        "language: it is not an official name or wording."
    ]
    assert not_shown == "|"


def test_translated_from_names_the_unmarked_language():
    person = make_person(
        site_translated=["title_en"], title_zh_hans="高级顾问", title_en="Senior Adviser"
    )

    with translation.override("en"):
        source = translated_from(person, "title")
    with translation.override("zh-hans"):
        shown_official = (is_marked(person, "title"), translated_from(person, "title"))

    assert source == "zh-hans"
    assert shown_official == (False, None)


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Internet Theatre (site translation)"), ("zh-hans", "网剧场")]
)
def test_a_drop_down_label_says_site_translation_in_plain_text(language, label):
    organization = make_organization(
        name_zh_hans="网剧场", name_en="Internet Theatre", site_translated=["name_en"]
    )

    with translation.override(language):
        assert plain_label(organization, "name") == label


# The admin.


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def editor(client):
    client.force_login(make_editor())
    return client


@pytest.mark.parametrize("model", CONTENT_ADMINS, ids=lambda model: model._meta.label)
def test_every_content_admin_offers_the_marks_in_the_publication_fieldset(editor, model):
    response = editor.get(admin_url(model, "add"), **EN)

    fieldsets = {
        str(fieldset.name): [field for line in fieldset for field in line]
        for fieldset in response.context["adminform"]
    }
    marks = [
        name
        for name, fields in fieldsets.items()
        for field in fields
        if field.field.name == "site_translated"
    ]
    assert marks == ["Publication"]


def test_the_marks_are_checkboxes_labelled_by_field_and_language(editor):
    person = make_person(site_translated=["title_en"])

    response = editor.get(admin_url(Person, "change", person.pk), **ZH)

    boxes = elements(response, "input", type="checkbox", name="site_translated")
    assert [box.attributes["value"] for box in boxes] == [
        "name_zh_hans",
        "name_en",
        "title_zh_hans",
        "title_en",
    ]
    assert [box.attributes["value"] for box in boxes if "checked" in box.attributes] == ["title_en"]
    (widget,) = elements(response, "div", class_="wic-site-translated")
    assert texts(widget, "label") == [
        "名称（简体中文）",
        "名称（英文）",
        "职务（简体中文）",
        "职务（英文）",
    ]


def test_editor_ticks_a_box_saves_and_visitors_see_the_marker(editor):
    forum = make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="网络公益与扶贫",
        title_en="Online Philanthropy and Poverty Alleviation",
    )
    url = admin_url(Session, "change", forum.pk)
    form = editor.get(url, **EN)

    response = editor.post(url, form_data(form, site_translated=["title_en"]), **EN)

    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.site_translated == ["title_en"]
    visitor = Client()
    with translation.override("en"):
        english = visitor.get(forum.get_absolute_url())
    with translation.override("zh-hans"):
        chinese = visitor.get(forum.get_absolute_url())
    assert [text(marker) for marker in markers(elements(english, "h1")[0])] == [
        "site translation (not an official name or wording)"
    ]
    assert markers(elements(chinese, "h1")[0]) == []


def test_a_forged_mark_is_refused_by_the_form(editor):
    person = make_person()
    url = admin_url(Person, "change", person.pk)
    form = editor.get(url, **EN)

    response = editor.post(url, form_data(form, site_translated=["source"]), **EN)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["site_translated"] == [
        "Select a valid choice. source is not one of the available choices."
    ]
    person.refresh_from_db()
    assert person.site_translated == []


def test_an_edit_conflict_names_the_marks_as_editors_read_them():
    field = Person._meta.get_field("site_translated")

    with translation.override("en"):
        shown = locking.display(field, ["name_zh_hans", "title_en"])

    assert shown == "Name (Simplified Chinese), Position (English)"

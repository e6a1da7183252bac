"""Texts this site translated itself (wic/core/site_translation.py): what an editor may mark,
and how the admin offers it."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from events.models import Organization, Person
from tests.factories import (
    make_editor,
    make_organization,
    make_person,
)
from tests.html import elements, form_data, texts
from tests.wic.admin_pages import EN, ZH
from wic.core import locking
from wic.core.site_translation import choices, is_marked, plain_label, translated_from

pytestmark = pytest.mark.django_db

CONTENT_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"events", "outcomes"}),
    key=lambda model: model._meta.label,
)


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


# Which text a page shows is marked.


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

"""The seed (fixtures/events.json, fixtures/outcomes.json) loads cleanly and keeps its promises.

`python manage.py loaddata events outcomes` is how every machine gets the content, so the
seed is held to what the admin would enforce (`full_clean`), loads idempotently, and publishes
nothing half-translated. Then every published page of it opens in both languages.
"""

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

pytestmark = pytest.mark.django_db

SEED = ["events", "outcomes"]
SEED_FILES = [Path(settings.BASE_DIR) / "fixtures" / f"{name}.json" for name in SEED]
CONTENT_APPS = ["events", "outcomes"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def load_seed():
    out = io.StringIO()
    # The seed names both language columns, so the active language must not matter; loading
    # under the default language is what `manage.py loaddata` does (Django no longer switches
    # commands to English, and modeltranslation files a bare field under the active language).
    with translation.override("zh-hans"):
        call_command("loaddata", *SEED, stdout=out)
    return out.getvalue()


def seed_entries():
    return [entry for path in SEED_FILES for entry in json.loads(path.read_text("utf-8"))]


def concrete_models():
    """Every table of the content apps, the automatic many-to-many tables included."""
    return [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy
    ]


def row_counts():
    return {model._meta.label_lower: model._base_manager.count() for model in concrete_models()}


def dump():
    out = io.StringIO()
    call_command("dumpdata", *CONTENT_APPS, indent=1, stdout=out)
    return out.getvalue()


def translated_models():
    return [
        model
        for model in translator.get_registered_models(abstract=False)
        if model._meta.app_label in CONTENT_APPS and not model._meta.proxy
    ]


def test_seed_loads_every_entry_as_one_row():
    entries = seed_entries()

    output = load_seed()

    assert f"Installed {len(entries)} object(s) from {len(SEED)} fixture(s)" in output
    # One row per entry: two entries sharing a primary key would silently overwrite each other.
    # (Many-to-many rows have no entries of their own: they are lists inside their parent entry.)
    expected = Counter(entry["model"] for entry in entries)
    tables = {
        model._meta.label_lower for model in concrete_models() if not model._meta.auto_created
    }
    assert {label: n for label, n in row_counts().items() if label in tables and n} == dict(
        expected
    )


def test_seed_has_the_2018_edition_as_the_current_one():
    load_seed()

    Edition = apps.get_model("events", "Edition")
    assert list(Edition.objects.filter(is_current=True).values_list("year", "number")) == [
        (2018, 5)
    ]


def test_loading_the_seed_again_changes_nothing():
    load_seed()
    counts, content = row_counts(), dump()

    load_seed()

    assert row_counts() == counts
    assert dump() == content


def test_seed_entries_leave_the_bare_translated_field_out():
    """`title` next to `title_zh_hans`/`title_en` is dropped or misfiled: modeltranslation
    rewrites the bare column from the language columns on save."""
    registered = {
        model._meta.label_lower: set(translator.get_options_for_model(model).fields)
        for model in translated_models()
    }

    offenders = [
        (entry["model"], entry["pk"], field)
        for entry in seed_entries()
        for field in entry["fields"]
        if field in registered.get(entry["model"], ())
    ]

    assert offenders == []


def test_every_seeded_object_passes_full_clean():
    """What the admin form would refuse, the seed must not contain: modeltranslation's
    `required_languages` is checked by forms only, never by loaddata."""
    load_seed()

    errors = []
    for model in concrete_models():
        if model._meta.auto_created:
            continue  # many-to-many rows: their foreign keys are checked by the database
        for obj in model._base_manager.all():
            try:
                obj.full_clean()
            except ValidationError as error:
                errors.append((model._meta.label, obj.pk, error.message_dict))

    assert errors == []


def test_published_objects_are_translated_in_both_languages_or_neither():
    load_seed()

    half_translated = []
    for model in translated_models():
        fields = translator.get_options_for_model(model).fields
        for obj in model._base_manager.filter(is_published=True):
            for field in fields:
                filled = [
                    code
                    for code in LANGUAGES
                    if (getattr(obj, build_localized_fieldname(field, code)) or "").strip()
                ]
                if len(filled) not in (0, len(LANGUAGES)):
                    half_translated.append((model._meta.label, obj.pk, field, filled))

    assert half_translated == []


def test_files_named_by_the_seed_exist():
    """Images and PDFs the fixtures name must be in the repository, not just on one laptop."""
    load_seed()

    missing = []
    for model in concrete_models():
        file_fields = [f for f in model._meta.fields if isinstance(f, models.FileField)]
        for obj in model._base_manager.all():
            for field in file_fields:
                value = getattr(obj, field.name)
                if value and not value.storage.exists(value.name):
                    missing.append((model._meta.label, obj.pk, field.name, value.name))

    assert missing == []


def test_check_content_passes_on_the_seed():
    load_seed()
    out, err = io.StringIO(), io.StringIO()

    try:
        call_command("check_content", stdout=out, stderr=err)
    except (CommandError, SystemExit) as error:  # non-zero exit of `manage.py check_content`
        pytest.fail(f"check_content failed: {error}\n{out.getvalue()}{err.getvalue()}")


def detail_urls(published=True):
    """(label, pk, url) for every seeded object that has a page (or an anchor on one)."""
    urls = []
    for model in concrete_models():
        if model._meta.auto_created or not hasattr(model, "get_absolute_url"):
            continue
        for obj in model._base_manager.filter(is_published=published):
            urls.append((model._meta.label, obj.pk, obj.get_absolute_url()))
    return urls


def edition_page_urls(year):
    names = [
        "events:edition-home",
        "events:about",
        "events:news",
        "events:agenda",
        "outcomes:document-list",
        "outcomes:achievement-list",
        "outcomes:press-list",
    ]
    return [reverse(name, args=[year]) for name in names]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_published_page_of_the_seed_opens(client, language):
    load_seed()
    Edition = apps.get_model("events", "Edition")

    with translation.override(language):
        pages = detail_urls(published=True)
        for edition in Edition.objects.published():
            pages += [
                ("events.Edition", edition.pk, url) for url in edition_page_urls(edition.year)
            ]
        pages += [("site", None, reverse(name)) for name in ["events:home", "events:edition-list"]]

    failures = []
    for label, pk, url in pages:
        assert url.startswith(f"/{language}/"), url
        response = client.get(url)
        if response.status_code != 200:
            failures.append((label, pk, url, response.status_code))
            continue
        html = response.content.decode()
        # get_absolute_url() may point at an anchor on a list page; the anchor must exist.
        anchor = url.partition("#")[2]
        if anchor and not re.search(rf'id="{re.escape(anchor)}"', html):
            failures.append((label, pk, url, "no such anchor"))

    assert failures == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_drafts_of_the_seed_stay_hidden_from_visitors(client, language):
    """Low-confidence facts are seeded as drafts: no page, and no anchor on a list page."""
    load_seed()
    with translation.override(language):
        drafts = detail_urls(published=False)

    shown = []
    for label, pk, url in drafts:
        path, _hash, anchor = url.partition("#")
        response = client.get(path)
        if anchor:
            if response.status_code == 200 and f'id="{anchor}"' in response.content.decode():
                shown.append((label, pk, url))
        elif response.status_code != 404:
            shown.append((label, pk, url, response.status_code))

    assert shown == []

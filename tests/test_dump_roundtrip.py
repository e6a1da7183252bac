"""`dumpdata` then `loaddata` into an emptied database gives back every row, exactly.

The seed plus rows made with tricky text (quotes, newlines, emoji, CJK punctuation, NULL
next to an empty string, markup) in both languages, with many-to-many links: every column
of every table of the content apps, the `_zh_hans` and `_en` columns included, is compared
before and after. Runs on SQLite and, in the second run of `make test`, on PostgreSQL.

One thing a JSON dump does lose: Django's JSON encoder writes times to the millisecond,
so the microseconds of `created_at`/`updated_at` are cut (the last test pins that down).
`manage.py backup` (an SQLite copy or pg_dump) keeps them; see docs/operations.md.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import translation
from modeltranslation.translator import translator

from events.models import Edition, Organization, Person, Session, SessionSpeaker
from outcomes.models import Achievement, Field
from tests.factories import (
    make_achievement,
    make_document,
    make_field,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_section,
    make_session,
)

# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

CONTENT_APPS = ["events", "outcomes"]

QUOTES = "He said \"yes\" and 'no' — `code`; 50% & <b>bold</b> </script> {{ x }} %s"
LINES = "line one\nline two\r\nline three\ttabbed \\ backslash\\n not a newline"
EMOJI = "emoji 🙂 👩‍💻 🇨🇳, e\u0301 combining, zero\u200bwidth, \u202eright-to-left\u202c"
CJK = "「数字丝绸之路」——合作、共赢！《乌镇展望》…“引号”‘单引号’（括号）【方括号】〜・"
SPACES = "   leading and trailing   "


def concrete_models():
    """Every table of the content apps, the automatic many-to-many tables included."""
    return [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy
    ]


def compared_columns(model):
    """Every column but the bare one of a translated field: modeltranslation rewrites that
    cache from `<field>_<language>` on every save (and dumps it in the active language), and the ORM reads
    the `_zh_hans`/`_en` columns instead; those are compared."""
    registered = translator.get_registered_models(abstract=False)
    derived = set(translator.get_options_for_model(model).fields) if model in registered else set()
    if model._meta.auto_created:
        # A many-to-many table: the links are the data; its id is a counter the dump omits
        # (links are listed on their object) and a reload numbers anew.
        derived.add(model._meta.pk.name)
    return [field.attname for field in model._meta.concrete_fields if field.name not in derived]


def snapshot(truncate_to_milliseconds=False):
    """{model: [row tuple, …] in column order (the primary key first) of every table."""
    tables = {}
    for model in concrete_models():
        columns = compared_columns(model)
        rows = model._base_manager.order_by(*columns).values_list(*columns)
        if truncate_to_milliseconds:
            rows = [tuple(map(milliseconds, row)) for row in rows]
        tables[model._meta.label] = list(rows)
    return tables


def milliseconds(value):
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def dump():
    out = io.StringIO()
    call_command("dumpdata", *CONTENT_APPS, natural_foreign=True, indent=1, stdout=out)
    return out.getvalue()


@pytest.fixture
def content(tmp_path):
    """The seed, and rows full of tricky text in both languages."""
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", verbosity=0)
    edition = Edition.objects.get(year=2018)
    organization = make_organization(name_zh_hans=CJK, name_en=QUOTES, short_name_en=SPACES)
    person = make_person(name_zh_hans="王 小明", name_en=EMOJI, title_en=LINES)
    session = make_session(
        edition=edition,
        title_zh_hans=CJK,
        title_en=QUOTES,
        summary_zh_hans=LINES,
        summary_en=EMOJI,
        description_zh_hans="",  # empty in one language …
        description_en=None,  # … NULL in the other: both must come back as they were
        starts_at=datetime.time(9, 30),
        source=QUOTES + LINES,
    )
    SessionSpeaker.objects.create(session=session, person=person, role="speaker")
    session.organizers.add(organization)
    make_milestone(edition=edition, title_zh_hans=EMOJI, title_en=CJK, body_en=LINES)
    document = make_document(edition=edition, title_en=LINES.replace("\n", " "), body_zh_hans=CJK)
    make_section(document=document, heading_en=QUOTES, body_zh_hans=EMOJI, body_en=SPACES)
    tricky_field = make_field(name_zh_hans=CJK, name_en=EMOJI)
    make_achievement(
        edition=edition,
        organization=organization,
        title_en=QUOTES,
        fields=[tricky_field, *Field.objects.order_by("pk")[:2]],
    )
    make_press_evaluation(edition=edition, quote_zh_hans=CJK, quote_en=QUOTES + "\n" + EMOJI)
    return tmp_path


def reload(fixture_path, language):
    """Empty the database, then load the dump under `language` (it must not matter)."""
    call_command("flush", "--no-input", verbosity=0)
    assert all(not model._base_manager.exists() for model in concrete_models())
    with translation.override(language):
        call_command("loaddata", str(fixture_path), verbosity=0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dumpdata_then_loaddata_gives_back_every_row_and_translation(content, language):
    before = snapshot(truncate_to_milliseconds=True)
    fixture = content / "dump.json"
    fixture.write_text(dump(), encoding="utf-8")

    reload(fixture, language)

    after = snapshot(truncate_to_milliseconds=True)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label


def test_the_comparison_sees_the_tricky_rows_and_every_link(content):
    """The control case: the snapshot holds what the test claims to compare."""
    tables = snapshot()

    assert sum(map(len, tables.values())) > 150
    session = Session.objects.get(title_en=QUOTES)
    assert (session.title_zh_hans, session.summary_en, session.description_zh_hans) == (
        CJK,
        EMOJI,
        "",
    )
    assert session.description_en is None
    assert list(session.organizers.values_list("name_en", flat=True)) == [QUOTES]
    assert list(Person.objects.filter(name_en=EMOJI).values_list("title_en", flat=True)) == [LINES]
    links = tables["outcomes.Achievement_fields"]
    achievement = Achievement.objects.get(title_en=QUOTES)
    assert sorted(link for link in links if link[0] == achievement.pk) == sorted(
        (achievement.pk, field.pk) for field in achievement.fields.all()
    )
    assert len(achievement.fields.all()) == 3
    assert Organization.objects.filter(short_name_en=SPACES).count() == 1


def test_a_changed_row_is_seen(content, tmp_path):
    """The control case for the comparison: one changed character fails it."""
    before = snapshot()

    Session.objects.filter(title_en=QUOTES).update(title_zh_hans=CJK + "。")

    assert snapshot() != before


def test_the_dump_itself_comes_back_byte_for_byte(content):
    fixture = content / "dump.json"
    fixture.write_text(dump(), encoding="utf-8")

    reload(fixture, "en")

    with translation.override("zh-hans"):
        assert dump() == fixture.read_text(encoding="utf-8")


def test_json_keeps_times_to_the_millisecond_only(content):
    """What a JSON dump loses (and `manage.py backup` keeps): microseconds."""
    session = Session.objects.get(title_en=QUOTES)
    Session.objects.filter(pk=session.pk).update(
        updated_at=datetime.datetime(2018, 11, 8, 9, 30, 0, 123456, tzinfo=datetime.UTC)
    )
    fixture = content / "dump.json"
    fixture.write_text(dump(), encoding="utf-8")

    reload(fixture, "zh-hans")

    assert Session.objects.get(pk=session.pk).updated_at == datetime.datetime(
        2018, 11, 8, 9, 30, 0, 123000, tzinfo=datetime.UTC
    )


def test_every_content_model_is_compared():
    """A new model or many-to-many table of the content apps joins the comparison."""
    labels = {model._meta.label for model in concrete_models()}

    assert {"events.Session", "events.SessionSpeaker", "outcomes.Achievement_fields"} <= labels
    assert all(
        isinstance(field, models.Field)
        for model in concrete_models()
        for field in model._meta.concrete_fields
    )

"""Translations that may be out of date (wic/core/freshness.py): when a field is marked and
cleared, where editors see it (beside the field, the list column and filter) and
`check_content --stale`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from events.models import KeyFigure, Session
from outcomes.models import Document
from tests.factories import (
    make_document,
    make_edition,
    make_key_figure,
    make_section,
    make_session,
)
from tests.html import elements, form_data, texts
from tests.wic.admin_pages import EN, changelist_titles
from wic.core.models import PublicChange, TranslationCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    return make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要",
        summary_en="About the forum",
    )


def url_of(obj, model="forum", app="events"):
    return reverse(f"admin:{app}_{model}_change", args=[obj.pk])


def save(client, url, **changes):
    page = client.get(url, **EN)
    response = client.post(url, form_data(page, **changes), **EN)
    assert response.status_code == 302, response.context and response.context.get("errors")
    return response


def open_marks():
    return sorted(
        (mark.field, mark.language, mark.source_language, mark.source_before, mark.source_after)
        for mark in TranslationCheck.objects.open()
    )


def test_a_chinese_change_marks_the_english_with_the_text_before_and_after(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")

    assert open_marks() == [("summary", "en", "zh-hans", "论坛概要", "论坛概述")]
    (mark,) = TranslationCheck.objects.open()
    assert mark.changed_by.username == "alice"


def test_updating_the_english_clears_the_mark_and_marks_nothing_else(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")

    save(editor_client, url_of(forum), summary_en="Summary of the forum")

    assert open_marks() == []
    (mark,) = TranslationCheck.objects.all()
    assert (mark.resolution, mark.resolved_by.username) == ("updated", "alice")


def test_a_second_change_keeps_the_first_text_and_putting_it_back_clears_the_mark(
    editor_client, forum
):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")
    save(editor_client, url_of(forum), summary_zh_hans="论坛的概述")
    assert open_marks() == [("summary", "en", "zh-hans", "论坛概要", "论坛的概述")]

    save(editor_client, url_of(forum), summary_zh_hans="论坛概要")

    assert open_marks() == []
    assert TranslationCheck.objects.get().resolution == "source-restored"


@pytest.mark.parametrize(
    "changes",
    [
        {"summary_zh_hans": "论坛概述", "summary_en": "Forum summary"},  # written together
        {"slug": "new-slug"},  # not a translation
        {"date": "2018-11-09"},
        {"description_zh_hans": "新的描述"},  # no English to be out of date: it is missing
        {"is_published": ""},
    ],
    ids=["both", "slug", "date", "other-empty", "published"],
)
def test_what_is_never_marked(editor_client, forum, changes):
    save(editor_client, url_of(forum), **changes)

    assert open_marks() == []


def test_a_browsers_line_breaks_are_no_change(editor_client, forum):
    forum.description_zh_hans = "第一段\n\n第二段"
    forum.description_en = "One paragraph"
    forum.save()

    save(editor_client, url_of(forum), description_zh_hans="第一段\r\n\r\n第二段")

    assert open_marks() == []
    assert PublicChange.objects.count() == 0


def test_a_text_written_where_there_was_none_marks_nothing(editor_client, forum):
    forum.description_en = "A description"
    forum.save()

    save(editor_client, url_of(forum), description_zh_hans="一段描述")

    assert open_marks() == []


def test_the_mark_beside_the_field_in_both_tabs_and_in_the_list(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")

    page = editor_client.get(url_of(forum), **EN)
    changelist = editor_client.get(reverse("admin:events_forum_changelist"), **EN)
    filtered = editor_client.get(
        reverse("admin:events_forum_changelist"), {"translation": "stale"}, **EN
    )

    # Enter in a text field still saves: the form's first submit button is a plain Save.
    first = elements(elements(page, "form", id="forum_form")[0], "button")[0]
    assert (first.attributes["type"], first.attributes["name"]) == ("submit", "_save")
    (mark,) = elements(page, "div", class_="wic-stale-mark")
    assert texts(mark, "del") == ["要"] and texts(mark, "ins") == ["述"]
    (button,) = elements(mark, "button", name="_confirm_translation")
    assert button.attributes["value"] == str(TranslationCheck.objects.get().pk)
    help_of = {help.attributes.get("id"): help for help in elements(page, "div", class_="help")}
    assert elements(help_of["id_summary_en_helptext"], "div", class_="wic-stale-mark")
    assert texts(help_of["id_summary_zh_hans_helptext"], "p", class_="wic-stale-note") == [
        texts(help_of["id_summary_zh_hans_helptext"], "p", class_="wic-stale-note")[0]
    ]
    assert "English" in texts(help_of["id_summary_zh_hans_helptext"], "p")[0]
    assert texts(changelist, "span", class_="wic-stale") == ["English may be out of date"]
    assert changelist_titles(filtered) == ["Digital Silk Road Forum"]


def test_the_filter_finds_exactly_the_marked_items(editor_client, forum):
    other = make_session(kind=Session.Kind.FORUM)
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")

    filtered = editor_client.get(
        reverse("admin:events_forum_changelist"), {"translation": "stale"}, **EN
    )
    everything = editor_client.get(reverse("admin:events_forum_changelist"), **EN)

    assert changelist_titles(filtered) == ["Digital Silk Road Forum"]
    assert sorted(changelist_titles(everything)) == sorted(
        ["Digital Silk Road Forum", other.title_en]
    )


def test_one_click_confirms_the_translation_with_who_and_when(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")
    (mark,) = TranslationCheck.objects.open()
    page = editor_client.get(url_of(forum), **EN)

    response = editor_client.post(
        url_of(forum), form_data(page, _confirm_translation=str(mark.pk)), **EN
    )

    assert response.status_code == 302
    assert response["Location"] == url_of(forum)  # back on the form
    mark.refresh_from_db()
    assert (mark.resolution, mark.resolved_by.username, mark.resolved_at is not None) == (
        "confirmed",
        "alice",
        True,
    )
    assert open_marks() == []


def test_confirming_a_mark_of_another_item_does_nothing(editor_client, forum):
    other = make_session(kind=Session.Kind.FORUM, summary_zh_hans="甲", summary_en="A")
    save(editor_client, url_of(other), summary_zh_hans="乙")
    (mark,) = TranslationCheck.objects.open()
    page = editor_client.get(url_of(forum), **EN)

    editor_client.post(url_of(forum), form_data(page, _confirm_translation=str(mark.pk)), **EN)

    assert [m.pk for m in TranslationCheck.objects.open()] == [mark.pk]


def test_a_sections_mark_shows_on_the_document_form_list_and_filter(editor_client):
    document = make_document(title_zh_hans="乌镇展望", title_en="Wuzhen Outlook")
    make_section(document=document, number=1, heading_zh_hans="总则", heading_en="General")
    url = url_of(document, "document", "outcomes")

    save(editor_client, url, **{"sections-0-heading_zh_hans": "总体原则"})

    assert open_marks() == [("heading", "en", "zh-hans", "总则", "总体原则")]
    page = editor_client.get(url, **EN)
    assert len(elements(page, "div", class_="wic-stale-mark")) == 1
    filtered = editor_client.get(
        reverse("admin:outcomes_document_changelist"), {"translation": "stale"}, **EN
    )
    assert changelist_titles(filtered) == ["Wuzhen Outlook"]
    assert texts(filtered, "span", class_="wic-stale") == ["English may be out of date"]


def test_a_key_figure_marked_in_the_edition_form_shows_in_both_lists(editor_client):
    edition = make_edition()
    figure = make_key_figure(edition=edition, label_zh_hans="个论坛", label_en="forums")

    save(
        editor_client,
        url_of(edition, "edition"),
        **{"key_figures-0-label_zh_hans": "场论坛"},
    )

    for model in ("edition", "keyfigure"):
        filtered = editor_client.get(
            reverse(f"admin:events_{model}_changelist"), {"translation": "stale"}, **EN
        )
        assert len(changelist_titles(filtered)) == 1, model
    assert KeyFigure.objects.get().pk == figure.pk


def test_seeded_texts_start_confirmed_and_a_reload_confirms_again(editor_client):
    call_command("loaddata", "events", "outcomes", verbosity=0)
    assert open_marks() == []
    document = Document.objects.filter(is_published=True).first()
    save(editor_client, url_of(document, "document", "outcomes"), summary_zh_hans="新的摘要")
    assert len(open_marks()) == 1

    call_command("loaddata", "events", "outcomes", verbosity=0)

    assert open_marks() == []
    assert TranslationCheck.objects.get().resolution == "loaded"


def test_deleting_an_item_takes_its_marks_with_it(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")

    editor_client.post(reverse("admin:events_forum_delete", args=[forum.pk]), {"post": "yes"})

    assert TranslationCheck.objects.count() == 0


def test_check_content_stale_lists_each_mark_and_fails(editor_client, forum):
    save(editor_client, url_of(forum), summary_zh_hans="论坛概述")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 translations may be out of date"):
        call_command("check_content", "--stale", stdout=out)

    since = timezone.localtime(TranslationCheck.objects.get().since).strftime("%Y-%m-%d %H:%M")
    assert out.getvalue().splitlines() == [
        f"events.Session pk={forum.pk} “Digital Silk Road Forum”: "
        f"summary in en may be out of date since {since}"
    ]


def test_check_content_stale_passes_without_marks_and_plain_check_keeps_its_meaning(forum):
    out = io.StringIO()

    call_command("check_content", "--stale", stdout=out)
    call_command("check_content", stdout=out)

    assert out.getvalue().splitlines() == [
        "No translation is marked as out of date.",
        "All published content complete in both languages.",
    ]

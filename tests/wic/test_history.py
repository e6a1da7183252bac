"""The editorial history (wic/core/history.py, wic/core/history_admin.py): what a version
holds, what records one, and what a revert or a recovery puts back, through the admin as an
editor uses it."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from reversion.models import Revision, Version

from events.models import Edition, Forum, Session, SessionOrganizer, SessionSpeaker
from outcomes.models import Achievement, Document, DocumentSection
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_field,
    make_organization,
    make_person,
    make_section,
    make_session,
)
from tests.html import elements, form_data, text, texts
from tests.wic.admin_pages import EN, english
from wic.core import history
from wic.core.publication import content_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    forum = make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要",
        summary_en="About the forum",
    )
    SessionSpeaker.objects.create(
        session=forum, person=make_person(name_zh_hans="马云", name_en="Jack Ma"), role="keynote"
    )
    SessionOrganizer.objects.create(
        session=forum, organization=make_organization(name_en="CAC", name_zh_hans="网信办")
    )
    return Forum.objects.get(pk=forum.pk)


def change_url(obj, model="forum", app="events"):
    return reverse(f"admin:{app}_{model}_change", args=[obj.pk])


def save_form(client, url, **changes):
    response = client.get(url, **EN)
    return client.post(url, form_data(response, **changes), **EN)


def versions(obj):
    return list(history.versions_of(type(obj), obj.pk))


# --- What is versioned ----------------------------------------------------------------------


def test_each_content_model_is_versioned_with_every_language_column_and_no_bare_one():
    for model in content_models(proxies=True):
        fields = history.versioned_fields(model)
        for original in history.translated_originals(model):
            assert original not in fields, (model, original)
            assert {f"{original}_zh_hans", f"{original}_en"} <= set(fields), (model, original)


def test_the_parts_of_an_item_come_from_its_admin_inlines_and_through_models():
    def parts(model):
        return [(part.accessor, part.model._meta.label) for part in history.parts(model)]

    assert parts(Session) == [
        ("organizer_roles", "events.SessionOrganizer"),
        ("speaker_roles", "events.SessionSpeaker"),
    ]
    assert parts(Forum) == parts(Session)
    assert parts(Edition) == [("roles", "events.EditionRole"), ("key_figures", "events.KeyFigure")]
    assert parts(Document) == [("sections", "outcomes.DocumentSection")]
    assert parts(Achievement) == []
    assert "fields" in history.versioned_fields(Achievement)  # links without a through model


def test_an_admin_save_keeps_a_version_with_both_languages_its_rows_and_who(editor_client, forum):
    response = save_form(editor_client, change_url(forum), summary_en="Revised summary")

    assert response.status_code == 302
    (latest, *_older) = versions(forum)
    state = history.item_state(latest)
    assert (state.row.values["summary_zh_hans"], state.row.values["summary_en"]) == (
        "论坛概要",
        "Revised summary",
    )
    assert (state.row.values["title_zh_hans"], state.row.values["title_en"]) == (
        "数字丝路论坛",
        "Digital Silk Road Forum",
    )
    rows = {part.accessor: [str(row) for row in r.values()] for part, r in state.parts.items()}
    assert rows == {
        "organizer_roles": ["CAC (host)"],
        "speaker_roles": ["Jack Ma (keynote speaker)"],
    }
    assert latest.revision.user.username == "alice"
    assert history.describe(latest.revision) == "Changed Summary [en]."


def test_a_version_holds_the_many_to_many_links(editor_client):
    ai, five_g = make_field(name_en="AI"), make_field(name_en="5G")
    achievement = make_achievement(fields=[ai])
    url = change_url(achievement, "achievement", "outcomes")

    save_form(editor_client, url, fields=[str(ai.pk), str(five_g.pk)])

    state = history.item_state(versions(achievement)[0])
    assert state.row.links == {"fields": sorted([ai.pk, five_g.pk])}


def test_a_save_refused_for_an_edit_conflict_records_nothing(editor_client, forum):
    url = change_url(forum)
    page = editor_client.get(url, **EN)
    save_form(editor_client, url, title_en="Saved first")
    before = (Revision.objects.count(), Version.objects.count())

    refused = editor_client.post(url, form_data(page, summary_en="Mine"), **EN)

    assert refused.status_code == 200 and refused.context["edit_conflicts"]
    assert (Revision.objects.count(), Version.objects.count()) == before


def test_publish_and_unpublish_actions_are_one_revision_each(editor_client):
    drafts = [make_session(is_published=False) for _ in range(2)]
    changelist = reverse("admin:events_session_changelist")

    editor_client.post(
        changelist, {"action": "publish", "_selected_action": [d.pk for d in drafts]}, **EN
    )

    (revision,) = Revision.objects.all()
    assert sorted(int(v.object_id) for v in revision.version_set.all()) == [d.pk for d in drafts]
    assert revision.user.username == "alice"


def test_loading_the_seed_is_one_revision_with_a_comment():
    call_command("loaddata", "events", "outcomes", verbosity=0)

    (revision,) = Revision.objects.all()
    assert revision.user is None
    assert json.loads(revision.comment) == [
        {"wic": {"kind": "loaddata", "fixtures": ["events", "outcomes"]}}
    ]
    with translation.override("en"):
        assert history.describe(revision) == "Loaded from the fixtures events, outcomes."
    with translation.override("zh-hans"):
        assert history.describe(revision) == "从种子数据events，outcomes载入。"
    assert revision.version_set.count() == sum(
        model._base_manager.count()
        for model in {*content_models(), SessionSpeaker, SessionOrganizer}
        | {p.model for m in content_models() for p in history.parts(m)}
    )


def test_manage_py_loaddata_is_the_one_that_records_history():
    """Django runs the command of the app listed first: ours, not modeltranslation's."""
    from django.core.management import get_commands

    assert get_commands()["loaddata"] == "wic.core.commands"


def test_pruning_old_history_is_reversions_deleterevisions(editor_client, forum):
    save_form(editor_client, change_url(forum), summary_en="One")
    Revision.objects.update(date_created="2000-01-01T00:00:00Z")
    save_form(editor_client, change_url(forum), summary_en="Two")

    call_command("deleterevisions", "--days", "365", verbosity=0, stdout=io.StringIO())

    assert [history.describe(v.revision) for v in versions(forum)] == ["Changed Summary [en]."]
    assert [history.item_state(v).row.values["summary_en"] for v in versions(forum)] == ["Two"]


# --- History and compare --------------------------------------------------------------------


def test_history_lists_versions_newest_first_with_editor_names_only(editor_client, forum):
    save_form(editor_client, change_url(forum), summary_en="One")
    save_form(editor_client, change_url(forum), summary_zh_hans="一")

    response = editor_client.get(reverse("admin:events_forum_history", args=[forum.pk]), **EN)

    (table,) = elements(response, "div", id="change-history")
    now, *rows = elements(elements(table, "tbody")[0], "tr")
    assert texts(now, "th") == ["As it is now"]
    assert [texts(row, "td")[2:] for row in rows] == [
        ["Alice Wang", "Changed Summary [zh-hans]."],
        ["Alice Wang", "Changed Summary [en]."],
    ]
    assert "alice@" not in response.content.decode()  # a name, nothing else of the account
    checked = [
        (i.attributes["name"], i.attributes["value"])
        for i in elements(table, "input")
        if "checked" in i.attributes
    ]
    newest, older = versions(forum)
    assert sorted(checked) == [("a", str(older.pk)), ("b", str(newest.pk))]


def test_compare_shows_each_language_side_by_side_with_changed_words_marked(editor_client, forum):
    save_form(editor_client, change_url(forum), summary_en="About the forum")
    save_form(
        editor_client,
        change_url(forum),
        summary_zh_hans="论坛概述",
        summary_en="About this forum",
    )
    newest, older = versions(forum)

    response = editor_client.get(
        reverse("admin:events_forum_compare", args=[forum.pk]),
        {"a": older.pk, "b": newest.pk},
        **EN,
    )

    assert response.status_code == 200
    sections = {
        s.attributes["lang"]: s for s in elements(response, "section", class_="wic-compare")
    }
    assert list(sections) == ["zh-hans", "en"]
    (zh_row,) = elements(elements(sections["zh-hans"], "tbody")[0], "tr")
    assert texts(zh_row, "th") == ["Summary"]
    assert texts(zh_row, "del") == ["要"]  # Chinese: by character
    assert texts(zh_row, "ins") == ["述"]
    (en_row,) = elements(elements(sections["en"], "tbody")[0], "tr")
    assert (texts(en_row, "del"), texts(en_row, "ins")) == (["the"], ["this"])  # English: by word


def test_compare_includes_inline_rows(editor_client, forum):
    save_form(editor_client, change_url(forum))
    older = versions(forum)[0]
    SessionSpeaker.objects.create(
        session=forum, person=make_person(name_en="Pony Ma", name_zh_hans="马化腾")
    )

    response = editor_client.get(
        reverse("admin:events_forum_compare", args=[forum.pk]),
        {"a": older.pk, "b": "current"},
        **EN,
    )

    other = elements(response, "section", class_="wic-compare")[-1]
    assert texts(other, "th", scope="row") == ["Speakers"]
    assert texts(other, "ins") == ["Pony Ma (speaker)"]


@pytest.mark.parametrize("a", ["999999", "x", "", "current"])
def test_compare_with_what_is_not_a_version_of_this_item_says_so(editor_client, forum, a):
    other = make_session()
    save_form(editor_client, change_url(other, "session"))
    if a == "current":
        a = str(versions(other)[0].pk)  # a version of another item

    response = editor_client.get(
        reverse("admin:events_forum_compare", args=[forum.pk]), {"a": a, "b": "current"}, **EN
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_forum_history", args=[forum.pk])
    followed = editor_client.get(response["Location"], **EN)
    (messages,) = elements(followed, "ul", class_="messagelist")
    assert texts(messages, "li")[-1] == "Choose two versions of this forum to compare."


# --- Revert ---------------------------------------------------------------------------------


def revert(client, obj, version, loaded_version=None, model="forum"):
    url = reverse(f"admin:events_{model}_revert", args=[obj.pk, version.pk])
    if loaded_version is None:
        obj.refresh_from_db()
    return client.post(
        url,
        {"loaded_version": obj.edit_version if loaded_version is None else loaded_version},
        **EN,
    )


def test_revert_restores_both_languages_rows_and_is_a_new_version(editor_client, forum):
    save_form(editor_client, change_url(forum))  # the version to go back to
    seeded = versions(forum)[0]
    speaker = forum.speaker_roles.get()
    page = editor_client.get(change_url(forum), **EN)
    data = form_data(
        page,
        title_zh_hans="改过的标题",
        summary_en="Changed",
        **{"speaker_roles-0-DELETE": "on"},
    )
    editor_client.post(change_url(forum), data, **EN)
    forum.refresh_from_db()
    assert (forum.title_zh_hans, forum.speaker_roles.count()) == ("改过的标题", 0)

    response = revert(editor_client, forum, seeded)

    assert response.status_code == 302
    assert response["Location"] == change_url(forum)
    forum.refresh_from_db()
    assert (forum.title_zh_hans, forum.title_en, forum.summary_zh_hans, forum.summary_en) == (
        "数字丝路论坛",
        "Digital Silk Road Forum",
        "论坛概要",
        "About the forum",
    )
    assert [(s.pk, str(s)) for s in forum.speaker_roles.all()] == [
        (speaker.pk, "Jack Ma (keynote speaker)")
    ]
    newest = versions(forum)[0]
    assert history.describe(newest.revision).startswith("Restored the version of ")
    assert newest.revision.user.username == "alice"
    assert len(versions(forum)) == 3


def test_a_stale_revert_is_refused_like_a_stale_save_and_changes_nothing(
    editor_client, forum, client
):
    save_form(editor_client, change_url(forum))
    older = versions(forum)[0]
    compare = editor_client.get(
        reverse("admin:events_forum_compare", args=[forum.pk]),
        {"a": older.pk, "b": "current"},
        **EN,
    )
    (form,) = elements(compare, "form", class_="wic-restore-form")
    posted = {i.attributes["name"]: i.attributes["value"] for i in elements(form, "input")}
    bob = make_editor(username="bob")
    other = client.__class__()
    english(other)
    other.force_login(bob)
    save_form(other, change_url(forum), summary_en="Bob's summary")
    counts = Revision.objects.count()

    response = editor_client.post(form.attributes["action"], posted, **EN)

    assert response.status_code == 200
    assert texts(response, "ul", class_="messagelist")[0].startswith("bob saved this forum on ")
    conflict = elements(response, "section", id="edit-conflict")[0]
    rows = elements(elements(conflict, "tbody")[0], "tr")
    assert [texts(row, "th") + texts(row, "td") for row in rows] == [
        ["Summary (English)", "About the forum", "Bob's summary"]
    ]
    forum.refresh_from_db()
    assert forum.summary_en == "Bob's summary"
    assert Revision.objects.count() == counts


def test_revert_with_bad_input_says_so_and_changes_nothing(editor_client, forum):
    save_form(editor_client, change_url(forum))
    other = make_session()
    save_form(editor_client, change_url(other, "session"))
    own, foreign = versions(forum)[0], versions(other)[0]
    url = reverse("admin:events_forum_revert", args=[forum.pk, own.pk])
    counts = Revision.objects.count()

    get = editor_client.get(url, **EN)
    foreign_version = revert(editor_client, forum, foreign)
    tampered = editor_client.post(url, {"loaded_version": "x"}, **EN)
    missing = editor_client.post(
        reverse("admin:events_forum_revert", args=[forum.pk, 999999]), {"loaded_version": 1}, **EN
    )

    assert get.status_code == 405
    assert [r.status_code for r in (foreign_version, tampered, missing)] == [302, 302, 302]
    assert Revision.objects.count() == counts


def test_reverting_a_deleted_items_version_points_to_recovery(editor_client, forum):
    save_form(editor_client, change_url(forum))
    version = versions(forum)[0]
    editor_client.post(reverse("admin:events_forum_delete", args=[forum.pk]), {"post": "yes"})

    response = revert(editor_client, forum, version, loaded_version=1)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_forum_recoverlist")


# --- Recover ----------------------------------------------------------------------------------


def delete(client, obj, model, app):
    return client.post(reverse(f"admin:{app}_{model}_delete", args=[obj.pk]), {"post": "yes"}, **EN)


def test_a_deleted_document_is_listed_and_recovered_with_its_sections(editor_client):
    document = make_document(title_en="Wuzhen Outlook", title_zh_hans="乌镇展望")
    for number in range(1, 6):
        make_section(document=document, number=number, heading_en=f"Part {number}")
    created_at = Document.objects.get(pk=document.pk).created_at
    # A version is JSON, which keeps times to the millisecond.
    created_at = created_at.replace(microsecond=created_at.microsecond // 1000 * 1000)

    delete(editor_client, document, "document", "outcomes")
    assert not Document.objects.filter(pk=document.pk).exists()
    listing = editor_client.get(reverse("admin:outcomes_document_recoverlist"), **EN)

    (table,) = elements(listing, "div", id="wic-recover-list")
    (link,) = elements(table, "a")
    assert text(link) == "Wuzhen Outlook"
    assert texts(table, "td")[1:] == ["Alice Wang"]
    preview = editor_client.get(link.attributes["href"], **EN)
    assert preview.status_code == 200
    recovered = editor_client.post(link.attributes["href"], **EN)

    assert recovered.status_code == 302
    document = Document.objects.get(pk=document.pk)
    assert recovered["Location"] == change_url(document, "document", "outcomes")
    assert (document.title_zh_hans, document.title_en, document.created_at) == (
        "乌镇展望",
        "Wuzhen Outlook",
        created_at,
    )
    assert [s.heading_en for s in document.sections.all()] == [f"Part {n}" for n in range(1, 6)]
    assert history.describe(versions(document)[0].revision) == "Recovered after it was deleted."


def test_recovery_is_refused_with_what_is_missing_when_its_edition_is_gone(editor_client):
    edition = make_edition(year=2019, number=6, name_en="Sixth WIC")
    achievement = make_achievement(edition=edition, title_en="A thing")
    delete(editor_client, achievement, "achievement", "outcomes")
    delete(editor_client, edition, "edition", "events")
    (version,) = history.deleted_versions(Achievement)
    url = reverse("admin:outcomes_achievement_recover", args=[version.pk])

    preview = editor_client.get(url, **EN)
    refused = editor_client.post(url, **EN)

    (problem,) = texts(refused, "div", class_="wic-refused")[0:1]
    assert "Its edition, edition “Sixth WIC” (deleted on " in problem
    assert "recover it first" in problem
    assert texts(preview, "div", class_="wic-refused") == texts(
        refused, "div", class_="wic-refused"
    )
    assert elements(refused, "form", class_="wic-restore-form") == []
    assert not Achievement.objects.filter(pk=achievement.pk).exists()


def test_recovery_is_refused_when_its_slug_was_taken_since(editor_client):
    document = make_document(slug="outlook")
    delete(editor_client, document, "document", "outcomes")
    make_document(slug="outlook", edition=document.edition)
    (version,) = history.deleted_versions(Document)

    refused = editor_client.post(
        reverse("admin:outcomes_document_recover", args=[version.pk]), **EN
    )

    assert refused.status_code == 200
    assert texts(refused, "div", class_="wic-refused") != []
    assert Document.objects.filter(slug="outlook").count() == 1


def test_recover_with_bad_input_says_so(editor_client, forum):
    save_form(editor_client, change_url(forum))
    live = versions(forum)[0]

    missing = editor_client.get(reverse("admin:events_forum_recover", args=[999999]), **EN)
    existing = editor_client.post(reverse("admin:events_forum_recover", args=[live.pk]), **EN)

    assert missing.status_code == 302
    assert missing["Location"] == reverse("admin:events_forum_recoverlist")
    assert existing.status_code == 302
    assert existing["Location"] == change_url(forum)


def test_the_forum_list_recovers_forums_only(editor_client):
    forum = make_session(kind=Session.Kind.FORUM, title_en="A forum")
    ceremony = make_session(kind=Session.Kind.OPENING, title_en="Opening")
    for session in (forum, ceremony):
        delete(editor_client, session, "session", "events")

    forums = editor_client.get(reverse("admin:events_forum_recoverlist"), **EN)
    sessions = editor_client.get(reverse("admin:events_session_recoverlist"), **EN)

    assert texts(elements(forums, "div", id="wic-recover-list")[0], "a") == ["A forum"]
    assert texts(elements(sessions, "div", id="wic-recover-list")[0], "a") == ["Opening", "A forum"]


def test_a_deletion_keeps_every_row_it_removes(editor_client, forum):
    delete(editor_client, forum, "forum", "events")

    (revision,) = Revision.objects.all()
    kept = sorted(v.content_type.model for v in revision.version_set.all())
    assert kept == ["session", "sessionorganizer", "sessionspeaker"]
    assert history.describe(revision) == "Deleted."
    assert DocumentSection.objects.count() == 0

"""Review before publishing (wic/core/drafts.py, wic/core/drafts_admin.py): drafts of live
items, previews and share links, through the admin as an editor uses them and the public
site as a visitor or a reviewer reads it."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation
from reversion.models import Revision

from events.models import Forum, Session, SessionSpeaker
from tests.factories import make_edition, make_editor, make_person, make_session
from tests.html import elements, form_data, text
from tests.wic.admin_pages import EN, changelist_titles, english, management_form
from wic.core import drafts, history, search
from wic.core.models import Draft, PublicChange, ShareLink

pytestmark = pytest.mark.django_db

OLD = "About the forum, as published"
NEW = "About the forum, as the draft has it"


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def forum():
    edition = make_edition(year=2018, number=5, is_current=True)
    forum = make_session(
        edition=edition,
        slug="silk-road",
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要（已发布）",
        summary_en=OLD,
    )
    return Forum.objects.get(pk=forum.pk)


def change_url(obj):
    return reverse("admin:events_forum_change", args=[obj.pk])


def draft_url(obj, name):
    return reverse(f"admin:events_forum_{name}", args=[obj.pk])


def public_url(obj, language="en"):
    return f"/{language}/2018/agenda/{obj.slug}/"


def save_as_draft(client, obj, **changes):
    form = client.get(change_url(obj), **EN)
    return client.post(
        change_url(obj), form_data(form, _save_draft="Save as draft", **changes), **EN
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Saving a draft ---------------------------------------------------------------------------


def test_a_draft_leaves_the_live_item_and_its_public_pages_alone(editor_client, visitor, forum):
    response = save_as_draft(editor_client, forum, summary_en=NEW)

    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.summary_en == OLD
    assert Draft.objects.get().title == "Digital Silk Road Forum"
    page = visitor.get(public_url(forum)).content.decode()
    assert OLD in page and NEW not in page
    agenda = visitor.get("/en/2018/agenda/").content.decode()
    assert NEW not in agenda
    found = search.search("draft has it")
    assert found == [] or all(NEW not in str(group) for group in found)


def test_a_draft_is_kept_in_both_languages_with_its_rows(editor_client, forum):
    speaker = make_person(name_zh_hans="马云", name_en="Jack Ma")
    form = editor_client.get(change_url(forum), **EN)
    data = form_data(
        form,
        _save_draft="Save as draft",
        summary_zh_hans="论坛概要（草稿）",
        summary_en=NEW,
        **management_form("speaker_roles", total=1),
        **{
            "speaker_roles-0-person": str(speaker.pk),
            "speaker_roles-0-role": "keynote",
            "speaker_roles-0-sort_order": "0",
        },
    )

    editor_client.post(change_url(forum), data, **EN)

    assert not SessionSpeaker.objects.exists()  # nothing live
    state = drafts.state_of(Draft.objects.get())
    assert state.row.obj.summary_zh_hans == "论坛概要（草稿）"
    assert state.row.obj.summary_en == NEW
    (rows,) = [rows for part, rows in state.parts.items() if part.model is SessionSpeaker]
    assert [row.obj.person_id for row in rows.values()] == [speaker.pk]


def test_the_form_opens_on_the_draft_and_saving_it_again_keeps_both_changes(editor_client, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)

    form = editor_client.get(change_url(forum), **EN)
    assert form_data(form)["summary_en"] == [NEW]
    (panel,) = elements(form, "section", class_="wic-draft")
    assert "Pending draft" in text(panel) and OLD in text(panel) and NEW in text(panel)

    editor_client.post(
        change_url(forum),
        form_data(form, _save_draft="Save as draft", title_en="Digital Silk Road Forum 2018"),
        **EN,
    )

    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en) == ("Digital Silk Road Forum", OLD)
    obj = drafts.state_of(Draft.objects.get()).row.obj
    assert (obj.title_en, obj.summary_en) == ("Digital Silk Road Forum 2018", NEW)


def test_save_on_a_form_opened_on_the_draft_publishes_it_with_the_changes(editor_client, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)
    form = editor_client.get(change_url(forum), **EN)

    response = editor_client.post(
        change_url(forum), form_data(form, _save="Save", title_en="Silk Road Forum"), follow=True
    )

    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en) == ("Silk Road Forum", NEW)
    assert not Draft.objects.exists()
    assert "The draft is published, with your changes." in messages_of(response)


def test_a_draft_is_only_for_a_published_item(editor_client, forum):
    Forum.objects.filter(pk=forum.pk).update(is_published=False)

    form = editor_client.get(change_url(forum), **EN)

    assert not elements(form, "input", name="_save_draft")
    assert elements(form, "button", name="_preview")


def test_the_change_list_marks_and_filters_items_with_a_draft(editor_client, forum):
    make_session(edition=forum.edition, title_en="Another Forum")
    save_as_draft(editor_client, forum, summary_en=NEW)
    changelist = reverse("admin:events_forum_changelist")

    listed = editor_client.get(changelist, **EN)
    filtered = editor_client.get(changelist + "?publication=draft", **EN)

    badges = [text(badge) for badge in elements(listed, "span", class_="wic-draft-badge")]
    assert badges == ["draft pending"]
    assert len(changelist_titles(listed)) == 2
    assert changelist_titles(filtered) == [changelist_titles(listed)[titles_of(listed, forum)]]


def titles_of(response, forum):
    """The position of `forum` in the change list: its row has the badge."""
    (table,) = elements(response, "table", id="result_list")
    rows = elements(elements(table, "tbody")[0], "tr")
    return next(i for i, row in enumerate(rows) if elements(row, "span", class_="wic-draft-badge"))


# --- Publishing and discarding -----------------------------------------------------------------


def test_publish_draft_makes_it_live_in_one_action(editor_client, visitor, forum):
    save_as_draft(editor_client, forum, summary_en=NEW, summary_zh_hans="论坛概要（新）")
    revisions = Revision.objects.count()

    response = editor_client.post(draft_url(forum, "draft_publish"), follow=True, **EN)

    forum.refresh_from_db()
    assert (forum.summary_en, forum.summary_zh_hans) == (NEW, "论坛概要（新）")
    assert not Draft.objects.exists()
    assert Revision.objects.count() == revisions + 1
    assert "The draft is published: visitors see it now." in messages_of(response)
    assert NEW in visitor.get(public_url(forum)).content.decode()
    change = PublicChange.objects.get(object_id=forum.pk)
    assert change.kind == PublicChange.Kind.CHANGED


def test_discard_draft_drops_it_and_changes_nothing(editor_client, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)

    response = editor_client.post(draft_url(forum, "draft_discard"), follow=True, **EN)

    forum.refresh_from_db()
    assert forum.summary_en == OLD
    assert not Draft.objects.exists()
    assert "The draft was discarded. The item stays as it is." in messages_of(response)
    assert form_data(editor_client.get(change_url(forum), **EN))["summary_en"] == [OLD]


def test_publishing_a_draft_after_someone_saved_the_item_is_refused(editor_client, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)
    other = english(type(editor_client)())
    other.force_login(make_editor())
    live = other.get(change_url(forum), **EN)
    # The other editor's form opens on the draft too: saving it would publish the draft. Here
    # the item is saved from a form opened before the draft was made.
    data = form_data(live, title_en="Renamed meanwhile", summary_en=OLD)
    data.pop("_draft")
    data["loaded_version"] = [str(Draft.objects.get().base_version)]
    other.post(change_url(forum), data, **EN)

    response = editor_client.post(draft_url(forum, "draft_publish"), follow=True, **EN)

    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en) == ("Renamed meanwhile", OLD)
    assert Draft.objects.exists()
    assert any("was saved after the draft was made" in m for m in messages_of(response))


def test_publish_and_discard_want_a_post_and_the_change_permission(client, editor_client, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)
    viewer = make_editor(username="viewer")
    viewer.groups.clear()
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_forum"))
    client.force_login(viewer)

    assert editor_client.get(draft_url(forum, "draft_publish")).status_code == 405
    assert client.post(draft_url(forum, "draft_publish")).status_code == 403
    assert client.post(draft_url(forum, "draft_discard")).status_code == 403
    assert client.post(draft_url(forum, "share")).status_code == 403
    assert Draft.objects.exists() and not ShareLink.objects.exists()


# --- Scheduling a draft ---------------------------------------------------------------------------


def test_a_scheduled_draft_is_published_by_the_first_request_after_its_time(
    editor_client, visitor, forum, clock
):
    soon = timezone.localtime() + datetime.timedelta(hours=2)
    response = save_as_draft(
        editor_client, forum, summary_en=NEW, _draft_publish_at=soon.strftime("%Y-%m-%dT%H:%M")
    )
    draft = Draft.objects.get()
    assert draft.publish_at == soon.replace(second=0, microsecond=0)
    assert any(
        "it will be published on" in m for m in messages_of(editor_client.get(response.url, **EN))
    )
    assert OLD in visitor.get(public_url(forum)).content.decode()

    clock.advance(hours=2)
    page = visitor.get(public_url(forum)).content.decode()

    assert NEW in page
    assert not Draft.objects.exists()
    forum.refresh_from_db()
    assert forum.summary_en == NEW


def test_a_scheduled_draft_that_cannot_be_published_says_why_in_the_admin(
    editor_client, forum, clock
):
    save_as_draft(editor_client, forum, summary_en=NEW)
    Forum.objects.filter(pk=forum.pk).update(edit_version=99)  # saved since, by someone
    Draft.objects.update(publish_at=timezone.now() + datetime.timedelta(minutes=1))
    clock.advance(minutes=2)

    editor_client.get("/en/")

    draft = Draft.objects.get()
    assert draft.publish_at is None
    assert "saved after this draft was made" in draft.problem
    form = editor_client.get(change_url(forum), **EN)
    assert draft.problem in text(elements(form, "section", class_="wic-draft")[0])


def test_a_scheduled_draft_that_fails_does_not_break_the_visitors_request(
    editor_client, visitor, forum, clock, monkeypatch, caplog
):
    save_as_draft(editor_client, forum, summary_en=NEW)
    Draft.objects.update(publish_at=timezone.now() + datetime.timedelta(minutes=1))
    clock.advance(minutes=2)

    def broken_restore(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(history, "restore", broken_restore)
    response = visitor.get(public_url(forum))

    assert response.status_code == 200 and OLD in response.content.decode()
    draft = Draft.objects.get()
    assert draft.publish_at is None
    assert "an error occurred (ValueError)" in draft.problem
    assert "Scheduled draft" in caplog.text
    visitor.get(public_url(forum))  # not tried again


def test_a_draft_time_already_past_publishes_at_once_and_says_so(editor_client, forum):
    past = timezone.localtime() - datetime.timedelta(minutes=5)

    response = save_as_draft(
        editor_client, forum, summary_en=NEW, _draft_publish_at=past.strftime("%Y-%m-%dT%H:%M")
    )

    forum.refresh_from_db()
    assert forum.summary_en == NEW
    assert not Draft.objects.exists()
    shown = messages_of(editor_client.get(response.url, **EN))
    assert any("has passed: the draft was published now" in m for m in shown)


def test_a_draft_time_that_is_no_time_is_refused_and_nothing_is_kept(editor_client, forum):
    response = save_as_draft(editor_client, forum, summary_en=NEW, _draft_publish_at="next Tuesday")

    assert not Draft.objects.exists()
    assert messages_of(editor_client.get(response.url, **EN)) == ["Enter a valid date/time."]


# --- Previews ------------------------------------------------------------------------------------


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def assert_is_preview(response):
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert elements(response, "meta", name="robots", content="noindex")
    assert elements(response, "div", class_="preview-banner")


def test_a_preview_of_the_form_shows_it_unsaved(editor_client, forum):
    form = editor_client.get(change_url(forum), **EN)
    revisions = Revision.objects.count()

    response = editor_client.post(change_url(forum), form_data(form, summary_en=NEW, _preview="en"))

    assert_is_preview(response)
    assert NEW in response.content.decode()
    assert "Preview" in text(elements(response, "div", class_="preview-banner")[0])
    forum.refresh_from_db()
    assert forum.summary_en == OLD
    assert Revision.objects.count() == revisions
    assert not Draft.objects.exists()


def test_a_preview_speaks_the_language_asked_for(editor_client, forum):
    form = editor_client.get(change_url(forum), **EN)

    response = editor_client.post(
        change_url(forum), form_data(form, summary_zh_hans="新的概要", _preview="zh-hans")
    )

    assert_is_preview(response)
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page and "新的概要" in page
    assert "预览" in text(elements(response, "div", class_="preview-banner")[0])


def test_a_preview_of_an_item_whose_edition_is_unpublished_says_so(editor_client, forum):
    edition = forum.edition
    type(edition).objects.filter(pk=edition.pk).update(is_published=False)
    form = editor_client.get(change_url(forum), **EN)

    response = editor_client.post(change_url(forum), form_data(form, _preview="en"))

    assert_is_preview(response)
    banner = text(elements(response, "div", class_="preview-banner")[0])
    assert "is not public: visitors will not see this page until it is" in banner
    edition.refresh_from_db()
    assert not edition.is_published


def test_the_draft_preview_shows_the_draft_and_leaves_the_cache_alone(
    editor_client, visitor, forum, page_cache
):
    save_as_draft(editor_client, forum, summary_en=NEW)
    assert OLD in visitor.get(public_url(forum)).content.decode()  # stored

    response = editor_client.get(draft_url(forum, "draft_preview") + "?language=en")

    assert_is_preview(response)
    assert NEW in response.content.decode()
    again = visitor.get(public_url(forum))
    assert again["X-Page-Cache"] == "hit" and OLD in again.content.decode()


# --- Share links -------------------------------------------------------------------------------


def make_link(editor_client, forum, days=None):
    data = {"_share_days": str(days)} if days else {}
    response = editor_client.post(draft_url(forum, "share"), data, follow=True, **EN)
    link = ShareLink.objects.latest("created_at")
    return link, drafts.share_token(link), response


def test_a_share_link_shows_the_draft_to_a_reviewer_in_both_languages(
    editor_client, visitor, forum, page_cache
):
    save_as_draft(editor_client, forum, summary_en=NEW, summary_zh_hans="论坛概要（草稿）")
    link, token, response = make_link(editor_client, forum)

    assert abs(link.expires_at - link.created_at - datetime.timedelta(days=7)).seconds < 5
    assert link.created_by.username == "alice"
    english_page = visitor.get(drafts.share_path(token, "en"))
    chinese_page = visitor.get(drafts.share_path(token, "zh-hans"))

    assert_is_preview(english_page)
    assert_is_preview(chinese_page)
    assert NEW in english_page.content.decode()
    assert "论坛概要（草稿）" in chinese_page.content.decode()
    switch = [
        a.attributes["href"]
        for a in elements(english_page, "a", hreflang="zh-Hans")
        if a.attributes.get("lang")
    ]
    assert switch == [drafts.share_path(token, "zh-hans")]
    assert OLD in visitor.get(public_url(forum)).content.decode()
    assert any("Share link created, valid until" in m for m in messages_of(response))


def test_a_share_link_is_listed_on_the_form_and_in_the_admin_with_its_maker(editor_client, forum):
    link, _token, _response = make_link(editor_client, forum, days=3)

    form = editor_client.get(change_url(forum), **EN)
    listing = editor_client.get(reverse("admin:wic_sharelink_changelist"), **EN)

    (item,) = elements(form, "table", class_="wic-share-links")
    assert "Alice Wang" in text(item)
    # The address is signed anew when the form is shown (its signature holds the second):
    # the one listed must open this link's preview.
    paths = [urlsplit(href).path for href in item_html(item).split()]
    (english,) = [path for path in paths if path.startswith("/en/preview/")]
    with translation.override("en"):  # the language prefix resolves in its language
        token = resolve(english).kwargs["token"]
    assert drafts.shared_item(token)[0] == link
    assert "Alice Wang" in listing.content.decode() and "valid" in listing.content.decode()
    assert abs(link.expires_at - link.created_at - datetime.timedelta(days=3)).seconds < 5


def item_html(node):
    return " ".join(a.attributes.get("href", "") for a in elements(node, "a"))


def explanation(response):
    (main,) = elements(response, "main")
    return text(main)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "This preview link has expired. Ask the editor who sent it for a new one."),
        ("zh-hans", "此预览链接已过期。请向发来链接的编辑索取新的链接。"),
    ],
)
def test_an_expired_share_link_says_so_in_the_visitors_language(
    editor_client, visitor, forum, language, words
):
    save_as_draft(editor_client, forum, summary_en=NEW)
    link, token, _response = make_link(editor_client, forum)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())

    response = visitor.get(drafts.share_path(token, language))

    assert response.status_code == 410
    assert words in explanation(response)
    assert NEW not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_share_link_shows_nothing(editor_client, visitor, forum):
    save_as_draft(editor_client, forum, summary_en=NEW)
    link, token, _response = make_link(editor_client, forum)

    editor_client.post(reverse("admin:events_forum_share_revoke", args=[forum.pk, link.pk]))
    response = visitor.get(drafts.share_path(token, "en"))

    assert response.status_code == 410
    assert "has been withdrawn by the site's editors" in explanation(response)
    assert NEW not in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps(1, salt="another.salt"),
        signing.dumps(987654, salt=drafts.SHARE_SALT),
    ],
)
def test_a_forged_share_link_gets_a_page_not_found(visitor, forum, token):
    response = visitor.get(drafts.share_path(token, "en"))

    assert response.status_code == 404
    assert "This is not a valid preview link" in explanation(response)


def test_a_share_link_of_a_deleted_item_says_the_item_is_gone(editor_client, visitor, forum):
    _link, token, _response = make_link(editor_client, forum)
    Session.objects.filter(pk=forum.pk).delete()

    response = visitor.get(drafts.share_path(token, "zh-hans"))

    assert response.status_code == 404
    assert "这个链接所指的内容已不存在。" in explanation(response)


def test_a_share_link_shows_its_item_and_nothing_else_unpublished(editor_client, visitor, forum):
    hidden = make_session(
        edition=forum.edition,
        slug="hidden",
        title_en="A Forum Not Yet Announced",
        is_published=False,
    )
    _link, token, _response = make_link(editor_client, forum)

    page = visitor.get(drafts.share_path(token, "en")).content.decode()
    other = visitor.get(public_url(hidden))

    assert "Digital Silk Road Forum" in page
    assert "A Forum Not Yet Announced" not in page
    assert other.status_code == 404


# --- The lists of drafts and share links ----------------------------------------------------------


def test_pending_drafts_are_listed_scheduled_first_and_can_be_rescheduled(editor_client, forum):
    other = Forum.objects.get(pk=make_session(edition=forum.edition, title_en="Opening").pk)
    save_as_draft(editor_client, other, summary_en="Opening, drafted")
    later = timezone.localtime() + datetime.timedelta(days=1)
    save_as_draft(
        editor_client, forum, summary_en=NEW, _draft_publish_at=later.strftime("%Y-%m-%dT%H:%M")
    )

    listing = editor_client.get(reverse("admin:wic_draft_changelist"), **EN)

    assert changelist_titles(listing) == ["Digital Silk Road Forum", "Opening"]
    draft = Draft.objects.get(object_id=forum.pk)
    url = reverse("admin:wic_draft_change", args=[draft.pk])
    page = editor_client.get(url, **EN)
    assert not elements(page, "section", class_="wic-draft")  # an item's panels, not here
    assert not elements(page, "details", class_="wic-share")
    past = timezone.localtime() - datetime.timedelta(minutes=1)
    response = editor_client.post(
        url,
        form_data(
            page,
            "draft_form",
            publish_at_0=past.strftime("%Y-%m-%d"),
            publish_at_1=past.strftime("%H:%M:%S"),
        ),
        follow=True,
        **EN,
    )

    forum.refresh_from_db()
    assert forum.summary_en == NEW
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert any("the draft was published now" in m for m in messages_of(response))


def test_share_links_are_revoked_from_their_list(editor_client, visitor, forum):
    link, token, _response = make_link(editor_client, forum)

    editor_client.post(
        reverse("admin:wic_sharelink_changelist"),
        {"action": "revoke", "_selected_action": [str(link.pk)]},
        **EN,
    )

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert visitor.get(drafts.share_path(token, "en")).status_code == 410

"""The public change log (wic/core/changelog.py, /<lang>/changes/ and its feed): what a
reader sees of the editors' changes to published content, in both languages; never a draft,
never a name, never a text that was never public."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from events.models import Session, SessionSpeaker
from tests.factories import make_document, make_person, make_section, make_session
from tests.html import elements, form_data, texts
from wic.core.cache import content_version
from wic.core.models import CacheTag, PublicChange

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def forum():
    forum = make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要",
        summary_en="About the forum",
    )
    SessionSpeaker.objects.create(session=forum, person=make_person(name_en="Jack Ma"))
    return forum


def save(client, obj, model="forum", app="events", **changes):
    url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    page = client.get(url, **EN)
    response = client.post(url, form_data(page, **changes), **EN)
    assert response.status_code == 302
    return response


def log(client, language="en", **params):
    response = client.get(f"/{language}/changes/", params)
    assert response.status_code == 200
    return [
        {
            "title": texts(card, "h2")[0],
            "what": texts(card, "p", class_="change-kind") + texts(card, "li"),
            "note": [
                (texts(note, "strong")[0], texts(note, "span")[0])
                for note in elements(card, "p", class_="change-note")
            ],
        }
        for card in elements(response, "li", class_="card")
    ]


def test_a_change_to_published_content_is_listed_in_both_languages(editor_client, client, forum):
    save(editor_client, forum, summary_zh_hans="论坛概述", summary_en="What the forum was")

    assert log(client, "en") == [
        {
            "title": "Digital Silk Road Forum",
            "what": ["Changed:", "Summary (Simplified Chinese, English)"],
            "note": [],
        }
    ]
    assert log(client, "zh-hans") == [
        {"title": "数字丝路论坛", "what": ["修改了：", "摘要（简体中文，英文）"], "note": []}
    ]


def test_the_log_never_shows_names_drafts_or_text_that_was_never_public(
    editor_client, client, forum
):
    draft = make_session(kind=Session.Kind.FORUM, is_published=False, title_en="Secret forum")
    save(editor_client, draft, summary_en="A secret summary")
    save(editor_client, forum, summary_en="A public summary")

    page = client.get("/en/changes/").content.decode()

    assert [entry["title"] for entry in log(client)] == ["Digital Silk Road Forum"]
    for never in ("Secret forum", "A secret summary", "A public summary", "Alice", "alice"):
        assert never not in page


def test_a_change_only_to_a_draft_shows_nothing(editor_client, client):
    draft = make_session(kind=Session.Kind.FORUM, is_published=False)

    save(editor_client, draft, summary_en="Draft text")

    assert log(client) == []
    assert PublicChange.objects.count() == 0


def test_publishing_a_draft_is_listed_as_published_without_field_names(editor_client, client):
    draft = make_session(kind=Session.Kind.FORUM, is_published=False, title_en="New forum")

    save(editor_client, draft, is_published="on")

    assert log(client) == [{"title": "New forum", "what": ["Published."], "note": []}]


def test_an_item_unpublished_since_leaves_the_log(editor_client, client, forum):
    save(editor_client, forum, summary_en="Changed")

    save(editor_client, forum, is_published="")

    assert log(client) == []
    assert PublicChange.objects.count() == 1  # kept: shown again if republished


def test_the_change_of_an_item_of_an_edition_not_public_is_not_listed(editor_client, client, forum):
    """The forum's own page is not found while its edition is unpublished: the log does
    not name it either (wic.core.publication.public_q), now or once the edition appears
    (the change was never public); a change logged before the edition was withdrawn is
    hidden meanwhile."""
    save(editor_client, forum, summary_en="What the forum was")
    edition = forum.edition
    type(edition).objects.filter(pk=edition.pk).update(is_published=False)
    save(editor_client, forum, summary_en="What the forum was, revised")

    assert log(client) == []
    assert client.get(forum.get_absolute_url()).status_code == 404
    assert PublicChange.objects.count() == 1

    type(edition).objects.filter(pk=edition.pk).update(is_published=True)

    assert [entry["title"] for entry in log(client)] == ["Digital Silk Road Forum"]


def test_the_editors_note_to_readers_is_shown_in_its_language(editor_client, client, forum):
    save(
        editor_client,
        forum,
        title_en="Digital Silk Road Forum 2018",
        public_note_zh_hans="更正了论坛名称。",
        public_note_en="The forum's name was corrected.",
    )

    assert log(client, "en")[0]["note"] == [("Note:", "The forum's name was corrected.")]
    assert log(client, "zh-hans")[0]["note"] == [("说明：", "更正了论坛名称。")]


def test_a_note_alone_makes_an_entry_and_bookkeeping_alone_does_not(editor_client, client, forum):
    save(editor_client, forum, source="A better source", sort_order="5")
    assert log(client) == []

    save(editor_client, forum, public_note_en="Checked against the programme.")

    assert log(client)[0]["what"] == ["Changed."]


def test_inline_rows_count_as_the_items_fields(editor_client, client):
    document = make_document(title_en="Wuzhen Outlook")
    make_section(document=document, number=1, heading_en="General")

    save(editor_client, document, "document", "outcomes", **{"sections-0-heading_en": "Principles"})

    assert log(client)[0]["what"] == ["Changed:", "Sections: Heading (English)"]


def test_newest_first_paginated_and_forgiving(editor_client, client, forum):
    for n in range(31):
        save(editor_client, forum, summary_en=f"Summary {n}")

    first = client.get("/en/changes/")
    second = client.get("/en/changes/", {"page": 2})
    nonsense = client.get("/en/changes/", {"page": "x"})

    assert len(elements(first, "li", class_="card")) == 30
    assert len(elements(second, "li", class_="card")) == 1
    assert nonsense.status_code == 200
    ids = [card.attributes["id"] for card in elements(first, "li", class_="card")]
    pks = [int(i.removeprefix("change-")) for i in ids]
    assert pks == sorted(pks, reverse=True)


def test_the_feed_lists_the_same_changes_in_its_language(editor_client, client, forum):
    save(editor_client, forum, summary_en="Changed", public_note_en="Corrected.")

    response = client.get("/en/changes/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "<title>Changed: Digital Silk Road Forum</title>" in body
    assert "What changed: Summary (English). Corrected." in body
    assert "Alice" not in body


def test_a_new_entry_makes_the_pages_that_list_changes_cold(forum):
    before = content_version().number

    PublicChange.objects.create(
        content_type=ContentType.objects.get_for_model(Session),
        object_id=forum.pk,
        kind="changed",
        changed_at=forum.updated_at,
    )

    assert CacheTag.objects.get(tag="wic_publicchange").version > before


def test_the_footer_links_the_change_log_in_both_languages(client, forum):
    for language, label in (("en", "Changes to the site"), ("zh-hans", "网站更新记录")):
        response = client.get(f"/{language}/changes/")
        footer = elements(response, "footer")[0]
        assert label in texts(footer, "a")


def test_editors_reword_a_note_or_delete_an_entry_but_never_add_one(editor_client, client, forum):
    save(editor_client, forum, summary_en="Changed", public_note_en="Corected.")
    entry = PublicChange.objects.get()
    url = reverse("admin:wic_publicchange_change", args=[entry.pk])

    page = editor_client.get(url, **EN)
    response = editor_client.post(url, form_data(page, note_en="Corrected."), **EN)
    add = editor_client.get(reverse("admin:wic_publicchange_add"), **EN)

    assert page.status_code == 200 and response.status_code == 302
    assert add.status_code == 403
    assert log(client)[0]["note"] == [("Note:", "Corrected.")]
    editor_client.post(reverse("admin:wic_publicchange_delete", args=[entry.pk]), {"post": "yes"})
    assert log(client) == []

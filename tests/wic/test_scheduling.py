"""Scheduled publishing: `publish_at` and `unpublish_at` on every content model
(wic.core.publication.published_q), on every public page, in the page cache and in the
admin. The `clock` fixture (tests/conftest.py) moves the time on instead of waiting."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Forum, Session
from tests.factories import make_document, make_edition, make_editor, make_session
from tests.html import elements, form_data, text
from tests.wic.admin_pages import EN, ZH, changelist_titles, english
from wic.core.cache import CACHE_HEADER
from wic.core.models import PublicChange
from wic.core.publication import content_models

pytestmark = pytest.mark.django_db

TITLE = "Forum on Cross-Border E-Commerce"


def later(**delta):
    return timezone.now() + datetime.timedelta(**delta)


@pytest.fixture
def edition():
    return make_edition(year=2018, number=5, is_current=True)


@pytest.fixture
def scheduled(edition):
    """A forum to appear in an hour."""
    return make_session(
        edition=edition,
        slug="e-commerce",
        title_en=TITLE,
        title_zh_hans="跨境电子商务论坛",
        summary_en="Trade across borders, online.",
        publish_at=later(hours=1),
    )


# Every list and page a visitor could find the forum on, with what it shows there.
PAGES = {
    "detail": "/en/2018/agenda/e-commerce/",
    "agenda": "/en/2018/agenda/",
    "edition home (JSON-LD)": "/en/2018/",
    "search": "/en/search/?q=Cross-Border",
    "sitemap": "/sitemap.xml",
    "calendar": "/en/2018/agenda.ics",
}


def shows_the_forum(client, url):
    response = client.get(url)
    body = response.content.decode()
    return response.status_code == 200 and ("e-commerce" in body or TITLE in body)


def test_every_content_model_has_a_publication_window():
    for model in content_models():
        names = {f.name for f in model._meta.concrete_fields}
        assert {"publish_at", "unpublish_at"} <= names, model


@pytest.mark.parametrize("page", PAGES)
def test_a_scheduled_item_appears_at_its_time_on_every_page(client, scheduled, clock, page):
    assert not shows_the_forum(client, PAGES[page])

    clock.advance(hours=1, seconds=1)

    assert shows_the_forum(client, PAGES[page])


@pytest.mark.parametrize("page", PAGES)
def test_an_item_ends_at_its_time_on_every_page(client, scheduled, clock, page):
    Session.objects.filter(pk=scheduled.pk).update(publish_at=None, unpublish_at=later(hours=1))
    assert shows_the_forum(client, PAGES[page])

    clock.advance(hours=1, seconds=1)

    assert not shows_the_forum(client, PAGES[page])


def test_a_scheduled_item_is_a_draft_to_its_edition_too(client, edition, clock):
    """A child of a scheduled edition is not public before the edition is."""
    type(edition).objects.filter(pk=edition.pk).update(publish_at=later(minutes=30))
    make_session(edition=edition, slug="opening", title_en="Opening Ceremony")

    assert client.get("/en/2018/agenda/opening/").status_code == 404
    clock.advance(minutes=31)
    assert client.get("/en/2018/agenda/opening/").status_code == 200


@pytest.mark.parametrize("page", ["agenda", "edition home (JSON-LD)", "search", "calendar"])
def test_a_cached_page_is_not_served_past_the_time_a_window_opens(
    client, page_cache, scheduled, clock, page
):
    client.get(PAGES[page])
    cached = client.get(PAGES[page])
    assert cached[CACHE_HEADER] == "hit"
    assert TITLE not in cached.content.decode()

    clock.advance(hours=1, seconds=1)

    assert shows_the_forum(client, PAGES[page])


def test_the_feed_of_changes_and_the_change_log_follow_the_time(client, edition, clock):
    editor = make_editor()
    admin = english(Client())
    admin.force_login(editor)
    document = make_document(edition=edition, slug="initiative", title_en="Wuzhen Initiative")
    url = reverse("admin:outcomes_document_change", args=[document.pk])
    form = admin.get(url, **EN)
    opens = timezone.localtime(later(hours=2)).replace(second=0, microsecond=0)
    admin.post(
        url,
        form_data(
            form,
            title_en="Wuzhen Initiative (final text)",
            publish_at_0=opens.strftime("%Y-%m-%d"),
            publish_at_1=opens.strftime("%H:%M:%S"),
        ),
        **EN,
    )

    change = PublicChange.objects.get(object_id=document.pk)
    assert change.changed_at == opens
    assert "Wuzhen Initiative" not in client.get("/en/changes/").content.decode()
    assert "Wuzhen Initiative" not in client.get("/en/changes/feed/").content.decode()

    clock.advance(hours=2, seconds=1)

    assert "Wuzhen Initiative (final text)" in client.get("/en/changes/").content.decode()
    assert "Wuzhen Initiative (final text)" in client.get("/en/changes/feed/").content.decode()


# --- The rule in the database and in the form --------------------------------------------------


def test_the_database_refuses_an_end_before_the_start(scheduled):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=scheduled.pk).update(unpublish_at=scheduled.publish_at)


@pytest.mark.parametrize(
    ("headers", "message"),
    [(EN, "The end of publication must come after its start."), (ZH, "下线时间必须晚于上线时间。")],
)
def test_the_form_refuses_an_end_before_the_start_on_the_field(scheduled, headers, message):
    admin = Client()
    admin.force_login(make_editor())
    url = reverse("admin:events_forum_change", args=[scheduled.pk])
    form = admin.get(url, **headers)
    start = timezone.localtime(scheduled.publish_at)
    end = start - datetime.timedelta(days=1)

    response = admin.post(
        url,
        form_data(
            form,
            unpublish_at_0=end.strftime("%Y-%m-%d"),
            unpublish_at_1=end.strftime("%H:%M:%S"),
        ),
        **headers,
    )

    assert response.status_code == 200
    (row,) = elements(response, "div", class_="field-unpublish_at")
    assert message in text(row)
    scheduled.refresh_from_db()
    assert scheduled.unpublish_at is None


# --- The admin --------------------------------------------------------------------------------


def save_times(client, obj, **times):
    url = reverse("admin:events_forum_change", args=[obj.pk])
    form = client.get(url, **EN)
    changes = {}
    for name, moment in times.items():
        local = timezone.localtime(moment) if moment else None
        changes[f"{name}_0"] = local.strftime("%Y-%m-%d") if local else ""
        changes[f"{name}_1"] = local.strftime("%H:%M:%S") if local else ""
    return client.post(url, form_data(form, **changes), follow=True, **EN)


def shown(response):
    return [str(message) for message in response.context["messages"]]


def test_a_publication_time_already_past_makes_it_public_now_and_says_so(editor_client, scheduled):
    response = save_times(editor_client, scheduled, publish_at=later(minutes=-10))

    scheduled.refresh_from_db()
    assert scheduled.is_public_now
    assert any("has passed: it is public now" in message for message in shown(response))


def test_a_scheduled_item_says_when_it_will_appear(editor_client, scheduled):
    response = save_times(editor_client, scheduled, publish_at=later(days=1))

    assert any(message.startswith("Scheduled: public from") for message in shown(response))


def test_a_time_without_published_ticked_is_pointed_out(editor_client, scheduled):
    Session.objects.filter(pk=scheduled.pk).update(is_published=False)

    response = save_times(editor_client, scheduled, publish_at=later(days=1))

    assert any("once “published” is ticked" in message for message in shown(response))


def test_the_change_list_says_and_filters_what_is_scheduled(editor_client, edition, scheduled):
    make_session(edition=edition, title_en="Opening Ceremony")
    make_session(edition=edition, title_en="Closing Ceremony", unpublish_at=later(days=2))
    Session.objects.filter(title_en="Closing Ceremony").update(
        publish_at=later(days=-3), unpublish_at=later(days=-1)
    )
    url = reverse("admin:events_forum_changelist")

    def titles(query):
        return sorted(changelist_titles(editor_client.get(f"{url}?{query}", **EN)))

    assert titles("publication=scheduled") == ["Forum on Cross-Border E-Commerce"]
    assert titles("publication=ended") == ["Closing Ceremony"]
    assert titles("publication=public") == ["Opening Ceremony"]
    listed = editor_client.get(url, **EN).content.decode()
    assert "Scheduled: public from" in listed and "Ended on" in listed


def test_the_times_are_entered_and_shown_in_beijing_time(editor_client, scheduled):
    moment = datetime.datetime(2018, 11, 9, 17, 30, tzinfo=datetime.UTC)
    save_times(editor_client, scheduled, publish_at=moment)

    form = editor_client.get(reverse("admin:events_forum_change", args=[scheduled.pk]), **EN)

    assert form_data(form)["publish_at_1"] == ["01:30:00"]  # 17:30 UTC is 01:30 in Beijing
    assert form_data(form)["publish_at_0"] == ["2018-11-10"]
    assert Forum.objects.get(pk=scheduled.pk).publish_at == moment

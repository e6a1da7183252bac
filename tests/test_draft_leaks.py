"""A published item never shows its unpublished related rows, on any public surface.

Every related row a public page can show (a quote's author and outlet, a highlight's
organization, a programme item's venue, hall, track, organizers and speakers, a speaker's
organization, a document's issuer and sections, an achievement's organization and fields,
an edition's hosts) is made a draft whose text is marked; every public URL, in both
languages, the feed, the calendar, the sitemap, JSON-LD and search included, is read, and
the mark appears nowhere. wic.core.publication is the one place that decides.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import EditionRole, Highlight, SessionOrganizer, SessionSpeaker
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_field,
    make_highlight,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_section,
    make_session,
    make_track,
    make_venue,
)

pytestmark = pytest.mark.django_db

MARK_ZH = "草稿机密"
MARK_EN = "DraftSecret"


def draft(factory, **fields):
    """A draft row whose every text carries the mark, in both languages."""
    n = draft.count = getattr(draft, "count", 0) + 1
    texts = {
        key: f"{MARK_EN if key.endswith('_en') else MARK_ZH} {n}"
        for key in fields.pop("texts", ["name_zh_hans", "name_en"])
    }
    return factory(is_published=False, **texts, **fields)


@pytest.fixture
def site():
    edition = make_edition(year=2018, number=5, is_current=True)
    hidden_org = draft(make_organization)
    EditionRole.objects.create(edition=edition, organization=hidden_org, role=EditionRole.Role.HOST)
    EditionRole.objects.create(
        edition=edition, organization=make_organization(), role=EditionRole.Role.CO_ORGANIZER
    )

    building = draft(make_venue, slug="hidden-building")
    hall = make_venue(slug="public-hall", parent=building)
    hidden_hall = draft(make_venue, slug="hidden-hall")
    forum = make_session(
        edition=edition,
        slug="forum",
        venue=hall,
        track=draft(make_track, edition=edition),
        starts_at=datetime.time(9),
        ends_at=datetime.time(10),
    )
    make_session(edition=edition, slug="other", venue=hidden_hall)
    SessionOrganizer.objects.create(session=forum, organization=draft(make_organization))
    SessionSpeaker.objects.create(
        session=forum, person=draft(make_person, texts=["name_zh_hans", "name_en", "title_en"])
    )
    SessionSpeaker.objects.create(
        session=forum, person=make_person(organization=draft(make_organization))
    )

    make_highlight(
        edition=edition, category=Highlight.Category.FILM, organization=draft(make_organization)
    )
    make_press_evaluation(
        edition=edition,
        author=draft(make_person, texts=["name_zh_hans", "name_en", "title_zh_hans"]),
        outlet=draft(make_organization),
    )
    document = make_document(edition=edition, slug="outlook", issuer=draft(make_organization))
    make_section(document=document, number=1)
    draft(
        make_section,
        document=document,
        number=2,
        texts=["heading_zh_hans", "heading_en", "body_zh_hans", "body_en"],
    )
    make_achievement(
        edition=edition,
        slug="chip",
        organization=draft(make_organization),
        fields=[make_field(), draft(make_field)],
    )
    make_milestone(edition=edition)

    # A whole draft edition: none of its rows is public, published or not.
    hidden_edition = draft(
        make_edition,
        year=2019,
        number=6,
        texts=["name_zh_hans", "name_en", "theme_zh_hans", "theme_en"],
    )
    make_session(
        edition=hidden_edition,
        slug="hidden-edition-forum",
        title_zh_hans=f"{MARK_ZH} 会",
        title_en=f"{MARK_EN} forum",
    )
    make_achievement(edition=hidden_edition, slug="hidden", title_zh_hans=MARK_ZH, title_en=MARK_EN)
    return edition


def public_urls(language):
    with translation.override(language):
        urls = [reverse("events:home"), reverse("events:edition-list")]
        urls += [
            reverse(name, args=[2018])
            for name in [
                "events:edition-home",
                "events:about",
                "events:news",
                "events:news-feed",
                "events:agenda",
                "events:agenda-ics",
                "outcomes:document-list",
                "outcomes:achievement-list",
                "outcomes:press-list",
            ]
        ]
        urls += [
            reverse("events:session-detail", args=[2018, "forum"]),
            reverse("events:session-detail", args=[2018, "other"]),
            reverse("outcomes:document-detail", args=[2018, "outlook"]),
            reverse("outcomes:achievement-detail", args=[2018, "chip"]),
        ]
        search = reverse("search")
        # Words of the marks, not the marks: the search page repeats what was searched for.
        urls += [f"{search}?q={word}" for word in ["机密", "Secret", "Forum", "会", "Conference"]]
    return [*urls, "/sitemap.xml", "/robots.txt"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_draft_text_on_any_public_surface(site, language):
    client = Client()  # a visitor: no session

    pages = {url: client.get(url) for url in public_urls(language)}

    assert {url: response.status_code for url, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    leaks = [
        url
        for url, response in pages.items()
        if MARK_ZH.encode() in response.content or MARK_EN.encode() in response.content
    ]
    assert leaks == []


def test_the_pages_do_show_the_published_rows_around_the_drafts(site):
    """The check above reads pages that list things: the published neighbours are there."""
    client = Client()

    forum = client.get("/en/2018/agenda/forum/").content.decode()
    document = client.get("/en/2018/outcomes/outlook/").content.decode()

    assert "Person" in forum  # the published speaker, without their draft organization
    assert forum.count('class="name"') == 1  # no draft organizer, no draft speaker
    assert "Section " in document
    assert document.count('<section class="document-section') == 1


def test_staff_see_the_drafts_to_check_them(site, admin_client):
    response = admin_client.get("/en/2018/agenda/forum/")

    assert MARK_EN.encode() in response.content

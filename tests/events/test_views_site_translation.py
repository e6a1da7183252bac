"""Names and texts this site translated itself carry a marker on the conference's pages, in
the reader's language, and only where the page shows the marked language's text."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import SessionOrganizer, SessionSpeaker
from tests.factories import (
    make_edition,
    make_organization,
    make_person,
    make_session,
    make_track,
    make_venue,
    saved_unchecked,
)
from tests.html import attribute, elements, text, texts

pytestmark = pytest.mark.django_db

LABEL = {"zh-hans": "本站译", "en": "site translation"}
NOTE = {
    "zh-hans": "本站译 本站自行从另一种语言译出的名称或文字，并非官方名称或措辞。",
    "en": "site translation A name or text that this site translated itself from the other "
    "language: it is not an official name or wording.",
}


def get(client, language, obj):
    with translation.override(language):
        return client.get(obj.get_absolute_url())


def markers(element):
    return elements(element, "span", class_="site-translation")


def marked(element):
    """The visible labels of the markers in `element`."""
    return [marker.children[0] for marker in markers(element)]


@pytest.fixture
def edition():
    return make_edition(year=2018, is_current=True)


@pytest.fixture
def forum(edition):
    """The English title and a speaker's Chinese name and position are the site's."""
    forum = make_session(
        edition=edition,
        slug="poverty-alleviation",
        title_zh_hans="网络公益与扶贫",
        title_en="Online Philanthropy and Poverty Alleviation",
        site_translated=["title_en"],
        track=make_track(
            edition=edition,
            name_zh_hans="普遍安全",
            name_en="Universal Security",
            site_translated=["name_zh_hans"],
        ),
        venue=make_venue(
            name_zh_hans="网剧场", name_en="Internet Theatre", site_translated=["name_en"]
        ),
    )
    harris = make_person(
        name_zh_hans="埃利奥特·哈里斯",
        name_en="Elliott Harris",
        title_zh_hans="联合国经济和社会事务部助理秘书长",
        title_en="Assistant Secretary-General, UN DESA",
        site_translated=["name_zh_hans", "title_zh_hans"],
    )
    ma = make_person(name_zh_hans="马利", name_en="Ma Li")
    for order, person in enumerate([harris, ma]):
        SessionSpeaker.objects.create(session=forum, person=person, sort_order=order)
    SessionOrganizer.objects.create(
        session=forum,
        organization=make_organization(
            name_zh_hans="中国网络社会组织联合会",
            name_en="China Federation of Internet Societies",
            site_translated=["name_en"],
        ),
    )
    return forum


@pytest.mark.parametrize(
    ("language", "title", "track", "venue"),
    [("zh-hans", [], ["本站译"], []), ("en", ["site translation"], [], ["site translation"])],
)
def test_session_page_marks_its_title_track_and_venue_where_shown_in_the_marked_language(
    client, forum, language, title, track, venue
):
    response = get(client, language, forum)

    assert marked(elements(response, "h1")[0]) == title
    facts = dict(zip(texts(response, "dt"), elements(response, "dd"), strict=True))
    track_label, venue_label = {"zh-hans": ("板块", "会场"), "en": ("Track", "Venue")}[language]
    assert marked(facts[track_label]) == track
    assert marked(facts[venue_label]) == venue


@pytest.mark.parametrize(
    ("language", "speakers", "organizers"),
    [
        # Harris's Chinese name and position are the site's; Ma Li's are not.
        ("zh-hans", [["本站译", "本站译"], []], [[]]),
        # The federation's English name is the site's.
        ("en", [[], []], [["site translation"]]),
    ],
)
def test_session_page_marks_the_names_and_positions_the_site_translated(
    client, forum, language, speakers, organizers
):
    response = get(client, language, forum)

    lists = elements(response, "ul", class_="people")
    organizer_items, speaker_items = (elements(people, "li") for people in lists)
    assert [marked(item) for item in speaker_items] == speakers
    assert [marked(item) for item in organizer_items] == organizers


def test_the_marker_reads_in_the_pages_language_with_its_explanation(client, forum):
    response = get(client, "zh-hans", forum)

    track = elements(response, "a", href=f"/zh-hans/2018/agenda/?track={forum.track.slug}")[0]
    assert text(track) == "普遍安全"  # the marker sits after the link, not in it
    (marker, _harris_name, _harris_title) = markers(response)
    assert text(marker) == "本站译 （非官方名称或措辞）"
    assert texts(marker, "span", class_="visually-hidden") == ["（非官方名称或措辞）"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_page_that_shows_a_marker_explains_it_at_its_end(client, forum, language):
    response = get(client, language, forum)

    (main,) = elements(response, "main")
    assert texts(main, "p", class_="site-translation-note") == [NOTE[language]]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_page_without_marked_text_has_no_marker_and_no_note(client, edition, language):
    session = make_session(edition=edition, venue=make_venue(), track=make_track(edition=edition))

    response = get(client, language, session)

    assert markers(response) == []
    assert elements(response, "p", class_="site-translation-note") == []


def test_no_marker_when_the_fallback_shows_the_official_text(client, edition):
    """The English title was marked as the site's, then emptied: the English page shows the
    Chinese title, which is the official one."""
    session = saved_unchecked(
        make_session(edition=edition, title_zh_hans="数字丝路论坛", site_translated=["title_en"]),
        title_en="",
    )

    response = get(client, "en", session)

    (heading,) = elements(response, "h1")
    assert (text(heading), attribute(heading, "lang")) == ("数字丝路论坛", "zh-Hans")
    assert markers(response) == []


def test_a_marked_text_shown_through_the_fallback_keeps_its_marker_in_the_pages_language(
    client, edition
):
    """A Chinese name that is the site's, with no English: the English page shows it, marked."""
    session = make_session(edition=edition)
    SessionSpeaker.objects.create(
        session=session,
        person=saved_unchecked(
            make_person(name_zh_hans="维维亚娜·雷丁", site_translated=["name_zh_hans"]),
            name_en="",
        ),
    )

    response = get(client, "en", session)

    (name,) = elements(response, "span", class_="name")
    (marker,) = markers(name)
    assert (attribute(name, "lang"), attribute(marker, "lang")) == ("zh-Hans", "en")
    assert text(marker) == "site translation (not an official name or wording)"


@pytest.mark.parametrize(
    ("language", "tracks", "venues"),
    [
        ("zh-hans", ["全部板块", "普遍安全（本站译）"], ["全部会场", "网剧场"]),
        (
            "en",
            ["All tracks", "Universal Security"],
            ["All venues", "Internet Theatre (site translation)"],
        ),
    ],
)
def test_agenda_marks_site_translations_in_its_cards_and_its_drop_down_lists(
    client, forum, language, tracks, venues
):
    with translation.override(language):
        response = client.get(f"/{language}/2018/agenda/")

    assert texts(elements(response, "select", name="track")[0], "option") == tracks
    assert texts(elements(response, "select", name="venue")[0], "option") == venues
    (card,) = elements(response, "article", class_="session-card")
    title = {"zh-hans": [], "en": [LABEL["en"]]}[language]
    assert marked(elements(card, "h4")[0]) == title


@pytest.mark.parametrize(
    ("language", "background"), [("zh-hans", []), ("en", ["site translation"])]
)
def test_about_marks_the_edition_texts_the_site_translated(client, language, background):
    edition = make_edition(
        year=2018,
        background_zh_hans="党的十八大以来……",
        background_en="Since the 18th National Congress…",
        theme_zh_hans="创造互信共治的数字世界",
        theme_en="Creating a Digital World for Mutual Trust and Collective Governance",
        site_translated=["background_en"],
    )

    with translation.override(language):
        response = client.get(reverse("events:about", args=[edition.year]))

    sections = {attribute(s, "aria-labelledby"): s for s in elements(response, "section")}
    assert marked(sections["background"]) == background
    assert marked(sections["theme"]) == []

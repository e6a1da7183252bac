"""The agenda and one programme item's page, as a visitor (and an editor) sees them."""

import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from pytest_django.asserts import assertContains

from events.models import Session, SessionOrganizer, SessionSpeaker
from tests.factories import make_agenda, make_organization, make_person, make_session
from tests.html import attribute, elements, text, texts
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def in_language(language, zh, en):
    return zh if language == "zh-hans" else en


def tr(language, message):
    """An interface string as the page in `language` shows it (the catalogue may translate it)."""
    with translation.override(language):
        return capfirst(gettext(message))


@pytest.fixture
def agenda():
    return make_agenda()


def session_titles(response):
    return texts(response, "h4")


# --- The agenda ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_agenda_lists_every_published_item_by_day(client, agenda, language):
    response = client.get(url(language, "events:agenda", 2018))

    assert response.status_code == 200
    assert texts(response, "h2", class_="day-heading") == in_language(
        language,
        ["2018年11月7日 星期三", "2018年11月8日 星期四", "2018年11月9日 星期五"],
        [
            "7 November 2018 Wednesday",
            "8 November 2018 Thursday",
            "9 November 2018 Friday",
        ],
    )
    assert session_titles(response) == in_language(
        language,
        [
            "“互联网之光”博览会",
            "开幕式",
            "全体会议",
            "数字丝路国际合作论坛",
            "互联网治理论坛",
            "闭幕式",
        ],
        [
            "Light of Internet Expo",
            "Opening ceremony",
            "Plenary session",
            "Digital Silk Road Forum",
            "Internet Governance Forum",
            "Closing ceremony",
        ],
    )


def test_agenda_groups_each_day_by_part_of_day(client, agenda):
    response = client.get(url("en", "events:agenda", 2018))

    days = elements(response, "section", class_="agenda-day")
    assert [texts(day, "h3") for day in days] == [
        ["All day", "Morning", "Afternoon"],
        ["Morning", "Afternoon"],
        ["Afternoon"],
    ]


@pytest.mark.parametrize(
    ("language", "headings", "time"),
    [
        ("zh-hans", ["上午", "下午", "晚上", "时间不详"], "时间不详"),
        ("en", ["Morning", "Afternoon", "Evening", "Time not given"], "Time not given"),
    ],
)
def test_items_whose_time_is_not_given_come_last_in_their_day(
    client, agenda, language, headings, time
):
    agenda.closing.part_of_day = Session.PartOfDay.UNKNOWN
    agenda.closing.save()
    make_session(
        edition=agenda.edition,
        slug="evening-performance",
        date=agenda.closing.date,
        part_of_day=Session.PartOfDay.EVENING,
    )
    make_session(
        edition=agenda.edition,
        slug="morning-forum",
        date=agenda.closing.date,
        part_of_day=Session.PartOfDay.MORNING,
    )
    make_session(
        edition=agenda.edition,
        slug="afternoon-forum",
        date=agenda.closing.date,
        part_of_day=Session.PartOfDay.AFTERNOON,
    )

    response = client.get(url(language, "events:agenda", 2018), {"day": "2018-11-09"})

    (day,) = elements(response, "section", class_="agenda-day")
    assert texts(day, "h3") == headings
    assert texts(day, "h4")[-1] == in_language(language, "闭幕式", "Closing ceremony")
    page = client.get(url(language, "events:session-detail", 2018, "closing-ceremony"))
    assert texts(page, "dd")[1] == time


def test_agenda_item_shows_time_in_beijing_time_venue_with_building_track_and_kind(client, agenda):
    response = client.get(url("en", "events:agenda", 2018))

    card = elements(response, "article", class_="session-card")[4]  # the governance forum
    assert texts(card, "p", class_="session-time") == ["14:00–17:30 Beijing time"]
    assert [attribute(t, "datetime") for t in elements(card, "time")] == [
        "2018-11-08T14:00+08:00",
        "2018-11-08T17:30+08:00",
    ]
    assert texts(card, "span", class_="venue") == [
        "Internet Theatre, Wuzhen Internet International Convention and Exhibition Center"
    ]
    assert texts(card, "span", class_="track") == ["Track Cyberspace governance"]
    assert texts(card, "span", class_="badge") == ["Forum"]
    assert [attribute(a, "href") for a in elements(card, "a")] == [
        "/en/2018/agenda/internet-governance/"
    ]


def test_agenda_shows_times_only_where_known(client, agenda):
    response = client.get(url("en", "events:agenda", 2018))

    cards = elements(response, "article", class_="session-card")
    assert [texts(card, "p", class_="session-time") for card in cards] == [
        [],
        ["09:00–10:30 Beijing time"],
        [],
        ["09:00–12:00 Beijing time"],
        ["14:00–17:30 Beijing time"],
        [],
    ]


def test_session_page_without_a_time_shows_its_part_of_day(client, agenda):
    response = client.get(url("en", "events:session-detail", 2018, "plenary-session"))

    assert texts(response, "dd")[:2] == ["7 November 2018 Wednesday", "Afternoon"]


def test_agenda_links_to_its_calendar_with_the_same_filters(client, agenda):
    response = client.get(url("en", "events:agenda", 2018), {"kind": "forum"})

    links = elements(response, "a", class_="calendar-link")
    assert [attribute(a, "href") for a in links] == ["/en/2018/agenda.ics?kind=forum"]


def test_agenda_shows_drafts_to_staff_only(client, admin_client, agenda):
    visitor = client.get(url("en", "events:agenda", 2018), {"day": "2018-11-08"})
    staff = admin_client.get(url("en", "events:agenda", 2018), {"day": "2018-11-08"})

    assert session_titles(visitor) == ["Digital Silk Road Forum", "Internet Governance Forum"]
    assert session_titles(staff) == [
        "Draft forum",
        "Digital Silk Road Forum",
        "Internet Governance Forum",
    ]
    assert texts(staff, "span", class_="draft") == ["Draft"]


# --- One programme item -------------------------------------------------------------------


@pytest.fixture
def forum(agenda):
    session = agenda.silk_road
    session.description_zh_hans = "论坛详情。"
    session.description_en = "More about the forum."
    session.save()
    cac = make_organization(
        name_zh_hans="国家互联网信息办公室", name_en="Cyberspace Administration of China"
    )
    partner = make_organization(name_zh_hans="合作单位", name_en="Partner")
    hidden = make_organization(name_en="Unchecked partner", is_published=False)
    SessionOrganizer.objects.create(session=session, organization=cac, role="host", sort_order=1)
    SessionOrganizer.objects.create(
        session=session, organization=partner, role="co_host", sort_order=2
    )
    SessionOrganizer.objects.create(session=session, organization=hidden, sort_order=3)
    speaker = make_person(
        name_zh_hans="张三",
        name_en="Zhang San",
        title_zh_hans="主任",
        title_en="Director",
        organization=cac,
    )
    moderator = make_person(name_zh_hans="李四", name_en="Li Si", title_zh_hans="", title_en="")
    SessionSpeaker.objects.create(session=session, person=speaker, role="keynote", sort_order=1)
    SessionSpeaker.objects.create(session=session, person=moderator, role="moderator", sort_order=2)
    return session


@pytest.mark.parametrize("language", LANGUAGES)
def test_session_page_shows_everything_about_the_item(client, forum, language):
    response = client.get(url(language, "events:session-detail", 2018, "digital-silk-road"))

    assert response.status_code == 200
    assert texts(response, "h1") == [
        in_language(language, "数字丝路国际合作论坛", "Digital Silk Road Forum")
    ]
    assert texts(response, "dd") == in_language(
        language,
        [
            "2018年11月8日 星期四",
            f"09:00–12:00 {tr(language, 'Beijing time')}",
            "乌镇宴会中心",
            "数字经济",
        ],
        [
            "8 November 2018 Thursday",
            "09:00–12:00 Beijing time",
            "Wuzhen Banquet Center",
            "Digital economy",
        ],
    )
    assert texts(response, "div", class_="prose") == in_language(
        language,
        ["数字经济合作", "论坛详情。"],
        ["Cooperation in the digital economy", "More about the forum."],
    )
    people = elements(response, "ul", class_="people")
    host, co_host = tr(language, "host"), tr(language, "co-host")
    keynote, moderator = tr(language, "keynote speaker"), tr(language, "moderator")
    assert texts(people[0], "li") == in_language(
        language,
        [f"国家互联网信息办公室 {host}", f"合作单位 {co_host}"],
        ["Cyberspace Administration of China Host", "Partner Co-host"],
    )
    assert texts(people[1], "li") == in_language(
        language,
        [f"张三 {keynote} 主任，国家互联网信息办公室", f"李四 {moderator}"],
        [
            "Zhang San Keynote speaker Director, Cyberspace Administration of China",
            "Li Si Moderator",
        ],
    )


def test_session_page_offers_the_item_as_a_calendar_file(client, forum):
    response = client.get(url("en", "events:session-detail", 2018, "digital-silk-road"))

    links = [attribute(a, "href") for a in elements(response, "a", class_="button")]
    assert links == ["/en/2018/agenda.ics?slug=digital-silk-road"]


def test_session_page_has_json_ld_event_within_the_edition(client, forum):
    response = client.get(url("en", "events:session-detail", 2018, "digital-silk-road"))

    script = elements(response, "script", type="application/ld+json")[0]
    data = json.loads(script.children[0])
    assert data["@type"] == "Event"
    assert data["name"] == "Digital Silk Road Forum"
    assert data["startDate"] == "2018-11-08T09:00:00+08:00"
    assert data["endDate"] == "2018-11-08T12:00:00+08:00"
    assert data["location"]["name"] == "Wuzhen Banquet Center"
    assert data["superEvent"]["name"] == "Fifth World Internet Conference"
    assert data["superEvent"]["url"] == "http://testserver/en/2018/"
    assert [p["name"] for p in data["performer"]] == ["Zhang San", "Li Si"]
    assert [o["name"] for o in data["organizer"]] == [
        "Cyberspace Administration of China",
        "Partner",
    ]


def test_json_ld_cannot_be_closed_by_content(client, agenda):
    agenda.opening.title_en = "</script><script>alert(1)</script>"
    agenda.opening.save()

    response = client.get(url("en", "events:session-detail", 2018, "opening-ceremony"))

    assert b"<script>alert(1)" not in response.content
    script = elements(response, "script", type="application/ld+json")[0]
    assert json.loads(script.children[0])["name"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize(
    "path",
    [
        "/en/2018/agenda/no-such-item/",
        "/en/2018/agenda/draft-forum/",
        "/en/2017/agenda/digital-silk-road/",
    ],
)
def test_session_page_is_404_for_unknown_draft_or_other_edition(client, agenda, path):
    from tests.factories import make_edition

    make_edition(year=2017, number=4)

    assert client.get(path).status_code == 404


def test_staff_preview_a_draft_item_with_a_banner_and_an_edit_link(admin_client, agenda):
    response = admin_client.get(url("en", "events:session-detail", 2018, "draft-forum"))

    assert response.status_code == 200
    banner = elements(response, "div", class_="draft-banner")[0]
    assert text(banner).startswith("Draft: not visible to visitors")
    assert [attribute(a, "href") for a in elements(banner, "a")] == [
        f"/admin/events/session/{agenda.draft.pk}/change/"
    ]


def test_published_item_has_no_draft_banner_for_staff(admin_client, agenda):
    response = admin_client.get(url("en", "events:session-detail", 2018, "digital-silk-road"))

    assert elements(response, "div", class_="draft-banner") == []


def test_session_title_missing_in_english_falls_back_with_its_language(client, agenda):
    agenda.expo.title_en = ""
    agenda.expo.save()

    response = client.get(url("en", "events:session-detail", 2018, "light-of-internet-expo"))

    assertContains(response, '<h1 lang="zh-Hans">“互联网之光”博览会</h1>', html=True)


# --- A long agenda: pages and days -------------------------------------------------------


def add_forums(agenda, count, start=0, **fields):
    from tests.factories import make_session

    return [
        make_session(
            edition=agenda.edition,
            slug=f"extra-forum-{n:02}",
            title_en=f"Extra forum {n:02}",
            sort_order=n,
            **fields,
        )
        for n in range(start, start + count)
    ]


def test_a_long_agenda_lists_forty_items_a_page_keeping_the_filters(client, agenda):
    add_forums(agenda, 40, date=agenda.silk_road.date, part_of_day="evening")
    path = url("en", "events:agenda", 2018)

    first = client.get(path, {"kind": "forum"})
    second = client.get(path, {"kind": "forum", "page": 2})

    # 42 forums in agenda order: the two of the morning and afternoon, then the evening's.
    assert session_titles(first)[:3] == [
        "Digital Silk Road Forum",
        "Internet Governance Forum",
        "Extra forum 00",
    ]
    assert len(session_titles(first)) == 40
    assert session_titles(second) == ["Extra forum 38", "Extra forum 39"]
    assert [attribute(a, "href") for a in elements(first, "a", rel="next")] == [
        "?kind=forum&page=2"
    ]
    assert texts(first, "p", class_="result-bar")[0].startswith("42 ")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agenda_links_to_each_day_keeping_the_other_filters(client, agenda, language):
    response = client.get(
        url(language, "events:agenda", 2018), {"kind": "forum", "day": "2018-11-08", "page": 1}
    )

    nav = elements(response, "nav", class_="agenda-days")[0]
    links = elements(nav, "a")
    assert [attribute(a, "href") for a in links] == [
        "?kind=forum",
        "?day=2018-11-07&kind=forum",
        "?day=2018-11-08&kind=forum",
        "?day=2018-11-09&kind=forum",
    ]
    assert texts(nav, "a")[1:] == in_language(
        language,
        ["11月7日 星期三", "11月8日 星期四", "11月9日 星期五"],
        ["Wednesday 7 November", "Thursday 8 November", "Friday 9 November"],
    )
    assert [a for a in links if "aria-current" in a.attributes] == [links[2]]


def test_agenda_queries_stay_flat_on_any_page(client, agenda):
    added = add_forums(agenda, 114, date=agenda.silk_road.date)  # 120 items: three pages

    def grow(n):  # the fourth page, with 1 item, then with 10, each with a track and a hall
        added.extend(
            add_forums(
                agenda,
                n,
                start=len(added),
                date=agenda.closing.date,
                part_of_day="evening",
                track=agenda.tracks.economy,
                venue=agenda.venues.theatre,
            )
        )

    with_one, with_ten = assert_queries_flat(
        client, url("en", "events:agenda", 2018), grow, {"page": 4}
    )

    assert len(session_titles(with_one)) == 1
    assert len(session_titles(with_ten)) == 10

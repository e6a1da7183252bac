"""agenda.ics, read back with the icalendar library as a calendar application would."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from events.models import Session
from tests.factories import make_agenda
from tests.html import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda():
    return make_agenda()


def path(language, name="events:agenda-ics", *args):
    with translation.override(language):
        return reverse(name, args=[2018, *args])


def calendar(response):
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def events(cal):
    return cal.walk("VEVENT")


def test_calendar_is_served_as_text_calendar_with_a_filename(client, agenda):
    response = client.get(path("en"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wic-2018-agenda.ics"'
    cal = calendar(response)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"].startswith("-//World Internet Conference//")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"day": "2018-11-08"},
        {"kind": "forum"},
        {"venue": "wicec"},
        {"track": "governance"},
        {"q": "数字"},
        {"day": "2018-11-07", "venue": "wicec", "kind": "expo"},
        {"day": "not-a-day"},
    ],
)
def test_calendar_has_one_event_per_item_the_agenda_lists(client, agenda, params):
    page = client.get(path("en", "events:agenda"), params)
    cal = calendar(client.get(path("en"), params))

    assert [str(e["SUMMARY"]) for e in events(cal)] == texts(page, "h4")


def test_timed_items_use_beijing_time_with_its_vtimezone(client, agenda):
    cal = calendar(client.get(path("en"), {"slug": "digital-silk-road"}))

    (event,) = events(cal)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTSTART"].dt == datetime.datetime(
        2018, 11, 8, 9, 0, tzinfo=event["DTSTART"].dt.tzinfo
    )
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=8)
    assert event["DTEND"].dt.hour == 12
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert b"DTSTART;TZID=Asia/Shanghai:20181108T090000" in cal.to_ical()


def test_items_known_only_by_part_of_day_are_all_day_dates(client, agenda):
    cal = calendar(client.get(path("en"), {"day": "2018-11-07"}))

    starts = {str(e["SUMMARY"]): e["DTSTART"] for e in events(cal)}
    assert starts["Light of Internet Expo"].dt == datetime.date(2018, 11, 7)
    assert starts["Light of Internet Expo"].params["VALUE"] == "DATE"
    assert starts["Plenary session"].dt == datetime.date(2018, 11, 7)
    assert isinstance(starts["Opening ceremony"].dt, datetime.datetime)
    plenary = next(e for e in events(cal) if str(e["SUMMARY"]) == "Plenary session")
    assert plenary["DTEND"].dt == datetime.date(2018, 11, 8)


@pytest.mark.parametrize(("language", "said"), [("zh-hans", "时间不详"), ("en", "Time not given")])
def test_an_item_whose_time_is_not_given_is_an_all_day_date_that_says_so(
    client, agenda, language, said
):
    agenda.closing.part_of_day = Session.PartOfDay.UNKNOWN
    agenda.closing.save()

    cal = calendar(client.get(path(language), {"slug": "closing-ceremony"}))

    (event,) = events(cal)
    assert event["DTSTART"].dt == datetime.date(2018, 11, 9)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTEND"].dt == datetime.date(2018, 11, 10)
    assert str(event["DESCRIPTION"]).split("\n\n") == [
        said,
        f"http://testserver/{language}/2018/agenda/closing-ceremony/",
    ]


def test_uids_are_stable_across_requests_and_differ_between_languages(client, agenda):
    first = calendar(client.get(path("en")))
    second = calendar(client.get(path("en")))
    chinese = calendar(client.get(path("zh-hans")))

    uids = [str(e["UID"]) for e in events(first)]
    chinese_uids = [str(e["UID"]) for e in events(chinese)]
    assert uids == [str(e["UID"]) for e in events(second)]
    assert uids[1] == f"session-{agenda.opening.pk}-en@wuzhen-wic"
    assert chinese_uids[1] == f"session-{agenda.opening.pk}-zh-hans@wuzhen-wic"
    assert len(set(uids)) == len(uids)
    # Subscribed to both, a calendar application keeps each language's events apart.
    assert set(uids).isdisjoint(chinese_uids)
    assert len(chinese_uids) == len(uids)


def test_an_item_without_a_venue_is_located_at_the_editions_place(client, agenda):
    agenda.closing.venue = None
    agenda.closing.save()

    english = calendar(client.get(path("en"), {"slug": "closing-ceremony"}))
    chinese = calendar(client.get(path("zh-hans"), {"slug": "closing-ceremony"}))

    assert [str(e["LOCATION"]) for e in events(english)] == ["Wuzhen"]
    assert [str(e["LOCATION"]) for e in events(chinese)] == ["乌镇"]


def test_an_item_whose_venue_is_a_draft_is_located_at_the_editions_place(client, agenda):
    agenda.venues.banquet.is_published = False
    agenda.venues.banquet.save()

    cal = calendar(client.get(path("en"), {"slug": "digital-silk-road"}))

    assert [str(e["LOCATION"]) for e in events(cal)] == ["Wuzhen"]


@pytest.mark.parametrize(
    ("language", "place", "center"),
    [
        ("zh-hans", "浙江乌镇", "乌镇互联网国际会展中心"),
        (
            "en",
            "Wuzhen, Zhejiang Province",
            "Wuzhen International Internet Exhibition & Convention Center",
        ),
    ],
)
def test_every_event_of_the_seed_calendar_has_a_location_and_a_uid_of_its_language(
    client, language, place, center
):
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", verbosity=0)

    cal = calendar(client.get(path(language)))

    located = {str(e["URL"]).rstrip("/").rsplit("/", 1)[1]: str(e["LOCATION"]) for e in events(cal)}
    assert len(located) == Session.objects.filter(is_published=True).count() == 11
    # Sessions with a venue name it (with its building); the others, whose venue no source
    # confirms, the edition's place.
    assert located == {
        "expo-press-conference": f"{'网剧场' if language == 'zh-hans' else 'Internet Theatre'}, {center}",
        "hac-annual-meeting": place,
        "opening-ceremony": place,
        "plenary-session": center,
        "wuzhen-talks": center,
        "leading-achievements-release": place,
        "blue-book-release": place,
        "personal-information-protection": center,
        "online-public-welfare-and-poverty-alleviation": place,
        "digital-silk-road": place,
        "closing-ceremony": place,
    }
    assert all(str(e["UID"]).endswith(f"-{language}@wuzhen-wic") for e in events(cal))


@pytest.mark.parametrize(
    ("language", "summary", "location", "url"),
    [
        (
            "zh-hans",
            "数字丝路国际合作论坛",
            "乌镇宴会中心",
            "http://testserver/zh-hans/2018/agenda/digital-silk-road/",
        ),
        (
            "en",
            "Digital Silk Road Forum",
            "Wuzhen Banquet Center",
            "http://testserver/en/2018/agenda/digital-silk-road/",
        ),
    ],
)
def test_calendar_text_follows_the_language_of_the_url(
    client, agenda, language, summary, location, url
):
    cal = calendar(client.get(path(language), {"slug": "digital-silk-road"}))

    (event,) = events(cal)
    assert str(event["SUMMARY"]) == summary
    assert str(event["LOCATION"]) == location
    assert str(event["URL"]) == url
    assert str(event["DESCRIPTION"]).startswith(
        "数字经济合作" if language == "zh-hans" else "Cooperation in the digital economy"
    )


def test_location_names_the_building_of_a_hall(client, agenda):
    cal = calendar(client.get(path("en"), {"slug": "opening-ceremony"}))

    (event,) = events(cal)
    assert str(event["LOCATION"]) == (
        "Internet Theatre, Wuzhen Internet International Convention and Exhibition Center"
    )


def test_one_item_export_is_named_after_it(client, agenda):
    response = client.get(path("en"), {"slug": "digital-silk-road"})

    assert response["Content-Disposition"] == (
        'attachment; filename="wic-2018-digital-silk-road.ics"'
    )


def test_drafts_are_not_in_the_visitors_calendar(client, admin_client, agenda):
    visitor = calendar(client.get(path("en"), {"slug": "draft-forum"}))
    staff = calendar(admin_client.get(path("en"), {"slug": "draft-forum"}))

    assert events(visitor) == []
    assert [str(e["SUMMARY"]) for e in events(staff)] == ["Draft forum"]


def test_invalid_filters_give_an_empty_valid_calendar(client, agenda):
    cal = calendar(client.get(path("en"), {"kind": "<script>", "day": "%00"}))

    assert events(cal) == []
    assert cal["VERSION"] == "2.0"


def test_text_is_escaped_and_long_lines_folded_within_75_octets(client, agenda):
    silk_road = agenda.silk_road
    silk_road.title_en = "Trust, security; and a\\backslash"
    silk_road.summary_en = (
        "第一行，很长的一段中文摘要" * 8 + "\nSecond line, with commas; and more."
    )
    silk_road.save()

    response = client.get(path("en"), {"slug": "digital-silk-road"})

    (event,) = events(calendar(response))
    assert str(event["SUMMARY"]) == "Trust, security; and a\\backslash"
    assert str(event["DESCRIPTION"]).startswith(silk_road.summary_en + "\n\n")
    lines = response.content.split(b"\r\n")
    assert lines[-1] == b""  # every line ends with CRLF
    assert max(len(line) for line in lines) <= 75
    assert b"SUMMARY:Trust\\, security\\; and a\\\\backslash\r\n" in response.content


def test_a_whole_agenda_of_many_items_is_one_valid_calendar(client, agenda):
    from tests.factories import make_session

    for n in range(120):
        make_session(edition=agenda.edition, slug=f"extra-{n}", title_en=f"Extra {n}")

    cal = calendar(client.get(path("en")))

    assert len(events(cal)) == 6 + 120
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]

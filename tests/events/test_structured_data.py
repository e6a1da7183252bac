"""schema.org data (JSON-LD) and Open Graph images, read back from every page of the seed in
both languages as a search engine or a link preview reads them.

The JSON-LD is checked against the schema.org definitions of the types and properties the site
uses (SCHEMA below: each property with the types its value may have, as schema.org gives
them): an unknown type or property, or a value of the wrong type (a `Report` that `isPartOf`
an `Event`), fails. Then what schema.org cannot say by itself: every Event has an image that
exists, an end where one is known, and sub-events within their event's dates.
"""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from PIL import Image

from events.models import Edition, Session
from tests.factories import make_edition, make_session
from tests.html import attribute, elements
from tests.wic.test_security_headers import seed_pages

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"

# The part of schema.org the site uses: {type: {property: {allowed value types}}}. "Text",
# "URL", "Date" (Date or DateTime) and enumerations are plain values; other names are types
# (SUBTYPES says which types stand for a more general one).
SCHEMA = {
    "Event": {
        "name": {"Text"},
        "description": {"Text"},
        "url": {"URL"},
        "image": {"URL", "ImageObject"},
        "startDate": {"Date"},
        "endDate": {"Date"},
        "eventStatus": {"EventStatusType"},
        "eventAttendanceMode": {"EventAttendanceModeEnumeration"},
        "inLanguage": {"Text", "Language"},
        "location": {"Place", "PostalAddress", "Text", "VirtualLocation"},
        "organizer": {"Organization", "Person"},
        "performer": {"Organization", "Person"},
        "subEvent": {"Event"},
        "superEvent": {"Event"},
    },
    "Report": {
        "name": {"Text"},
        "description": {"Text"},
        "url": {"URL"},
        "image": {"URL", "ImageObject"},
        "inLanguage": {"Text", "Language"},
        "alternativeHeadline": {"Text"},
        "datePublished": {"Date"},
        "publisher": {"Organization", "Person"},
        "author": {"Organization", "Person"},
        "encoding": {"MediaObject"},
        "about": {"Thing"},
        "isPartOf": {"CreativeWork", "URL"},
    },
    "Place": {"name": {"Text"}, "address": {"PostalAddress", "Text"}},
    "PostalAddress": {"addressLocality": {"Text"}, "addressCountry": {"Country", "Text"}},
    "Organization": {"name": {"Text"}, "url": {"URL"}},
    "Person": {"name": {"Text"}},
    "MediaObject": {"contentUrl": {"URL"}, "encodingFormat": {"Text", "URL"}},
}
SUBTYPES = {
    "Thing": set(SCHEMA),
    "CreativeWork": {"CreativeWork", "Report", "MediaObject"},
}
ENUMERATIONS = {
    "EventStatusType": {
        f"https://schema.org/{name}"
        for name in [
            "EventScheduled",
            "EventCancelled",
            "EventMovedOnline",
            "EventPostponed",
            "EventRescheduled",
        ]
    },
    "EventAttendanceModeEnumeration": {
        f"https://schema.org/{name}"
        for name in [
            "OfflineEventAttendanceMode",
            "OnlineEventAttendanceMode",
            "MixedEventAttendanceMode",
        ]
    },
}


def is_date(value):
    try:
        if len(value) == 10:
            datetime.date.fromisoformat(value)
        else:
            assert datetime.datetime.fromisoformat(value).tzinfo is not None
    except (ValueError, AssertionError):
        return False
    return True


def text_fits(value, allowed):
    return (
        "Text" in allowed
        or ("URL" in allowed and urlsplit(value).scheme in ("http", "https"))
        or ("Date" in allowed and is_date(value))
        or any(value in ENUMERATIONS.get(name, ()) for name in allowed)
    )


def schema_problems(node, where="$"):
    """What is not schema.org in a JSON-LD node, as sentences."""
    kind = node.get("@type")
    if kind not in SCHEMA:
        return [f"{where}: unknown type {kind!r}"]
    problems = []
    for name, value in node.items():
        if name.startswith("@"):
            continue
        allowed = SCHEMA[kind].get(name)
        if allowed is None:
            problems.append(f"{where}: {kind} has no property {name!r}")
            continue
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            place = f"{where}.{name}[{n}]"
            if isinstance(item, dict):
                types = set().union(*(SUBTYPES.get(t, {t}) for t in allowed))
                if item.get("@type") not in types:
                    problems.append(f"{place}: a {item.get('@type')} is not {sorted(allowed)}")
                else:
                    problems += schema_problems(item, place)
            elif not (isinstance(item, str) and text_fits(item, allowed)):
                problems.append(f"{place}: {item!r} is not {sorted(allowed)}")
    return problems


def json_ld(response):
    return [
        json.loads(script.children[0])
        for script in elements(response, "script", type="application/ld+json")
    ]


def events_in(node):
    """Every Event node in a JSON-LD tree, the node's parent event with it."""
    found = []

    def walk(value, parent):
        if isinstance(value, list):
            for item in value:
                walk(item, parent)
        elif isinstance(value, dict):
            is_event = value.get("@type") == "Event"
            if is_event:
                found.append((value, parent))
            for key, item in value.items():
                walk(item, value if is_event and key == "subEvent" else None)

    walk(node, None)
    return found


def static_file(url):
    """The file a /static/ URL of this test server names, or None."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver"), url
    return finders.find(parts.path.removeprefix("/static/"))


@pytest.fixture
def seed_responses(client):
    """{(language, url): response} for every page of the seed, in both languages."""
    responses = {}
    for language in ["zh-hans", "en"]:
        for url in seed_pages(language):
            response = client.get(url)
            assert response.status_code == 200, url
            responses[language, url] = response
    return responses


# --- The checker can fail ---------------------------------------------------------------


def test_the_schema_check_rejects_an_event_as_the_part_of_a_report():
    report = {
        "@type": "Report",
        "name": "Wuzhen Outlook",
        "isPartOf": {"@type": "Event", "name": "WIC"},
        "about": {"@type": "Event", "name": "WIC"},
        "datePublished": "9 November",
        "colour": "blue",
    }

    assert schema_problems(report) == [
        "$.isPartOf[0]: a Event is not ['CreativeWork', 'URL']",
        "$.datePublished[0]: '9 November' is not ['Date']",
        "$: Report has no property 'colour'",
    ]


# --- Every page of the seed ---------------------------------------------------------------


def test_the_seeds_structured_data_is_schema_org(seed_responses):
    problems, types = {}, set()
    for (language, url), response in seed_responses.items():
        for data in json_ld(response):
            assert data["@context"] == "https://schema.org"
            types.add(data["@type"])
            if found := schema_problems(data):
                problems[language, url] = found

    assert problems == {}
    assert types == {"Event", "Report"}


def test_every_event_has_an_image_an_end_and_sub_events_within_its_dates(seed_responses):
    events = 0
    for (language, url), response in seed_responses.items():
        for data in json_ld(response):
            for event, parent in events_in(data):
                events += 1
                where = f"{url}: {event['name']}"
                assert static_file(event["image"]), where
                assert event["image"] == f"{SERVER}/static/img/share-{language}.png", where
                assert "endDate" in event, where
                assert event["startDate"][:10] <= event["endDate"][:10], where
                if parent is not None:
                    assert parent["startDate"] <= event["startDate"][:10], where
                    assert event["endDate"][:10] <= parent["endDate"], where
                if "superEvent" in event:
                    super_event = event["superEvent"]
                    assert super_event["startDate"] <= event["startDate"][:10], where
                    assert event["endDate"][:10] <= super_event["endDate"], where

    assert events > 40


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_seed_editions_sub_events_are_its_programme_within_its_dates(seed_responses, language):
    with translation.override(language):
        home = seed_responses[language, reverse("events:home")]
        published = Session.objects.filter(is_published=True).order_by("date", "pk")
        inside = {s.title for s in published if datetime.date(2018, 11, 7) <= s.date}
        before = {s.title for s in published if s.date < datetime.date(2018, 11, 7)}

    (data,) = json_ld(home)
    assert (data["startDate"], data["endDate"]) == ("2018-11-07", "2018-11-09")
    assert {event["name"] for event in data["subEvent"]} == inside
    assert len(before) == 2 and not before & inside  # the 6 November items


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_item_before_the_opening_does_not_claim_the_edition_as_its_super_event(
    seed_responses, language
):
    with translation.override(language):
        before = seed_responses[
            language, reverse("events:session-detail", args=[2018, "expo-press-conference"])
        ]
        during = seed_responses[
            language, reverse("events:session-detail", args=[2018, "plenary-session"])
        ]

    ((before_data,), (during_data,)) = json_ld(before), json_ld(during)
    assert "superEvent" not in before_data
    assert (before_data["startDate"], before_data["endDate"]) == ("2018-11-06", "2018-11-06")
    assert during_data["superEvent"]["url"] == f"{SERVER}/{language}/2018/"
    assert (during_data["startDate"], during_data["endDate"]) == ("2018-11-07", "2018-11-07")


def test_a_timed_item_ends_at_its_end_time(client):
    edition = make_edition(year=2018)
    session = make_session(
        edition=edition, starts_at=datetime.time(9), ends_at=datetime.time(11, 30)
    )

    (data,) = json_ld(client.get(session.get_absolute_url()))

    assert (data["startDate"], data["endDate"]) == (
        "2018-11-08T09:00:00+08:00",
        "2018-11-08T11:30:00+08:00",
    )


# --- Open Graph images ------------------------------------------------------------------


def og(response, name):
    return [attribute(m, "content") for m in elements(response, "meta", property=name)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_has_an_absolute_og_image_in_its_language(seed_responses, client, language):
    responses = [r for (code, _url), r in seed_responses.items() if code == language]
    responses.append(client.get(f"/{language}/no-such-page/"))
    image = f"{SERVER}/static/img/share-{language}.png"
    alt = {"zh-hans": "世界互联网大会 · 乌镇", "en": "World Internet Conference, Wuzhen"}[language]

    for response in responses:
        assert og(response, "og:image") == [image], response.request["PATH_INFO"]
        assert og(response, "og:image:alt") == [alt]
        assert (og(response, "og:image:width"), og(response, "og:image:height")) == (
            ["1200"],
            ["630"],
        )

    with Image.open(static_file(image)) as picture:
        assert (picture.format, picture.size) == ("PNG", (1200, 630))


def test_an_edition_with_a_logo_is_shared_with_its_logo(client):
    edition = make_edition(year=2018, is_current=True, name_en="Fifth World Internet Conference")
    Edition.objects.filter(pk=edition.pk).update(logo="editions/logo.png")
    make_session(edition=edition, slug="opening")

    home = client.get("/en/")
    session = client.get("/en/2018/agenda/opening/")

    logo = f"{SERVER}/media/editions/logo.png"
    assert og(home, "og:image") == [logo]
    assert og(home, "og:image:alt") == ["Logo of Fifth World Internet Conference"]
    assert og(home, "og:image:width") == []  # not known without opening the file
    (home_data,), (session_data,) = json_ld(home), json_ld(session)
    assert home_data["image"] == session_data["image"] == logo
    assert session_data["superEvent"]["image"] == logo

"""The agenda's filters, through the page: what a visitor gets for each query string."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.filters import SessionFilter
from events.models import Session
from tests.factories import make_agenda, make_session, make_track, saved_unchecked
from tests.html import attribute, elements, texts
from wic.core.publication import PUBLIC

pytestmark = pytest.mark.django_db

OPENING = "Opening ceremony"
EXPO = "Light of Internet Expo"
PLENARY = "Plenary session"
SILK_ROAD = "Digital Silk Road Forum"
GOVERNANCE = "Internet Governance Forum"
CLOSING = "Closing ceremony"
CHINESE = {
    OPENING: "开幕式",
    EXPO: "“互联网之光”博览会",
    PLENARY: "全体会议",
    SILK_ROAD: "数字丝路国际合作论坛",
    GOVERNANCE: "互联网治理论坛",
    CLOSING: "闭幕式",
}


@pytest.fixture
def agenda():
    return make_agenda()


def listed(client, params, language="en"):
    with translation.override(language):
        path = reverse("events:agenda", args=[2018])
    response = client.get(path, params)
    assert response.status_code == 200
    return texts(response, "h4")


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, [EXPO, OPENING, PLENARY, SILK_ROAD, GOVERNANCE, CLOSING]),
        ({"day": "2018-11-07"}, [EXPO, OPENING, PLENARY]),
        ({"day": "2018-11-08"}, [SILK_ROAD, GOVERNANCE]),
        ({"day": "2018-11-09"}, [CLOSING]),
        ({"kind": "forum"}, [SILK_ROAD, GOVERNANCE]),
        ({"kind": "opening"}, [OPENING]),
        ({"kind": "dialogue"}, []),
        ({"track": "digital-economy"}, [SILK_ROAD]),
        ({"track": "governance"}, [GOVERNANCE]),
        ({"venue": "banquet"}, [SILK_ROAD]),
        ({"venue": "theatre"}, [OPENING, GOVERNANCE, CLOSING]),
        # A building stands for its halls too.
        ({"venue": "wicec"}, [EXPO, OPENING, PLENARY, GOVERNANCE, CLOSING]),
        ({"day": "2018-11-08", "venue": "wicec"}, [GOVERNANCE]),
        ({"day": "2018-11-07", "kind": "plenary", "venue": "wicec"}, [PLENARY]),
        ({"kind": "forum", "track": "governance", "day": "2018-11-08"}, [GOVERNANCE]),
    ],
)
def test_agenda_filters(client, agenda, params, titles):
    assert listed(client, params) == titles


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("数字", [SILK_ROAD]),  # Chinese title and summary, from either interface
        ("digital", [SILK_ROAD]),  # English title, any case
        ("Governance", [GOVERNANCE]),
        ("cyberspace", [GOVERNANCE]),  # English summary only
        ("命运共同体", [GOVERNANCE]),  # Chinese summary only
        ("丝路 论坛", [SILK_ROAD]),  # every word must match
        ("论坛", [SILK_ROAD, GOVERNANCE]),
        ("ceremony", [OPENING, CLOSING]),
        ("nothing-like-this", []),
        ("100%", []),  # LIKE wildcards are matched literally
    ],
)
def test_agenda_keyword_searches_both_languages(client, agenda, language, q, titles):
    expected = titles if language == "en" else [CHINESE[title] for title in titles]

    assert listed(client, {"q": q}, language) == expected


def test_keyword_finds_an_item_whose_title_is_only_in_chinese(client, agenda):
    saved_unchecked(
        make_session(edition=agenda.edition, slug="wuzhen-dialogue", title_zh_hans="乌镇论道"),
        title_en="",
    )

    assert listed(client, {"q": "论道"}) == ["乌镇论道"]


def test_filter_choices_are_limited_to_the_edition(client, agenda):
    make_track(slug="other-track")  # another edition's track
    with translation.override("en"):
        response = client.get(reverse("events:agenda", args=[2018]))

    day = elements(response, "select", name="day")[0]
    assert [attribute(o, "value") for o in elements(day, "option")] == [
        "",
        "2018-11-07",
        "2018-11-08",
        "2018-11-09",
    ]
    assert texts(day, "option") == [
        "All days",
        "Wednesday 7 November",
        "Thursday 8 November",
        "Friday 9 November",
    ]
    track = elements(response, "select", name="track")[0]
    assert [attribute(o, "value") for o in elements(track, "option")] == [
        "",
        "digital-economy",
        "governance",
    ]
    venue = elements(response, "select", name="venue")[0]
    assert texts(venue, "option") == [
        "All venues",
        "Wuzhen Internet International Convention and Exhibition Center",
        "Wuzhen Internet International Convention and Exhibition Center · Internet Theatre",
        "Wuzhen Banquet Center",
    ]


def test_day_choices_include_a_day_outside_the_edition_dates(client, agenda):
    import datetime

    make_session(
        edition=agenda.edition, slug="eve", title_en="Eve", date=datetime.date(2018, 11, 6)
    )

    assert listed(client, {"day": "2018-11-06"}) == ["Eve"]


@pytest.mark.parametrize(
    ("language", "params", "message"),
    [
        ("en", {"day": "2018-11-10"}, "Day: Select a valid choice. 2018-11-10 is not one of"),
        ("en", {"day": "yesterday"}, "Day: Select a valid choice. yesterday is not one of"),
        ("en", {"kind": "party"}, "Kind: Select a valid choice. party is not one of"),
        ("en", {"track": "no-such-track"}, "Track: Select a valid choice. That choice is not one"),
        ("en", {"venue": "moon"}, "Venue: Select a valid choice. That choice is not one"),
        ("en", {"q": "x" * 101}, "Keyword: Your search is too long: use at most 100 characters"),
        ("zh-hans", {"day": "2018-11-10"}, "选择一个有效的选项"),
        ("zh-hans", {"track": "no-such-track"}, "选择一个有效的选项"),
    ],
)
def test_invalid_filter_values_show_a_translated_message_and_no_items(
    client, agenda, language, params, message
):
    with translation.override(language):
        response = client.get(reverse("events:agenda", args=[2018]), params)

    assert response.status_code == 200
    assert texts(response, "h4") == []
    errors = texts(response, "div", class_="form-errors")
    assert len(errors) == 1
    assert message in errors[0]


def test_filter_labels_are_translated_at_request_time():
    """gettext_lazy: the labels follow the language active when the form is built."""
    from tests.factories import make_edition

    edition = make_edition()
    labels = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            form = SessionFilter(
                data={},
                queryset=Session.objects.none(),
                edition=edition,
                audience=PUBLIC,
            ).form
            labels[language] = [str(field.label) for field in form.visible_fields()]

    assert labels["en"] == ["Day", "Kind", "Track", "Venue", "Keyword"]
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        assert labels["zh-hans"] == [
            gettext(w) for w in ["Day", "Kind", "Track", "Venue", "Keyword"]
        ]


def test_the_form_keeps_the_filters_in_the_url(client, agenda):
    with translation.override("en"):
        response = client.get(
            reverse("events:agenda", args=[2018]), {"day": "2018-11-08", "q": "forum"}
        )

    form = elements(response, "form", class_="filters")[0]
    assert attribute(form, "method") == "get"
    selected = [attribute(o, "value") for o in elements(form, "option", selected="")]
    assert selected == ["2018-11-08", "", "", ""]
    assert [attribute(i, "value") for i in elements(form, "input", name="q")] == ["forum"]

"""axe-core finds no serious or critical accessibility problem on the conference pages."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import EditionRole, Highlight, KeyFigure
from tests.factories import (
    make_agenda,
    make_document,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_press_evaluation,
)

PAGES = [
    "/",
    "/2018/",
    "/2018/about/",
    "/2018/news/",
    "/2018/news/?category=gossip",  # with a form error
    "/2018/agenda/",
    "/2018/agenda/?day=2018-11-08&q=forum",
    "/2018/agenda/?day=not-a-day",  # with a form error
    "/2018/agenda/digital-silk-road/",
    "/editions/",
    "/no-such-page/",  # 404
]


@pytest.fixture
def content(transactional_db):
    """The agenda plus something of every kind the pages show."""
    agenda = make_agenda(
        tagline_zh_hans="浙江乌镇举办的国际互联网盛会",
        tagline_en="An international internet gathering in Wuzhen",
        background_zh_hans="会议背景。",
        background_en="The background.",
        logo_description_zh_hans="标志的含义。",
        logo_description_en="What the logo means.",
        trademark_note_zh_hans="标志受法律保护。",
        trademark_note_en="The logos are protected by law.",
        last_revised_at=datetime.datetime(2024, 10, 25, 3, 41, tzinfo=datetime.UTC),
        site_translated=["tagline_en", "background_en"],  # markers in the hero and the prose
    )
    edition = agenda.edition
    host = make_organization(
        name_zh_hans="国家互联网信息办公室",
        name_en="Cyberspace Administration of China",
        site_translated=["name_en"],
    )
    EditionRole.objects.create(edition=edition, organization=host, role=EditionRole.Role.HOST)
    make_key_figure(
        edition=edition,
        value=1500,
        qualifier=KeyFigure.Qualifier.ABOUT,
        label_zh_hans="嘉宾",
        label_en="participants",
        note_en="from 76 countries",
    )
    make_milestone(edition=edition, time_note_zh_hans="下午", time_note_en="afternoon")
    make_milestone(edition=edition, date=None)
    make_highlight(
        edition=edition,
        category=Highlight.Category.FILM,
        number=None,
        date=datetime.date(2018, 11, 2),
        organization=host,
        video_url="https://example.org/film",
    )
    for number in (1, 2, 3, 5):
        make_highlight(edition=edition, number=number)
    make_document(edition=edition, slug="wuzhen-outlook-2018", subtitle_en="Outcome document")
    make_press_evaluation(edition=edition, outlet=host)
    # A title only in Chinese: shown on the English pages with lang="zh-Hans", and marked
    # there as the site's (the marker in English inside the Chinese text's element).
    agenda.expo.title_en = ""
    agenda.expo.site_translated = ["title_zh_hans"]
    agenda.expo.save()
    # Texts the site translated, marked in both languages: a title, a track, a venue.
    agenda.silk_road.site_translated = ["title_zh_hans", "title_en"]
    agenda.silk_road.save()
    agenda.tracks.economy.site_translated = ["name_zh_hans", "name_en"]
    agenda.tracks.economy.save()
    agenda.venues.theatre.site_translated = ["name_en"]
    agenda.venues.theatre.save()
    return agenda


def serious_violations(page):
    results = Axe().run(page)
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_serious_accessibility_violations(page, live_server, content, language):
    found = {}
    for path in PAGES:
        url = live_server.url + ("/" if path == "/" else f"/{language}{path}")
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[url] = violations

    assert found == {}


def test_no_serious_violations_on_a_phone(page, live_server, content):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/zh-hans/2018/agenda/")

    assert serious_violations(page) == []

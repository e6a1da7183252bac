from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from events.models import Edition, Highlight, Milestone, Session, SessionOrganizer, SessionSpeaker
from outcomes.models import Achievement, Document, PressEvaluation
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
    saved_unchecked,
)
from tests.html import attribute, elements, text, texts
from tests.queries import assert_queries_flat
from wic.core import search

pytestmark = pytest.mark.django_db


def search_url(language):
    with translation.override(language):
        return reverse("search")


def hits(response):
    """{group heading: [linked result titles]} as the visitor sees them."""
    found = {}
    for group in elements(response, "section", class_="search-group"):
        heading = elements(group, "h2")[0]
        label = "".join(child for child in heading.children if isinstance(child, str)).strip()
        found[label] = texts(group, "h3")
    return found


def counts(response):
    return [
        texts(group, "span", class_="badge")[0]
        for group in elements(response, "section", class_="search-group")
    ]


@pytest.fixture
def edition():
    return make_edition(
        year=2018, name_zh_hans="第五届世界互联网大会", name_en="Fifth World Internet Conference"
    )


@pytest.fixture
def silk_road(edition):
    return make_session(
        edition=edition,
        slug="digital-silk-road",
        title_zh_hans="数字丝路国际合作论坛",
        title_en="Digital Silk Road International Cooperation Forum",
    )


def test_the_search_engine_imports_no_app_of_the_conference():
    """wic holds no conference-specific code: the apps register their models."""
    source = Path(search.__file__).read_text()

    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "events" in line or "outcomes" in line]


def test_registry_covers_every_published_content_type():
    assert [t.model for t in search.registry.types] == [
        Edition,
        Session,
        Milestone,
        Highlight,
        Document,
        Achievement,
        PressEvaluation,
    ]


@pytest.mark.parametrize(
    ("language", "query", "title"),
    [
        ("en", "丝路", "Digital Silk Road International Cooperation Forum"),
        ("zh-hans", "silk road", "数字丝路国际合作论坛"),
        ("en", "silk road", "Digital Silk Road International Cooperation Forum"),
        ("zh-hans", "丝路", "数字丝路国际合作论坛"),
    ],
)
def test_search_finds_an_item_by_either_languages_text(client, silk_road, language, query, title):
    response = client.get(search_url(language), {"q": query})

    assert response.status_code == 200
    heading = {"zh-hans": "议程活动", "en": "Programme items"}[language]
    assert hits(response) == {heading: [title]}
    links = [attribute(a, "href") for a in elements(response, "a") if text(a) == title]
    assert links == [f"/{language}/2018/agenda/digital-silk-road/"]


def test_search_is_case_insensitive(client, silk_road):
    response = client.get(search_url("en"), {"q": "DIGITAL silk"})

    assert hits(response) == {"Programme items": [silk_road.title_en]}


def test_every_word_of_the_query_must_match(client, silk_road):
    response = client.get(search_url("en"), {"q": "silk nonexistentword"})

    assert hits(response) == {}
    assertContains(response, "Nothing was found for “silk nonexistentword”.")


def test_search_groups_results_by_type_with_counts(client, edition, silk_road):
    make_session(edition=edition, title_zh_hans="丝路电商", title_en="Silk Road e-commerce")
    make_milestone(edition=edition, title_zh_hans="丝路新闻", title_en="Silk Road news")
    make_highlight(edition=edition, title_zh_hans="丝绸", title_en="Silk Road culture")
    outlook = make_document(edition=edition, title_en="Wuzhen Outlook", title_zh_hans="乌镇展望")
    make_section(document=outlook, number=1, heading_en="Silk Road", heading_zh_hans="丝路")
    make_achievement(edition=edition, title_en="Remittance", summary_en="Along the Silk Road")
    make_press_evaluation(edition=edition, quote_en="A Silk Road for the internet.")

    response = client.get(search_url("en"), {"q": "silk road"})

    assert hits(response) == {
        "Programme items": [
            "Digital Silk Road International Cooperation Forum",
            "Silk Road e-commerce",
        ],
        "Timeline items": ["Silk Road news"],
        "Highlights": ["Silk Road culture"],
        "Documents": ["Wuzhen Outlook"],
        "Achievements": ["Remittance"],
        "Press evaluations": ["A Silk Road for the internet."],
    }
    assert counts(response) == ["2", "1", "1", "1", "1", "1"]
    assertContains(response, "7 results for “silk road”")


def test_search_finds_editions(client, edition):
    response = client.get(search_url("zh-hans"), {"q": "internet conference"})

    assert hits(response) == {"历届大会": ["第五届世界互联网大会"]}


def test_search_finds_sessions_by_speaker_and_organizer(client, edition, silk_road):
    speaker = make_person(name_zh_hans="马云", name_en="Jack Ma")
    SessionSpeaker.objects.create(session=silk_road, person=speaker)
    organizer = make_organization(name_zh_hans="国家发改委", name_en="NDRC", short_name_en="NDRC")
    SessionOrganizer.objects.create(session=silk_road, organization=organizer)

    by_speaker = client.get(search_url("en"), {"q": "马云"})
    by_organizer = client.get(search_url("zh-hans"), {"q": "ndrc"})

    assert hits(by_speaker) == {"Programme items": [silk_road.title_en]}
    assert hits(by_organizer) == {"议程活动": [silk_road.title_zh_hans]}


def test_search_finds_achievements_by_organization_and_field(client, edition):
    achievement = make_achievement(
        edition=edition,
        title_en="Cross-border remittance",
        organization=make_organization(name_zh_hans="蚂蚁金服", name_en="Ant Financial"),
        fields=[make_field(name_zh_hans="区块链", name_en="Blockchain")],
    )

    by_organization = client.get(search_url("en"), {"q": "蚂蚁"})
    by_field = client.get(search_url("en"), {"q": "blockchain"})

    assert hits(by_organization) == {"Achievements": [achievement.title_en]}
    assert hits(by_field) == {"Achievements": [achievement.title_en]}


def test_search_finds_documents_by_section_text(client, edition):
    outlook = make_document(edition=edition, slug="outlook", title_en="Wuzhen Outlook 2018")
    make_section(document=outlook, number=1, heading_en="Heading", body_zh_hans="数字经济蓬勃发展")

    response = client.get(search_url("en"), {"q": "蓬勃"})

    assert hits(response) == {"Documents": ["Wuzhen Outlook 2018"]}
    assertContains(response, 'href="/en/2018/outcomes/outlook/"')


def test_search_finds_press_evaluations_by_outlet(client, edition):
    evaluation = make_press_evaluation(
        edition=edition,
        quote_en="A platform for dialogue.",
        outlet=make_organization(name_zh_hans="新华社", name_en="Xinhua"),
    )

    response = client.get(search_url("en"), {"q": "xinhua"})

    assert hits(response) == {"Press evaluations": ["A platform for dialogue."]}
    assertContains(response, f'href="/en/2018/press/#press-{evaluation.pk}"')


def test_search_never_finds_drafts(client, edition, silk_road):
    draft_edition = make_edition(name_en="Draft Silk edition", is_published=False)
    make_session(edition=draft_edition, title_en="Silk session of a draft edition")
    make_session(edition=edition, title_en="Draft silk session", is_published=False)
    make_milestone(edition=edition, title_en="Draft silk news", is_published=False)
    make_highlight(edition=edition, title_en="Draft silk highlight", is_published=False)
    make_document(edition=edition, title_en="Draft silk document", is_published=False)
    make_achievement(edition=edition, title_en="Draft silk achievement", is_published=False)
    make_press_evaluation(edition=edition, quote_en="Draft silk quote", is_published=False)
    # Text of draft related rows must not make a published item match either.
    document = make_document(edition=edition, title_en="Published document")
    make_section(document=document, heading_en="Draft silk section", is_published=False)
    SessionSpeaker.objects.create(
        session=make_session(edition=edition, title_en="Published session"),
        person=make_person(name_en="Silkworm Draft Speaker", is_published=False),
    )
    make_achievement(
        edition=edition,
        title_en="Published achievement",
        fields=[make_field(name_en="Silk draft field", is_published=False)],
    )

    response = client.get(search_url("en"), {"q": "silk"})

    assert hits(response) == {"Programme items": [silk_road.title_en]}


def test_results_carry_lang_attribute_when_shown_in_the_fallback_language(client, edition):
    saved_unchecked(make_milestone(edition=edition, title_zh_hans="只有中文的标题"), title_en="")

    response = client.get(search_url("en"), {"q": "只有中文"})

    group = elements(response, "section", class_="search-group")[0]
    assert [(text(a), attribute(a, "lang")) for a in elements(group, "a")] == [
        ("只有中文的标题", "zh-Hans")
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type a word or two to search for."),
        ({"q": ""}, "Type a word or two to search for."),
        ({"q": "   "}, "Type a word or two to search for."),
        ({"q": "x" * 101}, "Your search is too long: use at most 100 characters."),
        ({"q": "\x00\x01\x1b"}, "Type a word or two to search for."),
    ],
)
def test_empty_over_long_or_broken_query_gets_a_message_and_no_search(
    client, silk_road, params, message, django_assert_max_num_queries
):
    # The content's clock and the next draft due (wic/core/drafts.py), read by every request;
    # the header's current edition. No search.
    with django_assert_max_num_queries(3):
        response = client.get(search_url("en"), params)

    assert response.status_code == 200
    assert texts(response, "div", class_="notice") == [message]
    assert hits(response) == {}


def test_a_query_of_exactly_the_maximum_length_is_searched(client, silk_road):
    query = "silk " + "x" * 95

    response = client.get(search_url("en"), {"q": query})

    assert texts(response, "div", class_="notice") == []
    assertContains(response, "Nothing was found")


def test_the_query_stays_in_the_search_box(client, silk_road):
    response = client.get(search_url("en"), {"q": "silk"})

    assert [attribute(i, "value") for i in elements(response, "input", id="id_q")] == ["silk"]


def test_search_queries_do_not_grow_with_results(client, edition):
    added = []

    def grow(n):
        for _ in range(n):
            number = len(added)
            added.append(number)
            session = make_session(edition=edition, title_en=f"Silk session {number}")
            SessionSpeaker.objects.create(session=session, person=make_person())
            make_milestone(edition=edition, title_en=f"Silk news {number}")
            make_highlight(edition=edition, title_en=f"Silk highlight {number}")
            document = make_document(edition=edition, title_en=f"Silk document {number}")
            make_section(document=document)
            make_achievement(edition=edition, title_en=f"Silk achievement {number}")
            make_press_evaluation(edition=edition, quote_en=f"Silk quote {number}")

    with_one, with_ten = assert_queries_flat(client, search_url("en"), grow, {"q": "silk"})

    assert counts(with_one) == ["1"] * 6
    assert counts(with_ten) == ["10"] * 6


def test_a_group_with_more_hits_than_shown_gives_the_total(client, edition):
    for number in range(search.GROUP_LIMIT + 2):
        make_milestone(edition=edition, title_en=f"Silk news {number}")

    response = client.get(search_url("en"), {"q": "silk"})

    assert counts(response) == [str(search.GROUP_LIMIT + 2)]
    assert len(hits(response)["Timeline items"]) == search.GROUP_LIMIT
    assertContains(response, f"Showing the first {search.GROUP_LIMIT}.")


def test_search_page_tells_robots_not_to_index_it(client):
    response = client.get(search_url("en"), {"q": "silk"})

    assert [attribute(m, "content") for m in elements(response, "meta", name="robots")] == [
        "noindex"
    ]

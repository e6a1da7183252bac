import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertNotContains

from outcomes.models import PressEvaluation
from tests.factories import (
    make_edition,
    make_organization,
    make_person,
    make_press_evaluation,
    saved_unchecked,
)
from tests.html import attribute, elements, text, texts
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def url_in(language, *args):
    with translation.override(language):
        return reverse("outcomes:press-list", args=args or [2018])


@pytest.fixture
def edition():
    return make_edition(year=2018)


@pytest.fixture
def xinhua_quote(edition):
    return make_press_evaluation(
        edition=edition,
        quote_zh_hans="乌镇峰会搭建了对话平台。",
        quote_en="The Wuzhen Summit built a platform for dialogue.",
        original_language=PressEvaluation.Language.CHINESE,
        kind=PressEvaluation.Kind.MEDIA,
        outlet=make_organization(name_zh_hans="新华社", name_en="Xinhua News Agency"),
        author=make_person(
            name_zh_hans="李明", name_en="Li Ming", title_zh_hans="记者", title_en="reporter"
        ),
        published_on=datetime.date(2018, 11, 9),
        source_url="https://example.org/xinhua/2018-11-09",
        sort_order=1,
    )


@pytest.fixture
def expert_quote(edition):
    return make_press_evaluation(
        edition=edition,
        quote_zh_hans="一次成功的大会。",
        quote_en="A successful conference.",
        original_language=PressEvaluation.Language.ENGLISH,
        kind=PressEvaluation.Kind.EXPERT,
        sort_order=2,
    )


@pytest.mark.parametrize(
    ("language", "quotes"),
    [
        ("zh-hans", ["乌镇峰会搭建了对话平台。", "一次成功的大会。"]),
        ("en", ["The Wuzhen Summit built a platform for dialogue.", "A successful conference."]),
    ],
)
def test_press_list_quotes_every_published_evaluation_in_the_active_language(
    client, edition, xinhua_quote, expert_quote, language, quotes
):
    make_press_evaluation(edition=edition, quote_en="Draft quote", is_published=False)
    make_press_evaluation(quote_en="Another edition's quote")

    response = client.get(url_in(language))

    assert response.status_code == 200
    assert texts(response, "blockquote") == quotes
    assert [attribute(li, "id") for li in elements(response, "li", class_="press-item")] == [
        f"press-{xinhua_quote.pk}",
        f"press-{expert_quote.pk}",
    ]


def test_press_evaluation_names_author_position_outlet_date_and_source(client, xinhua_quote):
    response = client.get(url_in("en"))

    item = elements(response, "li", class_="press-item")[0]
    assert texts(item, "figcaption") == ["Li Ming, reporter, Xinhua News Agency, 9 November 2018"]
    assert texts(item, "cite") == ["Xinhua News Agency"]
    assert [attribute(t, "datetime") for t in elements(item, "time")] == ["2018-11-09"]
    assert [attribute(a, "href") for a in elements(item, "a", class_="source-link")] == [
        "https://example.org/xinhua/2018-11-09"
    ]


def test_press_evaluation_without_source_has_no_source_link(client, expert_quote):
    response = client.get(url_in("en"))

    assert elements(response, "a", class_="source-link") == []


@pytest.mark.parametrize(
    ("language", "translated"),
    # The Chinese original read in English is a translation, and the English one in Chinese.
    [("en", [True, False]), ("zh-hans", [False, True])],
)
def test_press_evaluation_says_when_the_quote_is_a_translation(
    client, xinhua_quote, expert_quote, language, translated
):
    response = client.get(url_in(language))

    items = elements(response, "li", class_="press-item")
    assert [bool(texts(i, "span", class_="translated-note")) for i in items] == translated


def test_translation_note_names_the_original_language(client, xinhua_quote):
    response = client.get(url_in("en"))

    assert texts(response, "span", class_="translated-note") == ["Translated from Chinese"]


def test_a_quote_shown_through_the_fallback_is_not_called_a_translation(client, edition):
    saved_unchecked(
        make_press_evaluation(
            edition=edition,
            quote_zh_hans="只有中文。",
            original_language=PressEvaluation.Language.CHINESE,
        ),
        quote_en="",
    )

    response = client.get(url_in("en"))

    quote = elements(response, "blockquote")[0]
    assert attribute(quote, "lang") == "zh-Hans"
    assert texts(response, "span", class_="translated-note") == []


@pytest.fixture
def inkster_quote(edition):
    """Known only in Chinese; its English is the site's, its original language unknown."""
    return make_press_evaluation(
        edition=edition,
        quote_zh_hans="多项前沿科技为中国的数字经济注入更强劲的发展动力。",
        quote_en="Many cutting-edge technologies gave China's digital economy fresh momentum.",
        original_language="",
        site_translated=["quote_en"],
        kind=PressEvaluation.Kind.EXPERT,
        author=make_person(
            name_zh_hans="奈杰尔·殷克斯特",
            name_en="Nigel Inkster",
            title_zh_hans="高级顾问",
            title_en="Senior Adviser",
            site_translated=["title_en"],
        ),
    )


def quote_notes(item):
    """What the line under a quote says about its language: the note, then the marker."""
    meta = elements(item, "p", class_="outcome-meta")[0]
    return texts(meta, "span", class_="translated-note") + [
        marker.children[0] for marker in elements(meta, "span", class_="site-translation")
    ]


@pytest.mark.parametrize(
    ("language", "notes"),
    [("en", ["Translated from Chinese", "site translation"]), ("zh-hans", [])],
)
def test_a_quote_the_site_translated_says_from_which_language_and_by_whom(
    client, inkster_quote, language, notes
):
    response = client.get(url_in(language))

    (item,) = elements(response, "li", class_="press-item")
    assert quote_notes(item) == notes
    # The marker is beside the quote, not in it.
    assert elements(elements(item, "blockquote")[0], "span", class_="site-translation") == []


def test_a_translation_by_the_site_of_a_chinese_original_is_noted_once(client, xinhua_quote):
    saved_unchecked(xinhua_quote, site_translated=["quote_en"])

    response = client.get(url_in("en"))

    item = elements(response, "li", class_="press-item")[0]
    assert quote_notes(item) == ["Translated from Chinese", "site translation"]


def test_a_position_the_site_translated_is_marked_in_the_caption(client, inkster_quote):
    response = client.get(url_in("en"))

    (caption,) = elements(response, "figcaption")
    assert text(caption) == (
        "Nigel Inkster, Senior Adviser site translation (not an official name or wording)"
    )


@pytest.mark.parametrize(
    ("language", "notes"),
    [("en", ["Translated from Chinese", "site translation"]), ("zh-hans", [])],
)
def test_home_quote_says_when_the_site_translated_it(client, inkster_quote, language, notes):
    inkster_quote.edition.is_current = True
    inkster_quote.edition.save()

    with translation.override(language):
        response = client.get(reverse("events:home"))

    (aside,) = elements(response, "aside", class_="home-aside")
    found = elements(aside, "p", class_="quote-note")
    assert [
        texts(note, "span", class_="translated-note")
        + [marker.children[0] for marker in elements(note, "span", class_="site-translation")]
        for note in found
    ] == ([notes] if notes else [])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("media", ["The Wuzhen Summit built a platform for dialogue."]),
        ("expert", ["A successful conference."]),
    ],
)
def test_press_list_filters_by_kind(client, xinhua_quote, expert_quote, kind, expected):
    response = client.get(url_in("en"), {"kind": kind})

    assert texts(response, "blockquote") == expected


def test_press_list_with_an_unknown_kind_lists_nothing_and_says_why(client, xinhua_quote):
    response = client.get(url_in("en"), {"kind": "gossip"})

    assert response.status_code == 200
    assert texts(response, "blockquote") == []
    errors = elements(response, "div", class_="form-errors")
    assert texts(errors[0], "li") == [
        "Kind: Select a valid choice. gossip is not one of the available choices."
    ]


def test_press_list_filter_error_is_translated_on_the_chinese_page(client, xinhua_quote):
    response = client.get(url_in("zh-hans"), {"kind": "gossip"})

    # The label and its Chinese colon come from our catalogue, the error from Django's own.
    errors = elements(response, "div", class_="form-errors")[0]
    assert texts(errors, "li") == ["类型：选择一个有效的选项。 gossip 不在可用的选项中。"]


def test_press_list_hides_draft_outlets_and_authors(client, edition):
    make_press_evaluation(
        edition=edition,
        outlet=make_organization(name_en="Hidden Outlet", is_published=False),
        author=make_person(name_en="Hidden Author", is_published=False),
    )

    response = client.get(url_in("en"))

    assertNotContains(response, "Hidden Outlet")
    assertNotContains(response, "Hidden Author")


def test_press_list_is_404_for_an_unknown_year(client, xinhua_quote):
    response = client.get(url_in("en", 2017))

    assert response.status_code == 404


def test_press_list_queries_do_not_grow_with_evaluations(client, edition):
    def grow(n):
        for _ in range(n):
            make_press_evaluation(edition=edition, outlet=make_organization(), author=make_person())

    with_one, with_ten = assert_queries_flat(client, url_in("en"), grow)

    assert len(elements(with_one, "blockquote")) == 1
    assert len(elements(with_ten, "blockquote")) == 10

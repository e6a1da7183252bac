"""Languages: the root redirect, <html lang>, hreflang and canonical links, the language
switch, and the `lang` of text shown in the other language."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from pytest_django.asserts import assertContains

from tests.factories import make_agenda, make_milestone
from tests.html import attribute, elements, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda():
    return make_agenda()


# Every page type of the events helper, in its English form.
PAGES = [
    "/en/",
    "/en/2018/",
    "/en/2018/about/",
    "/en/2018/news/",
    "/en/2018/agenda/",
    "/en/2018/agenda/digital-silk-road/",
    "/en/editions/",
]


def chinese(path):
    return "/zh-hans/" + path.removeprefix("/en/")


# --- `/` ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "cookie", "target"),
    [
        ({}, None, "/zh-hans/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, None, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8"}, None, "/zh-hans/"),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-TW"}, None, "/zh-hans/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr"}, None, "/zh-hans/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,en;q=0.5"}, None, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-US"}, "zh-hans", "/zh-hans/"),  # the cookie wins
        ({"HTTP_ACCEPT_LANGUAGE": "zh-CN"}, "en", "/en/"),
        ({}, "en", "/en/"),
    ],
)
def test_root_redirects_by_cookie_then_accept_language(client, agenda, headers, cookie, target):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get("/", **headers)

    assert response.status_code == 302
    assert response["Location"] == target
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_unprefixed_page_redirects_to_the_language_prefixed_one(client, agenda):
    response = client.get("/2018/agenda/?day=2018-11-08", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/en/2018/agenda/?day=2018-11-08"


def test_unknown_language_prefix_is_404(client, agenda):
    assert client.get("/zh-cn/").status_code == 404


# --- <html lang>, title, description ----------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("prefix", "lang"), [("zh-hans", "zh-Hans"), ("en", "en")])
def test_every_page_declares_its_language_in_bcp47(client, agenda, path, prefix, lang):
    response = client.get(path if prefix == "en" else chinese(path))

    assert response.status_code == 200
    assert [attribute(h, "lang") for h in elements(response, "html")] == [lang]
    assert response["Content-Language"] == prefix


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/zh-hans/", "第五届世界互联网大会"),
        ("/en/", "Fifth World Internet Conference"),
        ("/zh-hans/2018/agenda/digital-silk-road/", "数字丝路国际合作论坛 · 第五届世界互联网大会"),
        (
            "/en/2018/agenda/digital-silk-road/",
            "Digital Silk Road Forum · Fifth World Internet Conference",
        ),
    ],
)
def test_title_and_description_are_in_the_page_language(client, agenda, path, title):
    language = path.split("/")[1]
    with translation.override(language):
        site = gettext("World Internet Conference")

    response = client.get(path)

    assert texts(response, "title") == [f"{title} · {site}"]
    assert len(elements(response, "meta", name="description")) == 1
    og_titles = [attribute(m, "content") for m in elements(response, "meta", property="og:title")]
    assert og_titles == [title.split(" · ")[0]]  # the item itself, without the edition


def test_session_description_is_its_summary_in_the_page_language(client, agenda):
    zh = client.get("/zh-hans/2018/agenda/digital-silk-road/")
    en = client.get("/en/2018/agenda/digital-silk-road/")

    assert [attribute(m, "content") for m in elements(zh, "meta", name="description")] == [
        "数字经济合作"
    ]
    assert [attribute(m, "content") for m in elements(en, "meta", name="description")] == [
        "Cooperation in the digital economy"
    ]


# --- hreflang and canonical -----------------------------------------------------------------


def alternates(response):
    return {
        attribute(link, "hreflang"): attribute(link, "href")
        for link in elements(response, "link", rel="alternate")
        if attribute(link, "hreflang")
    }


def canonical(response):
    return [attribute(link, "href") for link in elements(response, "link", rel="canonical")]


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/en/2018/"])
def test_hreflang_and_canonical_are_present_and_reciprocal(client, agenda, path):
    english = client.get(path)
    chinese_page = client.get(chinese(path))

    en_url, zh_url = f"http://testserver{path}", f"http://testserver{chinese(path)}"
    # x-default: the page without a language prefix, which redirects by the visitor's language.
    any_url = "http://testserver/" + path.removeprefix("/en/")
    assert canonical(english) == [en_url]
    assert canonical(chinese_page) == [zh_url]
    expected = {"zh-Hans": zh_url, "en": en_url, "x-default": any_url}
    assert alternates(english) == expected
    assert alternates(chinese_page) == expected


def test_filtered_list_is_canonically_the_list_and_keeps_its_page_number(client, agenda):
    for _ in range(60):
        make_milestone(edition=agenda.edition)

    response = client.get("/en/2018/news/?category=service&page=2")

    assert canonical(response) == ["http://testserver/en/2018/news/?page=2"]
    assert alternates(response)["zh-Hans"] == "http://testserver/zh-hans/2018/news/?page=2"


# --- The language switch --------------------------------------------------------------------


def switch_links(response):
    switch = elements(response, "nav", class_="lang-switch")[0]
    return {attribute(a, "hreflang"): attribute(a, "href") for a in elements(switch, "a")}


@pytest.mark.parametrize(
    "path",
    [
        "/en/2018/agenda/?day=2018-11-08&kind=forum&q=%E6%95%B0%E5%AD%97",
        "/en/2018/news/?category=service",
        "/en/2018/agenda/digital-silk-road/",
        "/en/",
        "/en/editions/",
    ],
)
def test_language_switch_lands_on_the_same_page_with_the_same_query(client, agenda, path):
    response = client.get(path)

    links = switch_links(response)
    assert links == {"zh-Hans": chinese(path), "en": path}
    # The other language's page exists and lists the same thing.
    assert client.get(links["zh-Hans"]).status_code == 200


def test_language_switch_keeps_repeated_and_unicode_parameters(client, agenda):
    response = client.get("/zh-hans/2018/agenda/", {"q": "数字", "kind": ["forum", "expo"]})

    assert (
        # In the canonical order of the page's parameters (wic/core/cache.py).
        switch_links(response)["en"] == "/en/2018/agenda/?kind=forum&kind=expo&q=%E6%95%B0%E5%AD%97"
    )


def test_language_switch_names_each_language_in_itself(client, agenda):
    response = client.get("/en/")

    switch = elements(response, "nav", class_="lang-switch")[0]
    assert texts(switch, "a") == ["简体中文", "English"]
    assert [attribute(a, "lang") for a in elements(switch, "a")] == ["zh-Hans", "en"]
    assert [attribute(a, "aria-current") for a in elements(switch, "a")] == [None, "true"]


def test_language_switch_on_a_404_goes_to_the_other_home(client, agenda):
    response = client.get("/en/2018/agenda/no-such-item/?q=x")

    assert response.status_code == 404
    assert switch_links(response) == {"zh-Hans": "/zh-hans/", "en": "/en/"}


# --- Text shown in the other language carries its lang ------------------------------------------


def test_english_page_marks_chinese_fallback_text(client, agenda):
    agenda.expo.title_en = ""
    agenda.expo.save()

    response = client.get("/en/2018/agenda/")

    assertContains(
        response,
        '<a href="/en/2018/agenda/light-of-internet-expo/" lang="zh-Hans">“互联网之光”博览会</a>',
        html=True,
    )
    assertContains(
        response, '<a href="/en/2018/agenda/opening-ceremony/">Opening ceremony</a>', html=True
    )


def test_chinese_page_marks_english_fallback_text(client, agenda):
    agenda.governance.summary_zh_hans = ""
    agenda.governance.save()

    response = client.get("/zh-hans/2018/agenda/internet-governance/")

    assertContains(
        response,
        '<div class="prose lead" lang="en"><p>A community with a shared future in cyberspace</p></div>',
        html=True,
    )

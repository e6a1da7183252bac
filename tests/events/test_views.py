"""The conference's pages as a visitor sees them: home, about, news, editions, and 404s."""

import datetime
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains

from events.models import EditionRole, Highlight, KeyFigure, Milestone
from tests.factories import (
    make_document,
    make_edition,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_press_evaluation,
    saved_unchecked,
)
from tests.html import attribute, elements, text, texts

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def url(language, name, *args):
    from django.urls import reverse

    with translation.override(language):
        return reverse(name, args=args)


def in_language(language, zh, en):
    return zh if language == "zh-hans" else en


def tr(language, message):
    """An interface string as the page in `language` shows it (the catalogue may translate it)."""
    with translation.override(language):
        return gettext(message)


@pytest.fixture
def edition():
    edition = make_edition(
        number=5,
        year=2018,
        name_zh_hans="第五届世界互联网大会",
        name_en="Fifth World Internet Conference",
        tagline_zh_hans="浙江乌镇举办的国际互联网盛会",
        tagline_en="An international internet gathering in Wuzhen",
        theme_zh_hans="创造互信共治的数字世界",
        theme_en="Creating a Digital World for Mutual Trust and Collective Governance",
        summary_zh_hans="大会概述。",
        summary_en="The conference in brief.",
        background_zh_hans="会议背景。",
        background_en="The background.",
        city_zh_hans="浙江乌镇",
        city_en="Wuzhen, Zhejiang",
        logo_description_zh_hans="标志取“互”字。",
        logo_description_en="The logo takes the character 互.",
        trademark_note_zh_hans="标志受法律保护。",
        trademark_note_en="The logos are protected by law.",
        last_revised_at=datetime.datetime(2024, 10, 25, 3, 41, tzinfo=datetime.UTC),
        is_current=True,
    )
    for role, names in [
        (EditionRole.Role.HOST, [("国家互联网信息办公室", "Cyberspace Administration of China")]),
        (EditionRole.Role.HOST, [("浙江省人民政府", "People's Government of Zhejiang Province")]),
        (
            EditionRole.Role.CO_ORGANIZER,
            [("国际电信联盟", "International Telecommunication Union")],
        ),
    ]:
        for zh, en in names:
            EditionRole.objects.create(
                edition=edition,
                role=role,
                organization=make_organization(name_zh_hans=zh, name_en=en),
            )
    # A draft organization is not listed.
    EditionRole.objects.create(
        edition=edition,
        role=EditionRole.Role.CO_ORGANIZER,
        organization=make_organization(name_en="Unchecked body", is_published=False),
    )
    return edition


# --- Home ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_shows_the_current_edition(client, edition, language):
    saved_unchecked(
        make_key_figure(
            edition=edition,
            value=1500,
            qualifier=KeyFigure.Qualifier.ABOUT,
            unit_zh_hans="名",
            label_zh_hans="嘉宾",
            label_en="participants",
            note_zh_hans="来自76个国家和地区",
            note_en="from 76 countries and regions",
        ),
        unit_en="",
    )
    make_key_figure(edition=edition, value=20, label_zh_hans="分论坛", label_en="forums")
    make_key_figure(edition=edition, value=9, label_en="Hidden figure", is_published=False)
    make_document(
        edition=edition,
        slug="wuzhen-outlook-2018",
        title_en="Wuzhen Outlook 2018",
        title_zh_hans="乌镇展望2018",
    )
    make_press_evaluation(
        edition=edition,
        quote_zh_hans="成果丰硕。",
        quote_en="Rich outcomes.",
        outlet=make_organization(name_zh_hans="人民网", name_en="People's Daily Online"),
    )

    response = client.get(url(language, "events:home"))

    assert response.status_code == 200
    assert texts(response, "h1") == [
        in_language(language, "第五届世界互联网大会", "Fifth World Internet Conference")
    ]
    assert texts(response, "p", class_="hero-when") == [
        in_language(
            language, "2018年11月7日至9日 · 浙江乌镇", "7–9 November 2018 · Wuzhen, Zhejiang"
        )
    ]
    assert texts(response, "dd") == in_language(
        language,
        ["国家互联网信息办公室", "浙江省人民政府", "国际电信联盟"],
        [
            "Cyberspace Administration of China",
            "People's Government of Zhejiang Province",
            "International Telecommunication Union",
        ],
    )
    assert texts(response, "span", class_="figure-label") == in_language(
        language,
        ["嘉宾", "分论坛", "本站收录的议程活动", "本站发布的文件"],
        [
            "participants",
            "forums",
            "programme items on this site",
            "documents published on this site",
        ],
    )
    assert texts(response, "span", class_="figure-note") == [
        in_language(language, "来自76个国家和地区", "from 76 countries and regions")
    ]
    # The unit is never taken from the other language (English counts without 名).
    assert texts(response, "span", class_="figure-unit") == in_language(language, ["名"], [])
    # Counted from the data: no programme item yet, one document.
    assert texts(response, "span", class_="figure-value")[2:] == ["0", "1"]
    assert texts(response, "blockquote") == [in_language(language, "成果丰硕。", "Rich outcomes.")]
    document_links = elements(
        response, "a", href=url(language, "outcomes:document-detail", 2018, "wuzhen-outlook-2018")
    )
    assert [text(a) for a in document_links] == [
        in_language(language, "乌镇展望2018", "Wuzhen Outlook 2018")
    ]


def test_home_qualifies_figures(client, edition):
    make_key_figure(
        edition=edition, value=430, qualifier=KeyFigure.Qualifier.MORE_THAN, label_zh_hans="展商"
    )

    make_key_figure(
        edition=edition, value=1500, qualifier=KeyFigure.Qualifier.ABOUT, label_en="guests"
    )

    response = client.get(url("en", "events:home"))

    assert texts(response, "span", class_="figure-value")[:2] == ["more than 430", "about 1,500"]


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("zh-hans", "以上数据来自大会公布，最后两项由本站统计。"),
        ("en", "Figures as reported by the conference; the last two are counted by this site."),
    ],
)
def test_home_says_which_figures_the_site_counted(client, edition, language, note):
    response = client.get(url(language, "events:home"))

    (section,) = [
        s
        for s in elements(response, "section")
        if attribute(s, "aria-labelledby") == "figures-heading"
    ]
    figures = elements(section, "li", class_="key-figure")
    assert [attribute(f, "class") for f in figures[-2:]] == ["key-figure computed"] * 2
    assert texts(section, "p", class_="meta") == [note]


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_links_into_every_section(client, edition, language):
    response = client.get(url(language, "events:home"))

    links = [attribute(a, "href") for a in elements(response, "a") if attribute(a, "href")]
    for name in [
        "events:about",
        "events:news",
        "events:agenda",
        "outcomes:document-list",
        "outcomes:achievement-list",
        "outcomes:press-list",
    ]:
        assert url(language, name, 2018) in links
    assert url(language, "events:edition-list") in links


def test_home_lists_latest_news_newest_first_undated_last(client, edition):
    old = make_milestone(
        edition=edition, date=datetime.date(2018, 9, 28), title_en="Press conference"
    )
    undated = make_milestone(edition=edition, date=None, title_en="Smart services")
    new = make_milestone(edition=edition, date=datetime.date(2018, 11, 9), title_en="Closing")
    make_milestone(
        edition=edition, date=datetime.date(2018, 11, 8), title_en="Hidden", is_published=False
    )

    response = client.get(url("en", "events:home"))

    news = elements(response, "ul", class_="timeline")[0]
    assert texts(news, "a") == ["Closing", "Press conference", "Smart services"]
    assert [attribute(a, "href") for a in elements(news, "a")] == [
        f"/en/2018/news/#milestone-{m.pk}" for m in (new, old, undated)
    ]


def test_home_has_the_edition_as_json_ld_event(client, edition):
    response = client.get(url("en", "events:home"))

    script = elements(response, "script", type="application/ld+json")[0]
    data = json.loads(script.children[0])
    assert data["@type"] == "Event"
    assert data["name"] == "Fifth World Internet Conference"
    assert (data["startDate"], data["endDate"]) == ("2018-11-07", "2018-11-09")
    assert data["location"]["address"]["addressLocality"] == "Wuzhen, Zhejiang"
    assert data["location"]["address"]["addressCountry"] == "CN"
    assert [o["name"] for o in data["organizer"]] == [
        "Cyberspace Administration of China",
        "People's Government of Zhejiang Province",
    ]


def test_edition_home_of_the_current_edition_points_to_the_home_as_canonical(client, edition):
    response = client.get(url("en", "events:edition-home", 2018))

    assert response.status_code == 200
    canonical = elements(response, "link", rel="canonical")
    assert [attribute(link, "href") for link in canonical] == ["http://testserver/en/"]


def test_home_falls_back_to_the_latest_published_edition(client):
    make_edition(year=2017, number=4, name_en="Fourth WIC")
    make_edition(year=2019, number=6, name_en="Sixth WIC (draft)", is_published=False)

    response = client.get(url("en", "events:home"))

    assert texts(response, "h1") == ["Fourth WIC"]


def test_home_is_404_without_any_published_edition(client):
    make_edition(is_published=False)

    assert client.get(url("en", "events:home")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/2099/",
        "/en/2099/about/",
        "/en/2099/news/",
        "/en/2099/agenda/",
        "/en/2099/agenda.ics",
        "/en/2099/agenda/x/",
    ],
)
def test_unknown_year_is_404(client, edition, path):
    assert client.get(path).status_code == 404


def test_draft_edition_is_404_for_visitors_and_previewed_by_staff(client, admin_client):
    draft = make_edition(year=2019, number=6, name_en="Sixth WIC", is_published=False)

    visitor = client.get(url("en", "events:edition-home", draft.year))
    staff = admin_client.get(url("en", "events:edition-home", draft.year))

    assert visitor.status_code == 404
    assert staff.status_code == 200
    assert texts(staff, "div", class_="draft-banner") == ["Draft edition: not visible to visitors"]


# --- About --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_about_shows_background_theme_logo_film_and_numbered_innovations(client, edition, language):
    producer = make_organization(name_zh_hans="新蓝网", name_en="Xinlan")
    film = make_highlight(
        edition=edition,
        category=Highlight.Category.FILM,
        number=None,
        title_zh_hans="遇见未来",
        title_en="Meet the Future",
        date=datetime.date(2018, 11, 2),
        organization=producer,
        video_url="https://example.org/film",
    )
    innovations = [
        make_highlight(
            edition=edition,
            number=number,
            title_zh_hans=f"设置创新{number}",
            title_en=f"Innovation {number}",
        )
        for number in (5, 1, 3, 2)
    ]
    make_highlight(edition=edition, number=4, title_en="Draft innovation", is_published=False)

    response = client.get(url(language, "events:about", 2018))

    assert response.status_code == 200
    assert texts(response, "h1") == [tr(language, "About the conference")]
    prose = texts(response, "div", class_="prose")
    assert in_language(language, "会议背景。", "The background.") in prose
    assert in_language(language, "标志取“互”字。", "The logo takes the character 互.") in prose
    assert texts(response, "p", class_="trademark") == [
        in_language(language, "标志受法律保护。", "The logos are protected by law.")
    ]
    assert texts(response, "p", class_="theme-statement") == [
        in_language(
            language,
            "创造互信共治的数字世界",
            "Creating a Digital World for Mutual Trust and Collective Governance",
        )
    ]
    film_article = elements(response, "article", id=f"highlight-{film.pk}")[0]
    assert texts(film_article, "dd") == [
        in_language(language, "2018年11月2日", "2 November 2018"),
        in_language(language, "新蓝网", "Xinlan"),
        tr(language, "Watch the film"),
    ]
    assert [attribute(a, "href") for a in elements(film_article, "a")] == [
        "https://example.org/film"
    ]
    # The stored numbers, in order (the source skips 4): never a loop counter.
    assert texts(response, "span", class_="highlight-number") == ["1", "2", "3", "5"]
    numbered = sorted(innovations, key=lambda h: h.number)
    anchors = [attribute(a, "id") for a in elements(response, "article", class_="highlight")]
    assert anchors == [f"highlight-{film.pk}"] + [f"highlight-{h.pk}" for h in numbered]
    assert texts(response, "p", class_="revised") == [
        tr(language, "Source last revised:")
        + in_language(language, " 2024年10月25日 11:41", " 25 October 2024, 11:41")
    ]


def test_about_lists_hosts_and_co_organizers_by_role(client, edition):
    response = client.get(url("en", "events:about", 2018))

    roles = elements(response, "dl", class_="roles")[0]
    assert texts(roles, "dt") == ["Host", "Co-organizer"]
    assert texts(roles, "dd") == [
        "Cyberspace Administration of China",
        "People's Government of Zhejiang Province",
        "International Telecommunication Union",
    ]


# --- News ---------------------------------------------------------------------------------


@pytest.fixture
def milestones(edition):
    return [
        make_milestone(
            edition=edition,
            date=None,
            category=Milestone.Category.SERVICE,
            title_zh_hans="智慧会务",
            title_en="Smart services",
        ),
        make_milestone(
            edition=edition,
            date=datetime.date(2018, 11, 6),
            category=Milestone.Category.ANNOUNCEMENT,
            time_note_zh_hans="下午",
            time_note_en="afternoon",
            title_zh_hans="博览会新闻发布会",
            title_en="Expo press conference",
        ),
        make_milestone(
            edition=edition,
            date=datetime.date(2018, 9, 28),
            category=Milestone.Category.ANNOUNCEMENT,
            title_zh_hans="国新办发布会",
            title_en="SCIO press conference",
        ),
        make_milestone(
            edition=edition,
            date=datetime.date(2018, 11, 1),
            category=Milestone.Category.SERVICE,
            time_note_zh_hans="截至",
            time_note_en="as of",
            title_zh_hans="志愿者选出",
            title_en="Volunteers selected",
        ),
        make_milestone(
            edition=edition, date=datetime.date(2018, 10, 1), title_en="Draft", is_published=False
        ),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_news_lists_the_timeline_in_order_with_time_notes_undated_last(
    client, milestones, language
):
    response = client.get(url(language, "events:news", 2018))

    assert texts(response, "h2") == in_language(
        language,
        ["国新办发布会", "志愿者选出", "博览会新闻发布会", "智慧会务"],
        ["SCIO press conference", "Volunteers selected", "Expo press conference", "Smart services"],
    )
    assert texts(response, "span", class_="when") == in_language(
        language,
        [
            "2018年9月28日",
            "2018年11月1日 · 截至",
            "2018年11月6日 · 下午",
            tr(language, "Date not given"),
        ],
        [
            "28 September 2018",
            "1 November 2018 · as of",
            "6 November 2018 · afternoon",
            "Date not given",
        ],
    )
    ids = [attribute(a, "id") for a in elements(response, "article", class_="milestone")]
    assert ids == [f"milestone-{milestones[i].pk}" for i in (2, 3, 1, 0)]


def test_news_milestone_links_land_on_their_anchor(client, milestones):
    response = client.get(milestones[1].get_absolute_url())

    assert response.status_code == 200
    assert milestones[1].get_absolute_url().endswith(f"#milestone-{milestones[1].pk}")
    assert len(elements(response, "article", id=f"milestone-{milestones[1].pk}")) == 1


@pytest.mark.parametrize(
    ("category", "titles"),
    [
        ("announcement", ["SCIO press conference", "Expo press conference"]),
        ("service", ["Volunteers selected", "Smart services"]),
        ("progress", []),
    ],
)
def test_news_filters_by_category(client, milestones, category, titles):
    response = client.get(url("en", "events:news", 2018), {"category": category})

    assert texts(response, "h2") == titles


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "选择一个有效的选项"), ("en", "Select a valid choice")],  # Django's own catalogue
)
def test_news_with_an_unknown_category_says_why_it_is_empty(client, milestones, language, message):
    response = client.get(url(language, "events:news", 2018), {"category": "gossip"})

    assert response.status_code == 200
    assert texts(response, "h2") == []
    assert message in texts(response, "div", class_="form-errors")[0]


# --- Editions -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_editions_lists_published_editions_newest_first(client, edition, language):
    make_edition(
        year=2017,
        number=4,
        name_zh_hans="第四届世界互联网大会",
        name_en="Fourth World Internet Conference",
    )
    make_edition(year=2019, number=6, name_en="Draft edition", is_published=False)

    response = client.get(url(language, "events:edition-list"))

    cards = elements(response, "li", class_="card")
    assert [texts(card, "h2") for card in cards] == in_language(
        language,
        [["第五届世界互联网大会"], ["第四届世界互联网大会"]],
        [["Fifth World Internet Conference"], ["Fourth World Internet Conference"]],
    )
    assert [attribute(elements(card, "a")[0], "href") for card in cards] == [
        url(language, "events:edition-home", 2018),
        url(language, "events:edition-home", 2017),
    ]


# --- 404 and 500 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "other_home"),
    [("zh-hans", "/en/"), ("en", "/zh-hans/")],
)
def test_404_page_has_the_navigation_and_switches_to_the_other_home(
    client, edition, language, other_home
):
    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    assert texts(response, "h1") == [tr(language, "Page not found")]
    assert elements(response, "nav", class_="site-nav")
    switch = elements(response, "nav", class_="lang-switch")[0]
    assert other_home in [attribute(a, "href") for a in elements(switch, "a")]
    assertContains(response, 'name="robots" content="noindex"', status_code=404)
    assertNotContains(response, 'rel="canonical"', status_code=404)


@pytest.mark.parametrize(("language", "lang"), [("zh-hans", "zh-Hans"), ("en", "en")])
def test_500_page_renders_without_a_request_or_the_database(language, lang):
    from django.template import loader

    with translation.override(language):
        html = loader.get_template("500.html").render({})

    assert f'<html lang="{lang}">' in html
    assert texts(html, "h1") == [tr(language, "Server error")]
    assert [attribute(a, "href") for a in elements(html, "a", class_="brand")] == [f"/{language}/"]


def test_500_handler_serves_the_page(client, edition, monkeypatch):
    from events import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.AboutView, "get_context_data", explode)
    client.raise_request_exception = False

    response = client.get("/en/2018/about/")

    assert response.status_code == 500
    assert texts(response, "h1") == ["Server error"]


def test_draft_organization_is_not_listed(client, edition):
    response = client.get(url("en", "events:about", 2018))

    assertNotContains(response, "Unchecked body")


def test_home_lists_a_few_documents_and_counts_them_all(client, edition):
    from tests.factories import make_session

    documents = [
        make_document(edition=edition, title_en=f"Document {n}", sort_order=n) for n in range(8)
    ]
    make_document(edition=edition, title_en="Draft document", is_published=False)
    for kind in ["forum", "forum", "plenary"]:
        make_session(edition=edition, kind=kind)
    make_session(edition=edition, kind="forum", is_published=False)

    response = client.get(url("en", "events:home"))

    cards = elements(response, "ul", class_="card-list")[0]
    assert texts(cards, "a") == [d.title_en for d in documents[:6]]
    # The figures counted from the data: programme items (of them forums) and documents.
    assert texts(response, "span", class_="figure-value")[-2:] == ["3", "8"]
    assert texts(response, "span", class_="figure-note")[-1] == "of them 2 forums"


def test_home_names_the_first_programme_items_as_sub_events(client, edition):
    from events.views import EditionHomeView
    from tests.factories import make_session

    sessions = [
        make_session(edition=edition, title_en=f"Item {n:02}", sort_order=n)
        for n in range(EditionHomeView.sub_events + 3)
    ]

    response = client.get(url("en", "events:home"))

    script = elements(response, "script", type="application/ld+json")[0]
    data = json.loads(script.children[0])
    assert [e["name"] for e in data["subEvent"]] == [
        s.title_en for s in sessions[: EditionHomeView.sub_events]
    ]
    assert data["subEvent"][0]["url"] == f"http://testserver/en/2018/agenda/{sessions[0].slug}/"

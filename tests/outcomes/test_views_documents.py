import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from outcomes.models import Document
from tests.factories import make_document, make_edition, make_organization, make_section
from tests.html import attribute, elements, texts
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def edition():
    return make_edition(
        year=2018,
        name_zh_hans="第五届世界互联网大会",
        name_en="Fifth World Internet Conference",
        city_zh_hans="乌镇",
        city_en="Wuzhen",
        starts_on=datetime.date(2018, 11, 7),
        ends_on=datetime.date(2018, 11, 9),
    )


@pytest.fixture
def outlook(edition):
    issuer = make_organization(
        name_zh_hans="世界互联网大会组委会",
        name_en="WIC Organizing Committee",
        url="https://www.wicinternet.org/",
    )
    document = make_document(
        edition=edition,
        slug="wuzhen-outlook-2018",
        kind=Document.Kind.OUTCOME,
        title_zh_hans="乌镇展望2018",
        title_en="Wuzhen Outlook 2018",
        summary_zh_hans="展望摘要",
        summary_en="Outlook summary",
        body_zh_hans="展望正文",
        body_en="Outlook body",
        issuer=issuer,
        released_on=datetime.date(2018, 11, 9),
        sort_order=1,
    )
    # Sections are for text that exists: each has a body.
    for number, zh, en in [(1, "一", "one"), (2, "二", "two")]:
        make_section(
            document=document,
            number=number,
            heading_zh_hans=f"第{zh}点",
            heading_en=f"Point {en}",
            body_zh_hans=f"第{zh}点正文",
            body_en=f"Text of point {en}",
        )
    return document


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("zh-hans", ["乌镇展望2018", "世界互联网发展报告2018"]),
        ("en", ["Wuzhen Outlook 2018", "World Internet Development Report 2018"]),
    ],
)
def test_document_list_shows_published_documents_in_the_active_language(
    client, edition, outlook, language, titles
):
    make_document(
        edition=edition,
        kind=Document.Kind.BLUE_BOOK,
        title_zh_hans="世界互联网发展报告2018",
        title_en="World Internet Development Report 2018",
        sort_order=2,
    )
    make_document(edition=edition, title_zh_hans="草稿", title_en="Draft doc", is_published=False)
    make_document(title_zh_hans="别届文件", title_en="Other edition's document")

    response = client.get(url_in(language, "outcomes:document-list", 2018))

    assert response.status_code == 200
    assert texts(response, "h3") == titles
    assertContains(response, f'href="/{language}/2018/outcomes/wuzhen-outlook-2018/"')


def test_document_list_groups_by_kind_with_issuer_date_and_summary(client, edition, outlook):
    make_document(edition=edition, kind=Document.Kind.BLUE_BOOK, title_en="Blue book")

    response = client.get(url_in("en", "outcomes:document-list", 2018))

    groups = elements(response, "section", class_="document-group")
    assert [texts(group, "h2") for group in groups] == [["Outcome documents"], ["Blue books"]]
    assert texts(groups[0], "h3") == ["Wuzhen Outlook 2018"]
    assert texts(groups[1], "h3") == ["Blue book"]
    card = texts(groups[0], "li", class_="card")[0]
    assert "Outcome document" in card
    assert "Issued by WIC Organizing Committee" in card
    assert "Released 9 November 2018" in card
    assert "Outlook summary" in card


def test_document_list_says_so_when_there_is_nothing(client, edition):
    response = client.get(url_in("en", "outcomes:document-list", 2018))

    assert texts(response, "p", class_="notice") == [
        "No outcome documents have been published for this edition yet."
    ]


@pytest.mark.parametrize("year", [1999, 2018])
def test_document_list_is_404_for_unknown_or_draft_edition(client, year):
    make_edition(year=2018, is_published=False)

    response = client.get(url_in("en", "outcomes:document-list", year))

    assert response.status_code == 404


def test_document_list_queries_do_not_grow_with_documents(client, edition):
    def grow(n):
        for _ in range(n):
            make_document(edition=edition, issuer=make_organization())

    with_one, with_ten = assert_queries_flat(
        client, url_in("en", "outcomes:document-list", 2018), grow
    )

    assert len(texts(with_one, "h3")) == 1
    assert len(texts(with_ten, "h3")) == 10


@pytest.mark.parametrize(
    ("language", "title", "headings", "body", "texts_"),
    [
        (
            "zh-hans",
            "乌镇展望2018",
            ["1. 第一点", "2. 第二点"],
            "展望正文",
            ["第一点正文", "第二点正文"],
        ),
        (
            "en",
            "Wuzhen Outlook 2018",
            ["1. Point one", "2. Point two"],
            "Outlook body",
            ["Text of point one", "Text of point two"],
        ),
    ],
)
def test_document_detail_shows_numbered_sections_with_anchors(
    client, outlook, language, title, headings, body, texts_
):
    make_section(document=outlook, number=3, heading_en="Draft point", is_published=False)

    response = client.get(url_in(language, "outcomes:document-detail", 2018, outlook.slug))

    assert response.status_code == 200
    assert texts(response, "h1") == [title]
    sections = elements(response, "section", class_="document-section")
    assert [attribute(section, "id") for section in sections] == ["section-1", "section-2"]
    assert [texts(section, "h2")[0] for section in sections] == headings
    assert [texts(section, "p")[0] for section in sections] == texts_
    toc = elements(response, "nav", class_="toc")[0]
    assert [attribute(a, "href") for a in elements(toc, "a")] == ["#section-1", "#section-2"]
    assertContains(response, body)
    assertNotContains(response, "Draft point")
    assertNotContains(response, "draft-banner")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_document_without_sections_shows_its_body_list_and_no_contents(client, edition, language):
    make_document(
        edition=edition,
        slug="outlook",
        body_zh_hans="<p>文件涵盖以下方面：</p><ul><li>数字经济</li><li>网络安全</li></ul>",
        body_en="<p>It covers these areas:</p><ul><li>the digital economy</li><li>cybersecurity</li></ul>",
    )

    response = client.get(url_in(language, "outcomes:document-detail", 2018, "outlook"))

    prose = elements(response, "div", class_="prose")
    assert [texts(div, "li") for div in prose] == [
        ["数字经济", "网络安全"]
        if language == "zh-hans"
        else ["the digital economy", "cybersecurity"]
    ]
    assert elements(response, "nav", class_="toc") == []
    assert elements(response, "section", class_="document-section") == []


def test_document_detail_links_pdf_and_shows_cover_when_present(client, outlook):
    outlook.file.name = "documents/wuzhen-outlook-2018.pdf"
    outlook.cover.name = "documents/covers/wuzhen-outlook-2018.jpg"
    outlook.save()

    response = client.get(url_in("en", "outcomes:document-detail", 2018, outlook.slug))

    download = elements(response, "a", class_="download")
    assert [attribute(a, "href") for a in download] == ["/media/documents/wuzhen-outlook-2018.pdf"]
    cover = elements(response, "img", class_="document-cover")
    assert [attribute(img, "alt") for img in cover] == ["Cover of Wuzhen Outlook 2018"]


def test_document_detail_has_no_pdf_link_without_a_file(client, outlook):
    response = client.get(url_in("en", "outcomes:document-detail", 2018, outlook.slug))

    assert elements(response, "a", class_="download") == []
    assert elements(response, "img", class_="document-cover") == []


@pytest.mark.parametrize(
    ("language", "name", "in_language", "event_name"),
    [
        ("zh-hans", "乌镇展望2018", "zh-Hans", "第五届世界互联网大会"),
        ("en", "Wuzhen Outlook 2018", "en", "Fifth World Internet Conference"),
    ],
)
def test_document_detail_describes_itself_as_a_schema_org_report(
    client, outlook, language, name, in_language, event_name
):
    response = client.get(url_in(language, "outcomes:document-detail", 2018, outlook.slug))

    scripts = elements(response, "script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].children[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Report"
    assert data["name"] == name
    assert data["datePublished"] == "2018-11-09"
    assert data["inLanguage"] == in_language
    assert data["url"] == f"http://testserver/{language}/2018/outcomes/wuzhen-outlook-2018/"
    assert data["publisher"]["name"] == data["author"]["name"]
    assert data["publisher"]["url"] == "https://www.wicinternet.org/"
    # The edition is what the report is about; `isPartOf` takes creative works, not events.
    assert "isPartOf" not in data
    assert data["about"]["@type"] == "Event"
    assert data["about"]["name"] == event_name
    assert data["about"]["url"] == f"http://testserver/{language}/2018/"
    assert data["about"]["image"] == f"http://testserver/static/img/share-{language}.png"


def test_document_json_ld_cannot_break_out_of_its_script(client, outlook):
    outlook.title_en = "</script><script>alert(1)</script>"
    outlook.save()

    response = client.get(url_in("en", "outcomes:document-detail", 2018, outlook.slug))

    assertNotContains(response, "<script>alert(1)")
    scripts = elements(response, "script", type="application/ld+json")
    assert json.loads(scripts[0].children[0])["name"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("slug", ["no-such-document", "draft-document", "other-edition"])
def test_document_detail_is_404_for_unknown_draft_or_other_edition_slug(client, edition, slug):
    make_document(edition=edition, slug="draft-document", is_published=False)
    make_document(slug="other-edition")

    response = client.get(url_in("en", "outcomes:document-detail", 2018, slug))

    assert response.status_code == 404


def test_staff_see_a_draft_document_with_a_banner(admin_client, edition):
    document = make_document(
        edition=edition, slug="draft", title_en="Draft doc", is_published=False
    )
    make_section(document=document, number=1, heading_en="Draft section", is_published=False)

    response = admin_client.get(url_in("en", "outcomes:document-detail", 2018, "draft"))

    assert response.status_code == 200
    assert len(elements(response, "div", class_="draft-banner")) == 1
    assertContains(response, "Draft: not visible to visitors")
    assertContains(response, "Draft section")


def test_document_detail_queries_do_not_grow_with_sections(client, outlook):
    def grow(n):
        for _ in range(n):
            make_section(document=outlook, number=10 + outlook.sections.count())

    with_one, with_ten = assert_queries_flat(
        client, url_in("en", "outcomes:document-detail", 2018, outlook.slug), grow
    )

    assert len(elements(with_one, "section", class_="document-section")) == 2 + 1
    assert len(elements(with_ten, "section", class_="document-section")) == 2 + 10

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_achievement, make_document, make_edition, make_session
from tests.html import attribute, elements
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
SERVER = "http://testserver"


def read_sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", NS)
            if link.get("rel") == "alternate"
        }
        for url in root.findall("s:url", NS)
    }


@pytest.fixture
def site():
    edition = make_edition(year=2018, is_current=True)
    make_edition(year=2017, is_published=False)
    make_session(edition=edition, slug="opening")
    make_session(edition=edition, slug="draft-session", is_published=False)
    make_document(edition=edition, slug="wuzhen-outlook-2018")
    make_document(edition=edition, slug="draft-document", is_published=False)
    make_achievement(edition=edition, slug="ant-blockchain")
    make_achievement(edition=edition, slug="draft-achievement", is_published=False)
    return edition


PAGES = [
    "/",  # the current edition's home, whose canonical URL this is (not /2018/)
    "/editions/",
    "/2018/about/",
    "/2018/news/",
    "/2018/agenda/",
    "/2018/agenda/opening/",
    "/2018/outcomes/",
    "/2018/outcomes/wuzhen-outlook-2018/",
    "/2018/achievements/",
    "/2018/achievements/ant-blockchain/",
    "/2018/press/",
]


def test_sitemap_lists_every_published_page_in_both_languages_and_no_draft(client, site):
    urls = read_sitemap(client)

    expected = {f"{SERVER}/{language}{page}" for page in PAGES for language in ["zh-hans", "en"]}
    assert set(urls) == expected
    assert len(urls) == 2 * len(PAGES)  # no page twice


def test_each_sitemap_url_names_both_languages_and_the_x_default(client, site):
    urls = read_sitemap(client)

    for page in PAGES:
        alternates = {
            "zh-hans": f"{SERVER}/zh-hans{page}",
            "en": f"{SERVER}/en{page}",
            "x-default": f"{SERVER}{page}",
        }
        # Reciprocal: the Chinese and the English entry name each other, the same way.
        assert urls[f"{SERVER}/zh-hans{page}"] == alternates
        assert urls[f"{SERVER}/en{page}"] == alternates


def test_sitemap_lists_the_home_of_an_edition_that_is_not_the_current_one(client, site):
    make_edition(year=2016)

    urls = read_sitemap(client)

    assert f"{SERVER}/en/2016/" in urls
    assert f"{SERVER}/en/2016/press/" in urls
    assert f"{SERVER}/en/2018/" not in urls


@pytest.mark.parametrize("page", PAGES)
def test_every_sitemap_url_answers(client, site, page):
    for language in ["zh-hans", "en"]:
        assert client.get(f"/{language}{page}").status_code == 200


@pytest.mark.parametrize("page", ["/2018/outcomes/wuzhen-outlook-2018/", "/2018/press/"])
def test_the_x_default_url_sends_visitors_to_their_language(client, site, page):
    response = client.get(page, headers={"accept-language": "en-US,en;q=0.9"})

    assert response.status_code == 302
    assert response["Location"] == f"/en{page}"


def head_alternates(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {
        attribute(link, "hreflang"): attribute(link, "href")
        for link in elements(response, "link", rel="alternate")
        if attribute(link, "hreflang")
    }


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/editions/",
        "/2018/agenda/",
        "/2018/agenda/opening/",
        "/2018/outcomes/wuzhen-outlook-2018/",
        "/2018/achievements/ant-blockchain/",
        "/2018/press/",
    ],
)
def test_the_page_head_and_the_sitemap_name_the_same_x_default(client, site, page):
    sitemap = read_sitemap(client)

    for language in ["zh-hans", "en"]:
        url = f"{SERVER}/{language}{page}"
        head = head_alternates(client, url)
        assert head["x-default"] == sitemap[url]["x-default"] == f"{SERVER}{page}"
        # The other alternates agree too (hreflang spelled BCP 47 in the head).
        assert (head["zh-Hans"], head["en"]) == (sitemap[url]["zh-hans"], sitemap[url]["en"])


def test_the_x_default_of_the_home_page_sends_visitors_to_their_language(client, site):
    english = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    other = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert (english.status_code, english["Location"]) == (302, "/en/")
    assert (other.status_code, other["Location"]) == (302, "/zh-hans/")


def test_sitemap_queries_do_not_grow_with_content(client, site):
    def grow(n):
        for _ in range(n):
            make_session(edition=site)
            make_document(edition=site)
            make_achievement(edition=site)

    with_one, with_ten = assert_queries_flat(client, "/sitemap.xml", grow)

    assert with_ten.content.count(b"<url>") - with_one.content.count(b"<url>") == 9 * 3 * 2


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = [line for line in response.content.decode().splitlines() if line]
    assert lines == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        f"Sitemap: {SERVER}/sitemap.xml",
    ]


def test_robots_txt_names_the_sitemap_on_the_requested_host(client, settings):
    settings.ALLOWED_HOSTS = ["www.wicinternet.example"]

    response = client.get("/robots.txt", headers={"host": "www.wicinternet.example"}, secure=True)

    assert "Sitemap: https://www.wicinternet.example/sitemap.xml" in response.content.decode()

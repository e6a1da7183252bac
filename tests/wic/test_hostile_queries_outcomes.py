"""No query string, however hostile, gets a 5xx or puts its markup unescaped into the
outcomes pages or the search page."""

import pytest

from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_field,
    make_organization,
    make_press_evaluation,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"

QUERY_STRINGS = [
    "",
    "q=" + SCRIPT,
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "q=' OR 1=1 --",
    "q=%27%20OR%201%3D1%20--",
    "q=" + "x" * 10_240,
    "q=" + "数" * 10_240,
    "q=%ff%fe",
    "q=%00",
    "q=a%00b",
    "q=%",
    "q=_",
    "q=%25%5F%5C",
    "q=\\",
    "q=a&q=b&q=c",
    "q[]=x",
    "field=no-such-field",
    "field=" + SCRIPT,
    "field=%00",
    "field=%ff%fe",
    "field=ai&field=blockchain",
    "field=" + "x" * 10_240,
    "field=' OR 1=1 --",
    "organization=nobody",
    "organization=%00",
    "organization=" + SCRIPT,
    "kind=gossip",
    "kind=%00",
    "kind=" + SCRIPT,
    "kind=media&kind=expert",
    "page=-1",
    "page=0",
    "page=99999999999999999999999999",
    "page=1e9",
    "page=nan",
    "page=inf",
    "page=%00",
    "page=" + SCRIPT,
    "page=2&page=3",
    "%ff%fe=%ff%fe",
    "=&&=&",
    "&" * 500,
]

PATHS = [
    "/{lang}/search/",
    "/{lang}/2018/outcomes/",
    "/{lang}/2018/outcomes/wuzhen-outlook-2018/",
    "/{lang}/2018/achievements/",
    "/{lang}/2018/achievements/ant-blockchain/",
    "/{lang}/2018/press/",
]


@pytest.fixture
def content():
    edition = make_edition(year=2018, is_current=True)
    make_document(edition=edition, slug="wuzhen-outlook-2018", title_en="Wuzhen Outlook")
    make_achievement(
        edition=edition,
        slug="ant-blockchain",
        organization=make_organization(slug="ant-financial"),
        fields=[make_field(slug="ai"), make_field(slug="blockchain")],
    )
    make_press_evaluation(edition=edition)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("query", QUERY_STRINGS, ids=lambda q: q[:40])
def test_hostile_query_strings_never_break_a_page(client, content, lang, path, query):
    response = client.get(f"{path.format(lang=lang)}?{query}")

    assert response.status_code == 200
    body = response.content.decode()
    assert SCRIPT not in body
    assert "<img src=x" not in body
    assert 'onerror=alert(1)">' not in body


@pytest.mark.parametrize(
    "path",
    [
        "/en/99999999999999999999/outcomes/",
        "/en/0/achievements/",
        "/en/2018/outcomes/no-such-document/",
        "/en/2018/achievements/" + "x" * 2000 + "/",
        "/en/2018/outcomes/%3Cscript%3E/",
        "/en/2018/press/%00/",
        "/en/2019/press/",
        "/en/2018/news/feed/?page=-1",
        "/en/99999999999999999999/news/feed/",
    ],
)
def test_unknown_paths_are_404_not_500(client, content, path):
    response = client.get(path)

    assert response.status_code in {200, 404}
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize("query", ["q=" + SCRIPT, "q=%00", "page=-1", "q=" + "x" * 10_240])
def test_feed_sitemap_and_robots_ignore_query_strings(client, content, query):
    for path in ["/en/2018/news/feed/", "/sitemap.xml", "/robots.txt"]:
        response = client.get(f"{path}?{query}")

        assert response.status_code == 200
        assert SCRIPT not in response.content.decode()

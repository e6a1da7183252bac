"""No query string, however hostile, gets a server error or puts markup into the events pages."""

import pytest

from tests.factories import make_agenda, make_milestone

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/zh-hans/",
    "/en/2018/",
    "/zh-hans/2018/about/",
    "/en/2018/news/",
    "/zh-hans/2018/news/",
    "/en/2018/agenda/",
    "/zh-hans/2018/agenda/",
    "/en/2018/agenda.ics",
    "/en/2018/agenda/digital-silk-road/",
    "/en/editions/",
    "/en/2018/agenda/no-such-item/",
]

SCRIPT = "<script>alert(1)</script>"
LONG = "x" * 10240

QUERIES = [
    "day=2018-13-45",
    "day=yesterday",
    "day=0000-00-00",
    "day=2018-11-08T00:00",
    "track=no-such-track",
    "venue=no-such-venue&track=..%2F..%2Fetc",
    "slug=no-such-item",
    "category=gossip",
    "kind=" + "forum" * 3,
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=1e9",
    "page=abc",
    "q=" + LONG,
    "day=" + LONG,
    "kind=" + LONG,
    "venue=" + LONG,
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "kind=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "day=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "category=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "track=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%27%20OR%201%3D1%20--",
    "venue=%27%20OR%201%3D1%20--&track=%27%3B%20DROP%20TABLE%20events_session%3B%20--",
    "kind=forum&kind=expo&kind=%3Cscript%3E&day=2018-11-08&day=2018-11-09",
    "q=a&q=b&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%ff%fe",
    "day=%ff%fe&kind=%c3%28",
    "q=%00",
    "day=%00&kind=%00&track=%00&venue=%00&slug=%00&category=%00",
    "q=a%00b",
    "%00=%00",
    "q",
    "&&&==&",
    "q=%25%5F%5C",
    "page=2&q=" + "%E6%95%B0" * 2000,
]


@pytest.fixture(autouse=True)
def agenda():
    agenda = make_agenda()
    make_milestone(edition=agenda.edition)
    return agenda


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("path", PAGES)
def test_hostile_query_strings_are_answered_safely(client, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code < 500
    assert response.status_code in (200, 404)
    body = response.content
    assert SCRIPT.encode() not in body
    assert b"<script>alert" not in body
    assert b"\x00" not in body
    if path.endswith(".ics"):
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
    else:
        assert body.count(b"<html") == 1


@pytest.mark.parametrize(
    "path",
    ["/en/2018/agenda/", "/en/2018/news/"],
)
def test_markup_in_a_filter_is_shown_as_text(client, path):
    response = client.get(path, {"q": SCRIPT, "category": SCRIPT, "kind": SCRIPT})

    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content

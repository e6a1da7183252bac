"""wic.core.keywords: one cleaning and one limit for every box a visitor types words into."""

import pytest
from django.http import QueryDict

from tests.factories import make_achievement, make_edition, make_session
from tests.html import attribute, elements
from wic.core import keywords

CONTROL = "\x00\x01\x07\x1b\x7f"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("数字 丝路", ["数字", "丝路"]),
        ("silk\x00road", ["silkroad"]),
        ("silk\troad\nforum", ["silk", "road", "forum"]),
        ("a a b a", ["a", "b"]),
        (" ".join(str(n) for n in range(20)), [str(n) for n in range(keywords.MAX_TERMS)]),
        (CONTROL, []),
    ],
)
def test_terms_are_the_distinct_printable_words(typed, words):
    assert keywords.terms(typed) == words


def test_printable_data_cleans_every_value_and_keeps_clean_data_as_it_is():
    clean = QueryDict("q=silk&kind=forum")
    dirty = QueryDict("q=si%00lk&kind=fo%07rum&kind=x")

    assert keywords.printable_data(clean) is clean
    assert dict(keywords.printable_data(dirty).lists()) == {"q": ["silk"], "kind": ["forum", "x"]}


@pytest.fixture
def site(db):
    edition = make_edition(year=2018, is_current=True)
    make_session(edition=edition, title_en="Silk road forum")
    make_achievement(edition=edition, title_en="Silk chip")
    return edition


PAGES = {
    "/en/search/": "q",
    "/en/2018/agenda/": "q",
    "/en/2018/achievements/": "q",
    "/en/2018/press/": "kind",
    "/en/2018/news/": "category",
}


@pytest.mark.parametrize(("path", "param"), PAGES.items())
def test_no_control_character_typed_by_a_visitor_comes_back_into_a_page(client, site, path, param):
    response = client.get(path, {param: f"si{CONTROL}lk", "page": f"1{CONTROL}"})

    assert response.status_code == 200
    body = response.content.decode()
    assert [char for char in CONTROL if char in body] == []


@pytest.mark.parametrize("path", ["/en/search/", "/en/2018/agenda/", "/en/2018/achievements/"])
def test_every_keyword_box_finds_words_with_control_characters_taken_out(client, site, path):
    response = client.get(path, {"q": f"Si{CONTROL}lk"})

    assert b"Silk" in response.content
    assert [attribute(box, "value") for box in elements(response, "input", name="q")][-1] == "Silk"


@pytest.mark.parametrize("path", ["/en/search/", "/en/2018/agenda/", "/en/2018/achievements/"])
def test_every_keyword_box_has_the_same_limit(client, site, path):
    too_long = client.get(path, {"q": "x" * (keywords.MAX_LENGTH + 1)})

    assert "use at most 100 characters" in too_long.content.decode()


def test_the_header_search_box_has_the_search_pages_limit(client, site):
    response = client.get("/en/")

    (box,) = elements(response, "input", id="site-search-q")
    assert attribute(box, "maxlength") == str(keywords.MAX_LENGTH)
    assert attribute(box, "name") == "q"

"""Search and filters find the same rows on SQLite and on PostgreSQL.

`make test` runs this file on both (the second run has DATABASE_URL=postgres://…): icontains
is LIKE on SQLite and ILIKE on PostgreSQL, and both must treat Chinese text and the case of
English text the same way, and take % and _ literally.
"""

import pytest

from tests.factories import make_edition, make_session

pytestmark = pytest.mark.django_db

SILK_ROAD = "Digital Silk Road Forum"
AI = "Artificial Intelligence and the Real Economy Forum"
LAW = "Rule of Law in Cyberspace Forum"


@pytest.fixture
def agenda():
    edition = make_edition(year=2018, number=5, is_current=True)
    for zh, en in [
        ("数字丝绸之路国际合作论坛", SILK_ROAD),
        ("人工智能与实体经济论坛", AI),
        ("互联网法治论坛", LAW),
    ]:
        make_session(edition=edition, title_zh_hans=zh, title_en=en)
    return edition


QUERIES = [
    ("丝绸之路", [SILK_ROAD]),
    ("人工智能", [AI]),
    ("论坛", sorted([AI, LAW, SILK_ROAD])),
    ("digital", [SILK_ROAD]),
    ("DIGITAL", [SILK_ROAD]),
    ("InTeLLiGeNcE", [AI]),
    ("cyberSPACE", [LAW]),
    ("forum", sorted([AI, LAW, SILK_ROAD])),
    ("%", []),
    ("_", []),
    ("香港", []),
]


@pytest.mark.parametrize(("query", "titles"), QUERIES)
def test_site_search_finds_the_same_rows_on_every_database(client, agenda, query, titles):
    response = client.get("/en/search/", {"q": query})

    found = [hit.title for group in response.context["groups"] for hit in group.hits]
    assert sorted(found) == titles


@pytest.mark.parametrize(("query", "titles"), QUERIES)
def test_agenda_keyword_filter_finds_the_same_rows_on_every_database(client, agenda, query, titles):
    response = client.get("/en/2018/agenda/", {"q": query})

    assert sorted(session.title for session in response.context["sessions"]) == titles

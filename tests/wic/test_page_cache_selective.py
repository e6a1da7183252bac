"""The page cache on a conference day (wic/core/cache.py): a save makes cold only the pages
that show what changed; junk query strings neither make entries nor pass the cache; pages
are stored compressed; many requests for one cold page cause one render; pages rendered
each time are limited per client."""

import gzip
import threading
import time
import uuid

import brotli
import pytest
from django.core.cache import caches

from events.models import Session
from outcomes.models import Document
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_milestone,
    make_press_evaluation,
    make_section,
    make_session,
)
from wic.core import cache as page_cache_module
from wic.core.cache import CACHE_HEADER, PageRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(page_cache, settings):
    settings.PAGE_CACHE_RATE_LIMIT = "0/60"  # its counters would count as entries
    return page_cache


@pytest.fixture
def site(db):
    """An edition with a little of everything, as its pages show it."""
    edition = make_edition(year=2018, number=5, is_current=True)
    forum = make_session(edition=edition, slug="silk-road", title_en="Digital Silk Road Forum")
    other = make_session(edition=edition, slug="governance", title_en="Governance Forum")
    milestone = make_milestone(edition=edition, title_en="Press conference held")
    achievement = make_achievement(edition=edition, slug="chip", title_en="Ascend 310")
    quote = make_press_evaluation(edition=edition, quote_en="A landmark event")
    document = make_document(edition=edition, slug="outlook", title_en="Wuzhen Outlook")
    section = make_section(document=document, number=1, heading_en="Foreword")
    return {
        "edition": edition,
        "forum": forum,
        "other": other,
        "milestone": milestone,
        "achievement": achievement,
        "quote": quote,
        "document": document,
        "section": section,
    }


PAGES = {
    "home": "/en/",
    "news": "/en/2018/news/",
    "agenda": "/en/2018/agenda/",
    "calendar": "/en/2018/agenda.ics",
    "forum": "/en/2018/agenda/silk-road/",
    "other forum": "/en/2018/agenda/governance/",
    "achievements": "/en/2018/achievements/",
    "achievement": "/en/2018/achievements/chip/",
    "press": "/en/2018/press/",
    "document": "/en/2018/outcomes/outlook/",
    "about": "/en/2018/about/",
}


def warm(client):
    for path in PAGES.values():
        client.get(path)
    assert {name: client.get(path)[CACHE_HEADER] for name, path in PAGES.items()} == dict.fromkeys(
        PAGES, "hit"
    )


def states(client):
    return {name: client.get(path)[CACHE_HEADER] for name, path in PAGES.items()}


def cold(client):
    return sorted(name for name, state in states(client).items() if state == "miss")


def edit(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


# --- a save makes cold only what shows it --------------------------------------------------


def test_editing_a_timeline_item_leaves_the_agenda_and_the_forums_cached(client, page_cache, site):
    warm(client)

    edit(site["milestone"], title_en="Press conference held in Beijing")

    assert cold(client) == ["home", "news"]
    assert "Press conference held in Beijing" in client.get("/en/2018/news/").content.decode()


def test_editing_a_forum_makes_its_page_the_agenda_calendar_and_home_cold(client, page_cache, site):
    warm(client)

    edit(site["forum"], title_en="Digital Silk Road International Cooperation Forum")

    assert cold(client) == ["agenda", "calendar", "forum", "home"]
    for path in ["/en/2018/agenda/silk-road/", "/en/2018/agenda/", "/en/"]:
        assert (
            "Digital Silk Road International Cooperation Forum" in client.get(path).content.decode()
        )


def test_editing_an_achievement_makes_only_the_achievement_pages_cold(client, page_cache, site):
    warm(client)

    edit(site["achievement"], title_en="Ascend 310 AI chip")

    assert cold(client) == ["achievement", "achievements"]


def test_editing_a_quote_makes_the_press_page_and_the_home_page_cold(client, page_cache, site):
    warm(client)

    edit(site["quote"], quote_en="A landmark event for the internet")

    assert cold(client) == ["home", "press"]


def test_editing_a_document_section_makes_only_its_document_cold(client, page_cache, site):
    warm(client)

    edit(site["section"], heading_en="Preface")

    assert cold(client) == ["document"]
    assert "Preface" in client.get("/en/2018/outcomes/outlook/").content.decode()


def test_editing_the_edition_makes_every_page_cold(client, page_cache, site):
    warm(client)

    edit(site["edition"], name_en="The Fifth World Internet Conference")

    assert cold(client) == sorted(PAGES)


def test_a_new_item_shows_on_the_lists_at_once(client, page_cache, site):
    warm(client)

    make_session(edition=site["edition"], slug="new", title_en="Newly added forum")

    assert "Newly added forum" in client.get("/en/2018/agenda/").content.decode()
    assert client.get("/en/2018/agenda/silk-road/")[CACHE_HEADER] == "hit"


def test_deleting_a_document_makes_its_page_a_404_at_once(client, page_cache, site):
    warm(client)

    Document.objects.get(pk=site["document"].pk).delete()

    assert client.get("/en/2018/outcomes/outlook/").status_code == 404


def test_unpublishing_a_forum_takes_its_page_down_at_once(client, page_cache, site):
    warm(client)

    Session.objects.get(pk=site["forum"].pk).delete()
    edit(site["other"], is_published=False)

    assert client.get("/en/2018/agenda/governance/").status_code == 404
    assert "Governance Forum" not in client.get("/en/2018/agenda/").content.decode()


# --- canonical keys ---------------------------------------------------------------------------


def entries(page_cache):
    if hasattr(page_cache, "_list_cache_files"):
        return len(page_cache._list_cache_files())
    return len(page_cache._cache.get_client().keys(f"{page_cache.key_prefix}*"))


def test_unknown_parameters_are_ignored_neither_stored_nor_passing_the_cache(
    client, page_cache, site
):
    client.get("/en/2018/agenda/?kind=forum")
    stored = entries(page_cache)

    responses = [
        client.get("/en/2018/agenda/", {"kind": "forum", "cb": uuid.uuid4().hex}) for _ in range(20)
    ]
    responses.append(client.get("/en/2018/agenda/?utm_source=x&kind=forum&fbclid=y"))

    assert {r[CACHE_HEADER] for r in responses} == {"hit"}
    assert entries(page_cache) == stored
    assert "cb=" not in responses[0].content.decode()


def test_parameter_order_and_empty_values_make_the_same_page(client, page_cache, site):
    first = client.get("/en/2018/agenda/?kind=forum&day=")
    again = client.get("/en/2018/agenda/?day=&track=&kind=forum")

    assert (first[CACHE_HEADER], again[CACHE_HEADER]) == ("miss", "hit")


def test_the_page_renders_as_if_unknown_parameters_were_absent(rf, site):
    request = rf.get("/en/2018/agenda/?zzz=1&kind=forum&page=2&aaa=2")

    page = PageRequest(request)
    page.apply(request)

    assert page.query == "kind=forum&page=2"
    assert request.GET.urlencode() == "kind=forum&page=2"
    assert request.get_full_path() == "/en/2018/agenda/?kind=forum&page=2"


@pytest.mark.parametrize(
    "query",
    ["q=silk", "kind=forum&day=2018-11-08"],  # free text; a combination of filters
)
def test_searches_and_combinations_stay_out_of_the_pages_cache(client, page_cache, site, query):
    before = entries(page_cache)
    queries_before = entries(caches["queries"])

    responses = [client.get(f"/en/2018/agenda/?{query}") for _ in range(3)]

    assert [r.status_code for r in responses] == [200] * 3
    # Kept in the cache of such pages and this process's memory of them, not with the pages.
    assert [r[CACHE_HEADER] for r in responses] == ["miss", "hit", "hit"]
    assert entries(page_cache) == before
    assert entries(caches["queries"]) == queries_before + 1
    assert page_cache_module.query_pages.pages


def test_a_search_rendered_by_one_process_is_served_by_the_others(client, page_cache, site):
    client.get("/en/search/", {"q": "Silk"})
    edit(site["forum"], title_en="Digital Silk Road International Cooperation Forum")
    assert client.get("/en/search/", {"q": "Silk"})[CACHE_HEADER] == "miss"
    page_cache_module.query_pages.clear()  # another process, whose own copy is cold or none

    response = client.get("/en/search/", {"q": "Silk"})

    assert response[CACHE_HEADER] == "hit"
    assert "International Cooperation" in response.content.decode()


@pytest.mark.parametrize("query", ["kind=party", "day=yesterday", "q=" + "x" * 101])
def test_invalid_values_are_answered_but_stored_nowhere(client, page_cache, site, query):
    before = entries(page_cache)

    responses = [client.get(f"/en/2018/agenda/?{query}") for _ in range(3)]

    assert [r.status_code for r in responses] == [200] * 3
    assert "hit" not in [r.get(CACHE_HEADER) for r in responses]
    assert "private" in responses[0]["Cache-Control"]
    assert entries(page_cache) == before


def test_a_search_kept_in_process_memory_is_never_served_after_a_change(client, page_cache, site):
    client.get("/en/search/", {"q": "Silk"})

    edit(site["forum"], title_en="Digital Silk Road International Cooperation Forum")
    response = client.get("/en/search/", {"q": "Silk"})

    assert response[CACHE_HEADER] == "miss"
    assert "International Cooperation" in response.content.decode()


def test_junk_values_of_a_parameter_do_not_fill_the_cache(client, page_cache, site):
    before = entries(page_cache)

    for n in range(30):
        client.get("/en/2018/agenda/", {"day": f"2018-13-{n:02}"})
        client.get("/en/2018/agenda.ics", {"venue": f"nowhere-{n}"})
        client.get("/en/search/", {"q": f"junk {n}"})

    assert entries(page_cache) == before


def test_junk_searches_never_evict_real_pages(client, page_cache, site):
    client.get("/en/2018/about/")

    for n in range(200):
        client.get("/en/search/", {"q": f"junk {n} " + "x" * 80})
    page_cache_module.local_pages.clear()  # as a new process would start
    response = client.get("/en/2018/about/")

    assert response[CACHE_HEADER] == "hit"


# --- compressed pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=0.5", "gzip", gzip.decompress),
        ("", None, lambda body: body),
        ("identity", None, lambda body: body),
    ],
)
def test_pages_are_sent_compressed_as_the_browser_accepts(
    client, page_cache, site, accept, encoding, decode
):
    plain = client.get("/en/").content

    miss = client.get("/en/2018/about/", headers={"accept-encoding": accept})
    hit = client.get("/en/2018/about/", headers={"accept-encoding": accept})

    for response in (miss, hit):
        assert response.get("Content-Encoding") == encoding
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Length"] == str(len(response.content))
    assert decode(hit.content) == client.get("/en/2018/about/").content
    assert plain  # the identity page exists too


def test_each_encoding_has_its_own_etag_and_revalidates(client, page_cache, site):
    etags = {}
    for accept in ["br", "gzip", ""]:
        etags[accept] = client.get("/en/", headers={"accept-encoding": accept})["ETag"]
    revalidated = client.get(
        "/en/", headers={"accept-encoding": "br", "if-none-match": etags["br"]}
    )
    crossed = client.get("/en/", headers={"accept-encoding": "br", "if-none-match": etags["gzip"]})

    assert len(set(etags.values())) == 3
    assert revalidated.status_code == 304
    assert crossed.status_code == 200


def test_a_hit_costs_no_compression(client, page_cache, site, monkeypatch):
    client.get("/en/", headers={"accept-encoding": "br"})
    monkeypatch.setattr(page_cache_module, "compress", lambda body: pytest.fail("compressed"))

    hit = client.get("/en/", headers={"accept-encoding": "br"})

    assert (hit[CACHE_HEADER], hit["Content-Encoding"]) == ("hit", "br")


def test_searches_are_compressed_too(client, page_cache, site):
    response = client.get("/en/search/", {"q": "Silk"}, headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"Digital Silk Road Forum" in gzip.decompress(response.content)


def test_nothing_an_editor_sees_is_compressed(client, page_cache, site, admin_user):
    client.force_login(admin_user)

    pages = [
        client.get(path, headers={"accept-encoding": "gzip, br"})
        for path in ["/en/", "/admin/", "/admin/events/session/", "/en/search/?q=Silk"]
    ]

    assert [page.get("Content-Encoding") for page in pages] == [None] * 4


# --- one render per cold page -----------------------------------------------------------------


def test_a_request_waits_for_the_render_already_under_way(client, rf, page_cache, site):
    """Another process holds the page's render lock and stores the page meanwhile: this
    request serves that page instead of rendering its own."""
    key = PageRequest(rf.get("/en/2018/about/")).key
    client.get("/en/2018/about/")
    stored = page_cache.get(key)
    page_cache.delete(key)
    page_cache_module.local_pages.clear()
    page_cache.add(f"{key}:render", 1, 10)

    def other_process_finishes():
        time.sleep(0.2)
        page_cache.set(key, stored._replace(bodies={None: b"rendered by the other process"}))
        page_cache.delete(f"{key}:render")

    worker = threading.Thread(target=other_process_finishes)
    worker.start()
    response = client.get("/en/2018/about/")
    worker.join()

    assert (response[CACHE_HEADER], response.content) == ("hit", b"rendered by the other process")


def test_a_page_another_process_rendered_again_is_served_though_this_ones_copy_is_cold(
    client, rf, page_cache, site
):
    """After a save, each process's own copy of the home page is cold; the first process to
    render it stores it in the shared cache, and the others serve that one."""
    key = PageRequest(rf.get("/en/")).key
    client.get("/en/")
    own_copy = page_cache_module.local_pages.get(key)
    edit(site["milestone"], title_en="Press conference held in Beijing")
    page_cache_module.local_pages.clear()  # another process renders the page again
    assert client.get("/en/")[CACHE_HEADER] == "miss"
    page_cache_module.local_pages.put(key, own_copy)  # this process's copy, now cold

    response = client.get("/en/")

    assert response[CACHE_HEADER] == "hit"
    assert "Press conference held in Beijing" in response.content.decode()


def test_a_render_that_stores_nothing_lets_the_waiting_requests_render(
    client, rf, page_cache, site
):
    key = PageRequest(rf.get("/en/2018/about/")).key
    page_cache.add(f"{key}:render", 1, 10)
    threading.Timer(0.1, page_cache.delete, [f"{key}:render"]).start()

    response = client.get("/en/2018/about/")

    assert (response.status_code, response[CACHE_HEADER]) == (200, "miss")


def test_the_file_cache_adds_atomically(tmp_path):
    cache = page_cache_module.PageFileCache(str(tmp_path), {})

    assert [cache.add("lock", n, 10) for n in range(3)] == [True, False, False]
    assert cache.get("lock") == 0
    cache.delete("lock")
    assert cache.add("lock", 9, 10) is True


# --- the limit on pages rendered each time ---------------------------------------------------


def test_too_many_searches_from_one_address_get_a_polite_429(client, page_cache, site, settings):
    settings.PAGE_CACHE_RATE_LIMIT = "3/60"
    limited = type(client)()  # a new client: a new middleware with the setting

    searches = [limited.get("/zh-hans/search/", {"q": f"丝路 {n}"}) for n in range(4)]
    pages = [limited.get("/zh-hans/") for _ in range(5)]
    other = limited.get("/en/search/", {"q": "Silk"}, REMOTE_ADDR="10.1.2.3")

    assert [r.status_code for r in searches] == [200, 200, 200, 429]
    refused = searches[-1]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Content-Language"] == "zh-hans"
    assert "搜索" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    assert [r.status_code for r in pages] == [200] * 5  # cached pages are never limited
    assert other.status_code == 200

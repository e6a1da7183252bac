"""The page cache (wic/core/cache.py), in one process: what is cached, for whom, and that a change
to content is on the next page. tests/serving/ runs it across gunicorn's processes."""

import json
import logging
import re
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

from events.models import Forum, Organization, Session
from tests.factories import (
    make_achievement,
    make_edition,
    make_field,
    make_milestone,
    make_session,
)
from wic.core import cache as page_cache_module
from wic.core.cache import (
    CACHE_HEADER,
    PageRequest,
    Version,
    content_version,
    invalidate_all,
    is_cacheable_response,
    is_public_path,
    release,
)
from wic.core.models import CacheTag, ContentVersion

pytestmark = pytest.mark.django_db

NAME_ZH = "第五届世界互联网大会"
NAME_EN = "The 5th World Internet Conference"


@pytest.fixture
def edition():
    return make_edition(year=2018, number=5, is_current=True, name_zh_hans=NAME_ZH, name_en=NAME_EN)


def h1(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def rename(edition, name):
    edition.name_zh_hans = name
    edition.save()


# --- what is cached -------------------------------------------------------------------------


def test_second_visit_is_served_from_the_cache_with_one_query(
    client, page_cache, edition, django_assert_num_queries
):
    first = client.get("/zh-hans/")

    with django_assert_num_queries(1):  # the content's clock; the view does not run
        second = client.get("/zh-hans/")

    assert (first[CACHE_HEADER], h1(first)) == ("miss", NAME_ZH)
    assert (second[CACHE_HEADER], h1(second)) == ("hit", NAME_ZH)
    assert second.content == first.content


def test_a_saved_change_is_on_the_next_page(client, page_cache, edition):
    client.get("/zh-hans/")
    client.get("/zh-hans/")

    rename(edition, "乌镇峰会")
    response = client.get("/zh-hans/")

    assert (response[CACHE_HEADER], h1(response)) == ("miss", "乌镇峰会")
    assert h1(client.get("/zh-hans/")) == "乌镇峰会"


def test_the_stored_page_is_replaced_by_the_new_one_under_the_same_key(
    client, rf, page_cache, edition
):
    client.get("/zh-hans/")
    key = PageRequest(rf.get("/zh-hans/")).key
    before = page_cache.get(key)

    rename(edition, "乌镇峰会")
    client.get("/zh-hans/")
    after = page_cache.get(key)

    assert NAME_ZH in before.bodies[None].decode()
    assert "乌镇峰会" in after.bodies[None].decode()
    assert after.tags["events_edition"] > before.tags["events_edition"]


def test_each_language_has_its_own_page(client, page_cache, edition):
    pages = [client.get(url) for url in ["/zh-hans/", "/en/", "/zh-hans/", "/en/"]]

    assert [(p[CACHE_HEADER], h1(p)) for p in pages] == [
        ("miss", NAME_ZH),
        ("miss", NAME_EN),
        ("hit", NAME_ZH),
        ("hit", NAME_EN),
    ]


def test_the_query_string_is_part_of_the_key(client, page_cache, edition):
    # Not "开幕式": that is also the kind filter's option label on every agenda page.
    make_session(edition=edition, title_zh_hans="乌镇峰会开幕典礼", kind=Session.Kind.OPENING)
    make_session(edition=edition, title_zh_hans="数字丝绸之路论坛", kind="forum")
    urls = ["/zh-hans/2018/agenda/", "/zh-hans/2018/agenda/?kind=forum"] * 2

    pages = [client.get(url) for url in urls]

    titles = [[s.title for s in p.context["sessions"]] if p.context else None for p in pages]
    assert [p[CACHE_HEADER] for p in pages] == ["miss", "miss", "hit", "hit"]
    assert titles[:2] == [["乌镇峰会开幕典礼", "数字丝绸之路论坛"], ["数字丝绸之路论坛"]]
    assert "乌镇峰会开幕典礼" not in pages[3].content.decode()
    assert "数字丝绸之路论坛" in pages[3].content.decode()


def test_head_is_answered_from_the_get_entry_but_never_stores_one(client, page_cache, edition):
    responses = [client.head("/zh-hans/"), client.get("/zh-hans/"), client.head("/zh-hans/")]

    assert [r[CACHE_HEADER] for r in responses] == ["miss", "miss", "hit"]


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/zh-hans/", True),
        ("/en/2018/agenda/", True),
        ("/zh-hans/search/", True),
        ("/sitemap.xml", True),
        ("/robots.txt", True),
        ("/", False),  # redirects by browser language
        ("/admin/", False),
        ("/admin/events/session/", False),
        ("/i18n/setlang/", False),
        ("/static/css/site.css", False),
        ("/media/editions/logo.png", False),
        ("/zh-hansx/", False),
    ],
)
def test_only_public_pages_are_cached(path, public):
    assert is_public_path(path) is public


def _with_cookie():
    response = HttpResponse("page")
    response.set_cookie("csrftoken", "secret")
    return response


def _with_header(name, value):
    response = HttpResponse("page")
    response[name] = value
    return response


@pytest.mark.parametrize(
    ("response", "cacheable"),
    [
        (HttpResponse("page"), True),
        (_with_header("Vary", "Cookie"), True),
        (_with_cookie(), False),
        (HttpResponse("moved", status=301), False),
        (HttpResponse("missing", status=404), False),
        (HttpResponse("error", status=500), False),
        (StreamingHttpResponse(iter([b"page"])), False),
        (_with_header("Cache-Control", "private"), False),
        (_with_header("Cache-Control", "no-store"), False),
        (_with_header("Vary", "Accept-Language"), True),  # the key holds the language
        (_with_header("Vary", "User-Agent"), False),
    ],
    ids=lambda value: value if isinstance(value, bool) else None,
)
def test_only_plain_200s_for_everyone_are_stored(response, cacheable):
    assert is_cacheable_response(response) is cacheable


def test_missing_pages_and_the_admin_are_rendered_each_time(client, page_cache, edition):
    responses = [client.get(url) for url in ["/zh-hans/1999/", "/zh-hans/1999/"]]
    responses += [client.get(url) for url in ["/admin/login/", "/admin/login/"]]

    assert [r.status_code for r in responses] == [404, 404, 200, 200]
    assert [r.has_header(CACHE_HEADER) for r in responses] == [False] * 4


def test_switched_off_nothing_is_cached(client, page_cache, settings, edition):
    settings.PAGE_CACHE = False

    responses = [client.get("/zh-hans/"), client.get("/zh-hans/")]

    assert [r.has_header(CACHE_HEADER) for r in responses] == [False, False]


# --- editors --------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(editor)
    return client


def test_an_editor_never_gets_the_cached_page(client, page_cache, edition, django_user_model):
    make_milestone(edition=edition, title_zh_hans="草稿：待核实的消息", is_published=False)
    visitor_page = client.get("/zh-hans/")
    client.get("/zh-hans/")
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)

    client.force_login(editor)
    editor_page = client.get("/zh-hans/")
    client.logout()
    visitor_again = client.get("/zh-hans/")

    assert "草稿：待核实的消息" in editor_page.content.decode()
    assert not editor_page.has_header(CACHE_HEADER)
    assert "草稿：待核实的消息" not in visitor_page.content.decode()
    assert visitor_again[CACHE_HEADER] == "hit"
    assert "草稿：待核实的消息" not in visitor_again.content.decode()


def test_an_editor_never_puts_a_page_into_the_cache(editor_client, page_cache, edition):
    make_milestone(edition=edition, title_zh_hans="草稿：待核实的消息", is_published=False)

    editor_client.get("/zh-hans/")
    editor_client.logout()
    visitor_page = editor_client.get("/zh-hans/")

    assert visitor_page[CACHE_HEADER] == "miss"
    assert "草稿：待核实的消息" not in visitor_page.content.decode()


# --- the tags: what a change stamps -----------------------------------------------------


def tag_version(tag):
    return CacheTag.objects.filter(tag=tag).values_list("version", flat=True).first() or 0


def test_saving_deleting_and_linking_content_each_stamp_the_table_and_the_row(db):
    edition = make_edition()
    field = make_field()
    achievement = make_achievement(edition=edition)
    row = f"outcomes_achievement:{achievement.pk}"
    links = "outcomes_achievement_fields"
    seen = [(tag_version("events_edition"), tag_version(row), tag_version(links))]

    edition.save()
    seen.append((tag_version("events_edition"), tag_version(row), tag_version(links)))
    achievement.fields.add(field)
    seen.append((tag_version("events_edition"), tag_version(row), tag_version(links)))
    achievement.fields.clear()
    seen.append((tag_version("events_edition"), tag_version(row), tag_version(links)))
    achievement.delete()
    seen.append((tag_version("events_edition"), tag_version(row), tag_version(links)))

    (e0, r0, l0), (e1, r1, l1), (e2, r2, l2), (e3, r3, l3), (e4, r4, l4) = seen
    assert (e1 > e0, r1 == r0, l1 == l0) == (True, True, True)  # the edition only
    assert (e2 == e1, r2 > r1, l2 > l1) == (True, True, True)  # the links and the row
    assert (e3 == e2, r3 > r2, l3 > l2) == (True, True, True)
    assert (e4 == e3, r4 > r3) == (True, True)  # deleted: the row and its table
    assert tag_version("outcomes_achievement") == r4


def test_a_proxy_stamps_its_concrete_table(db):
    edition = make_edition()

    forum = Forum.objects.create(
        edition=edition,
        slug="forum",
        title_zh_hans="论坛",
        title_en="Forum",
        date=edition.starts_on,
        part_of_day="morning",
    )

    assert tag_version("events_session") == tag_version(f"events_session:{forum.pk}") > 0


def test_loaddata_stamps_what_it_loads(tmp_path):
    fixture = tmp_path / "organizations.json"
    row = {
        "slug": "cac",
        "name_zh_hans": "国家互联网信息办公室",
        "name_en": "Cyberspace Administration of China",
        "kind": "government",
        "is_published": True,
        "created_at": "2018-11-07T00:00:00Z",
        "updated_at": "2018-11-07T00:00:00Z",
    }
    fixture.write_text(json.dumps([{"model": "events.organization", "pk": 9001, "fields": row}]))
    before = tag_version("events_organization:9001")

    call_command("loaddata", fixture, verbosity=0)

    assert Organization.objects.get(pk=9001).name_en == "Cyberspace Administration of China"
    assert tag_version("events_organization:9001") > before


def test_a_rolled_back_change_leaves_the_tags_alone():
    edition = make_edition()
    before = (content_version().number, tag_version("events_edition"))

    with pytest.raises(RuntimeError), transaction.atomic():
        edition.name_zh_hans = "未保存"
        edition.save()
        raise RuntimeError("the editor's save failed")

    assert (content_version().number, tag_version("events_edition")) == before


def test_without_the_clock_pages_are_not_cached_until_the_next_change(client, page_cache, edition):
    ContentVersion.objects.all().delete()

    uncached = client.get("/zh-hans/")
    invalidate_all()
    cached = [client.get("/zh-hans/"), client.get("/zh-hans/")]

    assert not uncached.has_header(CACHE_HEADER)
    assert [r[CACHE_HEADER] for r in cached] == ["miss", "hit"]
    assert ContentVersion.objects.count() == 1


def test_invalidating_everything_makes_every_page_cold_with_a_new_epoch(
    client, page_cache, edition
):
    client.get("/zh-hans/")
    epochs = set()
    for _ in range(20):
        invalidate_all()
        epochs.add(content_version().epoch)

    response = client.get("/zh-hans/")

    assert len(epochs) == 20
    assert response[CACHE_HEADER] == "miss"


# --- conditional GET ------------------------------------------------------------------------


def test_a_page_is_revalidated_with_its_etag(client, page_cache, edition):
    first = client.get("/zh-hans/")

    unchanged = client.get("/zh-hans/", headers={"if-none-match": first["ETag"]})
    rename(edition, "乌镇峰会")
    changed = client.get("/zh-hans/", headers={"if-none-match": first["ETag"]})

    assert first["Cache-Control"] == "no-cache"
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert (changed.status_code, h1(changed)) == (200, "乌镇峰会")


def test_last_modified_is_the_time_of_the_last_change(client, page_cache, edition):
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    ContentVersion.objects.update(changed_at=an_hour_ago)  # no signal: the number stays

    since = {"if-modified-since": http_date(an_hour_ago.timestamp())}

    page = client.get("/zh-hans/")
    not_modified = client.get("/zh-hans/", headers=since)
    rename(edition, "乌镇峰会")
    ContentVersion.objects.update(changed_at=an_hour_ago + timedelta(minutes=30))
    modified = client.get("/zh-hans/", headers=since)

    assert page["Last-Modified"] == since["if-modified-since"]
    assert not_modified.status_code == 304
    assert (modified.status_code, h1(modified)) == (200, "乌镇峰会")


def test_last_modified_waits_until_the_version_is_a_second_old():
    changed = datetime(2018, 11, 7, 9, 0, 0, 500000, tzinfo=UTC)

    fresh = Version(7, "e", changed, changed + timedelta(milliseconds=900))
    settled = Version(7, "e", changed, changed + timedelta(seconds=1))

    assert fresh.last_modified is None
    assert settled.last_modified == "Wed, 07 Nov 2018 09:00:00 GMT"


# --- a failing cache ------------------------------------------------------------------------


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_down_pages_come_from_the_database_and_the_log_says_why(
    client, page_cache, settings, edition, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }

    with caplog.at_level(logging.WARNING, logger="wic.core.cache"):
        responses = [client.get("/zh-hans/"), client.get("/en/")]

    messages = [record.getMessage() for record in caplog.records]
    assert [(r.status_code, h1(r)) for r in responses] == [(200, NAME_ZH), (200, NAME_EN)]
    # One warning: after it the cache is left alone for a while, not tried twice a request.
    assert len(messages) == 1
    assert re.match(
        r"Page cache unavailable \(ConnectionError: .*Connection refused.*\): pages are "
        r"rendered from the database",
        messages[0],
    )


# --- the release ----------------------------------------------------------------------------


@pytest.fixture
def fresh_release():
    release.cache_clear()
    yield
    release.cache_clear()


def test_a_template_change_changes_the_release(settings, tmp_path, fresh_release):
    template = tmp_path / "page.html"
    template.write_text("<h1>{{ edition.name }}</h1>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    before = release()

    template.write_text("<h1 class='title'>{{ edition.name }}</h1>")
    release.cache_clear()

    assert release() != before


def test_djangorelease_names_the_release(settings, fresh_release):
    settings.RELEASE = "2018.11-3f2a1c"

    assert release() == "2018.11-3f2a1c"


def test_a_new_release_does_not_see_the_old_release_pages(
    client, page_cache, settings, edition, fresh_release
):
    settings.RELEASE = "old"
    client.get("/zh-hans/")
    release.cache_clear()
    settings.RELEASE = "new"

    response = client.get("/zh-hans/")

    assert response[CACHE_HEADER] == "miss"


# --- the file cache -------------------------------------------------------------------------


def test_the_file_cache_stays_near_its_size(tmp_path):
    cache = page_cache_module.PageFileCache(
        str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 100, "CULL_FREQUENCY": 2}}
    )

    for n in range(400):
        cache.set(f"page-{n}", "x")

    assert len(list(tmp_path.glob("*.djcache"))) <= 100 + cache.CULL_EVERY
    assert cache.get("page-399") == "x"


# --- the hit path ---------------------------------------------------------------------------


def test_a_hit_carries_the_headers_the_page_was_rendered_with(client, page_cache, edition):
    first = client.get("/en/")
    second = client.get("/en/")

    names = ["Content-Type", "Content-Language", "Vary", "X-Frame-Options", "ETag", "Cache-Control"]
    assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
    assert [second.get(name) for name in names] == [first.get(name) for name in names]
    assert (second["Content-Language"], second["X-Frame-Options"]) == ("en", "DENY")


def test_an_unprefixed_page_is_kept_for_each_language_it_is_shown_in(client, page_cache, edition):
    languages = ["en", "zh-hans", "en", "zh-CN,zh;q=0.9"]

    responses = [client.get("/robots.txt", headers={"accept-language": a}) for a in languages]

    assert [(r[CACHE_HEADER], r["Content-Language"]) for r in responses] == [
        ("miss", "en"),
        ("miss", "zh-hans"),
        ("hit", "en"),
        ("hit", "zh-hans"),
    ]
    assert "Accept-Language" in responses[2]["Vary"]


def test_a_page_in_this_process_memory_is_never_served_after_a_change(client, page_cache, edition):
    client.get("/zh-hans/")
    assert page_cache_module.local_pages.pages  # the page is in this process's memory too

    rename(edition, "乌镇峰会")
    page_cache.clear()  # and nowhere else: only the local copy could still answer
    response = client.get("/zh-hans/")

    assert (response[CACHE_HEADER], h1(response)) == ("miss", "乌镇峰会")

"""The page cache across processes: two gunicorn workers share it, and a change made by a
third process is on every page served after it."""

import re

from .conftest import manage

NAME = "第五届世界互联网大会"
NEW_NAME = "第五届世界互联网大会（乌镇峰会）"

CREATE_EDITION = f"""
from tests.factories import make_edition
make_edition(year=2018, number=5, is_current=True, name_zh_hans="{NAME}", name_en="WIC 2018")
"""

RENAME_EDITION = f"""
from events.models import Edition
edition = Edition.objects.get(year=2018)
edition.name_zh_hans = "{NEW_NAME}"
edition.save()
"""


def h1(body):
    return re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1).strip()


def test_a_change_from_another_process_is_on_every_next_page(site, gunicorn):
    manage(site, "shell", "--no-imports", "-c", CREATE_EDITION)
    server = gunicorn(site, workers=2)
    before = [server.get("/zh-hans/") for _ in range(6)]

    manage(site, "shell", "--no-imports", "-c", RENAME_EDITION)
    after = [server.get("/zh-hans/") for _ in range(20)]

    assert [(status, h1(body)) for status, _headers, body in before] == [(200, NAME)] * 6
    assert "hit" in [headers["X-Page-Cache"] for _status, headers, _body in before]
    assert [(status, h1(body)) for status, _headers, body in after] == [(200, NEW_NAME)] * 20


def test_pages_are_revalidated_across_workers(site, gunicorn):
    manage(site, "shell", "--no-imports", "-c", CREATE_EDITION)
    server = gunicorn(site, workers=2)
    _status, headers, _body = server.get("/zh-hans/")

    revalidated = [server.get("/zh-hans/", {"If-None-Match": headers["ETag"]}) for _ in range(6)]
    manage(site, "shell", "--no-imports", "-c", RENAME_EDITION)
    changed = server.get("/zh-hans/", {"If-None-Match": headers["ETag"]})

    assert [status for status, _headers, _body in revalidated] == [304] * 6
    assert (changed[0], h1(changed[2])) == (200, NEW_NAME)

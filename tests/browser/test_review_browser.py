"""Review before publishing, as an editor and a reviewer do it in a browser, against the site
as production serves it: two gunicorn workers sharing the page cache (wic/core/drafts.py).

The editor saves a draft of a published forum's English summary; visitors keep reading the
old one on the forum's page, in the agenda and in search; the preview and a share link
opened in a fresh browser show the draft with the "Preview" banner; once "Publish draft" is
clicked, the next request on either worker shows it."""

import re
import shutil
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.browser.admin import PASSWORD, Watch, show_tab
from tests.serving.conftest import manage, site_env, start_gunicorn, stop

OLD = "Digital trade along the Silk Road, as published."
NEW = "Cross-border e-commerce, as the draft has it."

CREATE_CONTENT = f"""
from tests.factories import make_edition, make_editor, make_session
edition = make_edition(year=2018, number=5, is_current=True, name_en="WIC 2018")
make_session(
    edition=edition, slug="silk-road", title_en="Digital Silk Road Forum",
    title_zh_hans="数字丝路论坛", summary_en={OLD!r}, summary_zh_hans="论坛概要",
)
make_editor(username="editor", password={PASSWORD!r})
"""

FORUM = "/en/2018/agenda/silk-road/"
AGENDA = "/en/2018/agenda/"
SEARCH = "/en/search/?q=" + urllib.parse.quote("Silk Road")


@pytest.fixture(scope="module")
def built_site_with_admin(tmp_path_factory):
    """A migrated SQLite file and all static files, the admin's included."""
    base = tmp_path_factory.mktemp("site-with-admin")
    env = site_env(base, base / "db.sqlite3", DJANGO_STATIC_ROOT=str(base / "static"))
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return base


@pytest.fixture
def server(built_site_with_admin, tmp_path):
    database = tmp_path / "db.sqlite3"
    shutil.copy(built_site_with_admin / "db.sqlite3", database)
    env = site_env(tmp_path, database, DJANGO_STATIC_ROOT=str(built_site_with_admin / "static"))
    manage(env, "shell", "--no-imports", "-c", CREATE_CONTENT)
    server = start_gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    yield server
    stop(server.process)


def bodies(server, path, times=10):
    """The pages `times` requests get, each on a new connection (either worker answers)."""
    pages = [server.get(path) for _ in range(times)]
    assert [status for status, _headers, _body in pages] == [200] * times
    return [body for _status, _headers, body in pages]


def test_a_draft_is_reviewed_shared_and_published_without_visitors_seeing_it_early(browser, server):
    assert all(OLD in body for body in bodies(server, FORUM))  # stored in the page cache
    context = browser.new_context(locale="en-GB")
    watch = Watch(context)
    page = context.new_page()
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(server.url + "/admin/events/forum/")
    page.get_by_role("link", name="Digital Silk Road Forum").click()

    show_tab(page, "summary", "en")
    page.fill("#id_summary_en", NEW)
    page.click("input[name=_save_draft]")
    expect(page.locator("ul.messagelist")).to_contain_text("Draft saved.")
    expect(page.locator(".wic-draft")).to_contain_text(NEW)
    expect(page.locator("#id_summary_en")).to_have_value(NEW)  # the form opens on the draft

    for path in (FORUM, AGENDA, SEARCH):
        pages = bodies(server, path)
        assert all(OLD in body and NEW not in body for body in pages), path

    with context.expect_page() as opened:
        page.get_by_role("link", name="Preview the draft in English").click()
    preview = opened.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview:")
    expect(preview.locator("main")).to_contain_text(NEW)
    preview.close()

    page.get_by_text("Share links for reviewers").click()
    page.click(".wic-share-new button")
    expect(page.locator("ul.messagelist")).to_contain_text("Share link created")
    shared = page.locator(".wic-share-links input[aria-label='Address in English']").input_value()
    assert re.fullmatch(re.escape(server.url) + r"/en/preview/[^/]+/", shared)

    reviewer = browser.new_context(locale="en-GB")  # no cookie, no account
    reviewer_page = reviewer.new_page()
    reviewer_page.goto(shared)
    expect(reviewer_page.locator(".preview-banner")).to_contain_text("Preview:")
    expect(reviewer_page.locator("main")).to_contain_text(NEW)
    reviewer.close()

    page.get_by_role("button", name="Publish draft").click()
    expect(page.locator("ul.messagelist")).to_contain_text("The draft is published")

    for path in (FORUM, AGENDA, SEARCH):
        pages = bodies(server, path, times=20)
        assert all(NEW in body and OLD not in body for body in pages), path
    assert watch.violations == [] and watch.problems == []
    context.close()

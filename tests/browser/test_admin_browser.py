"""The editors' admin in a real browser: language tabs from our own jQuery UI, both languages."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Session
from tests.browser.admin import PASSWORD, logged_in
from tests.factories import make_editor, make_session


@pytest.fixture
def forum(transactional_db):
    return make_session(
        kind=Session.Kind.FORUM, title_zh_hans="数字丝路论坛", title_en="Digital Silk Road Forum"
    )


@pytest.fixture
def editor(transactional_db):
    return make_editor(username="editor", password=PASSWORD)


def test_editor_changes_the_english_title_of_a_forum_in_its_tab(page, live_server, editor, forum):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    jquery_ui = []
    page.on(
        "response",
        lambda response: (
            jquery_ui.append((response.url, response.status))
            if "jquery-ui" in response.url
            else None
        ),
    )
    logged_in(page, live_server, language="en")

    page.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")
    title_tabs = page.locator(".ui-tabs").filter(has=page.locator("#id_title_en"))
    expect(title_tabs.locator(".ui-tabs-nav li")).to_have_text(["zh-hans", "en"])
    title_tabs.locator(".ui-tabs-nav a", has_text="en").click()
    expect(page.locator("#id_title_en")).to_be_visible()
    expect(page.locator("#id_title_zh_hans")).to_be_hidden()
    page.fill("#id_title_en", "Digital Silk Road Forum 2018")
    page.click("input[name=_save]")

    expect(page).to_have_url(f"{live_server.url}/admin/events/forum/")
    expect(page.locator("#result_list tbody th")).to_have_text(["Digital Silk Road Forum 2018"])
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    # Loaded by the change form and the changelist, each time from our own static files.
    local = f"{live_server.url}/static/vendor/jquery-ui/jquery-ui.min.js"
    assert jquery_ui == [(local, 200), (local, 200)]
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    forum.refresh_from_db()
    assert (forum.title_zh_hans, forum.title_en) == ("数字丝路论坛", "Digital Silk Road Forum 2018")


def test_admin_in_chinese_shows_the_chinese_interface(page, live_server, editor, forum):
    logged_in(page, live_server, language="zh-hans")

    page.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("input[name=_save]")).to_have_value("保存")
    expect(page.locator(".wic-language-switch button[aria-pressed=true]")).to_have_text("简体中文")
    # The Chinese tab is the one open.
    expect(page.locator("#id_title_zh_hans")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_hidden()


def test_language_switch_turns_the_admin_to_english(page, live_server, editor, forum):
    logged_in(page, live_server, language="zh-hans")
    page.goto(f"{live_server.url}/admin/events/forum/")

    page.locator(".wic-language-switch button[value=en]").click()

    expect(page).to_have_url(re.compile(r"/admin/events/forum/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#changelist-form button[name=index]")).to_have_text("Go")

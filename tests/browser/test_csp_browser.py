"""The Content-Security-Policy in a real browser: public pages (JSON-LD included) and the
admin (language tabs, autocomplete, "add another" popup, prepopulated slug, inlines, calendar)
work under it, and the browser reports no violation and no error anywhere."""

import pytest
from playwright.sync_api import expect

from events.models import Session, Venue
from tests.browser.admin import PASSWORD, Watch, log_in
from tests.factories import make_agenda, make_document, make_editor


@pytest.fixture
def watch(page):
    return Watch(page.context)


@pytest.fixture
def agenda(transactional_db):
    agenda = make_agenda()
    make_document(edition=agenda.edition, slug="wuzhen-report", title_en="Wuzhen Report")
    return agenda


@pytest.fixture
def editor(transactional_db):
    return make_editor(username="editor", password=PASSWORD)


def open_page(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"], url
    return response


def test_the_watch_sees_a_violation(page, live_server, watch, agenda):
    """The checks below can fail: inline style and script are blocked and reported."""
    open_page(page, live_server.url + "/en/")

    page.evaluate(
        """() => {
            const div = document.createElement("div");
            div.innerHTML = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
            document.body.append(div);
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
    )

    expect(page.locator("#styled")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert page.evaluate("window.inlineRan") is None
    page.wait_for_timeout(200)  # violation events are queued
    # Both ways of hearing about it work: the browser's own console message, and the event.
    assert [text.split(" violates")[0] for text in watch.violations] == [
        "Applying inline style",
        "Executing inline script",
        "CSP violation: style-src-attr blocked inline at :3",
        "CSP violation: script-src-elem blocked inline at :7",
    ]
    assert len(watch.problems) == 4


def test_public_pages_show_without_any_violation(page, live_server, watch, agenda):
    base = live_server.url
    pages = [
        "/zh-hans/",
        "/en/",
        "/en/2018/about/",
        "/en/2018/news/",
        "/en/2018/agenda/?day=2018-11-08",
        "/en/2018/agenda/digital-silk-road/",
        "/zh-hans/2018/agenda/digital-silk-road/",
        "/en/2018/outcomes/",
        "/en/2018/outcomes/wuzhen-report/",
        "/en/2018/achievements/",
        "/en/2018/press/",
        "/en/editions/",
        "/en/search/?q=forum",
    ]

    json_ld = {}
    for path in pages:
        open_page(page, base + path)
        expect(page.locator("link[rel=stylesheet]")).to_have_count(1)  # site.css, loaded
        json_ld[path] = page.locator('script[type="application/ld+json"]').count()
    # The stylesheet applied: the policy lets our own file through.
    font_family = page.evaluate("getComputedStyle(document.body).fontFamily")

    assert watch.problems == []
    assert font_family != "Times New Roman"
    # JSON-LD is on these pages and the browser reports nothing about it: data, not script.
    assert json_ld["/en/2018/agenda/digital-silk-road/"] == 1
    assert json_ld["/en/2018/outcomes/wuzhen-report/"] == 1


def test_the_404_page_shows_without_any_violation(page, live_server, watch, agenda):
    response = page.goto(live_server.url + "/en/no-such-page/")

    assert response.status == 404
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert watch.violations == []


def test_the_admin_works_under_the_policy(page, live_server, watch, editor, agenda):
    forum = agenda.edition.sessions.filter(kind=Session.Kind.FORUM).first()
    log_in(page, live_server)
    expect(page).to_have_url(live_server.url + "/admin/")

    # The changelist, with its actions and filters.
    open_page(page, live_server.url + "/admin/events/forum/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")

    # The change form: language tabs.
    open_page(page, f"{live_server.url}/admin/events/forum/{forum.pk}/change/")
    title_tabs = page.locator(".ui-tabs").filter(has=page.locator("#id_title_en"))
    title_tabs.locator(".ui-tabs-nav a", has_text="en").click()
    expect(page.locator("#id_title_en")).to_be_visible()
    expect(page.locator("#id_title_zh_hans")).to_be_hidden()

    # Autocomplete (select2, fetched from /admin/autocomplete/).
    page.locator("#id_edition + .select2 .select2-selection").click()
    expect(page.locator(".select2-results__option")).to_contain_text([agenda.edition.name_en])
    page.keyboard.press("Escape")

    # An inline row added by the admin's script; a collapsed fieldset opened.
    organizers = page.locator("#organizer_roles-group tbody tr.form-row:not(.empty-form)")
    count = organizers.count()
    page.locator("#organizer_roles-group .add-row a").click()
    expect(organizers).to_have_count(count + 1)
    page.locator("details summary", has_text="Editorial notes").click()
    expect(page.locator("#id_source")).to_be_visible()

    # The calendar of a date field.
    page.locator("#id_date + .datetimeshortcuts .date-icon").click()
    calendar = page.locator(".calendarbox:visible")
    expect(calendar).to_have_count(1)
    calendar.get_by_role("link", name="Cancel").click()
    expect(calendar).to_have_count(0)

    # "Add another" venue: a popup with its own tabs and a slug filled from the English name.
    with page.expect_popup() as popup_info:
        page.locator("#add_id_venue").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    name_tabs = popup.locator(".ui-tabs").filter(has=popup.locator("#id_name_en"))
    name_tabs.locator(".ui-tabs-nav a", has_text="zh-hans").click()
    popup.fill("#id_name_zh_hans", "莲花厅")
    name_tabs.locator(".ui-tabs-nav a", has_text="en").click()
    popup.locator("#id_name_en").press_sequentially("Lotus Hall")
    expect(popup.locator("#id_slug")).to_have_value("lotus-hall")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    expect(page.locator("#id_venue + .select2 .select2-selection__rendered")).to_have_attribute(
        "title", "Lotus Hall"
    )

    page.locator("#organizer_roles-group tbody tr.form-row:not(.empty-form)").last.locator(
        ".inline-deletelink"
    ).click()
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    assert watch.problems == []
    forum.refresh_from_db()
    assert forum.venue == Venue.objects.get(slug="lotus-hall")


def test_the_add_form_prepopulates_the_slug_under_the_policy(page, live_server, watch, editor):
    log_in(page, live_server)
    expect(page).to_have_url(live_server.url + "/admin/")

    open_page(page, live_server.url + "/admin/events/organization/add/")
    page.locator(".ui-tabs-nav a", has_text="en").first.click()
    # Typed, key by key: the admin fills the slug on each keyup.
    page.locator("#id_name_en").press_sequentially("China Internet Network Information Center")

    expect(page.locator("#id_slug")).to_have_value("china-internet-network-information-center")
    assert watch.problems == []


def test_the_lockout_page_shows_under_the_policy(page, live_server, watch, editor):
    for _ in range(5):
        log_in(page, live_server, password="wrong")

    expect(page.locator("h1")).to_have_text("Too many failed logins")
    expect(page.locator("#content-main code")).to_have_text(
        "python manage.py axes_reset_username editor"
    )
    # The admin's stylesheets applied (the login look): our CSS and Django's both load.
    assert page.locator("body.login.wic-lockout").count() == 1
    assert watch.violations == []


def test_the_history_pages_work_under_the_policy(page, live_server, watch, editor, agenda):
    forum = agenda.edition.sessions.filter(kind=Session.Kind.FORUM).first()
    document = agenda.edition.documents.get()
    log_in(page, live_server)
    change_url = f"{live_server.url}/admin/events/forum/{forum.pk}/change/"
    tabs = page.locator(".ui-tabs").filter(has=page.locator("#id_summary_en"))
    # Two versions, and the English marked out of date by the second.
    for summary_zh, summary_en in (("论坛概要", "About the forum"), ("论坛概述", None)):
        open_page(page, change_url)
        tabs.locator(".ui-tabs-nav a", has_text="zh-hans").click()
        page.fill("#id_summary_zh_hans", summary_zh)
        if summary_en:
            tabs.locator(".ui-tabs-nav a", has_text="en").click()
            page.fill("#id_summary_en", summary_en)
        page.click("input[name=_continue]")
        expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    # The mark beside the field, the history, the comparison.
    tabs.locator(".ui-tabs-nav a", has_text="en").click()
    expect(page.locator("#id_summary_en_helptext .wic-stale-mark")).to_be_visible()
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare versions A and B").click()
    expect(page.locator("section.wic-compare ins")).to_have_text(["述"])
    # The deleted documents, one of them as it was.
    page.goto(f"{live_server.url}/admin/outcomes/document/{document.pk}/delete/")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Deleted documents").click()
    page.get_by_role("link", name="Wuzhen Report").click()
    expect(page.get_by_role("button", name="Recover it")).to_be_visible()
    # The public change log.
    open_page(page, live_server.url + "/en/changes/")

    assert watch.problems == []

"""The public conference pages in a real browser: language switch, agenda filters, keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_agenda


@pytest.fixture
def agenda(transactional_db):
    return make_agenda()


def agenda_titles(page):
    return page.locator(".session-card h4").all_inner_texts()


def test_root_sends_a_chinese_browser_to_the_chinese_home(page, live_server, agenda):
    page.goto(live_server.url + "/")

    expect(page).to_have_url(live_server.url + "/zh-hans/")
    expect(page.locator("h1")).to_have_text("第五届世界互联网大会")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_switching_language_keeps_the_page_and_its_filters(page, live_server, agenda):
    page.goto(live_server.url + "/zh-hans/2018/agenda/?day=2018-11-08&kind=forum")
    assert agenda_titles(page) == ["数字丝路国际合作论坛", "互联网治理论坛"]

    page.locator(".lang-switch a[hreflang=en]").click()

    expect(page).to_have_url(live_server.url + "/en/2018/agenda/?day=2018-11-08&kind=forum")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_day")).to_have_value("2018-11-08")
    expect(page.locator("#id_kind")).to_have_value("forum")
    assert agenda_titles(page) == ["Digital Silk Road Forum", "Internet Governance Forum"]

    page.locator(".lang-switch a[hreflang=zh-Hans]").click()

    expect(page).to_have_url(live_server.url + "/zh-hans/2018/agenda/?day=2018-11-08&kind=forum")


def test_switching_language_on_an_item_page(page, live_server, agenda):
    page.goto(live_server.url + "/en/2018/agenda/digital-silk-road/")

    page.locator(".lang-switch a[hreflang=zh-Hans]").click()

    expect(page).to_have_url(live_server.url + "/zh-hans/2018/agenda/digital-silk-road/")
    expect(page.locator("h1")).to_have_text("数字丝路国际合作论坛")


def test_filtering_the_agenda_by_day_with_the_form(page, live_server, agenda):
    page.goto(live_server.url + "/en/2018/agenda/")
    assert len(agenda_titles(page)) == 6

    page.select_option("#id_day", "2018-11-07")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/en/2018/agenda/\?day=2018-11-07&"))
    assert agenda_titles(page) == ["Light of Internet Expo", "Opening ceremony", "Plenary session"]
    expect(page.locator(".day-heading")).to_have_text(["7 November 2018 Wednesday"])


def test_keyword_in_chinese_on_the_english_agenda(page, live_server, agenda):
    page.goto(live_server.url + "/en/2018/agenda/")

    page.fill("#id_q", "数字")
    page.keyboard.press("Enter")

    expect(page.locator(".session-card h4")).to_have_text(["Digital Silk Road Forum"])


def test_an_invalid_filter_value_is_explained(page, live_server, agenda):
    page.goto(live_server.url + "/en/2018/agenda/?day=2018-12-25")

    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator(".form-errors")).to_contain_text("Day: Select a valid choice.")
    expect(page.locator(".session-card")).to_have_count(0)


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                text: el.innerText.trim(),
                href: el.getAttribute('href'),
                inNav: !!el.closest('.site-nav'),
                inMain: !!el.closest('main'),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/2018/agenda/"])
def test_keyboard_reaches_the_skip_link_first_then_the_navigation(page, live_server, agenda, path):
    page.goto(live_server.url + path)

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main"
    assert first["outline"]
    expect(page.locator(".skip-link")).to_be_in_viewport()

    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(focused(page))
    nav = [f for f in seen if f["inNav"]]
    assert nav, seen
    # The navigation comes before anything in the main content, and shows its focus.
    assert not any(f["inMain"] for f in seen[: seen.index(nav[0])])
    assert all(f["outline"] for f in seen)


def test_skip_link_moves_focus_to_the_main_content(page, live_server, agenda):
    page.goto(live_server.url + "/en/2018/agenda/")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_pages_fit_a_360_pixel_phone(page, live_server, agenda):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in [
        "/zh-hans/",
        "/en/2018/about/",
        "/en/2018/agenda/",
        "/zh-hans/2018/news/",
        "/en/2018/agenda/digital-silk-road/",
        "/en/editions/",
    ]:
        page.goto(live_server.url + path)

        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, path


def test_pages_need_no_javascript(browser, live_server, agenda):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()

    page.goto(live_server.url + "/en/2018/agenda/")
    page.select_option("#id_kind", "forum")
    page.get_by_role("button", name="Filter").click()

    expect(page.locator(".session-card h4")).to_have_text(
        ["Digital Silk Road Forum", "Internet Governance Forum"]
    )
    page.locator(".lang-switch a[hreflang=zh-Hans]").click()
    expect(page.locator(".session-card h4")).to_have_text(
        ["数字丝路国际合作论坛", "互联网治理论坛"]
    )
    context.close()

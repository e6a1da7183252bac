"""Searching from the box in the header of every page, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_edition, make_session


@pytest.fixture
def silk_road(transactional_db):
    edition = make_edition(year=2018, is_current=True)
    return make_session(
        edition=edition,
        slug="digital-silk-road",
        title_zh_hans="数字丝路国际合作论坛",
        title_en="Digital Silk Road International Cooperation Forum",
    )


def test_a_chinese_query_from_the_english_header_finds_the_english_page(
    page, live_server, silk_road
):
    page.goto(f"{live_server.url}/en/")

    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill("丝路")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/search/\?q=%E4%B8%9D%E8%B7%AF$"))
    expect(page.locator("h1")).to_have_text("Search")
    results = page.locator(".search-group")
    expect(results.locator("h2")).to_have_text([re.compile(r"^Programme items\s*1$")])
    results.get_by_role("link", name="Digital Silk Road International Cooperation Forum").click()
    expect(page).to_have_url(f"{live_server.url}/en/2018/agenda/digital-silk-road/")


def test_an_english_query_from_the_chinese_header_finds_the_chinese_page(
    page, live_server, silk_road
):
    page.goto(f"{live_server.url}/zh-hans/2018/")

    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill("silk road")
    page.get_by_role("search").first.get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"/zh-hans/search/\?q=silk\+road$"))
    expect(page.locator(".search-group a")).to_have_text(["数字丝路国际合作论坛"])


def test_an_empty_search_explains_itself(page, live_server, silk_road):
    page.goto(f"{live_server.url}/en/search/?q=")

    expect(page.locator(".notice")).to_have_text("Type a word or two to search for.")
    expect(page.locator(".search-group")).to_have_count(0)

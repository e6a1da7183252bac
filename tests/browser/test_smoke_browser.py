def test_chromium_renders_a_page(page, live_server):
    page.goto(live_server.url + "/admin/login/")

    assert page.locator("input[name=username]").count() == 1

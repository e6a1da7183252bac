"""The visual editor of formatted fields (wic/core/rich_text.py): an editor formats text with
the toolbar in both language tabs, never typing a tag, under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from events.models import Session
from tests.browser.admin import PASSWORD, Watch, logged_in, show_tab
from tests.factories import make_agenda, make_editor


@pytest.fixture
def forum(transactional_db):
    agenda = make_agenda()
    make_editor(username="editor", password=PASSWORD)
    return agenda.silk_road


def editor_of(page, field):
    """The visual editor standing for the textarea `field`."""
    return page.locator(".prose-editor").filter(has=page.locator(f"#id_{field}"))


def select(page, word, key):
    """Extend the selection with `key` ("Shift+ArrowLeft"…) one character at a time until it
    is `word` (Chinese has no word boundaries to jump to). The editor may still be taking in
    typed text when the first key comes and drop that key: look at the selection each time."""
    for _char in range(2 * len(word)):
        if page.evaluate("() => document.getSelection().toString()") == word:
            return
        page.keyboard.press(key)
    assert page.evaluate("() => document.getSelection().toString()") == word


def write_with_the_toolbar(page, field, bold, linked, url):
    """Type `bold linked`, make the first word bold and link the second, with the toolbar."""
    editor = editor_of(page, field)
    editor.locator(".ProseMirror").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(f"{bold} {linked}")
    expect(editor.locator(".ProseMirror")).to_have_text(f"{bold} {linked}")
    select(page, linked, "Shift+ArrowLeft")
    editor.locator("button[data-name=link]").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("input[name=href]").fill(url)
    dialog.locator("button[type=submit]").click()
    editor.locator(".ProseMirror").click()
    page.keyboard.press("Control+Home")
    select(page, bold, "Shift+ArrowRight")
    editor.locator("button[data-name=bold]").click()


def test_an_editor_writes_bold_and_a_link_in_both_tabs_and_the_page_shows_them(
    page, live_server, forum
):
    watch = Watch(page.context)
    logged_in(page, live_server)
    page.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")

    show_tab(page, "description", "zh_hans")
    write_with_the_toolbar(
        page, "description_zh_hans", "重要", "链接", "https://www.wicinternet.org/"
    )
    show_tab(page, "description", "en")
    write_with_the_toolbar(page, "description_en", "Important", "link", "https://example.org/en")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    forum = Session.objects.get(pk=forum.pk)
    rel = 'title="" rel="noopener noreferrer nofollow"'  # links leave the site (rich_text.py)
    assert forum.description_zh_hans == (
        f'<p><strong>重要</strong> <a href="https://www.wicinternet.org/" {rel}>链接</a></p>'
    )
    assert forum.description_en == (
        f'<p><strong>Important</strong> <a href="https://example.org/en" {rel}>link</a></p>'
    )
    page.goto(f"{live_server.url}/en/2018/agenda/{forum.slug}/")
    expect(page.locator(".prose strong")).to_have_text("Important")
    expect(page.locator(".prose a")).to_have_attribute("href", "https://example.org/en")
    page.goto(f"{live_server.url}/zh-hans/2018/agenda/{forum.slug}/")
    expect(page.locator(".prose strong")).to_have_text("重要")
    expect(page.locator(".prose a")).to_have_attribute("href", "https://www.wicinternet.org/")
    assert watch.problems == []


def test_pasting_from_a_word_processor_keeps_what_the_site_allows(page, live_server, forum):
    logged_in(page, live_server)
    page.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")
    show_tab(page, "description", "en")
    editor = editor_of(page, "description_en").locator(".ProseMirror")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    pasted = (
        '<h1 style="color:red">Heading</h1><p class="MsoNormal"><b>Bold</b> and '
        '<span style="font-size:20pt">big</span> <a href="https://example.org/">link</a></p>'
        "<ul><li>one</li><li>two</li></ul><table><tr><td>cell</td></tr></table>"
        '<img src="https://example.org/x.png"><script>alert(1)</script>'
    )
    page.evaluate(
        """([selector, html]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "pasted");
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [".prose-editor:has(#id_description_en) .ProseMirror", pasted],
    )
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    stored = Session.objects.get(pk=forum.pk).description_en
    assert "<strong>Bold</strong>" in stored
    assert '<a href="https://example.org/"' in stored
    assert "<ul><li><p>one</p></li><li><p>two</p></li></ul>" in stored
    for dropped in ("<h1", "style=", "class=", "<span", "<table", "<img", "<script", "alert"):
        assert dropped not in stored


def test_text_written_before_the_editor_opens_and_saves_unchanged(page, live_server, forum):
    forum.description_en = "First paragraph, plain.\n\nSecond & last."
    forum.save()
    logged_in(page, live_server)
    page.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")
    show_tab(page, "description", "en")

    expect(editor_of(page, "description_en").locator(".ProseMirror p")).to_have_count(2)
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    assert (
        Session.objects.get(pk=forum.pk).description_en
        == "First paragraph, plain.\n\nSecond & last."
    )

"""No lost edits, in two real browser sessions: two editors open the same forum at once."""

import pytest
from playwright.sync_api import expect

from events.models import Session
from tests.browser.admin import PASSWORD, logged_in, show_tab
from tests.factories import make_editor, make_session


@pytest.fixture
def forum(transactional_db):
    return make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要",
        summary_en="About the forum",
    )


@pytest.fixture
def editors(transactional_db):
    for username in ("alice", "bob"):
        make_editor(username=username, password=PASSWORD)


def editor_page(new_context, live_server, username):
    """A browser of its own (cookies, session) with `username` logged in, admin in English."""
    return logged_in(new_context().new_page(), live_server, username=username)


def english_tab(page, field):
    show_tab(page, field, "en")
    expect(page.locator(f"#id_{field}_en")).to_be_visible()


def test_second_editor_is_told_what_changed_and_saves_both_changes(
    new_context, live_server, editors, forum
):
    change_url = f"{live_server.url}/admin/events/forum/{forum.pk}/change/"
    changelist_url = f"{live_server.url}/admin/events/forum/"
    alice = editor_page(new_context, live_server, "alice")
    bob = editor_page(new_context, live_server, "bob")
    alice.goto(change_url)
    bob.goto(change_url)

    english_tab(alice, "title")
    alice.fill("#id_title_en", "Digital Silk Road Forum 2018")
    alice.click("input[name=_save]")
    expect(alice).to_have_url(changelist_url)

    english_tab(bob, "summary")
    bob.fill("#id_summary_en", "Bob's summary of the forum")
    bob.click("input[name=_save]")

    # Refused: the form is back, saying who saved and what changed.
    expect(bob).to_have_url(change_url)
    expect(bob.locator(".errorlist.nonfield")).to_contain_text(
        "alice saved this forum on", use_inner_text=True
    )
    conflict = bob.locator("#edit-conflict")
    expect(conflict.locator("h3")).to_have_text(["Forum “Digital Silk Road Forum 2018”"])
    expect(conflict.locator("tbody tr").first.locator("th, td")).to_have_text(
        [
            "Title (English)",
            "Digital Silk Road Forum",
            "Digital Silk Road Forum 2018",
            "Digital Silk Road Forum",
            "The saved value (you had not changed it)",
        ]
    )
    expect(conflict.locator("tbody tr")).to_have_count(1)
    # Bob's input is kept; Alice's title, which he had not touched, is in his form now.
    expect(bob.locator("#id_summary_en")).to_have_value("Bob's summary of the forum")
    expect(bob.locator("#id_title_en")).to_have_value("Digital Silk Road Forum 2018")
    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en) == ("Digital Silk Road Forum 2018", "About the forum")

    bob.click("input[name=_save]")

    expect(bob).to_have_url(changelist_url)
    expect(bob.locator("ul.messagelist")).to_contain_text("was changed successfully")
    forum.refresh_from_db()
    assert (forum.title_zh_hans, forum.title_en, forum.summary_en, forum.edit_version) == (
        "数字丝路论坛",
        "Digital Silk Road Forum 2018",
        "Bob's summary of the forum",
        3,
    )

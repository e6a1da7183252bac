"""The editorial history in a real browser, as editors use it: a translation marked out of
date and cleared, a deleted document recovered, a forum restored to its seeded version (and a
stale restore refused), and the public change log."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from playwright.sync_api import expect

from events.models import Forum, Session
from outcomes.models import Document
from tests.factories import make_document, make_editor, make_section, make_session

PASSWORD = "a-long-test-password"


@pytest.fixture
def editors(transactional_db):
    for username in ("alice", "bob"):
        make_editor(username=username, password=PASSWORD)


def editor_page(new_context, live_server, username):
    """A browser of its own with `username` logged in, admin in English."""
    context = new_context()
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(live_server.url + "/admin/")
    return page


def show_tab(page, field, language):
    """Show the `language` tab ("zh-hans", "en") of a translated field's tab group."""
    tabs = page.locator(".ui-tabs").filter(has=page.locator(f"#id_{field}_en"))
    tabs.locator(".ui-tabs-nav a", has_text=language).click()
    expect(page.locator(f"#id_{field}_{language.replace('-', '_')}")).to_be_visible()


def stale_marks():
    try:
        call_command("check_content", "--stale", verbosity=0, stdout=open("/dev/null", "w"))
    except CommandError:
        return True
    return False


def test_a_chinese_change_marks_the_english_until_it_is_updated(new_context, live_server, editors):
    forum = make_session(
        kind=Session.Kind.FORUM,
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛讨论数字经济合作。",
        summary_en="The forum discussed cooperation in the digital economy.",
    )
    change_url = f"{live_server.url}/admin/events/forum/{forum.pk}/change/"
    alice = editor_page(new_context, live_server, "alice")
    alice.goto(change_url)

    show_tab(alice, "summary", "zh-hans")
    alice.fill("#id_summary_zh_hans", "论坛讨论数字丝绸之路合作。")
    alice.click("input[name=_save]")
    expect(alice).to_have_url(f"{live_server.url}/admin/events/forum/")

    # The English tab: the mark, with the Chinese change marked character by character.
    alice.goto(change_url)
    show_tab(alice, "summary", "en")
    mark = alice.locator("#id_summary_en_helptext .wic-stale-mark")
    expect(mark).to_be_visible()
    expect(mark.locator(".wic-stale")).to_have_text("May be out of date")
    expect(mark.locator("del")).to_have_text(["经济"])
    expect(mark.locator("ins")).to_have_text(["丝绸之路"])
    # The list: the marker, and the filter finds the forum.
    alice.goto(f"{live_server.url}/admin/events/forum/")
    alice.get_by_role("link", name="translation may be out of date").click()
    expect(alice.locator("#result_list tbody tr")).to_have_count(1)
    expect(alice.locator("#result_list tbody th")).to_have_text(["Digital Silk Road Forum"])
    expect(alice.locator("#result_list .wic-stale")).to_have_text(["English may be out of date"])
    assert stale_marks()

    alice.goto(change_url)
    show_tab(alice, "summary", "en")
    alice.fill("#id_summary_en", "The forum discussed cooperation on the Digital Silk Road.")
    alice.click("input[name=_save]")
    expect(alice).to_have_url(f"{live_server.url}/admin/events/forum/")

    alice.goto(change_url)
    expect(alice.locator(".wic-stale-mark")).to_have_count(0)
    expect(alice.locator(".wic-stale-note")).to_have_count(0)
    assert not stale_marks()


def test_a_deleted_document_with_five_sections_is_recovered_and_public_again(
    new_context, live_server, editors
):
    document = make_document(title_zh_hans="乌镇展望", title_en="Wuzhen Outlook", slug="outlook")
    for number in range(1, 6):
        make_section(
            document=document,
            number=number,
            heading_zh_hans=f"第{number}部分",
            heading_en=f"Part {number}",
        )
    public_path = document.get_absolute_url().removeprefix("/zh-hans")
    alice = editor_page(new_context, live_server, "alice")

    alice.goto(f"{live_server.url}/admin/outcomes/document/{document.pk}/delete/")
    alice.click("input[type=submit]")
    expect(alice).to_have_url(f"{live_server.url}/admin/outcomes/document/")
    assert not Document.objects.filter(pk=document.pk).exists()
    assert alice.goto(f"{live_server.url}/en{public_path}").status == 404

    alice.goto(f"{live_server.url}/admin/outcomes/document/")
    alice.get_by_role("link", name="Deleted documents").click()
    alice.get_by_role("link", name="Wuzhen Outlook").click()
    expect(alice.locator(".wic-compare").first).to_contain_text("Part 5")
    alice.get_by_role("button", name="Recover it").click()

    expect(alice).to_have_url(f"{live_server.url}/admin/outcomes/document/{document.pk}/change/")
    expect(alice.locator("ul.messagelist")).to_contain_text("was recovered")
    visitor = new_context().new_page()
    for language, headings in (
        ("zh-hans", [f"{n}. 第{n}部分" for n in range(1, 6)]),
        ("en", [f"{n}. Part {n}" for n in range(1, 6)]),
    ):
        response = visitor.goto(f"{live_server.url}/{language}{public_path}")
        assert response.status == 200
        expect(visitor.locator("section.document-section h2")).to_have_text(headings)


def test_a_forum_is_restored_to_its_seeded_version_and_a_stale_restore_is_refused(
    new_context, live_server, editors
):
    call_command("loaddata", "events", "outcomes", verbosity=0)
    forum = Forum.objects.filter(speaker_roles__isnull=False, is_published=True).first()
    seeded = {
        "title": (forum.title_zh_hans, forum.title_en),
        "summary": (forum.summary_zh_hans, forum.summary_en),
        "speakers": [(s.pk, s.person_id, s.role) for s in forum.speaker_roles.all()],
    }
    change_url = f"{live_server.url}/admin/events/forum/{forum.pk}/change/"
    alice = editor_page(new_context, live_server, "alice")
    alice.goto(change_url)
    show_tab(alice, "title", "zh-hans")
    alice.fill("#id_title_zh_hans", "改过的标题")
    show_tab(alice, "summary", "en")
    alice.fill("#id_summary_en", "A changed summary")
    alice.check("#id_speaker_roles-0-DELETE")
    alice.click("input[name=_save]")
    expect(alice).to_have_url(f"{live_server.url}/admin/events/forum/")
    forum.refresh_from_db()
    assert forum.speaker_roles.count() == len(seeded["speakers"]) - 1

    alice.goto(change_url)
    alice.get_by_role("link", name="History").click()
    rows = alice.locator("#change-history tbody tr")
    expect(rows).to_have_count(3)  # as it is now, Alice's save, the seed
    expect(rows.last).to_contain_text("Loaded from the fixtures events, outcomes.")
    rows.last.locator("input[name=a]").check()
    rows.first.locator("input[name=b]").check()
    alice.get_by_role("button", name="Compare versions A and B").click()
    expect(alice.locator("section[lang=zh-hans]")).to_contain_text("改过的标题")
    expect(alice.locator("section[lang=en]")).to_contain_text("A changed summary")
    alice.get_by_role("button", name="Restore version A").click()

    expect(alice).to_have_url(change_url)
    expect(alice.locator("ul.messagelist")).to_contain_text("was restored to the version of")
    forum.refresh_from_db()
    assert {
        "title": (forum.title_zh_hans, forum.title_en),
        "summary": (forum.summary_zh_hans, forum.summary_en),
        "speakers": [(s.pk, s.person_id, s.role) for s in forum.speaker_roles.all()],
    } == seeded

    # Alice opens the comparison with the seed again; Bob saves meanwhile; her restore is
    # refused with the same explanation as a save, and Bob's change stays.
    alice.get_by_role("link", name="History").click()
    alice.locator("#change-history tbody tr").last.locator("input[name=a]").check()
    alice.locator("#change-history tbody tr").first.locator("input[name=b]").check()
    alice.get_by_role("button", name="Compare versions A and B").click()
    bob = editor_page(new_context, live_server, "bob")
    bob.goto(change_url)
    show_tab(bob, "summary", "en")
    bob.fill("#id_summary_en", "Bob's summary")
    bob.click("input[name=_save]")
    expect(bob).to_have_url(f"{live_server.url}/admin/events/forum/")

    alice.get_by_role("button", name="Restore version A").click()

    expect(alice.locator("ul.messagelist .error")).to_contain_text("bob saved this forum on")
    expect(alice.locator("#edit-conflict tbody th")).to_have_text(["Summary (English)"])
    forum.refresh_from_db()
    assert forum.summary_en == "Bob's summary"


def test_the_public_log_shows_a_published_change_and_nothing_for_a_draft(
    new_context, live_server, editors
):
    published = make_session(kind=Session.Kind.FORUM, title_en="Internet Governance Forum")
    draft = make_session(kind=Session.Kind.FORUM, title_en="Secret Forum", is_published=False)
    alice = editor_page(new_context, live_server, "alice")
    for forum, summary in ((published, "A public summary"), (draft, "A draft summary")):
        alice.goto(f"{live_server.url}/admin/events/forum/{forum.pk}/change/")
        show_tab(alice, "summary", "en")
        alice.fill("#id_summary_en", summary)
        alice.click("input[name=_save]")
        expect(alice).to_have_url(f"{live_server.url}/admin/events/forum/")

    visitor = new_context().new_page()
    visitor.goto(f"{live_server.url}/en/")
    visitor.locator("footer").get_by_role("link", name="Changes to the site").click()

    expect(visitor).to_have_url(f"{live_server.url}/en/changes/")
    expect(visitor.locator(".change-log > li")).to_have_count(1)
    entry = visitor.locator(".change-log > li")
    expect(entry.locator("h2")).to_have_text("Internet Governance Forum")
    expect(entry.locator(".change-fields li")).to_have_text(["Summary (English)"])
    for never in ("Secret Forum", "A draft summary", "A public summary", "alice"):
        expect(visitor.locator("main")).not_to_contain_text(never)
    visitor.goto(f"{live_server.url}/zh-hans/changes/")
    expect(visitor.locator(".change-log > li .change-fields li")).to_have_text(["摘要（英文）"])

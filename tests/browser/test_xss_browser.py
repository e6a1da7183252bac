"""Script in editors' text never runs: typed into every text field of every model through the
admin, in both languages, then looked at on every public page type, the feed, the sitemap,
the calendar and the JSON-LD.

The Content-Security-Policy header is turned off here: it would stop inline script by
itself, and this test is about escaping and sanitizing, which must hold without it.
"""

import json
import re
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.db import models
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from playwright.sync_api import expect

from events.models import Session, SessionOrganizer, SessionSpeaker
from outcomes.models import PressEvaluation
from tests.browser.admin import PASSWORD, logged_in
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_field,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_section,
    make_session,
    make_track,
    make_venue,
)
from wic.core.admin import NOTE_FIELDS

LANGUAGES = ["zh-hans", "en"]

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '"><img src=x onerror="window.__xss=1;alert(1)">'
BREAKOUT = "</script><script>window.__xss=1</script>"
SVG = "<svg onload=window.__xss=1>"
CLOSERS = "</title></textarea></style>"  # elements that would end early if not escaped
# Longest first: each field gets the longest that fits its maxlength, after a marker.
PAYLOADS = [
    f"{CLOSERS}{SCRIPT}{IMG}{BREAKOUT}{SVG}",
    f"{IMG}{SVG}",
    SCRIPT,
    SVG,
    "<svg onload=__xss=1>",
]
JAVASCRIPT_URL = "javascript:window.__xss=1"
URL_PAYLOAD = 'https://example.org/?q="><script>window.__xss=1</script>'

# Admin change forms: every model an editor maintains (key figures and document sections
# as inlines of their edition and document, as editors reach them).
ADMIN_MODELS = [
    "edition",
    "organization",
    "person",
    "venue",
    "track",
    "session",
    "milestone",
    "highlight",
    "keyfigure",
    "document",
    "field",
    "achievement",
    "pressevaluation",
]

# Evidence of a payload that escaped into the DOM, whether or not it managed to run.
INJECTED = """() => [
    ...document.querySelectorAll('[onerror], [onload], img[src="x"]'),
    ...[...document.scripts].filter(
        s => s.type !== 'application/ld+json' && s.textContent.includes('__xss')),
].map(e => e.outerHTML)"""


@pytest.fixture
def content(transactional_db):
    edition = make_edition(is_current=True)
    organization = make_organization(url="https://example.org/")
    person = make_person(organization=organization)
    venue = make_venue()
    track = make_track(edition=edition)
    session = make_session(edition=edition, track=track, venue=venue, kind=Session.Kind.FORUM)
    SessionOrganizer.objects.create(session=session, organization=organization)
    SessionSpeaker.objects.create(session=session, person=person)
    document = make_document(edition=edition, issuer=organization)
    field = make_field()
    achievement = make_achievement(edition=edition, organization=organization)
    achievement.fields.add(field)
    objects = {
        "edition": edition,
        "organization": organization,
        "person": person,
        "venue": venue,
        "track": track,
        "session": session,
        "milestone": make_milestone(edition=edition),
        "highlight": make_highlight(edition=edition, organization=organization),
        "keyfigure": make_key_figure(edition=edition),
        "document": document,
        "section": make_section(document=document),
        "field": field,
        "achievement": achievement,
        "pressevaluation": make_press_evaluation(
            edition=edition, outlet=organization, author=person, kind=PressEvaluation.Kind.MEDIA
        ),
    }
    make_editor(username="editor", password=PASSWORD)
    return objects


@pytest.fixture
def xss_page(page, live_server, settings):
    settings.CONTENT_SECURITY_POLICY = None
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    # The detector works: an unescaped payload does set the flag and open a dialog.
    page.set_content('<img src=x onerror="window.__xss=1;alert(1)">')
    page.wait_for_function("window.__xss === 1")
    assert dialogs == ["1"]
    dialogs.clear()
    return page


def assert_no_script_ran(page, where):
    assert page.evaluate("window.__xss") is None, where
    assert page.dialogs == [], where
    assert page.evaluate(INJECTED) == [], where


def payload_for(marker, maxlength):
    """The longest payload that fits, after `marker` (which tells the fields apart)."""
    for payload in PAYLOADS:
        value = f"{marker}{payload}"
        if maxlength is None or len(value) <= maxlength:
            return value
    raise AssertionError(f"no payload fits in {maxlength} characters")


def fill_every_text_field(page, model):
    """Type a payload into every text input and textarea of the change form, opening each
    language tab and collapsed section first. Returns {field name: value typed}."""
    form = page.locator(f"#{model}_form")
    closed = form.locator("details:not([open]) > summary")
    while closed.count():  # each click opens one: the list shrinks
        closed.first.click()
    typed = {}
    marker = 0
    for language in LANGUAGES:
        for tab in form.locator(".ui-tabs-nav a").all():
            if (tab.text_content() or "").strip().lower() == language:
                tab.click()
        fields = form.locator("input[type=text], textarea")
        for field in fields.all():
            name = field.get_attribute("name") or ""
            classes = field.get_attribute("class") or ""
            # A formatted field is written in its visual editor, which stands for its textarea.
            editor = form.locator(f".prose-editor:has(> [name='{name}']) .ProseMirror")
            if editor.count():
                field = editor
            if (
                name in typed
                or not field.is_visible()
                or "__prefix__" in name
                or name.endswith("slug")
                or re.search(r"\bv(Date|Time)Field\b|\bvIntegerField\b", classes)
            ):
                continue
            maxlength = field.get_attribute("maxlength")
            marker += 1
            value = payload_for(f"{marker}:", int(maxlength) if maxlength else None)
            field.fill(value)
            typed[name] = value
    return typed


def save(page, model):
    page.click("input[name=_continue]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert errors == [], f"{model}: {errors}"
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")


def fill_url_fields(page, model):
    """A javascript: URL is refused with a message; an https URL carrying markup is kept."""
    urls = page.locator(f"#{model}_form input[type=url]")
    names = [field.get_attribute("name") for field in urls.all()]
    if not names:
        return {}
    for name in names:
        page.fill(f"input[name={name}]", JAVASCRIPT_URL)
    page.click("input[name=_continue]")
    for name in names:
        expect(page.locator(f"#id_{name}_error")).to_have_text("Enter a valid URL.")
    for name in names:
        page.fill(f"input[name={name}]", URL_PAYLOAD)
    return dict.fromkeys(names, URL_PAYLOAD)


def text_fields(model):
    """The form names of every text field of `model` an editor can type into."""
    translated = translator.get_options_for_model(model).all_fields
    names = set()
    for field in model._meta.concrete_fields:
        if (
            not isinstance(field, models.CharField | models.TextField)
            or isinstance(field, models.SlugField)
            or field.choices
            or not field.editable
            or hasattr(field, "translated_field")  # the column of one language
        ):
            continue
        if field.name in translated:
            names |= {build_localized_fieldname(field.name, code) for code in LANGUAGES}
        else:
            names.add(field.name)
    return names


def edit_everything_in_the_admin(page, live_server, content):
    typed = {}
    for model in ADMIN_MODELS:
        obj = content[model]
        page.goto(
            f"{live_server.url}/admin/{obj._meta.app_label}/{model}/{obj.pk}/change/",
            wait_until="load",
        )
        url_values = fill_url_fields(page, model)
        # A refused save shows the form again: type into it from there.
        values = fill_every_text_field(page, model)
        save(page, model)
        assert_no_script_ran(page, f"admin {model}")  # the admin escapes what it shows back
        typed[model] = {**values, **url_values}
        own = {name for name in typed[model] if "-" not in name}  # not an inline's
        # The note to readers is typed too: it shows in the public change log.
        assert own == text_fields(type(obj)) | set(NOTE_FIELDS.values()), model
    return typed


def public_urls(content, language):
    edition = content["edition"]
    year = edition.year
    with translation.override(language):
        return [
            reverse("events:home"),
            reverse("events:edition-home", args=[year]),
            reverse("events:edition-list"),
            reverse("events:about", args=[year]),
            reverse("events:news", args=[year]),
            reverse("events:agenda", args=[year]),
            content["session"].get_absolute_url(),
            reverse("outcomes:document-list", args=[year]),
            content["document"].get_absolute_url(),
            reverse("outcomes:achievement-list", args=[year]),
            content["achievement"].get_absolute_url(),
            reverse("outcomes:press-list", args=[year]),
            reverse("search") + "?q=script",
            reverse("changes"),  # the notes to readers typed with each save
        ]


def test_payloads_typed_in_the_admin_never_run_on_the_site(xss_page, live_server, content):
    page = xss_page
    logged_in(page, live_server)

    typed = edit_everything_in_the_admin(page, live_server, content)

    session = content["session"]
    session.refresh_from_db()
    for language in LANGUAGES:
        suffix = language.replace("-", "_")
        title = typed["session"][f"title_{suffix}"]
        assert getattr(session, f"title_{suffix}") == title  # plain text: kept as typed
        with translation.override(language):
            session_url = session.get_absolute_url()
        for url in public_urls(content, language):
            response = page.goto(live_server.url + url, wait_until="load")
            assert response.status == 200, url
            assert_no_script_ran(page, url)
            # Every JSON-LD block is still valid JSON.
            json_ld = [
                json.loads(text)
                for text in page.locator('script[type="application/ld+json"]').all_text_contents()
            ]
            if url == session_url:
                # Markup in a title shows as the text the editor typed, in the page and as
                # data in the JSON-LD.
                expect(page.locator("h1")).to_have_text(re.compile(re.escape(title)))
                assert [data["name"] for data in json_ld] == [title]
        # Formatted text is written in the visual editor: markup typed there is text, shown
        # as typed (markup posted as HTML is sanitized: tests/wic/test_rich_text.py).
        page.goto(live_server.url + public_urls(content, language)[4])
        body = typed["milestone"][f"body_{suffix}"]
        prose = page.locator(f"#milestone-{content['milestone'].pk} .prose")
        expect(prose).to_have_text(body)
        assert prose.locator("script, img, svg").count() == 0

        # Feed, sitemap and calendar: text as data, never as markup.
        edition = content["edition"]
        with translation.override(language):
            feed_url = reverse("events:news-feed", args=[edition.year])
            ics_url = reverse("events:agenda-ics", args=[edition.year])
        feed = page.request.get(live_server.url + feed_url)
        assert feed.ok and b"<script" not in feed.body() and b"<img" not in feed.body()
        (item,) = ET.fromstring(feed.body()).find("channel").findall("item")
        assert item.findtext("title") == typed["milestone"][f"title_{suffix}"]
        assert "<script" not in item.findtext("description")
        assert "<img" not in item.findtext("description")  # markup typed is text (&lt;img)
        ics = page.request.get(live_server.url + ics_url)
        assert ics.ok
        events = icalendar.Calendar.from_ical(ics.body()).walk("VEVENT")
        # iCalendar is plain text: the title is carried as typed, as data.
        assert [str(event["SUMMARY"]) for event in events] == [title]

    sitemap = page.request.get(live_server.url + "/sitemap.xml")
    assert sitemap.ok
    assert b"__xss" not in sitemap.body() and b"<script" not in sitemap.body()

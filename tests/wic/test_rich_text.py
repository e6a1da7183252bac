"""Editors' text on the site: plain text escaped, formatted text sanitized (wic/core/rich_text.py)."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_prose_editor.config import allowlist_from_extensions, expand_extensions
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Milestone
from outcomes.models import DocumentSection
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_editor,
    make_milestone,
    make_section,
    make_session,
)
from tests.html import elements, form_data
from tests.wic.admin_pages import EN
from wic.core import rich_text

SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
BREAKOUT = "</script><script>window.__xss=1</script>"
SVG = '<svg onload="window.__xss=1">'
PAYLOAD = f"{SCRIPT}{IMG}{BREAKOUT}{SVG}"
# What any of these leaves behind in HTML if it escaped: an executable element or handler.
DANGER = re.compile(r"<script>window|<img|<svg|onerror=|onload=|javascript:", re.IGNORECASE)


# --- The functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        # Plain text is stored as typed: `&` is not turned into `&amp;`.
        ("Tom & Jerry, 1 > 0", "Tom & Jerry, 1 > 0"),
        ("第一段。\n\n第二段。", "第一段。\n\n第二段。"),
        # The allowed subset stays; links get rel, lose other attributes.
        (
            '<p>A <strong>bold</strong> <em>claim</em>, <a href="https://www.wuzhenwic.org/" '
            'target="_blank" onclick="x()">see</a>.</p>',
            '<p>A <strong>bold</strong> <em>claim</em>, <a href="https://www.wuzhenwic.org/" '
            'rel="noopener noreferrer nofollow">see</a>.</p>',
        ),
        ("<ul><li>5G</li><li>AI</li></ul>", "<ul><li>5G</li><li>AI</li></ul>"),
        (
            '<a href="mailto:press@example.org" title="Press">mail</a>',
            '<a href="mailto:press@example.org" title="Press" '
            'rel="noopener noreferrer nofollow">mail</a>',
        ),
        # Scripts vanish with their content; other tags leave their text.
        (f"ok{SCRIPT}", "ok"),
        (f"A{IMG}B", 'A"&gt;B'),
        (f"{SVG}in svg</svg>", "in svg"),
        (
            '<a href="javascript:window.__xss=1">x</a>',
            '<a rel="noopener noreferrer nofollow">x</a>',
        ),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        (
            '<a href="data:text/html,<script>x</script>">x</a>',
            '<a rel="noopener noreferrer nofollow">x</a>',
        ),
        ('<p style="position:fixed" class="x" id="y">p</p>', "<p>p</p>"),
        ("<h1>Big</h1><table><tr><td>cell</td></tr></table>", "Bigcell"),
        ("<iframe src=https://evil.example/></iframe>after", "after"),
        ("<!-- note --><style>p{}</style>kept", "kept"),
    ],
)
def test_sanitize_keeps_the_allowed_subset_only(text, stored):
    assert rich_text.sanitize(text) == stored


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("第一段。\n\n第二段\n第二行。", "<p>第一段。</p>\n\n<p>第二段<br>第二行。</p>"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        (
            "One <strong>bold</strong> line.\n\nTwo.",
            "<p>One <strong>bold</strong> line.</p>\n\n<p>Two.</p>",
        ),
        ("<p>Already</p><p>paragraphs</p>", "<p>Already</p><p>paragraphs</p>"),
        (PAYLOAD, '<p>"&gt;</p>'),
        ("", ""),
        (None, ""),
    ],
)
def test_render_gives_paragraphs_of_sanitized_html(text, html):
    assert rich_text.render(text) == html


def test_render_keeps_markup_well_formed_when_a_paragraph_break_is_inside_a_link():
    html = rich_text.render('<a href="https://example.org/">one\n\ntwo</a>')

    assert html.count("<a ") == html.count("</a>")
    assert html.count("<p>") == html.count("</p>")
    assert rich_text.sanitize(html) == html  # already clean: sanitizing changes nothing


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<p>First.</p><p>Second &amp; last.</p>", "First.\n\nSecond & last."),
        ("<ul><li>5G</li><li>AI</li></ul>", "5G\nAI"),
        (f"Title {SCRIPT}", "Title"),
        ("Plain & simple", "Plain & simple"),
    ],
)
def test_plain_drops_the_markup(text, words):
    assert rich_text.plain(text) == words


def test_no_template_marks_text_safe_or_turns_autoescape_off():
    templates = Path(settings.BASE_DIR, "templates")

    offenders = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if re.search(r"\|\s*safe\b|autoescape\s+off|\|\s*safeseq\b", path.read_text())
    ]

    assert offenders == []


# --- Sanitized when an editor saves ------------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def test_admin_sanitizes_formatted_fields_in_both_languages_and_keeps_plain_ones(editor_client):
    milestone = make_milestone()
    url = reverse("admin:events_milestone_change", args=[milestone.pk])
    data = form_data(editor_client.get(url, **EN))
    data.update(
        title_zh_hans=f"标题{SCRIPT}",
        title_en=f"Title{IMG}",
        body_zh_hans=f"<p>正文<strong>重点</strong></p>{SCRIPT}",
        body_en=f'Text with <a href="javascript:alert(1)" onclick="x">a link</a>{SVG}',
    )

    response = editor_client.post(url, data, **EN)

    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone.refresh_from_db()
    assert milestone.body_zh_hans == "<p>正文<strong>重点</strong></p>"
    assert milestone.body_en == 'Text with <a rel="noopener noreferrer nofollow">a link</a>'
    # A title is plain text: stored as typed, escaped wherever it is shown.
    assert (milestone.title_zh_hans, milestone.title_en) == (f"标题{SCRIPT}", f"Title{IMG}")


def test_admin_sanitizes_the_formatted_field_of_an_inline(editor_client):
    section = make_section(body_en="Old")
    document = section.document
    url = reverse("admin:outcomes_document_change", args=[document.pk])
    data = form_data(editor_client.get(url, **EN))
    data["sections-0-body_en"] = f"<em>Open</em> and secure{SCRIPT}"

    response = editor_client.post(url, data, **EN)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DocumentSection.objects.get(pk=section.pk).body_en == "<em>Open</em> and secure"


def test_formatted_fields_are_written_in_the_visual_editor(editor_client):
    milestone = make_milestone()

    response = editor_client.get(
        reverse("admin:events_milestone_change", args=[milestone.pk]), **EN
    )

    page = response.content.decode()
    help_texts = re.findall(r'id="id_body_en_helptext">\s*<div>(.*?)</div>', page)
    assert help_texts == [
        "Use the toolbar for bold, italics, links, lists and quotations. Text pasted from a "
        "word processor keeps its paragraphs, links, bold, italics and lists; other formatting "
        "is dropped."
    ]
    assert [
        e.attributes["name"]
        for e in elements(response, "textarea")
        if "data-django-prose-editor-configurable" in e.attributes
    ] == ["body_zh_hans", "body_en"]
    # Plain fields get neither.
    assert 'id="id_title_en_helptext"' not in page
    # The editor's scripts carry the response's nonce, which the policy names.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in page


def test_the_editor_can_write_no_markup_the_sanitizer_would_remove():
    allowed = allowlist_from_extensions(expand_extensions(rich_text.EDITOR_EXTENSIONS))

    assert allowed["tags"] <= rich_text.ALLOWED_TAGS
    for tag, attributes in allowed["attributes"].items():
        # rel is set by the sanitizer itself; data-type only mirrors type for the editor.
        assert attributes - {"rel", "data-type"} <= rich_text.ALLOWED_ATTRIBUTES[tag], tag
    assert allowed["url_schemes"] <= rich_text.ALLOWED_URL_SCHEMES


@pytest.mark.parametrize(
    ("stored", "posted", "changed"),
    [
        ("One.\n\nTwo & three.", "<p>One.</p><p>Two &amp; three.</p>", False),
        ("One.\n\nTwo.", "<p>One.</p><p>Two, changed.</p>", True),
        (
            "<p>Already <strong>formatted</strong></p>",
            "<p>Already <strong>formatted</strong></p>",
            False,
        ),
        ("", "", False),
    ],
)
def test_text_the_editor_gives_back_unchanged_is_kept_as_stored(stored, posted, changed):
    field = rich_text.RichTextFormField(required=False)

    assert field.has_changed(stored, posted) is changed
    assert str(field.prepare_value(stored)).startswith("<p>") or not stored


# --- Escaped or sanitized when shown -----------------------------------------------------


def news_url(edition, language):
    with translation.override(language):
        return reverse("events:news", args=[edition.year])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_news_page_escapes_titles_and_sanitizes_bodies_stored_unsanitized(client, language):
    # Written through the ORM (as a fixture or the shell would): not sanitized on the way in.
    milestone = make_milestone(
        title_zh_hans=f"进展{SCRIPT}",
        title_en=f"Progress{SCRIPT}",
        body_zh_hans=f"<p><strong>正文</strong></p>{PAYLOAD}",
        body_en=f"<p><strong>Text</strong></p>{PAYLOAD}",
    )
    title = {"zh-hans": "进展", "en": "Progress"}[language]

    response = client.get(news_url(milestone.edition, language))

    content = response.content.decode()
    assertContains(response, f"{title}&lt;script&gt;window.__xss=1&lt;/script&gt;")
    body = {"zh-hans": "正文", "en": "Text"}[language]
    assertContains(response, f"<p><strong>{body}</strong></p>")
    assert DANGER.findall(content) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_session_page_json_ld_cannot_be_broken_out_of(client, language):
    session = make_session(
        title_zh_hans=f"论坛{BREAKOUT}", title_en=f"Forum{BREAKOUT}", description_en=PAYLOAD
    )
    with translation.override(language):
        url = session.get_absolute_url()

    response = client.get(url)

    content = response.content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["name"] == {"zh-hans": f"论坛{BREAKOUT}", "en": f"Forum{BREAKOUT}"}[language]
    assert "<" not in scripts[0]  # `<` is \u003C inside the script element
    # The only script elements on the page: no payload one.
    assert re.findall(r"<script\b[^>]*>", content) == ['<script type="application/ld+json">']


@pytest.mark.django_db
def test_feed_escapes_titles_and_carries_sanitized_html_descriptions(client):
    milestone = make_milestone(title_en=f"Progress{SCRIPT}", body_en=f"<em>Done</em>{PAYLOAD}")
    url = reverse("events:news-feed", args=[milestone.edition.year]).replace("/zh-hans/", "/en/")

    response = client.get(url)

    raw = response.content.decode()
    assert "<script" not in raw and "<img" not in raw and "<svg" not in raw
    (item,) = ET.fromstring(response.content).find("channel").findall("item")
    assert item.findtext("title") == f"Progress{SCRIPT}"  # data, escaped in the XML
    assert item.findtext("description") == '<p><em>Done</em>"&gt;</p>'


@pytest.mark.django_db
def test_calendar_carries_text_as_data_and_no_injected_events(client):
    injection = "Summary\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
    session = make_session(title_en=f"Forum{SCRIPT}", summary_en=injection)
    with translation.override("en"):
        url = reverse("events:agenda-ics", args=[session.edition.year])

    response = client.get(url)

    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [f"Forum{SCRIPT}"]
    assert str(events[0]["DESCRIPTION"]).startswith("Summary\nEND:VEVENT\nBEGIN:VEVENT")


@pytest.mark.django_db
def test_sitemap_has_no_editors_text(client):
    session = make_session(title_en=f"Forum{SCRIPT}", title_zh_hans=f"论坛{SCRIPT}")
    make_document(edition=session.edition, title_en=f"Doc{SCRIPT}")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert b"__xss" not in response.content and b"<script" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_with_formatted_fields_sanitize_them(client, language):
    edition = make_edition(
        is_current=True,
        background_en=f"<p>Background</p>{PAYLOAD}",
        background_zh_hans=f"<p>背景</p>{PAYLOAD}",
        logo_description_en=f"Logo{PAYLOAD}",
        logo_description_zh_hans=f"标志{PAYLOAD}",
        outcomes_overview_en=f"Overview{PAYLOAD}",
        outcomes_overview_zh_hans=f"概览{PAYLOAD}",
    )
    document = make_document(
        edition=edition, body_en=f"Body{PAYLOAD}", body_zh_hans=f"正文{PAYLOAD}"
    )
    make_section(document=document, body_en=f"Section{PAYLOAD}", body_zh_hans=f"章节{PAYLOAD}")
    achievement = make_achievement(
        edition=edition, description_en=f"Desc{PAYLOAD}", description_zh_hans=f"描述{PAYLOAD}"
    )
    with translation.override(language):
        urls = [
            reverse("events:about", args=[edition.year]),
            reverse("outcomes:document-list", args=[edition.year]),
            document.get_absolute_url(),
            achievement.get_absolute_url(),
        ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert DANGER.findall(response.content.decode()) == [], url
        assertNotContains(response, "__xss")


@pytest.mark.django_db
def test_search_snippets_show_formatted_text_without_markup(client):
    milestone = make_milestone(
        title_en="Volunteers", body_en="<p>1,260 <em>volunteers</em> &amp; more</p>"
    )

    with translation.override("en"):
        response = client.get(reverse("search"), {"q": "volunteers"})

    assertContains(response, "<p>1,260 volunteers &amp; more</p>", html=True)
    assert Milestone.objects.get(pk=milestone.pk).body_en.startswith("<p>")

"""Formatted text that editors write: a small, safe HTML subset, sanitized with nh3.

Most text on the site is plain: titles, names, summaries, quotes. Templates print it and
Django escapes it. A few long fields (an item's body, a description, a background) may
carry formatting; each model admin lists them in `rich_text_fields`. For those:

- the admin shows a visual editor (django-prose-editor, `RichTextWidget`) offering exactly
  the formatting allowed here, so editors never type tags; pasted text keeps only that;
- on save, the admin form runs `sanitize()` (wic/core/admin.py), so what is stored is clean;
- on display, templates use `{{ obj.body|rich_text }}` (`render()`), which sanitizes again,
  since rows also arrive by fixtures, the shell or an older version of these rules;
- where a plain string is wanted (search snippets, JSON-LD, Open Graph), `plain()`.

Plain text keeps working: an empty line starts a paragraph, a line break is kept, and
`<`, `&` in plain text come out as text. docs/content-safety.md is the editors' version.
"""

import html
import re

import nh3
from django import forms
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

ALLOWED_TAGS = frozenset(["p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"])
# A numbered list may start elsewhere than 1, and count in letters or Roman numerals (the
# editor's list properties).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start", "type"}}
# Links to other sites and to e-mail addresses; relative links (`/en/2018/agenda/`) pass.
# Any other scheme (javascript:, data:, vbscript:…) loses its href.
ALLOWED_URL_SCHEMES = frozenset(["http", "https", "mailto"])
# Editors' links point away from the site: no window.opener, no referrer, no ranking.
LINK_REL = "noopener noreferrer nofollow"

HELP_TEXT = _(
    "Use the toolbar for bold, italics, links, lists and quotations. Text pasted from a word "
    "processor keeps its paragraphs, links, bold, italics and lists; other formatting is "
    "dropped."
)

# The visual editor's formatting: what the sanitizer keeps, nothing more (django-prose-editor's
# names; tests/wic/test_rich_text.py checks the editor can produce no other tag).
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": sorted(ALLOWED_URL_SCHEMES)},
}

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # script and style vanish with their content (nh3's default); the rest of a refused
    # tag's content is kept as text.
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)

# Block elements: text that has one is laid out by its HTML; text without is split into
# paragraphs at empty lines, like Django's `linebreaks`.
_BLOCK = re.compile(r"<(?:p|ul|ol|blockquote)[\s>]")
_PARAGRAPH_END = re.compile(r"</(?:p|blockquote)>")
_LINE_END = re.compile(r"<br\s*/?>|</li>")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_BETWEEN_TAGS = re.compile(r">\s+<")


def sanitize(text):
    """The allowed subset of `text`'s HTML, as HTML. Text without markup is returned as is,
    so that an editor's plain `Tom & Jerry` is stored as typed, not as `Tom &amp; Jerry`."""
    if not text:
        return text
    if "<" not in text:
        return text
    return _cleaner.clean(text)


def render(text):
    """`text` as safe HTML for a page: sanitized, in paragraphs."""
    if not text:
        return ""
    cleaned = _cleaner.clean(text)
    if not _BLOCK.search(cleaned):
        # The input is already clean HTML: wrap it, don't escape it again.
        cleaned = linebreaks(cleaned, autoescape=False)
    # Once more, so that a paragraph break inside a link still gives well-formed markup.
    return mark_safe(_cleaner.clean(cleaned))  # nh3's output: only the allowed subset


def plain(text):
    """`text` without its markup, as plain text (to be escaped where it is printed)."""
    if not text:
        return ""
    cleaned = _LINE_END.sub("\n", _PARAGRAPH_END.sub("\n\n", _cleaner.clean(text)))
    words = html.unescape(nh3.clean(cleaned, tags=set()))
    return _BLANK_LINES.sub("\n\n", words).strip()


class RichTextWidget(AdminProseEditorWidget):
    """The visual editor, in the admin, with the allowed formatting only."""

    def __init__(self, attrs=None):
        super().__init__(attrs, config={"extensions": EDITOR_EXTENSIONS}, preset="configurable")


class RichTextFormField(forms.CharField):
    """A formatted field in a form: edited visually, stored sanitized.

    Text written before the editor existed (plain text, paragraphs at empty lines) opens as
    the paragraphs it shows; if the editor sends back what renders the same, the field has not
    changed and the stored text is kept as it was.
    """

    widget = RichTextWidget

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, help_text=help_text or HELP_TEXT, **kwargs)

    def prepare_value(self, value):
        if value and isinstance(value, str) and not _BLOCK.search(value):
            return str(render(value))  # plain text: its paragraphs, as the editor reads them
        return value

    def to_python(self, value):
        return sanitize(super().to_python(value))

    def has_changed(self, initial, data):
        return _as_shown(initial) != _as_shown(self.to_python(data))


def _as_shown(text):
    """What a page shows of `text`, with the layout whitespace between blocks left out."""
    return _BETWEEN_TAGS.sub("><", str(render(text or ""))).strip()


class KeepUnchangedRichTextMixin:
    """A ModelForm's formatted fields that the editor did not change keep their stored text
    (the editor sends plain text back as HTML paragraphs that render the same): the history
    then shows no change, and the other language's translation is not marked out of date."""

    def clean(self):
        cleaned_data = super().clean()
        for name in self.fields:
            field = self.fields[name]
            if isinstance(field, RichTextFormField) and name not in self.changed_data:
                if name in cleaned_data:
                    cleaned_data[name] = self.get_initial_for_field(field, name)
        return cleaned_data

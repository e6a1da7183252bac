"""Texts this site translated itself, marked as such wherever a page shows them.

Some names and texts exist officially in one language only: the site rendered the other
language itself (a transliterated name, a section label, the English of a Chinese paragraph
or quote). Every content row says which of its columns hold such a text in
`site_translated` (`ContentModel`), a list of column names such as
`["name_zh_hans", "title_en"]`:

- in the admin, one checkbox per translated field and language ("Name (English)"), in the
  Publication fieldset; only the model's own translation columns can be stored;
- on public pages, `{% site_translation obj "name" %}` (wic_tags) puts a marker next to the
  text, in the reader's language, when the text shown is a marked one. With
  modeltranslation's fallback a page may show the other language's text instead: that one is
  the original, so it gets no marker (`is_marked`). A page that showed a marker ends with one
  sentence explaining it (`{% site_translation_note %}` in base.html).

Nothing here names an app, a model or a language: the columns come from modeltranslation and
the languages from settings.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext
from modeltranslation.utils import build_localized_fieldname

from . import i18n

# Where a rendered page notes that it showed a marker (read by site_translation_note).
REQUEST_FLAG = "_wic_site_translation_shown"


def columns(model):
    """{column: (field name, language)} of every translation column of `model`, in the order
    the admin shows the fields, each field's languages in LANGUAGES order."""
    from .translation_status import translated_fields  # modeltranslation's registry

    return {
        build_localized_fieldname(name, language): (name, language)
        for name in translated_fields(model)
        for language in i18n.LANGUAGES
    }


def column_label(model, column):
    """The label of a column as editors read it: "Name (English)"."""
    name, language = columns(model)[column]
    # Translators: a field in one language, e.g. "Title (English)"; the same text as in the
    # list of changes after an edit conflict.
    return gettext("%(field)s (%(language)s)") % {
        "field": capfirst(model._meta.get_field(name).verbose_name),
        "language": dict(settings.LANGUAGES).get(language, language),
    }


def choices(model):
    return [(column, column_label(model, column)) for column in columns(model)]


def is_marked(obj, field_name):
    """Whether the text of `obj.<field_name>` that a page shows now is marked: its column in
    the language it is shown in (after modeltranslation's fallback) is in `site_translated`."""
    marks = getattr(obj, "site_translated", None)
    if not marks:
        return False
    shown = i18n.shown_language(obj, field_name)
    return shown is not None and build_localized_fieldname(field_name, shown) in marks


def translated_from(obj, field_name):
    """The language the site translated the shown, marked text from: the language of the
    field's one other unmarked, non-empty column. None when not marked or not one."""
    if not is_marked(obj, field_name):
        return None
    originals = [
        language
        for language in i18n.LANGUAGES
        if (column := build_localized_fieldname(field_name, language)) not in obj.site_translated
        and getattr(obj, column, None)
    ]
    return originals[0] if len(originals) == 1 else None


def plain_label(obj, field_name):
    """`obj.<field_name>` followed by "(site translation)" when it is marked: for a label a
    visitor reads where no markup can go (the options of a filter's drop-down list). Page
    titles, meta descriptions and data (JSON-LD, feeds, calendars) carry the text alone."""
    text = getattr(obj, field_name)
    if not is_marked(obj, field_name):
        return text
    # Translators: an option of a drop-down list, e.g. a venue's name that this site
    # translated itself; "site translation" as in the label after such a text on a page.
    return pgettext("site translation marker", "%(text)s (site translation)") % {"text": text}


class MarkedLabelsMixin:
    """For a form field listing rows (a ModelChoiceField): each row is labelled with its
    `label_field`, marked as the site's translation where it is one (plain_label)."""

    label_field = "name"

    def label_from_instance(self, obj):
        return plain_label(obj, self.label_field)


class SiteTranslatedFormField(forms.MultipleChoiceField):
    """One checkbox per translation column; the columns ticked, in the order shown."""

    # Laid out a field per row, a language per column (static/css/admin.css).
    widget = forms.CheckboxSelectMultiple(attrs={"class": "wic-site-translated"})

    def clean(self, value):
        ticked = set(super().clean(value))
        return [column for column, _label in self.choices if column in ticked]


class SiteTranslatedField(models.JSONField):
    """The columns of a row whose text this site translated itself: a list of column names
    (`["name_en"]`), each a translation column of the row's own model, each at most once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(
                gettext_lazy("Give a list of column names."), code="invalid_site_translated"
            )
        known = columns(type(model_instance))
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                gettext_lazy("Not a translated text of this item: %(columns)s."),
                code="unknown_column",
                params={"columns": ", ".join(unknown)},
            )
        if len(set(value)) != len(value):
            raise ValidationError(
                gettext_lazy("A text is listed more than once."), code="duplicate_column"
            )

    def formfield(self, **kwargs):
        model = self.model
        # Field.formfield, not JSONField's (a text box for JSON): checkboxes. No hidden
        # initial value: the default is a callable, which would otherwise add one.
        return models.Field.formfield(
            self,
            **{
                "form_class": SiteTranslatedFormField,
                "choices": lambda: choices(model),
                "show_hidden_initial": False,
                **kwargs,
            },
        )

    def display_value(self, value):
        """The list as editors read it ("Name (English)"), for the list of changes after an
        edit conflict (wic/core/locking.py)."""
        known = columns(self.model)
        return ", ".join(
            column_label(self.model, item) if item in known else str(item) for item in value
        )

"""A visitor's keywords: one cleaning, one length limit, one way to match them.

Every box a visitor types words into (the header's search box, the search page, the keyword
filters of the agenda and the achievements) goes through this module:

- `KeywordField` (a form field) drops control characters (NUL included) from what was typed,
  before validation and before the page echoes it back, refuses more than MAX_LENGTH
  characters with a message in the visitor's language, and gives the cleaned text;
- `terms(text)` splits it into distinct words, at most MAX_TERMS of them;
- `keyword_q(model, fields, words)` matches rows where every word occurs in one of their
  own `fields`, in any language (wic.core.i18n.language_columns) — the keyword filters of the
  lists; the site search reads its own index (wic.core.search), built from the same columns.

`printable_data()` does the control-character cleaning for a whole query string, so that no
filter value of any kind comes back into a page with a raw control character in it.
"""

import operator
import re
import unicodedata
from functools import reduce

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .i18n import language_columns

MAX_LENGTH = 100  # characters: longer is not a search, and gets a message
MAX_TERMS = 10  # words of one query that are searched; the rest are ignored

_WHITESPACE = re.compile(r"\s+")


def printable(text):
    """`text` without control characters; tabs and line breaks become spaces."""
    if text.isprintable():
        return text
    text = _WHITESPACE.sub(" ", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cc")


def printable_data(data):
    """A copy of the QueryDict `data` with every value `printable()` (`data` itself when
    nothing needs cleaning)."""
    if not data or all(value.isprintable() for _key, values in data.lists() for value in values):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [printable(value) for value in values])
    return cleaned


def terms(text):
    """The distinct words of `text`, in order, at most MAX_TERMS of them."""
    return list(dict.fromkeys(printable(text).split()))[:MAX_TERMS]


def keyword_q(model, fields, words):
    """Rows of `model` where each of `words` occurs in one of its `fields`, in any language."""
    columns = [column for field in fields for column in language_columns(model, field)]
    return reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns))
            for word in words
        ),
        Q(),
    )


class KeywordInput(forms.SearchInput):
    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return printable(value) if isinstance(value, str) else value


class KeywordField(forms.CharField):
    widget = KeywordInput
    default_error_messages = {
        "max_length": _("Your search is too long: use at most %(limit_value)d characters."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)


class KeywordFilter(django_filters.CharFilter):
    """A filter on keywords typed by a visitor: each word in one of `fields`, any language."""

    field_class = KeywordField

    def __init__(self, *, fields, **kwargs):
        kwargs.setdefault("label", _("Keyword"))
        super().__init__(**kwargs)
        self.fields = fields

    def filter(self, queryset, value):
        words = terms(value or "")
        if not words:
            return queryset
        return queryset.filter(keyword_q(queryset.model, self.fields, words))


class PublicFilterSet(django_filters.FilterSet):
    """The base of the public lists' filters: values are cleaned of control characters
    before anything (an error message included) echoes them."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(printable_data(data), *args, **kwargs)

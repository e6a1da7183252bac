"""A visitor's keywords: one cleaning, one length limit, one way to match them.

Every box a visitor types words into (the header's search box, the search page, the keyword
filters of the agenda and the achievements) goes through this module:

- `KeywordField` (a form field) drops control characters (NUL included) from what was typed,
  before validation and before the page echoes it back, refuses more than MAX_LENGTH
  characters with a message in the visitor's language, and gives the cleaned text;
- `terms(text)` splits it into distinct words, at most MAX_TERMS of them;
- `KeywordMatcher(model, fields).q(words)` matches rows where every word occurs in one of
  `fields`, in any language (wic.core.i18n.language_columns); a field across a relation
  (`sections__heading`) only counts related rows that are published.

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
from .publication import is_content_model, published_q

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


class KeywordMatcher:
    """Finds the rows of `model` whose `fields` contain a visitor's words, in any language.

    The row's own columns are matched in place; each relation gets a `pk__in` subquery of
    its own, so that multi-valued joins (speakers, sections) multiply neither the rows (no
    DISTINCT needed) nor each other (speakers × organizers). A related row counts only when
    it is published, so a draft's text never makes an item match.
    """

    def __init__(self, model, fields):
        self.model = model
        self.lookups = [self._expand(path) for path in fields]

    def _expand(self, path):
        """`sections__heading` → (the relation, every language's column, the published
        condition on the way)."""
        *relations, _name = path.split("__")
        model = self.model
        published = Q()
        for depth, relation in enumerate(relations, start=1):
            model = model._meta.get_field(relation).related_model
            if is_content_model(model):
                published &= published_q("__".join(relations[:depth]))
        relation = relations[0] if relations else ""
        return relation, language_columns(self.model, path), published

    def word_q(self, word):
        """The rows where `word` occurs in any of the fields."""
        condition = Q()
        by_relation = {}
        for relation, columns, published in self.lookups:
            matches = reduce(
                operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns)
            )
            if relation:
                matches &= published
                by_relation[relation] = by_relation.get(relation, Q()) | matches
            else:
                condition |= matches
        for matches in by_relation.values():
            condition |= Q(pk__in=self.model._base_manager.filter(matches).values("pk"))
        return condition

    def q(self, words):
        """The rows where every one of `words` occurs."""
        return reduce(operator.and_, (self.word_q(word) for word in words), Q())


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
        return queryset.filter(KeywordMatcher(queryset.model, self.fields).q(words))


class PublicFilterSet(django_filters.FilterSet):
    """The base of the public lists' filters: values are cleaned of control characters
    before anything (an error message included) echoes them."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(printable_data(data), *args, **kwargs)

"""Which translated text is missing, and in which language.

The one definition that the admin (marker column and list filter), the `check_content`
command and the tests share. A translated field is *missing* in a language when its column
for that language is empty (NULL or "") and either

- the field is required in that language (the model's `TranslationOptions.required_languages`,
  which modeltranslation turns into `blank=False` on that language's column), or
- the other language has text for it: an editor filled in one side only.

`gaps(obj)` answers for one instance in Python; `missing_q(model, language)` answers the same
question in SQL, for filtering querysets.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .i18n import LANGUAGES


@dataclass(frozen=True)
class Gap:
    """One missing text: `field` (the translated field, e.g. "title") in `language` ("en")."""

    field: str
    language: str


def translated_fields(model):
    """Map each translated field of `model`, in model order, to the languages it is required
    in. Empty for a model that has no translated fields.
    """
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    names = sorted(
        options.all_fields, key=lambda name: model._meta.get_field(name).creation_counter
    )
    return {
        name: frozenset(
            language
            for language in LANGUAGES
            if not model._meta.get_field(build_localized_fieldname(name, language)).blank
        )
        for name in names  # in model order, as the form shows them
    }


def _is_empty(value):
    return value is None or value == ""


def gaps(obj):
    """The missing texts of one instance, in field order then language order."""
    found = []
    for name, required in translated_fields(type(obj)).items():
        values = {lang: getattr(obj, build_localized_fieldname(name, lang)) for lang in LANGUAGES}
        filled_somewhere = any(not _is_empty(value) for value in values.values())
        found += [
            Gap(name, lang)
            for lang in LANGUAGES
            if _is_empty(values[lang]) and (lang in required or filled_somewhere)
        ]
    return found


def missing_languages(obj):
    """The languages in which `obj` misses some text, in LANGUAGES order."""
    languages = {gap.language for gap in gaps(obj)}
    return [lang for lang in LANGUAGES if lang in languages]


def _empty_q(name, language):
    column = build_localized_fieldname(name, language)
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def missing_q(model, language=None):
    """A Q matching the rows of `model` that miss some text in `language` (any language if None).

    The SQL twin of `gaps()`: `model.objects.filter(missing_q(model, "en"))` is exactly the
    rows for which `gaps(obj)` names English.
    """
    languages = LANGUAGES if language is None else (language,)
    terms = []
    for name, required in translated_fields(model).items():
        for lang in languages:
            if lang in required:
                terms.append(_empty_q(name, lang))
            else:
                filled_elsewhere = reduce(
                    operator.or_,
                    (~_empty_q(name, other) for other in LANGUAGES if other != lang),
                    Q(pk__in=[]),
                )
                terms.append(_empty_q(name, lang) & filled_elsewhere)
    return reduce(operator.or_, terms, Q(pk__in=[]))


def incomplete(queryset, language=None):
    """The rows of `queryset` that miss some text in `language` (any language if None)."""
    return queryset.filter(missing_q(queryset.model, language))


def complete(queryset):
    """The rows of `queryset` that have every text in every language."""
    return queryset.exclude(missing_q(queryset.model))

"""Languages: the site's languages, the columns of a translated field, how dates read.

The languages come from settings (LANGUAGES) through modeltranslation; nothing here names
one, so a third language needs settings, migrations and translations only.

- `language_columns(model, "title")` → `["title_zh_hans", "title_en"]`: the columns of a
  translated field in every language (`"organization__name"` works across relations; an
  untranslated field is its own one column). Queries never fall back from one language's
  column to another's, so a search, a filter or the admin's search box that means "in any
  language" asks every column: this is the one place that lists them.
- `bcp47("zh-hans")` → `"zh-Hans"`, `shown_language(obj, "title")`: which language a text is
  shown in once modeltranslation has fallen back.
- `x_default_url(url)`: the page's address for a visitor of no particular language.
- `day_label(date)`, `DATE_FORMATS`: dates as each language writes them.
"""

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as active_content_language

LANGUAGES = tuple(AVAILABLE_LANGUAGES)


def bcp47(language_code):
    """Django's `zh-hans` as the BCP 47 tag `zh-Hans` (for lang, hreflang, JSON-LD)."""
    if not language_code:
        return ""
    return translation.to_locale(language_code).replace("_", "-")


def x_default_url(default_language_url):
    """The hreflang x-default of a page, from its URL in the default language: the same URL
    without the language prefix (`…/zh-hans/2018/agenda/` → `…/2018/agenda/`).

    That address has no page of its own: LocaleMiddleware redirects it to the visitor's
    language (language cookie, then Accept-Language, then Chinese), which is what x-default
    is for: the page for a visitor whose language the alternates do not name. Naming
    `/zh-hans/…` instead would send every such visitor to Chinese whatever their browser says.
    It is also the rule of Django's i18n sitemap (`Sitemap.x_default`), so the sitemap and
    the page's head name the same URL (tests/wic/test_sitemap.py checks they agree).
    """
    return default_language_url.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)


def is_translated(model, name):
    return name in (get_translatable_fields_for_model(model) or [])


def language_columns(model, path):
    """The column lookups of `path` (a field of `model`, possibly across relations) in
    every language when the field is translated, else `[path]`."""
    *relations, name = path.split("__")
    target = model
    for relation in relations:
        target = target._meta.get_field(relation).related_model
    if not is_translated(target, name):
        return [path]
    prefix = "".join(f"{relation}__" for relation in relations)
    return [f"{prefix}{build_localized_fieldname(name, code)}" for code in LANGUAGES]


def shown_language(obj, field_name):
    """The language `obj.<field_name>` is displayed in: the active one, or the one
    modeltranslation falls back to when the active language's column is empty."""
    for code in resolution_order(active_content_language()):
        if getattr(obj, build_localized_fieldname(field_name, code), None):
            return code
    return None


def own_language_value(obj, field_name):
    """`obj.<field_name>` in the active language only, without modeltranslation's fallback."""
    return getattr(obj, build_localized_fieldname(field_name, active_content_language()), "") or ""


# Dates as each language writes them (Django `date` format strings). The locale's own
# formats have no notion of a range: 2018年11月7日至9日 / 7–9 November 2018.
RANGE_FORMATS = {
    "zh-hans": {
        "day": ("Y年n月j日", ""),
        "month": ("Y年n月j日", "至j日"),
        "year": ("Y年n月j日", "至n月j日"),
        "other": ("Y年n月j日", "至Y年n月j日"),
    },
    "en": {
        "day": ("j F Y", ""),
        "month": ("j", "–j F Y"),
        "year": ("j F", " – j F Y"),
        "other": ("j F Y", " – j F Y"),
    },
}
# A day of the programme: 11月7日 星期三 / Wednesday 7 November.
DAY_FORMATS = {"zh-hans": "n月j日 l", "en": "l j F"}
DATETIME_FORMATS = {"zh-hans": "Y年n月j日 H:i", "en": "j F Y, H:i"}


def for_language(formats):
    """The entry of `formats` for the active language (English when it has none)."""
    return formats.get(translation.get_language(), formats["en"])


def day_label(day):
    return date_filter(day, for_language(DAY_FORMATS))

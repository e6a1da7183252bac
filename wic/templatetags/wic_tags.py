"""Template tags every page of the site shares: languages, alternates, JSON-LD.

{% load wic_tags %}
<html lang="{{ LANGUAGE_CODE|bcp47 }}">
<h1{% lang_attr edition "name" %}>{{ edition.name }}</h1>
{% language_links as links %}          the same page in every language (switcher)
{% page_alternates as alternates %}    canonical URL and hreflang alternates
{{ data|json_ld }}                     <script type="application/ld+json">
{{ item.body|rich_text }}              formatted text, sanitized (wic/rich_text.py)
{{ item.body|plain_text }}             the same text without its markup
"""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as active_content_language

from wic import rich_text as rich_text_module

register = template.Library()

# JSON inside <script>: escape what could close the element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# Query parameters that make a different page rather than a filtered view of one.
_CANONICAL_PARAMS = ["page"]


@register.filter
def bcp47(language_code):
    """Django's `zh-hans` as the BCP 47 tag `zh-Hans` (for lang, hreflang, JSON-LD)."""
    if not language_code:
        return ""
    return translation.to_locale(language_code).replace("_", "-")


def shown_language(obj, field_name):
    """The language `obj.<field_name>` is displayed in: the active one, or the one
    modeltranslation falls back to when the active language's column is empty."""
    for code in resolution_order(active_content_language()):
        if getattr(obj, build_localized_fieldname(field_name, code), None):
            return code
    return None


@register.simple_tag
def lang_attr(obj, field_name):
    """` lang="en"` when `obj.<field_name>` is shown in a fallback language, else nothing."""
    shown = shown_language(obj, field_name)
    if shown is None or shown == active_content_language():
        return ""
    return format_html(' lang="{}"', bcp47(shown))


@register.simple_tag
def own_language_value(obj, field_name):
    """`obj.<field_name>` in the active language only, without modeltranslation's fallback.

    For fields that may rightly be empty in one language, such as a key figure's unit
    (Chinese counts with 个 or 名, English with nothing).
    """
    return getattr(obj, build_localized_fieldname(field_name, active_content_language()), "") or ""


@register.filter
def json_ld(data):
    """`data` as a JSON-LD script element, safe to put in the page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # escaped just above
    )


@register.filter
def rich_text(text):
    """An editor's formatted text as safe HTML: the allowed subset, in paragraphs."""
    return rich_text_module.render(text)


@register.filter
def plain_text(text):
    """An editor's formatted text without its markup (escaped where it is printed)."""
    return rich_text_module.plain(text)


def _page_url(view_name, args, kwargs, language_code):
    """The URL of a page in the given language, or None when it has no such URL."""
    with translation.override(language_code):
        try:
            return reverse(view_name, args=args or None, kwargs=kwargs or None)
        except NoReverseMatch:
            return None


def _home_url(language_code):
    with translation.override(language_code):
        return reverse("events:home")


def _with_query(url, query):
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def language_links(context, home_only=False):
    """The page being shown, in each language, with the same query string.

    Computed here from the resolved URL rather than through `set_language`'s
    `translate_url`, which resolves the path in the wrong language (PITFALLS 5.3).
    With `home_only` (the 404 page), or when the page has no URL in a language,
    the link goes to that language's home page.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    query = request.GET.urlencode() if request is not None else ""
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = None
        if match is not None and not home_only:
            url = _page_url(match.view_name, match.args, match.kwargs, code)
            if url is not None:
                url = _with_query(url, query)
        if url is None:
            url = _home_url(code)
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "bcp47": bcp47(code),
                "name_local": info["name_local"],
                "url": url,
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def page_alternates(context):
    """The canonical URL of the page and its hreflang alternates, all absolute.

    A view may name its canonical page in the context as `canonical_view`
    (view name, args); otherwise it is the resolved URL itself. Filters are left
    out (a filtered list is a view of the list), the page number is kept. The
    x-default is the default language's page, as in the sitemap.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None:
        return None
    view_name, args = context.get("canonical_view") or (match.view_name, match.args)
    kwargs = {} if context.get("canonical_view") else match.kwargs
    params = request.GET.copy()
    for key in list(params):
        if key not in _CANONICAL_PARAMS:
            del params[key]
    query = params.urlencode()

    urls = {}
    for code, _name in settings.LANGUAGES:
        url = _page_url(view_name, args, kwargs, code)
        if url is None:
            return None
        urls[code] = request.build_absolute_uri(_with_query(url, query))
    return {
        "canonical": urls[translation.get_language()]
        if translation.get_language() in urls
        else urls[settings.LANGUAGE_CODE],
        "alternates": [{"hreflang": bcp47(code), "url": url} for code, url in urls.items()],
        "x_default": urls[settings.LANGUAGE_CODE],
    }


@register.filter
def og_locale(language_code):
    """Open Graph wants `zh_CN`-style locales."""
    return {"zh-hans": "zh_CN", "en": "en_US"}.get(
        language_code, translation.to_locale(language_code)
    )


@register.simple_tag(takes_context=True)
def nav_current(context, url, exact=False):
    """` aria-current="page"` on the link to this very page; ` aria-current="true"`
    on the link to the section it is in (unless `exact`)."""
    request = context.get("request")
    if not url or request is None:
        return ""
    if request.path == url:
        return mark_safe(' aria-current="page"')
    if not exact and request.path.startswith(url):
        return mark_safe(' aria-current="true"')
    return ""


# Date ranges as each language writes them (Django `date` format strings; the
# locale's own formats have no notion of a range): 2018年11月7日至9日 / 7–9 November 2018.
_RANGE_FORMATS = {
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


def _range_kind(start, end):
    if start == end:
        return "day"
    if (start.year, start.month) == (end.year, end.month):
        return "month"
    return "year" if start.year == end.year else "other"


@register.simple_tag
def date_range(start, end):
    """`2018年11月7日至9日` / `7–9 November 2018`, in a <time> element for each end."""
    formats = _RANGE_FORMATS.get(translation.get_language(), _RANGE_FORMATS["en"])
    start_format, end_format = formats[_range_kind(start, end)]
    html = format_html(
        '<time datetime="{}">{}</time>', start.isoformat(), date_filter(start, start_format)
    )
    if end_format:
        html += format_html(
            '<time datetime="{}">{}</time>', end.isoformat(), date_filter(end, end_format)
        )
    return html


# A day of the programme, for choices: 11月7日 星期三 / Wednesday 7 November.
_DAY_FORMATS = {"zh-hans": "n月j日 l", "en": "l j F"}


def day_label(day):
    return date_filter(day, _DAY_FORMATS.get(translation.get_language(), _DAY_FORMATS["en"]))


@register.simple_tag
def long_date(day):
    """`2018年11月7日` / `7 November 2018` in a <time> element."""
    formats = _RANGE_FORMATS.get(translation.get_language(), _RANGE_FORMATS["en"])
    return format_html(
        '<time datetime="{}">{}</time>', day.isoformat(), date_filter(day, formats["day"][0])
    )


_DATETIME_FORMATS = {"zh-hans": "Y年n月j日 H:i", "en": "j F Y, H:i"}


@register.simple_tag
def long_datetime(moment):
    """`2024年10月25日 11:41` / `25 October 2024, 11:41`, in Beijing time, in a <time> element."""
    local = timezone.localtime(moment)
    pattern = _DATETIME_FORMATS.get(translation.get_language(), _DATETIME_FORMATS["en"])
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), date_filter(local, pattern)
    )

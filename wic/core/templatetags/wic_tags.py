"""Template tags every page of the site shares: languages, alternates, JSON-LD.

{% load wic_tags %}
<html lang="{{ LANGUAGE_CODE|bcp47 }}">
<h1{% lang_attr edition "name" %}>{{ edition.name }}{% site_translation edition "name" %}</h1>
{% site_translation_note %}             after the content: what the markers mean, if any
{% language_links as links %}          the same page in every language (switcher)
{% page_alternates as alternates %}    canonical URL and hreflang alternates
{% share_image edition.logo alt as image %}  og:image: the logo, else the default (wic/core/share.py)
{{ data|json_ld }}                     <script type="application/ld+json">
{{ item.body|rich_text }}              formatted text, sanitized (wic/core/rich_text.py)
{{ item.body|plain_text }}             the same text without its markup
{% panels "edition-home" "aside" edition=edition %}  what other apps add (wic/core/panels.py)
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
from django.utils.translation import gettext, pgettext
from modeltranslation.utils import get_language as active_content_language

from wic.core import i18n, share
from wic.core import panels as panel_registry
from wic.core import rich_text as rich_text_module
from wic.core import site_translation as site_translation_module
from wic.core.publication import Audience
from wic.core.views import SearchForm

register = template.Library()

# JSON inside <script>: escape what could close the element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# Query parameters that make a different page rather than a filtered view of one.
_CANONICAL_PARAMS = ["page"]


register.filter("bcp47", i18n.bcp47)


@register.simple_tag
def search_input():
    """The header's search box: the search page's own field, with its length limit."""
    field = SearchForm(auto_id="site-search-%s")["q"]
    return field.as_widget(attrs={"placeholder": gettext("Search")})


register.simple_tag(i18n.own_language_value)


@register.simple_tag
def lang_attr(obj, field_name):
    """` lang="en"` when `obj.<field_name>` is shown in a fallback language, else nothing."""
    shown = i18n.shown_language(obj, field_name)
    if shown is None or shown == active_content_language():
        return ""
    return format_html(' lang="{}"', i18n.bcp47(shown))


def _site_translation_label():
    # Translators: a small label after a name or text that this site translated itself
    # (the Chinese of an English-only name, the English of a Chinese paragraph).
    return pgettext("site translation marker", "site translation")


@register.simple_tag(takes_context=True)
def site_translation(context, obj, field_name):
    """A marker after the text of `obj.<field_name>` when that text, in the language shown,
    is one this site translated itself (wic/core/site_translation.py); else nothing.

    Visible, short and in the reader's language, with the rest of the explanation for screen
    readers; the page ends with the full sentence (site_translation_note). Not for titles,
    attributes or JSON-LD: it is markup.
    """
    if obj is None or not site_translation_module.is_marked(obj, field_name):
        return ""
    request = context.get("request")
    if request is not None:
        setattr(request, site_translation_module.REQUEST_FLAG, True)
    # Inside an element that carries the fallback language's lang, the marker keeps the page's.
    lang = ""
    if i18n.shown_language(obj, field_name) != active_content_language():
        lang = format_html(' lang="{}"', i18n.bcp47(translation.get_language()))
    return format_html(
        ' <span class="site-translation"{}>{}<span class="visually-hidden"> {}</span></span>',
        lang,
        _site_translation_label(),
        # Translators: read by screen readers after the "site translation" label.
        gettext("(not an official name or wording)"),
    )


@register.simple_tag(takes_context=True)
def site_translation_note(context):
    """What the "site translation" markers mean, once, after a page that showed one."""
    request = context.get("request")
    if not getattr(request, site_translation_module.REQUEST_FLAG, False):
        return ""
    return format_html(
        '<p class="site-translation-note"><span class="site-translation-key">{}</span> {}</p>',
        _site_translation_label(),
        gettext(
            "A name or text that this site translated itself from the other language: it is "
            "not an official name or wording."
        ),
    )


@register.simple_tag(takes_context=True)
def panels(context, page, slot, **kwargs):
    """The panels other apps contribute to `slot` of `page` (wic.core.panels), rendered."""
    request = context.get("request")
    audience = Audience.of(request)
    html = []
    for function in panel_registry.panels(page, slot):
        panel = function(request, audience, **kwargs)
        if panel is not None:
            template_name, panel_context = panel
            template = context.template.engine.get_template(template_name)
            # As {% include %} renders: the page's context, plus the panel's.
            with context.render_context.push_state(template), context.push(**panel_context):
                html.append(template.render(context))
    return mark_safe("".join(html))  # rendered templates: escaped where they print


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
    """The language's home page (settings.HOME_URL_NAME)."""
    with translation.override(language_code):
        return reverse(settings.HOME_URL_NAME)


def _with_query(url, query):
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def language_links(context, home_only=False):
    """The page being shown, in each language, with the same query string.

    Computed here from the resolved URL rather than through `set_language`'s
    `translate_url`, which resolves a prefixed path under the language of the request
    to `set_language`, not the page's, and so fails to switch.
    With `home_only` (the 404 page), or when the page has no URL in a language,
    the link goes to that language's home page. A preview (wic/core/drafts.py) links to
    the same preview in the languages it can be shown in, and to nothing else.
    """
    request = context.get("request")
    preview = getattr(request, "wic_preview", None)
    if preview is not None:
        return [_language_link(code, url) for code, url in preview["language_urls"].items()]
    match = getattr(request, "resolver_match", None)
    query = request.GET.urlencode() if request is not None else ""
    links = []
    for code, _name in settings.LANGUAGES:
        url = None
        if match is not None and not home_only:
            url = _page_url(match.view_name, match.args, match.kwargs, code)
            if url is not None:
                url = _with_query(url, query)
        if url is None:
            url = _home_url(code)
        links.append(_language_link(code, url))
    return links


def _language_link(code, url):
    return {
        "code": code,
        "bcp47": i18n.bcp47(code),
        "name_local": translation.get_language_info(code)["name_local"],
        "url": url,
        "is_current": code == translation.get_language(),
    }


@register.simple_tag(takes_context=True)
def page_alternates(context):
    """The canonical URL of the page and its hreflang alternates, all absolute.

    A view may name its canonical page in the context as `canonical_view`
    (view name, args); otherwise it is the resolved URL itself. Filters are left
    out (a filtered list is a view of the list), the page number is kept. The
    x-default is the page without a language prefix, as in the sitemap
    (`i18n.x_default_url`: it redirects to the visitor's language).
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
        "alternates": [{"hreflang": i18n.bcp47(code), "url": url} for code, url in urls.items()],
        "x_default": i18n.x_default_url(urls[settings.LANGUAGE_CODE]),
    }


@register.simple_tag(takes_context=True)
def share_image(context, image=None, alt=""):
    """The page's share image (wic.core.share.ShareImage): `image` if set, else the default."""
    request = context.get("request")
    if request is None:
        return None
    return share.share_image(request, image, alt)


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


def _range_kind(start, end):
    if start == end:
        return "day"
    if (start.year, start.month) == (end.year, end.month):
        return "month"
    return "year" if start.year == end.year else "other"


@register.simple_tag
def date_range(start, end):
    """`2018年11月7日至9日` / `7–9 November 2018`, in a <time> element for each end."""
    start_format, end_format = i18n.for_language(i18n.RANGE_FORMATS)[_range_kind(start, end)]
    html = format_html(
        '<time datetime="{}">{}</time>', start.isoformat(), date_filter(start, start_format)
    )
    if end_format:
        html += format_html(
            '<time datetime="{}">{}</time>', end.isoformat(), date_filter(end, end_format)
        )
    return html


@register.simple_tag
def long_date(day):
    """`2018年11月7日` / `7 November 2018` in a <time> element."""
    pattern = i18n.for_language(i18n.RANGE_FORMATS)["day"][0]
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_filter(day, pattern))


@register.simple_tag
def long_datetime(moment):
    """`2024年10月25日 11:41` / `25 October 2024, 11:41`, in Beijing time, in a <time> element."""
    local = timezone.localtime(moment)
    pattern = i18n.for_language(i18n.DATETIME_FORMATS)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), date_filter(local, pattern)
    )

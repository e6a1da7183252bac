"""Reading admin pages in tests: the changelist rows and form errors an editor sees."""

from django.conf import settings

from tests.html import elements, text

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the admin has no language prefix: it follows the header
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def changelist_rows(response):
    """One (link text, [badge texts]) pair per row of the changelist, in display order."""
    (table,) = elements(response, "table", id="result_list")
    (tbody,) = elements(table, "tbody")
    return [
        (
            text(elements(row, "th")[0]),
            [text(badge) for badge in elements(row, "span", class_="wic-missing")],
        )
        for row in elements(tbody, "tr")
    ]


def changelist_titles(response):
    return [title for title, _badges in changelist_rows(response)]


def management_form(prefix, total=0, initial=0):
    """The hidden fields of an inline formset with `total` forms, `initial` of them saved."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def english(client):
    """Make the admin speak English to this client, the way the language switch does."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client

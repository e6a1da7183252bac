"""Reading admin pages in tests: the changelist rows and form errors an editor sees."""

from django.conf import settings
from django.test.html import Element, parse_html

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the admin has no language prefix: it follows the header
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def text(node):
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text(child) for child in node.children).split())


def find_all(node, tag, **attrs):
    """Every descendant `<name>` whose attributes match (`class_` matches one class)."""
    found = []
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            if _matches(child, tag, attrs):
                found.append(child)
            found += find_all(child, tag, **attrs)
    return found


def _matches(element, tag, attrs):
    if element.name != tag:
        return False
    present = dict(element.attributes)
    for key, wanted in attrs.items():
        key = key.rstrip("_").replace("_", "-")
        value = present.get(key)
        if key == "class":
            if value is None or wanted not in value.split():
                return False
        elif value != wanted:
            return False
    return True


def page(response):
    return parse_html(response.content.decode())


def changelist_rows(response):
    """One (link text, [badge texts]) pair per row of the changelist, in display order."""
    (table,) = find_all(page(response), "table", id="result_list")
    (tbody,) = find_all(table, "tbody")
    return [
        (
            text(find_all(row, "th")[0]),
            [text(badge) for badge in find_all(row, "span", class_="wic-missing")],
        )
        for row in tbody.children
        if isinstance(row, Element)
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

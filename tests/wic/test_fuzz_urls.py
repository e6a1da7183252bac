"""Every URL of the site, fed hostile path parameters and query strings: never a 5xx, never
a traceback.

The URL patterns come from the resolver itself (walked recursively, each language-prefixed
pattern in both languages, as an anonymous visitor and as a logged-in superuser, the admin
included), so a page added later is fuzzed without anyone listing it here. Each path parameter gets every hostile value while
the others keep a valid one (taken from the sitemap), so a hostile slug reaches the real
database lookup under a real edition. Then Hypothesis throws a few hundred generated query
strings at the valid URLs: repeated keys, control characters, broken UTF-8, very long values.

Found this way and fixed: a /media/ path longer than the file system allows was a 500
(OSError "File name too long"); it is a 404 now (wic/core/media.py).
"""

import re
from collections import defaultdict
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Edition
from tests.factories import make_editor
from wic.core import drafts

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Raw URL text (percent escapes are sent as they are).
HOSTILE_VALUES = [
    "0",
    "-1",
    "99999999999999999999",
    "2018.5",
    "1e3",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "<script>alert(1)</script>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "x" * 300,
    "%00",
    "a%00b",
    "%ed%a0%80",  # a UTF-16 surrogate as UTF-8 bytes: invalid UTF-8
    "%ff%fe",
    "%",
    "%zz",
    quote("数字丝绸之路"),
    quote("🙂"),
    "数字丝绸之路",
    "'%20OR%201=1--",
    "%20",
    "null",
    "%0d%0aSet-Cookie:%20x=1",
    "%5C..%5Cwindows",
]

# A few of them, where a test multiplies values by much else (every filter at once; the
# admin's hundred patterns for a logged-in editor).
SOME_HOSTILE_VALUES = [
    "0",
    "-1",
    "99999999999999999999",
    "2018.5",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "x" * 300,
    "%00",
    "%ed%a0%80",
    "%ff%fe",
    "%",
    quote("数字丝绸之路"),
]

# In the body of a page, these only come from a leaked traceback or debug page.
TRACEBACK_MARKERS = [b"Traceback", b'File "/', b"django."]

# The public views that must be among the patterns walked: a broken walk fails here.
PUBLIC_VIEWS = {
    "search",
    "events:home",
    "events:edition-list",
    "events:edition-home",
    "events:about",
    "events:news",
    "events:news-feed",
    "events:agenda",
    "events:agenda-ics",
    "events:session-detail",
    "outcomes:document-list",
    "outcomes:document-detail",
    "outcomes:achievement-list",
    "outcomes:achievement-detail",
    "outcomes:press-list",
    "sitemap",
    "robots",
    "favicon",
}


# --- the URL patterns ---------------------------------------------------------------------

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def regex_to_template(regex):
    """`^media/(?P<path>.+)$` → `media/<path>`; only simple patterns: a named group may not
    nest, and what is left must be plain text."""
    text = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    text = re.sub(r"\(\?P<(\w+)>(?:[^()\\]|\\.)*\)", r"<\1>", text)
    text = text.replace("\\", "")
    assert not set(text) & set("()[]*+?|{}^$"), f"cannot fuzz regex pattern {regex!r}"
    return text


def template_of(pattern):
    if isinstance(pattern, LocalePrefixPattern):
        return "<language>/"
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        return regex_to_template(pattern.regex.pattern)
    raise AssertionError(f"unknown pattern type {type(pattern).__name__}")


def walk(resolver=None, prefix="", namespace=""):
    """(view name, URL template) of every pattern: `events:agenda`, `<language>/<int:year>/agenda/`."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        template = prefix + template_of(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, template, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield (f"{namespace}{entry.name}" if entry.name else template), template


def parameters(template):
    return [match["name"] for match in ROUTE_PARAMETER.finditer(template)]


def fill(template, values):
    return "/" + ROUTE_PARAMETER.sub(lambda match: values[match["name"]], template)


def patterns():
    return sorted(set(walk()))


# --- valid values from the seed ---------------------------------------------------------


@pytest.fixture
def seed():
    """The whole 2018 edition, both languages."""
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", verbosity=0)


def sitemap_urls(client):
    body = client.get("/sitemap.xml").content.decode()
    return [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", body)]


def resolve_path(path):
    """resolve() in the language of the path's prefix (it resolves only the active one)."""
    first = path.split("/")[1]
    with translation.override(first if first in LANGUAGES else None):
        return resolve(path)


def valid_values(client):
    """For each view name, path parameters that give a real page: the seed's year, the first
    page of that view in the sitemap, a share link's token."""
    values = {}
    for path in sitemap_urls(client):
        match = resolve_path(path)
        kwargs = {key: str(value) for key, value in match.kwargs.items()}
        values.setdefault(match.view_name, {"year": "2018", **kwargs})
    # A reviewer's preview (no page of the sitemap): a share link of the first edition.
    link = drafts.create_share_link(Edition.objects.order_by("pk").first(), None)
    values["share-preview"] = {"token": drafts.share_token(link)}
    return defaultdict(lambda: {"year": "2018"}, values)


def hostile_paths(valid, values_for=lambda view_name: HOSTILE_VALUES):
    """(view name, path) for every pattern, language, parameter and hostile value."""
    for view_name, template in patterns():
        names = [name for name in parameters(template) if name != "language"]
        languages = LANGUAGES if "<language>" in template else [None]
        # Parameters without a page in the sitemap (the admin's object ids): "1".
        base = dict.fromkeys(names, "1") | valid[view_name]
        for language in languages:
            good = {**base, "language": language}
            yield view_name, fill(template, good)
            for name in names:
                for value in values_for(view_name):
                    yield view_name, fill(template, {**good, name: value})


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def problem(response):
    """What is wrong with a response, or None."""
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)
        return f"HTTP {response.status_code}" + (f": {exc_info[1]!r}" if exc_info else "")
    body = body_of(response)
    markers = TRACEBACK_MARKERS
    if "javascript" in response.get("Content-Type", ""):  # the admin's jsi18n: django.gettext
        markers = [marker for marker in markers if marker != b"django."]
    leaked = [marker.decode() for marker in markers if marker in body]
    return f"traceback text in the body: {leaked}" if leaked else None


# --- the tests ----------------------------------------------------------------------------


def test_the_walk_finds_every_public_page_in_both_languages_and_the_admin():
    found = patterns()
    names = {name for name, _template in found}

    assert PUBLIC_VIEWS <= names
    assert ("events:session-detail", "<language>/<int:year>/agenda/<slug:slug>/") in found
    assert any(name.startswith("admin:") for name in names)
    assert [
        fill("<language>/<int:year>/", {"language": code, "year": "0"}) for code in LANGUAGES
    ] == [
        "/zh-hans/0/",
        "/en/0/",
    ]


def test_the_sitemap_gives_a_real_page_for_every_detail_pattern(client, seed):
    valid = valid_values(client)

    for name in (
        "events:session-detail",
        "outcomes:document-detail",
        "outcomes:achievement-detail",
    ):
        for code in LANGUAGES:
            path = fill(dict(patterns())[name], {**valid[name], "language": code})
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("visitor", ["anonymous", "staff"])
def test_hostile_path_parameters_never_get_a_server_error(seed, visitor):
    client = Client(raise_request_exception=False)
    valid = valid_values(client)
    if visitor == "staff":  # staff see drafts: other querysets, other templates
        client.force_login(make_editor(is_superuser=True))

    def values_for(view_name):
        # A superuser gets every admin page for real (an anonymous visitor only redirects):
        # fewer values there.
        if visitor == "staff" and view_name.startswith("admin:"):
            return SOME_HOSTILE_VALUES
        return HOSTILE_VALUES

    visited, failures, statuses = 0, [], set()

    for view_name, path in hostile_paths(valid, values_for):
        response = client.get(path)
        visited += 1
        statuses.add(response.status_code)
        if (trouble := problem(response)) is not None:
            failures.append((view_name, path[:120], trouble))

    assert failures == []
    assert visited > 1500  # every pattern × language × parameter × value
    assert {200, 404} <= statuses


# --- methods ------------------------------------------------------------------------------

# Besides the admin, the only view that takes more than GET and HEAD (it switches the language).
WRITABLE_VIEWS = {"set_language"}
OTHER_METHODS = ["TRACE", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def media_file(settings, tmp_path):
    """An upload for the /media/ pattern to serve (a real page, like every other one here)."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photo.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d4944415478da63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
        )
    )
    return "photo.png"


def test_every_public_url_answers_get_and_head_only(seed, media_file):
    """TRACE, OPTIONS and the writing methods get 405 on every pattern outside the admin and
    the language switch: pages, feed, sitemap, calendar, robots.txt, favicon and media alike."""
    client = Client(raise_request_exception=False)
    valid = valid_values(client)
    checked, wrong = set(), []

    for name, template in patterns():
        if name.startswith("admin:") or template.startswith("admin/") or name in WRITABLE_VIEWS:
            continue
        values = {**dict.fromkeys(parameters(template), "1"), **valid[name], "path": media_file}
        for language in LANGUAGES if "<language>" in template else [None]:
            url = fill(template, {**values, "language": language})
            got = client.get(url).status_code
            if got not in (200, 302):
                wrong.append((url, "GET", got))
            for method in OTHER_METHODS:
                response = client.generic(method, url)
                answer = (response.status_code, response.get("Allow"), response.content)
                if answer != (405, "GET, HEAD", b""):
                    wrong.append((url, method, answer[:2]))
            checked.add(name)

    assert wrong == []
    assert PUBLIC_VIEWS | {"media/<path>"} <= checked


def test_the_admin_and_the_language_switch_still_take_posts(client):
    login = client.post("/admin/login/", {"username": "nobody", "password": "x"})
    switch = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert login.status_code == 200  # the form again, with its error
    assert (switch.status_code, switch["Location"]) == (302, "/")


# Query string pieces: known filter names, so that the filters really run, and raw text.
FILTER_NAMES = [
    "q",
    "day",
    "kind",
    "track",
    "venue",
    "category",
    "field",
    "organization",
    "page",
    "slug",
    "year",
    "next",
    "language",
    "format",
]
RAW_PIECES = [
    "%ed%a0%80",  # surrogate as UTF-8: not valid UTF-8
    "%c0%af",  # overlong "/"
    "%ff",
    "%00",
    "%",
    "%zz",
    "%0d%0a",
    "+",
    "%2B",
    "%26",
    "=",
    ";",
    "[]",
    "%5B%5D",
]


def encode(text):
    """Percent-encode text as UTF-8, lone surrogates kept as their (invalid) UTF-8 bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
long_text = st.builds(
    lambda char, size: char * size,
    st.characters(codec="utf-8"),
    st.integers(min_value=1000, max_value=20000),
)
parts = st.one_of(
    st.sampled_from(FILTER_NAMES),
    any_text.map(encode),
    long_text.map(encode),
    st.sampled_from(RAW_PIECES),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates().map(str),
)
pieces = st.lists(parts, min_size=1, max_size=3).map("".join)
query_strings = st.one_of(
    # key=value pairs, the keys often repeated and often the filters' own
    st.lists(
        st.tuples(st.one_of(st.sampled_from(FILTER_NAMES), pieces), pieces),
        max_size=8,
    ).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)),
    st.dictionaries(any_text, any_text, max_size=6).map(
        lambda pairs: "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs.items())
    ),
    pieces,  # no structure at all
)


@pytest.fixture
def valid_urls(seed, client):
    """Every page with valid path parameters (once per test: Hypothesis runs all its
    examples inside one call of the function-scoped fixtures)."""
    valid = valid_values(client)
    urls = []
    for name, template in patterns():
        if name.startswith("admin:"):
            continue
        values = valid[name]
        if not set(parameters(template)) <= {"language", *values}:
            continue
        for code in LANGUAGES if "<language>" in template else [None]:
            urls.append(fill(template, {**values, "language": code}))
    return sorted(set(urls))


def test_the_fuzzed_pages_are_every_public_page_in_both_languages(valid_urls):
    names = {resolve_path(url).view_name for url in valid_urls}

    assert names >= PUBLIC_VIEWS
    assert "/en/2018/agenda/" in valid_urls and "/zh-hans/2018/agenda/" in valid_urls


def test_hostile_values_in_every_filter_never_get_a_server_error(valid_urls):
    """Every page, every filter name at once, each hostile value in turn."""
    client = Client(raise_request_exception=False)
    failures = []

    for path in valid_urls:
        for value in [*SOME_HOSTILE_VALUES, "2018-11-08"]:
            query = "&".join(f"{name}={value}" for name in FILTER_NAMES)
            response = client.get(f"{path}?{query}")
            if (trouble := problem(response)) is not None:
                failures.append((path, value[:40], trouble))

    assert failures == []


@hypothesis_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_query_strings_never_get_a_server_error(valid_urls, data):
    client = Client(raise_request_exception=False)
    path = data.draw(st.sampled_from(valid_urls), label="path")
    query = data.draw(query_strings, label="query")

    response = client.get(f"{path}?{query}")

    assert problem(response) is None

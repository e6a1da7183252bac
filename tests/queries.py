"""Query counts that cannot drift: a page must read as many queries with 10 items of each
list as with 1. A hand-set maximum would let a page go from 4 to 6 queries as items grow;
equality catches a query per item (a missing select_related or prefetch) however few there
are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, path, params=None):
    """(response, number of queries) of a request for `path`, after one request that fills
    the process's own caches (content types, compiled queries), which later ones reuse."""
    client.get(path, params)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    return response, len(context.captured_queries)


def assert_queries_flat(client, path, grow, params=None):
    """`grow(n)` adds n of each row the page lists. The page takes the same number of queries
    with 1 of each as with 10. Returns the responses with 1 and with 10."""
    grow(1)
    first, with_one = count_queries(client, path, params)
    grow(9)
    last, with_ten = count_queries(client, path, params)
    assert with_one == with_ten, f"{path}: {with_one} queries with 1 of each, {with_ten} with 10"
    return first, last

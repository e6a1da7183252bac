"""Count the SQL queries of each page and time its rendering, inside one Django process.

Run by bench/run.py (not meant to be run alone) with the benchmark's environment and the
page cache off, once on the seed and once on the seed plus the synthetic set:

    python bench/probe.py --repeat 20 /zh-hans/ /zh-hans/2018/agenda/{forum}/ …

`{forum}` in a URL stands for the slug of the edition's first published forum of the seed.
Prints one JSON object on stdout.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events.models import Session
    from outcomes.management.commands.make_synthetic_data import SOURCE

    agenda = Session.objects.published().filter(edition__year=args.year)
    forum = (
        agenda.filter(kind=Session.Kind.FORUM).exclude(source=SOURCE).order_by("date", "pk").first()
    )
    info = {
        "year": args.year,
        "agenda_items": agenda.count(),
        "forum": forum.slug if forum else None,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "pages": {},
    }

    # No setup_test_environment(): its template instrumentation would distort the timings.
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")

    sizes = {}

    def fetch(path):
        """Status of one request, its body read to the end (a streamed one too)."""
        try:
            response = client.get(path)
            sizes[path] = len(response.getvalue())
            return response.status_code
        except Exception as error:  # e.g. the 500 page itself failing: note it, go on
            return f"{type(error).__name__}"

    for url in args.urls:
        path = url.replace("{forum}", info["forum"] or "no-published-forum")
        for _warm_up in range(2):  # first requests fill per-process caches (translations…)
            fetch(path)
        with CaptureQueriesContext(connection) as queries:
            status = fetch(path)
        query_count = len(queries)  # now: the next request_started empties the query log
        timings = []
        for _run in range(args.repeat):
            started = time.perf_counter()
            fetch(path)
            timings.append((time.perf_counter() - started) * 1000)
        info["pages"][url] = {
            "path": path,
            "status": status,
            "queries": query_count,
            "bytes": sizes.get(path, 0),
            "median_ms": statistics.median(timings),
            # The page's own cost: other work on the machine can only add time to a request.
            "min_ms": min(timings),
        }

    sys.stdout.write(json.dumps(info) + "\n")


if __name__ == "__main__":
    main()

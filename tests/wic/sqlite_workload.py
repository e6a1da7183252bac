"""An editor saving while visitors read, on a SQLite file: run by test_sqlite.py as

    python -m tests.wic.sqlite_workload DATABASE_FILE SECONDS [--django-defaults]

Two editor threads save an edition again and again (read, change, save, each in a
transaction, as the admin does) while four visitor threads read pages' worth of rows.
Prints {"saves": n, "reads": n, "errors": [...]} as JSON. --django-defaults runs on
Django's own SQLite settings (rollback journal, deferred transactions, 5 s timeout) to show
what the project's settings prevent.
"""

import json
import os
import sys
import threading
import time


def main():
    database, seconds = sys.argv[1], float(sys.argv[2])
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")
    import django
    from django.conf import settings

    django.setup()
    if "--django-defaults" in sys.argv:
        settings.DATABASES["default"]["OPTIONS"] = {}
    from django.db import OperationalError, connection, transaction

    from events.models import Edition, Session
    from wic.core.cache import content_version

    if "--django-defaults" in sys.argv:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=DELETE")  # WAL would stay on from migrate
    pk = Edition.objects.get(year=2018).pk
    counts = {"saves": 0, "reads": 0}
    errors = []
    stop_at = time.monotonic() + seconds

    def editor(n):
        while time.monotonic() < stop_at:
            try:
                with transaction.atomic():
                    edition = Edition.objects.get(pk=pk)
                    edition.name_en = f"Edited by editor {n} at {time.monotonic()}"
                    edition.save()
                counts["saves"] += 1
            except OperationalError as error:
                errors.append(str(error))
        connection.close()

    def visitor():
        while time.monotonic() < stop_at:
            try:
                content_version()
                list(Edition.objects.published())
                list(Session.objects.published().select_related("edition"))
                counts["reads"] += 1
            except OperationalError as error:
                errors.append(str(error))
        connection.close()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(2)]
    threads += [threading.Thread(target=visitor) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sys.stdout.write(json.dumps({**counts, "errors": sorted(set(errors))}) + "\n")


if __name__ == "__main__":
    main()

"""`python manage.py backup`: the database and the uploads, safe while the site runs.

Writes into backups/ (or --output-dir), named by the time in UTC:
  wic-20181107-093000.sqlite3       SQLite: an online copy made with SQLite's backup API,
                                    a consistent snapshot even while editors save
  wic-20181107-093000.pgdump        PostgreSQL: pg_dump --format=custom (restore with
                                    pg_restore, or `manage.py restore`)
  wic-20181107-093000-media.tar.gz  the uploads folder (MEDIA_ROOT)

`manage.py restore FILE` puts them back (docs/operations.md).
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.client import DatabaseClient

from wic.core.management.base import OperatorCommand

SQLITE_SUFFIX = ".sqlite3"
POSTGRESQL_SUFFIX = ".pgdump"
MEDIA_SUFFIX = "-media.tar.gz"
# The first bytes of each kind of backup file.
SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_HEADER = b"PGDMP"
MEDIA_FOLDER = "media"  # the folder inside a media archive


def engine(alias=DEFAULT_DB_ALIAS):
    """ "sqlite" or "postgresql"; any other database has its own tools."""
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise CommandError(
            f"backup and restore handle SQLite and PostgreSQL; this database is {vendor}: "
            "use its own tools."
        )
    return vendor


def sqlite_path(alias=DEFAULT_DB_ALIAS):
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise CommandError("an in-memory SQLite database cannot be backed up or restored")
    return Path(name)


def sqlite_copy(source, target_path):
    """Copy the open sqlite3 connection `source` into a new file, in one step of SQLite's
    backup API: one read transaction, so a consistent snapshot; with WAL, writers carry on
    meanwhile. Written next to the target and renamed: no half-written backup ever has
    the final name. Checked with integrity_check before the rename."""
    partial = target_path.with_name(target_path.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        check_sqlite(target, partial)
        # One self-contained file: a copy of a WAL database would need -wal and -shm files.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    partial.replace(target_path)


def check_sqlite(connection, path):
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise CommandError(f"{path} fails SQLite's integrity check: {result}")


def pg_command(program, alias=DEFAULT_DB_ALIAS, parameters=()):
    """(argv, environment) for a PostgreSQL client program, from the Django settings of
    `alias` (host, port, user, SSL options as `manage.py dbshell` passes them; the password
    in the environment, never on the command line). The database name comes last."""
    settings_dict = connections[alias].settings_dict
    if not settings_dict.get("NAME"):
        raise CommandError("DATABASE_URL names no PostgreSQL database")
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, list(parameters))
    env = {**os.environ, **(env or {})}  # None when there is nothing to add
    timeout = settings_dict.get("OPTIONS", {}).get("connect_timeout")
    if timeout:
        env["PGCONNECT_TIMEOUT"] = str(timeout)
    return [program, *args[1:]], env


def run_pg(program, argv, env):
    if not shutil.which(program):
        raise CommandError(
            f"{program} is not installed: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client) of the server's major version or newer"
        )
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode:
        raise CommandError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def pg_dump(target_path, alias=DEFAULT_DB_ALIAS):
    partial = target_path.with_name(target_path.name + ".partial")
    # --no-owner/--no-privileges: restorable as another user or on another server.
    argv, env = pg_command(
        "pg_dump",
        alias,
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
    )
    try:
        run_pg("pg_dump", argv, env)
    except CommandError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target_path)


def archive_media(media_root, target_path):
    """MEDIA_ROOT as a tar.gz whose members sit under media/ (an empty archive when the
    folder does not exist yet: nothing uploaded)."""
    partial = target_path.with_name(target_path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        if Path(media_root).is_dir():
            archive.add(media_root, arcname=MEDIA_FOLDER)
    partial.replace(target_path)


def human_size(path):
    size = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024


def new_stem(folder, label=""):
    """`wic-<UTC time><label>`, unique in `folder` (a second backup within the same second
    gets -2, -3, …)."""
    stem = f"wic-{datetime.now(UTC):%Y%m%d-%H%M%S}{label}"
    candidate, n = stem, 1
    while any(folder.glob(f"{candidate}.*")) or any(folder.glob(f"{candidate}-media.*")):
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def back_up_database(folder, alias=DEFAULT_DB_ALIAS, label=""):
    """Back the database up into `folder`; return the file written."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = new_stem(folder, label)
    if engine(alias) == "sqlite":
        source_path = sqlite_path(alias)
        if not source_path.exists():
            raise CommandError(f"there is no database at {source_path}")
        target = folder / f"{stem}{SQLITE_SUFFIX}"
        # A connection of our own (not Django's): the backup must not run inside a
        # transaction some caller has open. The same lock timeout as the site's.
        timeout = connections[alias].settings_dict.get("OPTIONS", {}).get("timeout", 20)
        source = sqlite3.connect(source_path, timeout=float(timeout))
        try:
            sqlite_copy(source, target)
        finally:
            source.close()
    else:
        target = folder / f"{stem}{POSTGRESQL_SUFFIX}"
        pg_dump(target, alias)
    return target


class Command(OperatorCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump for PostgreSQL) and the "
        "uploaded files into backups/. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="where to write the backup files (default: backups/ in the project)",
        )
        parser.add_argument("--no-media", action="store_true", help="leave the uploaded files out")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output_dir, no_media, database, **options):
        database_file = back_up_database(output_dir, database)
        self.stdout.write(f"Database: {database_file} ({human_size(database_file)})")
        if not no_media:
            media_file = database_file.with_name(
                database_file.name.removesuffix(database_file.suffix) + MEDIA_SUFFIX
            )
            archive_media(settings.MEDIA_ROOT, media_file)
            self.stdout.write(f"Uploads:  {media_file} ({human_size(media_file)})")
        self.stdout.write(
            self.style.SUCCESS(f"Restore with: python manage.py restore {database_file}")
        )

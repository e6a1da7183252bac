"""`python manage.py restore FILE`: put a backup made by `manage.py backup` back.

FILE is a `.sqlite3` or `.pgdump` backup; it must match the database DATABASE_URL names
(SQLite or PostgreSQL). Before anything is replaced the current database is backed up
next to FILE (`wic-<time>-before-restore.*`), so a restore can itself be undone. The
uploads archive made with the backup (`…-media.tar.gz` beside FILE) is unpacked into
MEDIA_ROOT too, unless --no-media; --media names another one.

- SQLite: the backup is checked (integrity_check, a migrated Django database), then copied
  over the database with SQLite's backup API, in one step.
- PostgreSQL: `pg_restore --clean --if-exists --single-transaction`: every table of the
  backup is dropped and recreated in one transaction, so a failure changes nothing.

Then the content version moves (wic/core/cache.py): no process serves a page cached before.
Stop the site first (docs/operations.md): a restore replaces what editors just saved.
"""

import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from wic.core.cache import invalidate_all
from wic.core.management.base import OperatorCommand

from .backup import (
    MEDIA_FOLDER,
    MEDIA_SUFFIX,
    POSTGRESQL_HEADER,
    SQLITE_HEADER,
    back_up_database,
    check_sqlite,
    engine,
    pg_command,
    run_pg,
    sqlite_path,
)


def kind_of(path):
    """ "sqlite" or "postgresql", from the file's first bytes (not its name)."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(POSTGRESQL_HEADER):
        return "postgresql"
    raise CommandError(f"{path} is neither a SQLite backup nor a pg_dump custom-format file")


def restore_sqlite(backup_path, alias=DEFAULT_DB_ALIAS):
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        check_sqlite(source, backup_path)
        tables = {name for (name,) in source.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in tables:
            raise CommandError(f"{backup_path} is a SQLite file, but not a database of this site")
        target_path = sqlite_path(alias)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        timeout = connections[alias].settings_dict.get("OPTIONS", {}).get("timeout", 20)
        target = sqlite3.connect(target_path, timeout=float(timeout))
        try:
            # One step: the target is locked and replaced whole, its WAL included.
            source.backup(target)
            check_sqlite(target, target_path)
        finally:
            target.close()
    finally:
        source.close()


def restore_postgresql(backup_path, alias=DEFAULT_DB_ALIAS):
    argv, env = pg_command(
        "pg_restore",
        alias,
        [
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--dbname",  # followed by the database's name, which pg_command puts last
        ],
    )
    run_pg("pg_restore", [argv[0], str(backup_path), *argv[1:]], env)


def restore_media(archive_path, media_root):
    """Unpack the archive's media/ folder over MEDIA_ROOT (files added since the backup
    stay). The "data" filter refuses absolute paths, `..`, links out and device files."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        unpacked = Path(tmp) / MEDIA_FOLDER
        if not unpacked.is_dir():  # nothing had been uploaded
            return 0
        shutil.copytree(unpacked, media_root, dirs_exist_ok=True)
        return sum(1 for path in unpacked.rglob("*") if path.is_file())


class Command(OperatorCommand):
    help = (
        "Restore a backup made by `manage.py backup` (a .sqlite3 or .pgdump file) into the "
        "database DATABASE_URL names, and its uploads into MEDIA_ROOT. The current database "
        "is backed up first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .sqlite3 or .pgdump backup")
        parser.add_argument(
            "--media",
            type=Path,
            help="the uploads archive (default: the -media.tar.gz next to FILE, if any)",
        )
        parser.add_argument("--no-media", action="store_true", help="leave MEDIA_ROOT alone")
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="do not back up the current database first",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self, *args, file, media, no_media, no_safety_backup, interactive, database, **options
    ):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        kind, target = kind_of(file), engine(database)
        if kind != target:
            raise CommandError(
                f"{file} is a {kind} backup, but DATABASE_URL names a {target} database"
            )
        if media is None and not no_media:
            candidate = file.with_name(file.name.removesuffix(file.suffix) + MEDIA_SUFFIX)
            media = candidate if candidate.is_file() else None
        if media is not None and not media.is_file():
            raise CommandError(f"no such file: {media}")

        described = describe(database)
        if interactive:
            answer = input(
                f"This replaces the database {described} with {file}"
                + (f" and unpacks {media} into {settings.MEDIA_ROOT}" if media else "")
                + ".\nType 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")

        if not no_safety_backup and has_tables(database):
            safety = back_up_database(file.parent, database, label="-before-restore")
            self.stdout.write(f"The database as it was: {safety}")
        connections[database].close()  # nothing of ours holds it while it is replaced
        if kind == "sqlite":
            restore_sqlite(file, database)
        else:
            restore_postgresql(file, database)
        invalidate_all(using=database)
        self.stdout.write(f"Database {described} restored from {file}")
        if media is not None:
            count = restore_media(media, settings.MEDIA_ROOT)
            self.stdout.write(f"Uploads: {count} files from {media} in {settings.MEDIA_ROOT}")
        self.stdout.write(self.style.SUCCESS("Restore complete."))


def describe(alias):
    settings_dict = connections[alias].settings_dict
    if connections[alias].vendor == "sqlite":
        return str(settings_dict["NAME"])
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{settings_dict['NAME']} on {host}{port}"


def has_tables(alias):
    """Whether there is anything to keep (a new SQLite file, an empty database: no)."""
    connection = connections[alias]
    if connection.vendor == "sqlite" and not sqlite_path(alias).exists():
        return False
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))

"""`manage.py backup` and `manage.py restore`, run as an operator runs them (subprocesses).

SQLite: a live database file is backed up while another thread keeps writing to it; the
backup is a consistent snapshot, and restoring it into a new file gives back every row (the
editorial history's revisions and versions included), and the uploads. PostgreSQL (only in the PostgreSQL run of `make test`): pg_dump into a scratch
database, pg_restore into another, every row compared.
"""

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.serving import conftest as serving
from tests.serving.conftest import ROOT, site_env

MEDIA_FILES = {
    "editions/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "documents/乌镇展望 2018.pdf": b"%PDF-1.4\n" + "中文".encode() * 100,
    "highlights/a b/c.webp": b"RIFF\x00\x00\x00\x00WEBP",
}
# Changes on every restore by design (wic/core/cache.py): not compared.
CONTENT_VERSION_TABLE = "wic_contentversion"


def manage(env, *args, check=True):
    """manage.py in a process of its own; a failure shows what it printed."""
    result = serving.manage(env, *args, check=False)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def sqlite_tables(path):
    """{table: every row, in rowid order} of a SQLite file."""
    with closing(sqlite3.connect(path)) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
            if name != CONTENT_VERSION_TABLE
        }


def copy_sqlite(source_path, target_path):
    with closing(sqlite3.connect(source_path)) as source:
        with closing(sqlite3.connect(target_path)) as target:
            source.backup(target)


def written_media(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def backup_files(folder):
    return sorted(path.name for path in Path(folder).iterdir())


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory):
    """A migrated SQLite file holding the seed (WAL mode, as the site leaves it)."""
    folder = tmp_path_factory.mktemp("backup")
    database = folder / "seeded.sqlite3"
    env = site_env(folder, database)
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "events", "outcomes")
    return database


@pytest.fixture
def live_site(seeded_sqlite, tmp_path):
    """A site of its own: its database (a copy of the seeded one) and uploads."""
    folder = tmp_path / "live"
    folder.mkdir()
    database = folder / "db.sqlite3"
    copy_sqlite(seeded_sqlite, database)
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    env = site_env(folder, database)
    for name, content in MEDIA_FILES.items():
        path = Path(env["DJANGO_MEDIA_ROOT"]) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return env


class Writer(threading.Thread):
    """Writes to the database while the backup runs, as editors would: each transaction
    adds row n to a table of its own and renames a milestone "write n". A consistent
    snapshot therefore holds rows 1..k and the milestone "write k", for one k."""

    def __init__(self, database):
        super().__init__(daemon=True)
        self.database = database
        self.count = 0
        self.errors = []
        self.stopped = threading.Event()
        with closing(sqlite3.connect(database)) as connection:
            connection.execute("CREATE TABLE test_writes (n INTEGER PRIMARY KEY)")
            connection.commit()
            self.milestone = connection.execute("SELECT MIN(id) FROM events_milestone").fetchone()[
                0
            ]

    def run(self):
        connection = sqlite3.connect(self.database, timeout=20, isolation_level=None)
        try:
            while not self.stopped.is_set():
                n = self.count + 1
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("INSERT INTO test_writes (n) VALUES (?)", (n,))
                    connection.execute(
                        "UPDATE events_milestone SET title_en = ? WHERE id = ?",
                        (f"write {n}", self.milestone),
                    )
                    connection.execute("COMMIT")
                    self.count = n
                except sqlite3.Error as error:
                    self.errors.append(repr(error))
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                time.sleep(0.001)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=30)


def the_one_backup(folder, suffix):
    files = sorted(Path(folder).glob(f"wic-*{suffix}"))
    assert len(files) == 1, backup_files(folder)
    return files[0]


def test_a_live_sqlite_database_is_backed_up_while_written_and_restores_exactly(
    live_site, tmp_path
):
    database = Path(live_site["DATABASE_URL"].removeprefix("sqlite:///"))
    backups = tmp_path / "backups"
    writer = Writer(database)
    writer.start()
    try:
        while writer.count < 20:  # writing for real before the backup starts
            time.sleep(0.01)
        before = writer.count
        result = manage(live_site, "backup", "--output-dir", str(backups))
        during = writer.count - before
        time.sleep(0.1)
    finally:
        writer.stop()

    assert writer.errors == []  # the backup never made a writer fail ("database is locked")
    assert during > 0  # the writer kept going while the backup ran
    backup = the_one_backup(backups, ".sqlite3")
    media = the_one_backup(backups, "-media.tar.gz")
    assert media.name == backup.name.removesuffix(".sqlite3") + "-media.tar.gz"
    assert f"Database: {backup}" in result.stdout
    assert not list(backups.glob("*.partial")) and not list(backups.glob("*-wal"))

    # A consistent snapshot: writes 1..k and the milestone of write k, nothing half-done.
    snapshot = sqlite_tables(backup)
    written = [n for (n,) in snapshot["test_writes"]]
    assert written == list(range(1, len(written) + 1))
    assert before <= len(written) <= writer.count
    milestone = {row[0]: row for row in snapshot["events_milestone"]}[writer.milestone]
    assert f"write {len(written)}" in milestone

    # Everything the writer did not touch is the live database's, row for row.
    live = sqlite_tables(database)
    untouched = set(live) - {"test_writes", "events_milestone"}
    assert {name: snapshot[name] for name in untouched} == {name: live[name] for name in untouched}
    assert len(snapshot["events_session"]) > 10
    # The editorial history is in the database too: the seed's revision and its versions.
    assert len(snapshot["reversion_revision"]) == 1
    assert len(snapshot["reversion_version"]) > 100

    # Restored into a new file and a new uploads folder: the same rows, the same files.
    restored_db = tmp_path / "restored" / "db.sqlite3"
    restored_db.parent.mkdir()
    restored_env = site_env(restored_db.parent, restored_db)
    result = manage(restored_env, "restore", str(backup), "--no-input")

    assert "Restore complete." in result.stdout
    assert sqlite_tables(restored_db) == snapshot
    assert written_media(restored_env["DJANGO_MEDIA_ROOT"]) == MEDIA_FILES
    # A new file had nothing to keep: no safety copy.
    assert backup_files(backups) == sorted([backup.name, media.name])


def test_restore_over_a_changed_database_keeps_a_copy_of_it_first(live_site, tmp_path):
    database = Path(live_site["DATABASE_URL"].removeprefix("sqlite:///"))
    backups = tmp_path / "backups"
    manage(live_site, "backup", "--output-dir", str(backups), "--no-media")
    backup = the_one_backup(backups, ".sqlite3")
    expected = sqlite_tables(backup)
    with closing(sqlite3.connect(database)) as connection:  # an editor's work since
        connection.execute("DELETE FROM events_sessionspeaker")
        connection.execute("UPDATE events_edition SET name_en = 'Changed'")
        connection.commit()
    changed = sqlite_tables(database)

    result = manage(live_site, "restore", str(backup), "--no-input")

    assert sqlite_tables(database) == expected
    safety = the_one_backup(backups, "-before-restore.sqlite3")
    assert f"The database as it was: {safety}" in result.stdout
    assert sqlite_tables(safety) == changed
    assert changed != expected


def test_restore_starts_a_new_epoch_of_the_content_version(live_site, tmp_path):
    """No process may serve a page it cached from the database before the restore."""
    database = Path(live_site["DATABASE_URL"].removeprefix("sqlite:///"))
    backups = tmp_path / "backups"
    manage(live_site, "backup", "--output-dir", str(backups), "--no-media")

    def token():
        with closing(sqlite3.connect(database)) as connection:
            return connection.execute(f"SELECT epoch FROM {CONTENT_VERSION_TABLE}").fetchone()

    before = token()
    manage(live_site, "restore", str(the_one_backup(backups, ".sqlite3")), "--no-input")

    assert token() != before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a backup at all", "is neither a SQLite backup nor a pg_dump custom-format file"),
        (b"PGDMP\x01\x0e\x00", "is a postgresql backup, but DATABASE_URL names a sqlite database"),
        (None, "is a SQLite file, but not a database of this site"),
    ],
    ids=["junk", "postgresql-dump", "other-sqlite-file"],
)
def test_restore_refuses_what_is_not_a_backup_of_this_site_and_changes_nothing(
    live_site, tmp_path, content, message
):
    database = Path(live_site["DATABASE_URL"].removeprefix("sqlite:///"))
    bad = tmp_path / "bad.sqlite3"
    if content is None:
        with closing(sqlite3.connect(bad)) as connection:
            connection.execute("CREATE TABLE other (x)")
            connection.commit()
    else:
        bad.write_bytes(content)
    before = sqlite_tables(database)

    result = manage(live_site, "restore", str(bad), "--no-input", "--no-safety-backup", check=False)

    assert result.returncode != 0
    assert message in result.stderr
    assert sqlite_tables(database) == before


def test_restore_asks_first_and_no_means_no(live_site, tmp_path):
    database = Path(live_site["DATABASE_URL"].removeprefix("sqlite:///"))
    backups = tmp_path / "backups"
    manage(live_site, "backup", "--output-dir", str(backups), "--no-media")
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("DELETE FROM events_sessionspeaker")
        connection.commit()
    before = sqlite_tables(database)

    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(the_one_backup(backups, ".sqlite3"))],
        cwd=ROOT,
        env=live_site,
        input="no\n",
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert f"This replaces the database {database} with" in result.stdout
    assert "Restore cancelled." in result.stderr
    assert sqlite_tables(database) == before


# --- PostgreSQL -----------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
on_postgresql = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL only: the second run of `make test` (DATABASE_URL=postgres://…)",
)


@pytest.fixture
def scratch_databases():
    """Make scratch databases on the test run's PostgreSQL server; drop them at the end."""
    import psycopg

    made = []
    admin_url = urlunsplit(urlsplit(DATABASE_URL)._replace(path="/postgres"))

    def make():
        name = f"wic_backup_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}"))

    yield make
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for name in made:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgresql_tables(url):
    import psycopg

    with psycopg.connect(url) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            for name in names
            if name != CONTENT_VERSION_TABLE
        }


@on_postgresql
def test_postgresql_pg_dump_then_pg_restore_gives_back_every_row(scratch_databases, tmp_path):
    import psycopg

    source_url, target_url = scratch_databases(), scratch_databases()
    source = site_env(tmp_path / "source", tmp_path / "unused.sqlite3", DATABASE_URL=source_url)
    target = site_env(tmp_path / "target", tmp_path / "unused.sqlite3", DATABASE_URL=target_url)
    manage(source, "migrate", "--noinput")
    manage(source, "loaddata", "events", "outcomes")
    with psycopg.connect(source_url) as connection:
        connection.execute(
            "UPDATE events_edition SET name_en = %s",
            ["Quotes \" ' and\nlines, emoji 🙂, 「中文」"],
        )
    backups = tmp_path / "backups"

    manage(source, "backup", "--output-dir", str(backups), "--no-media")
    backup = the_one_backup(backups, ".pgdump")
    assert backup.read_bytes().startswith(b"PGDMP")
    # Into an empty database: the dump brings the tables with it.
    manage(target, "restore", str(backup), "--no-input")

    expected = postgresql_tables(source_url)
    assert postgresql_tables(target_url) == expected
    assert len(expected["events_session"]) > 10

    # Into a database that has changed since: --clean --if-exists puts it back exactly.
    with psycopg.connect(target_url) as connection:
        connection.execute("DELETE FROM events_sessionspeaker")
        connection.execute("UPDATE events_edition SET name_en = 'Changed'")
    result = manage(target, "restore", str(backup), "--no-input")

    assert postgresql_tables(target_url) == expected
    assert "The database as it was:" in result.stdout
    assert the_one_backup(backups, "-before-restore.pgdump").read_bytes().startswith(b"PGDMP")

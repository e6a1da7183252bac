"""SQLite under concurrent use: editors save while visitors read, on one database file, and
nobody meets "database is locked" (WAL, BEGIN IMMEDIATE, a busy timeout: wic/settings.py)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, database):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="wic.settings", DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def database_file(tmp_path_factory):
    """A migrated SQLite file with an edition and a few sessions."""
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    run(["manage.py", "migrate", "--noinput"], database)
    setup = (
        "from tests.factories import make_edition, make_session\n"
        "edition = make_edition(year=2018, number=5, is_current=True)\n"
        "for _ in range(20): make_session(edition=edition)\n"
    )
    run(["manage.py", "shell", "--no-imports", "-c", setup], database)
    return database


def workload(database_file, tmp_path, *flags):
    database = tmp_path / "db.sqlite3"
    shutil.copy(database_file, database)
    result = run(["-m", "tests.wic.sqlite_workload", str(database), "1.5", *flags], database)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_editors_saving_while_visitors_read_never_meet_a_locked_database(database_file, tmp_path):
    result = workload(database_file, tmp_path)

    assert result["errors"] == []
    assert result["saves"] > 20
    assert result["reads"] > 20


def test_on_djangos_defaults_the_same_load_fails(database_file, tmp_path):
    """The control: without the project's settings, the same work meets locked databases."""
    result = workload(database_file, tmp_path, "--django-defaults")

    assert "database is locked" in result["errors"]

"""A broken fixture must fail loudly, say what is wrong, and change nothing.

Each case runs `manage.py loaddata` as an operator would (a subprocess) against a migrated
SQLite file that already holds some rows, then compares the whole database with its state
before: row counts per table and a full SQL dump.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Raw loads skip auto_now/auto_now_add: fixtures spell the timestamps out.
STAMPS = {"created_at": "2018-11-01T09:00:00+08:00", "updated_at": "2018-11-01T09:00:00+08:00"}


def organization(pk, slug, **fields):
    return {
        "model": "events.organization",
        "pk": pk,
        "fields": {
            "slug": slug,
            "name_zh_hans": f"机构{pk}",
            "name_en": f"Organization {pk}",
            "kind": "company",
            "is_published": True,
            **STAMPS,
            **fields,
        },
    }


def person(pk, slug, **fields):
    return {
        "model": "events.person",
        "pk": pk,
        "fields": {
            "slug": slug,
            "name_zh_hans": f"人物{pk}",
            "name_en": f"Person {pk}",
            "is_published": True,
            **STAMPS,
            **fields,
        },
    }


def edition(pk, **fields):
    return {
        "model": "events.edition",
        "pk": pk,
        "fields": {
            "number": 5,
            "year": 2018,
            "name_zh_hans": "第五届世界互联网大会",
            "name_en": "The 5th World Internet Conference",
            "theme_zh_hans": "主题",
            "theme_en": "Theme",
            "summary_zh_hans": "概述",
            "summary_en": "Summary",
            "city_zh_hans": "乌镇",
            "city_en": "Wuzhen",
            "starts_on": "2018-11-07",
            "ends_on": "2018-11-09",
            "is_published": True,
            **STAMPS,
            **fields,
        },
    }


# Already in the database before each bad load.
EXISTING = [organization(1, "existing-org"), person(1, "existing-person", organization=1)]
# A valid row that precedes the bad one in each bad fixture: it must be rolled back too.
NEW_ROW = organization(2, "new-org")


def manage(db_path, *args):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        # Keep the subprocess off any shared cache and out of the project's var/cache.
        "DJANGO_CACHE_DIR": str(Path(db_path).parent / "cache"),
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(db_path):
    """Row counts per table and the full SQL dump of the database."""
    connection = sqlite3.connect(db_path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        counts = {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }
        return counts, list(connection.iterdump())
    finally:
        connection.close()


def write_json(path, entries):
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory):
    """A migrated SQLite file holding EXISTING; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("loaddata")
    db_path = folder / "template.sqlite3"
    for args in (
        ["migrate", "--no-input"],
        ["loaddata", str(write_json(folder / "existing.json", EXISTING))],
    ):
        result = manage(db_path, *args)
        assert result.returncode == 0, result.stderr
    return db_path


@pytest.fixture
def db_file(migrated_db, tmp_path):
    path = tmp_path / "db.sqlite3"
    # SQLite's backup API, not a file copy: it also takes what is still in a WAL file.
    source, target = sqlite3.connect(migrated_db), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


def test_existing_rows_are_present(db_file):
    counts, _ = snapshot(db_file)

    assert (counts["events_organization"], counts["events_person"]) == (1, 1)


def test_a_valid_fixture_loads_and_changes_the_database(db_file, tmp_path):
    """The control case: the harness below can tell a load that happened from one that did not."""
    fixture = write_json(tmp_path / "good.json", [NEW_ROW, person(2, "new-person", organization=2)])
    before = snapshot(db_file)

    result = manage(db_file, "loaddata", str(fixture))

    assert result.returncode == 0, result.stderr
    assert "Installed 2 object(s) from 1 fixture(s)" in result.stdout
    counts, _ = snapshot(db_file)
    assert (counts["events_organization"], counts["events_person"]) == (2, 2)
    assert snapshot(db_file) != before


BROKEN_JSON = """[
  {"model": "events.organization", "pk": 2, "fields": {"slug": "new-org",
  }
]
"""

# (case id, fixture text or entries, fragments the error output must contain)
BAD_FIXTURES = [
    (
        "broken-json",
        BROKEN_JSON,
        # Django's own last line is blank after "Problem installing fixture '…': "; the
        # chained JSONDecodeError above it names the problem and its place.
        ["broken-json.json", "JSONDecodeError", "line 3 column 3"],
    ),
    (
        "unknown-field",
        [NEW_ROW, organization(3, "odd-org", colour="red")],
        ["unknown-field.json", "Organization has no field named 'colour'"],
    ),
    (
        "unknown-model",
        [NEW_ROW, {"model": "events.gizmo", "pk": 1, "fields": {}}],
        ["unknown-model.json", "Invalid model identifier: events.gizmo"],
    ),
    (
        "foreign-key-to-nothing",
        [NEW_ROW, person(2, "new-person", organization=999)],
        ["events_person", "organization_id", "'999'", "does not have a corresponding value"],
    ),
    (
        "impossible-date",
        [NEW_ROW, edition(1, starts_on="2018-11-31")],
        ["impossible-date.json", "events.edition:pk=1", "field_value was '2018-11-31'"],
    ),
    (
        "date-that-is-words",
        [NEW_ROW, edition(1, ends_on="the ninth of November")],
        ["events.edition:pk=1", "field_value was 'the ninth of November'"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"), BAD_FIXTURES, ids=[case[0] for case in BAD_FIXTURES]
)
def test_bad_fixture_fails_names_the_problem_and_changes_nothing(
    db_file, tmp_path, name, content, expected
):
    fixture = tmp_path / f"{name}.json"
    if isinstance(content, str):
        fixture.write_text(content, encoding="utf-8")
    else:
        write_json(fixture, content)
    before = snapshot(db_file)

    result = manage(db_file, "loaddata", str(fixture))

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert [fragment for fragment in expected if fragment not in output] == [], output
    assert snapshot(db_file) == before


def test_a_bad_second_fixture_rolls_back_the_first(db_file, tmp_path):
    """`loaddata events outcomes` is one transaction: a broken outcomes file leaves no events."""
    good = write_json(tmp_path / "good.json", [NEW_ROW])
    bad = write_json(tmp_path / "bad.json", [person(2, "new-person", organization=999)])
    before = snapshot(db_file)

    result = manage(db_file, "loaddata", str(good), str(bad))

    assert result.returncode != 0
    assert "organization_id" in result.stderr
    assert snapshot(db_file) == before

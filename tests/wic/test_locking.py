"""No lost edits: the second of two editors who opened the same item is told, not overwritten.

The change form carries the edit version the editor loaded (wic/core/locking.py, wic/core/admin.py);
saving checks it in the database. These tests post the forms as a browser would: every field
the page holds, as the page holds it.
"""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from events.models import KeyFigure, Session
from outcomes.models import Document
from tests.factories import (
    make_document,
    make_edition,
    make_editor,
    make_key_figure,
    make_section,
    make_session,
)
from tests.html import elements, form_data, text
from tests.wic.admin_pages import EN, english
from wic.core import locking
from wic.core.admin import EditLockForm

ROOT = Path(__file__).resolve().parents[2]


def hidden_value(response, name):
    (field,) = elements(response, "input", name=name)
    return dict(field.attributes)["value"]


def textarea_value(response, name):
    (field,) = elements(response, "textarea", name=name)
    return text(field)


def conflict_rows(response):
    """Each conflict listed above the form: (heading, [[field, from, saved, yours, form]])."""
    (section,) = elements(response, "section", class_="wic-edit-conflict")
    return [
        (
            text(elements(item, "h3")[0]),
            [
                [text(cell) for cell in elements(row, "th") + elements(row, "td")]
                for row in elements(item, "tr")[1:]
            ],
        )
        for item in elements(section, "div", class_="wic-edit-conflict-item")
    ]


def form_errors(response):
    return list(response.context["adminform"].form.non_field_errors())


def saved_on(obj):
    """How the conflict message dates the last save of `obj`: its latest history entry."""
    entry = LogEntry.objects.filter(object_id=str(obj.pk)).latest("action_time")
    return formats.date_format(timezone.localtime(entry.action_time), "DATETIME_FORMAT")


@pytest.fixture
def alice(client, db):
    client.force_login(make_editor(username="alice"))
    return english(client)


@pytest.fixture
def bob(db):
    other = Client()
    other.force_login(make_editor(username="bob"))
    return english(other)


@pytest.fixture
def forum(db):
    return make_session(
        kind=Session.Kind.FORUM,
        slug="digital-silk-road",
        title_zh_hans="数字丝路论坛",
        title_en="Digital Silk Road Forum",
        summary_zh_hans="论坛概要",
        summary_en="About the forum",
    )


def forum_url(forum):
    return reverse("admin:events_forum_change", args=[forum.pk])


def open_form(client, obj_url):
    response = client.get(obj_url, **EN)
    assert response.status_code == 200
    return response


# The atomic save.


@pytest.mark.django_db
def test_save_moves_the_version_by_one(forum):
    forum.title_en = "New title"

    locking.save(forum, 1)

    forum.refresh_from_db()
    assert (forum.edit_version, forum.title_en) == (2, "New title")


@pytest.mark.django_db
def test_save_from_a_version_someone_else_moved_is_refused_and_writes_nothing(forum):
    first, second = Session.objects.get(pk=forum.pk), Session.objects.get(pk=forum.pk)
    first.title_en = "First editor's title"
    locking.save(first, 1)
    second.summary_en = "Second editor's summary"

    with pytest.raises(locking.EditConflict):
        locking.save(second, 1)

    forum.refresh_from_db()
    assert (forum.edit_version, forum.title_en, forum.summary_en) == (
        2,
        "First editor's title",
        "About the forum",
    )


@pytest.mark.django_db
def test_save_without_a_version_saves_and_still_moves_it(forum):
    forum.sort_order = 3

    locking.save(forum)
    locking.save(forum, update_fields=["sort_order"])

    forum.refresh_from_db()
    assert (forum.edit_version, forum.sort_order) == (3, 3)


@pytest.mark.django_db
def test_compare_lists_only_what_the_other_save_changed_with_the_three_values(forum):
    started_from = locking.row_values(forum, ["title_en", "sort_order", "is_published"])
    saved = {**started_from, "title_en": "Their title", "sort_order": 5}
    yours = {**started_from, "sort_order": 7, "is_published": False}

    with translation.override("en"):
        changes = locking.compare(forum, started_from, saved, yours)

    assert [
        (c.label, c.started_from, c.saved, c.yours, c.outcome) for c in changes
    ] == [
        ("Title (English)", "Digital Silk Road Forum", "Their title", "Digital Silk Road Forum",
         locking.TAKEN_OVER),
        ("Sort order", "0", "5", "7", locking.BOTH),
    ]  # fmt: skip


# Two editors in the admin.


@pytest.mark.django_db
def test_form_carries_the_version_the_editor_loaded(alice, forum):
    Session.objects.filter(pk=forum.pk).update(edit_version=7)

    response = open_form(alice, forum_url(forum))

    assert hidden_value(response, "loaded_version") == "7"


@pytest.mark.django_db
def test_second_save_is_refused_with_the_title_the_first_editor_saved(alice, bob, forum):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_en="Digital Silk Road 2018"))

    response = bob.post(forum_url(forum), form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert response.status_code == 200
    assert form_errors(response) == [
        f"alice saved this forum on {saved_on(forum)}, while you were editing it. Nothing you "
        "entered has been saved yet: check the changes listed at the top of the form, then "
        "save again."
    ]
    assert conflict_rows(response) == [
        (
            "Forum “Digital Silk Road 2018”",
            [
                [
                    "Title (English)",
                    "Digital Silk Road Forum",
                    "Digital Silk Road 2018",
                    "Digital Silk Road Forum",
                    "The saved value (you had not changed it)",
                ]
            ],
        )
    ]
    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en, forum.edit_version) == (
        "Digital Silk Road 2018",
        "About the forum",
        2,
    )


@pytest.mark.django_db
def test_refused_form_keeps_the_editors_input_and_carries_the_new_version(alice, bob, forum):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_en="Digital Silk Road 2018"))

    response = bob.post(forum_url(forum), form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert textarea_value(response, "summary_en") == "Bob's summary"
    (title,) = elements(response, "input", name="title_en")
    assert dict(title.attributes)["value"] == "Digital Silk Road 2018"  # taken over
    assert hidden_value(response, "loaded_version") == "2"


@pytest.mark.django_db
def test_saving_again_after_the_refusal_keeps_both_changes(alice, bob, forum):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_en="Digital Silk Road 2018"))
    refused = bob.post(forum_url(forum), form_data(bobs_form, summary_en="Bob's summary"), **EN)

    response = bob.post(forum_url(forum), form_data(refused), **EN)

    assert response.status_code == 302
    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en, forum.edit_version) == (
        "Digital Silk Road 2018",
        "Bob's summary",
        3,
    )


@pytest.mark.django_db
def test_field_both_editors_changed_keeps_the_second_editors_value_in_the_form(alice, bob, forum):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, sort_order="5"))

    response = bob.post(forum_url(forum), form_data(bobs_form, sort_order="7"), **EN)

    assert conflict_rows(response)[0][1] == [
        ["Sort order", "0", "5", "7", "Your value: merge by hand"]
    ]
    (sort_order,) = elements(response, "input", name="sort_order")
    assert dict(sort_order.attributes)["value"] == "7"
    assert Session.objects.get(pk=forum.pk).sort_order == 5


@pytest.mark.django_db
def test_chinese_title_changed_by_the_other_editor_is_named_in_its_language(alice, bob, forum):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_zh_hans="数字丝绸之路论坛"))

    response = bob.post(forum_url(forum), form_data(bobs_form, title_zh_hans="丝路论坛"), **EN)

    assert conflict_rows(response)[0][1] == [
        [
            "Title (Simplified Chinese)",
            "数字丝路论坛",
            "数字丝绸之路论坛",
            "丝路论坛",
            "Your value: merge by hand",
        ]
    ]


@pytest.mark.django_db
def test_form_whose_values_cannot_be_read_back_still_refuses_and_lists_the_differences(
    alice, bob, forum
):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_en="Digital Silk Road 2018"))
    # E.g. signed with a secret key that has changed since.
    data = form_data(bobs_form, summary_en="Bob's summary", loaded_values="tampered")

    response = bob.post(forum_url(forum), data, **EN)

    assert conflict_rows(response)[0][1] == [
        [
            "Title (English)",
            "?",
            "Digital Silk Road 2018",
            "Digital Silk Road Forum",
            "Your value: merge by hand",
        ],
        ["Summary (English)", "?", "About the forum", "Bob's summary", "Your value: merge by hand"],
    ]
    assert Session.objects.get(pk=forum.pk).summary_en == "About the forum"


@pytest.mark.django_db
def test_unpublishing_moves_the_version_so_an_open_form_is_told(alice, bob, forum):
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(
        reverse("admin:events_forum_changelist"),
        {"action": "unpublish", "_selected_action": [forum.pk]},
    )

    response = bob.post(forum_url(forum), form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert conflict_rows(response)[0][1] == [
        ["Published", "Yes", "No", "Yes", "The saved value (you had not changed it)"]
    ]
    (published,) = elements(response, "input", name="is_published")
    assert "checked" not in dict(published.attributes)
    assert Session.objects.get(pk=forum.pk).is_published is False


@pytest.mark.django_db
def test_save_that_commits_between_the_forms_check_and_the_write_is_caught(
    alice, bob, forum, monkeypatch
):
    alices_form = open_form(alice, forum_url(forum))
    bobs_form = open_form(bob, forum_url(forum))
    alice.post(forum_url(forum), form_data(alices_form, title_en="Digital Silk Road 2018"))
    real_clean = EditLockForm.clean

    def check_reads_the_row_before_alices_save(form):
        # As if Bob's form was checked just before Alice's save committed: only the
        # conditional UPDATE can still see that the version moved.
        monkeypatch.setattr(EditLockForm, "clean", real_clean)
        form.instance.edit_version = form.version_loaded
        return real_clean(form)

    monkeypatch.setattr(EditLockForm, "clean", check_reads_the_row_before_alices_save)

    response = bob.post(forum_url(forum), form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert response.status_code == 200
    assert conflict_rows(response)[0][1] == [
        [
            "Title (English)",
            "Digital Silk Road Forum",
            "Digital Silk Road 2018",
            "Digital Silk Road Forum",
            "The saved value (you had not changed it)",
        ]
    ]
    forum.refresh_from_db()
    assert (forum.title_en, forum.summary_en, forum.edit_version) == (
        "Digital Silk Road 2018",
        "About the forum",
        2,
    )


@pytest.mark.django_db
def test_section_changed_in_the_document_form_refuses_the_other_editors_save(alice, bob):
    document = make_document(title_en="Wuzhen Report")
    section = make_section(
        document=document, number=1, heading_zh_hans="序言", heading_en="Preface"
    )
    url = reverse("admin:outcomes_document_change", args=[document.pk])
    alices_form = open_form(alice, url)
    bobs_form = open_form(bob, url)
    alice.post(url, form_data(alices_form, **{"sections-0-heading_en": "Foreword"}))

    response = bob.post(url, form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert conflict_rows(response) == [
        ("Document “Wuzhen Report”", []),
        (
            "Section “1. Foreword”",
            [
                [
                    "Heading (English)",
                    "Preface",
                    "Foreword",
                    "Preface",
                    "The saved value (you had not changed it)",
                ]
            ],
        ),
    ]
    (history,) = elements(response, "ul", class_="wic-edit-conflict-history")
    assert [text(entry) for entry in elements(history, "li")] == [
        # Django names the object in the history in the default language, Chinese.
        f"{saved_on(document)}, alice: Changed Heading [en] for section “1. 序言”."
    ]
    retry = bob.post(url, form_data(response), **EN)
    assert retry.status_code == 302
    document.refresh_from_db()
    section.refresh_from_db()
    assert (document.summary_en, section.heading_en) == ("Bob's summary", "Foreword")
    assert Document.objects.get().edit_version == 3


@pytest.mark.django_db
def test_key_figure_changed_in_its_own_admin_refuses_the_editions_save(alice, bob):
    edition = make_edition()
    figure = make_key_figure(edition=edition, value=1000, label_en="Guests")
    edition_url = reverse("admin:events_edition_change", args=[edition.pk])
    bobs_form = open_form(bob, edition_url)
    figure_url = reverse("admin:events_keyfigure_change", args=[figure.pk])
    alice.post(figure_url, form_data(open_form(alice, figure_url), value="1500"))

    response = bob.post(edition_url, form_data(bobs_form, summary_en="Bob's summary"), **EN)

    assert response.status_code == 200
    assert conflict_rows(response)[0][1] == [
        ["Value", "1000", "1500", "1000", "The saved value (you had not changed it)"]
    ]
    assert KeyFigure.objects.get().value == 1500


# A real race: several connections at once.


def race(pk, editors):
    """Each editor, on a database connection of its own, saves the row from version 1 at
    the same moment. {editor: "saved" or "refused"}."""
    loaded = [Session.objects.get(pk=pk) for _ in range(editors)]
    ready = threading.Barrier(editors)
    outcomes = {}

    def save(n):
        try:
            loaded[n].title_en = f"Editor {n}'s title"
            ready.wait()
            locking.save(loaded[n], 1)
            outcomes[n] = "saved"
        except locking.EditConflict:
            outcomes[n] = "refused"
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=save, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def assert_one_winner(outcomes, editors, forum):
    (winner,) = [n for n, outcome in outcomes.items() if outcome == "saved"]
    assert sorted(outcomes.values()) == ["refused"] * (editors - 1) + ["saved"]
    forum.refresh_from_db()
    assert (forum.title_en, forum.edit_version) == (f"Editor {winner}'s title", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="in-memory SQLite cannot queue writers: see below"
)
def test_of_editors_saving_the_same_version_at_once_exactly_one_wins():
    forum = make_session(title_en="Digital Silk Road Forum")

    outcomes = race(forum.pk, 6)

    assert_one_winner(outcomes, 6, forum)


def test_on_a_sqlite_file_of_editors_saving_at_once_exactly_one_wins(tmp_path):
    """The same race on a SQLite file, with the project's settings (BEGIN IMMEDIATE)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wic.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    script = (
        "import json\n"
        "from tests.factories import make_session\n"
        "from tests.wic.test_locking import race\n"
        "forum = make_session(title_en='Digital Silk Road Forum')\n"
        "outcomes = race(forum.pk, 6)\n"
        "forum.refresh_from_db()\n"
        "print(json.dumps([outcomes, forum.title_en, forum.edit_version]))\n"
    )
    for command in (["migrate", "--noinput"], ["shell", "--no-imports", "-c", script]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    outcomes, title, version = json.loads(result.stdout.strip().splitlines()[-1])
    (winner,) = [n for n, outcome in outcomes.items() if outcome == "saved"]
    assert sorted(outcomes.values()) == ["refused"] * 5 + ["saved"]
    assert (title, version) == (f"Editor {winner}'s title", 2)

import pytest
from django.test import Client

from tests.factories import make_editor
from tests.wic.admin_pages import english


@pytest.fixture
def editor():
    """An editor of the Editors group, with a name the admin shows ("Alice Wang")."""
    return make_editor(username="alice", first_name="Alice", last_name="Wang")


@pytest.fixture
def editor_client(editor):
    """A client of its own logged in as `editor`, the admin speaking English: a test's
    `client` stays a visitor's (or another user's)."""
    client = english(Client())
    client.force_login(editor)
    return client

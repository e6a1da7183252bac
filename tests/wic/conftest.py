import pytest

from tests.factories import make_editor
from tests.wic.admin_pages import english


@pytest.fixture
def editor():
    """An editor of the Editors group, with a name the admin shows ("Alice Wang")."""
    return make_editor(username="alice", first_name="Alice", last_name="Wang")


@pytest.fixture
def editor_client(client, editor):
    """The test client logged in as `editor`, the admin speaking English."""
    english(client)
    client.force_login(editor)
    return client

"""`/favicon.ico`: the icon browsers ask for by that name (the admin's pages name none)."""

import io

import pytest
from PIL import Image

from tests.factories import make_edition
from tests.html import attribute, elements

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO"
        assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_favicon_ico_answers_head_and_refuses_other_methods(client):
    head = client.head("/favicon.ico")
    post = client.post("/favicon.ico")

    assert (head.status_code, head["Content-Type"]) == (200, "image/vnd.microsoft.icon")
    assert post.status_code == 405


@pytest.mark.parametrize("url", ["/zh-hans/", "/en/", "/en/no-such-page/"])
def test_pages_name_the_icon_in_both_forms(client, url):
    make_edition(year=2018, is_current=True)

    response = client.get(url)

    icons = [
        (attribute(link, "href"), attribute(link, "type"))
        for link in elements(response, "link", rel="icon")
    ]
    assert icons == [("/favicon.ico", None), ("/static/img/favicon.svg", "image/svg+xml")]

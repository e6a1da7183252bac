"""Editors' uploads, served by the app (wic/core/media.py) on the single-machine default."""

import pytest

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "editions").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("not an upload")
    return settings.MEDIA_ROOT


def test_an_uploaded_image_is_served_inline(client, media_root):
    (media_root / "editions" / "logo.png").write_bytes(PNG)

    response = client.get("/media/editions/logo.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="logo.png"'
    assert response["Cache-Control"] == "no-cache"


def test_an_unchanged_file_is_revalidated(client, media_root):
    (media_root / "editions" / "logo.png").write_bytes(PNG)
    first = client.get("/media/editions/logo.png")

    again = client.get(
        "/media/editions/logo.png", headers={"if-modified-since": first["Last-Modified"]}
    )

    assert again.status_code == 304


def test_an_uploaded_html_file_is_downloaded_not_shown(client, media_root):
    (media_root / "editions" / "page.html").write_text("<script>alert(1)</script>")

    response = client.get("/media/editions/page.html")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'


@pytest.mark.parametrize("path", ["/media/../secret.txt", "/media/%2e%2e/secret.txt"])
def test_nothing_outside_the_media_folder_is_served(client, media_root, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b"not an upload" not in response.content

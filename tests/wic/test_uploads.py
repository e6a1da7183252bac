"""Editors' uploads: checked by their bytes, stored whole under unguessable names (wic/core/uploads.py)."""

import errno
import html
import io
import os
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from events.models import Edition, Highlight
from tests.factories import make_document, make_edition, make_editor, make_highlight
from tests.html import form_data
from tests.wic.admin_pages import EN
from wic.core import uploads
from wic.core.uploads import SafeFileSystemStorage, UploadTo, check_image, check_pdf

STORED_NAME = re.compile(r"^(?P<folder>.+)/(?P<stem>[0-9a-f]{32})\.(?P<extension>[a-z]+)$")


# --- Files -------------------------------------------------------------------------------


def image_bytes(image_format="PNG", size=(12, 8), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, image_format)
    return buffer.getvalue()


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def bomb():
    """A valid 20000 × 20000 PNG (400 million pixels) of some 50 KB: a decompression bomb."""
    width = height = 20_000
    row = b"\x00" + bytes(width // 8)  # filter byte, then one bit per pixel, all black
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )
    assert len(png) < 100_000
    return png


@pytest.fixture(scope="module")
def oversized_png():
    """A real PNG of 1400 × 1400 noisy pixels: about 5.9 MB, over the 5 MB limit."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(buffer, "PNG")
    assert len(buffer.getvalue()) > 5 * 1024 * 1024
    return buffer.getvalue()


# The start of a Linux executable, renamed to look like an image.
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(2000)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
    b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(check, file, language="en"):
    """(code, message in `language`) of the check's refusal of `file`."""
    with pytest.raises(ValidationError) as caught:
        check(file)
    (error,) = caught.value.error_list
    with translation.override(language):
        return error.code, error.message % (error.params or {})


def english(message):
    with translation.override("en"):
        return str(message)


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- The checks --------------------------------------------------------------------------


def test_renamed_executable_is_not_an_image():
    assert refusal(check_image, upload("logo.png", ELF)) == (
        "not_image",
        "This file is not a JPEG, PNG, WebP or GIF image, whatever its name says. "
        "Upload an image in one of these formats.",
    )


def test_decompression_bomb_is_refused_before_it_is_decoded(bomb):
    assert refusal(check_image, upload("poster.png", bomb)) == (
        "too_many_pixels",
        "This image has more than 40 million pixels. "
        "Scale it down (for instance to 4000 pixels wide) and upload it again.",
    )


def test_image_just_over_the_pixel_limit_is_refused(settings):
    settings.WIC_UPLOAD_IMAGE_MAX_PIXELS = 12 * 8 - 1

    assert refusal(check_image, upload("a.png", image_bytes()))[0] == "too_many_pixels"


@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo"])
def test_svg_is_refused_by_its_content_whatever_its_name(name):
    assert refusal(check_image, upload(name, SVG_WITH_SCRIPT)) == (
        "svg",
        "SVG images are not accepted, because they can contain scripts. "
        "Export the image as PNG and upload that.",
    )


def test_oversized_image_is_refused_with_its_size_and_the_limit(oversized_png):
    code, message = refusal(check_image, upload("photo.png", oversized_png))

    assert code == "too_big"
    assert re.fullmatch(
        r"This file is 5\.\d MB; the limit is 5\.0 MB\. Make it smaller and upload it again\.",
        message.replace("\xa0", " "),
    )


def test_messages_follow_the_editors_language():
    svg = upload("logo.svg", SVG_WITH_SCRIPT)

    english_message = refusal(check_image, svg)[1]
    chinese_message = refusal(check_image, svg, language="zh-hans")[1]

    assert chinese_message != english_message and "SVG" in chinese_message


def test_truncated_image_is_refused_as_damaged():
    png = image_bytes(size=(64, 64))

    assert refusal(check_image, upload("a.png", png[:-30]))[0] == "damaged_image"


def test_other_image_formats_are_refused():
    assert refusal(check_image, upload("scan.bmp", image_bytes("BMP")))[0] == "not_image"


@pytest.mark.parametrize(
    ("image_format", "name"), [("PNG", "a.png"), ("JPEG", "b.JPG"), ("WEBP", "c"), ("GIF", "d.gif")]
)
def test_small_images_of_the_accepted_formats_pass(image_format, name):
    assert check_image(upload(name, image_bytes(image_format))) == image_format


def test_png_renamed_to_pdf_is_not_a_pdf():
    assert refusal(check_pdf, upload("outlook.pdf", image_bytes())) == (
        "not_pdf",
        "This file is not a PDF document, whatever its name says. "
        "Export or print it to PDF and upload that.",
    )


def test_truncated_pdf_is_refused():
    assert refusal(check_pdf, upload("outlook.pdf", PDF[:-20]))[0] == "damaged_pdf"


def test_oversized_pdf_is_refused():
    big = PDF.replace(b"trailer", b"%" + bytes(21 * 1024 * 1024) + b"\ntrailer")

    assert refusal(check_pdf, upload("outlook.pdf", big))[0] == "too_big"


def test_minimal_pdf_passes():
    check_pdf(upload("outlook.pdf", PDF))


# --- Names -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("logo.png", image_bytes("PNG"), "png"),
        ("photo.png", image_bytes("JPEG"), "jpg"),  # the bytes decide, not the name
        ("../../etc/passwd.gif", image_bytes("GIF"), "gif"),
        ("ロゴ 标志.webp", image_bytes("WEBP"), "webp"),
    ],
)
def test_model_save_stores_under_a_random_name_with_the_detected_extension(
    media_root, name, content, extension
):
    edition = make_edition(logo=upload(name, content))

    match = STORED_NAME.match(edition.logo.name)
    assert match and (match["folder"], match["extension"]) == ("editions", extension)
    assert stored_files(media_root) == [edition.logo.name]
    assert (media_root / edition.logo.name).read_bytes() == content


@pytest.mark.django_db
def test_two_uploads_of_the_same_file_get_different_names():
    first = make_edition(logo=upload("logo.png", image_bytes()))
    second = make_edition(logo=upload("logo.png", image_bytes()))

    assert first.logo.name != second.logo.name


@pytest.mark.parametrize(
    ("name", "stored_extension"), [("cover.JPEG", "jpg"), ("cover.png", "png"), ("x.php", "bin")]
)
def test_without_the_content_at_hand_only_a_known_extension_is_kept(name, stored_extension):
    highlight = Highlight()  # its image field holds no new upload

    stored = UploadTo("highlights", "image")(highlight, name)

    assert STORED_NAME.match(stored)["extension"] == stored_extension


@pytest.mark.django_db
def test_direct_fieldfile_save_gets_a_safe_name(media_root):
    highlight = make_highlight()

    highlight.image.save("shell.php", ContentFile(b"<?php system($_GET['c']);"), save=True)

    assert STORED_NAME.match(highlight.image.name)["extension"] == "bin"


@pytest.mark.django_db
def test_stored_files_are_not_checked_again_on_every_validation():
    # A row whose file is gone (a restored database without its media) still validates.
    edition = make_edition()
    Edition.objects.filter(pk=edition.pk).update(logo="editions/missing.png")
    edition.refresh_from_db()

    edition.full_clean()


# --- Storage -----------------------------------------------------------------------------


def test_storage_writes_the_whole_file_readable_by_the_web_server(media_root):
    storage = SafeFileSystemStorage(location=media_root)

    name = storage.save("documents/a.pdf", ContentFile(PDF))

    assert (media_root / name).read_bytes() == PDF
    assert oct((media_root / name).stat().st_mode & 0o777) == oct(0o644)
    assert stored_files(media_root) == [name]


def test_storage_leaves_nothing_when_the_disk_fills_mid_write(media_root, monkeypatch):
    storage = SafeFileSystemStorage(location=media_root)
    written = []

    def full_disk(descriptor):
        written.append(sorted(p.name for p in (media_root / "documents").iterdir()))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(uploads.os, "fsync", full_disk)

    with pytest.raises(OSError) as caught:
        storage.save("documents/a.pdf", ContentFile(PDF))

    assert caught.value.errno == errno.ENOSPC
    # The bytes were going to a temporary file, never to the final name…
    assert len(written[0]) == 1 and written[0][0].startswith(".upload-")
    # …which is gone.
    assert stored_files(media_root) == []


# --- In the admin ------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def field_error_texts(response, field):
    """The messages shown under a field of the change form."""
    found = re.search(
        rf'<ul class="errorlist"[^>]*id="id_{field}_error"[^>]*>(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    if not found:
        return []
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def post_change(client, obj, **files):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url, **EN))
    data.update(files)
    return client.post(url, data, **EN)


@pytest.mark.parametrize(
    ("name", "content_fixture", "refusal_code"),
    [
        ("logo.png", "elf", "not_image"),
        ("logo.png", "bomb", "too_many_pixels"),
        ("logo.svg", "svg", "svg"),
    ],
)
def test_admin_refuses_a_bad_image_on_its_field_and_saves_nothing(
    editor_client, media_root, request, name, content_fixture, refusal_code
):
    content = {"elf": ELF, "svg": SVG_WITH_SCRIPT}.get(content_fixture) or request.getfixturevalue(
        content_fixture
    )
    edition = make_edition(name_en="Before")

    response = post_change(editor_client, edition, logo=upload(name, content), name_en="After")

    assert response.status_code == 200
    expected = english(uploads.MESSAGES[refusal_code]) % {"limit": "40"}
    assert field_error_texts(response, "logo") == [expected]
    edition.refresh_from_db()
    assert (edition.name_en, edition.logo.name) == ("Before", "")
    assert stored_files(media_root) == []


def test_admin_refuses_an_oversized_image(editor_client, media_root, oversized_png):
    highlight = make_highlight()

    response = post_change(editor_client, highlight, image=upload("big.png", oversized_png))

    (message,) = field_error_texts(response, "image")
    assert message.startswith("This file is 5.") and "the limit is 5.0" in message
    assert stored_files(media_root) == []


def test_admin_refuses_a_fake_pdf_and_accepts_a_real_one(editor_client, media_root):
    document = make_document()

    fake = post_change(editor_client, document, file=upload("outlook.pdf", image_bytes()))
    real = post_change(editor_client, document, file=upload("Outlook 2018.PDF", PDF))

    assert field_error_texts(fake, "file") == [english(uploads.MESSAGES["not_pdf"])]
    assert real.status_code == 302
    document.refresh_from_db()
    assert STORED_NAME.match(document.file.name).group("folder", "extension") == (
        "documents",
        "pdf",
    )
    assert stored_files(media_root) == [document.file.name]


def test_admin_stores_an_accepted_image_under_a_new_name(editor_client, media_root):
    highlight = make_highlight()
    jpeg = image_bytes("JPEG")

    response = post_change(editor_client, highlight, image=upload("my photo.png", jpeg))

    assert response.status_code == 302
    highlight.refresh_from_db()
    assert STORED_NAME.match(highlight.image.name).group("folder", "extension") == (
        "highlights",
        "jpg",
    )
    assert (media_root / highlight.image.name).read_bytes() == jpeg


def test_admin_add_form_with_a_bad_file_creates_no_row(editor_client, media_root):
    edition = make_edition()
    url = reverse("admin:events_highlight_add")
    data = form_data(editor_client.get(url, **EN))
    data.update(
        edition=str(edition.pk),
        category=Highlight.Category.CULTURE,
        title_zh_hans="标题",
        title_en="Title",
        body_zh_hans="正文",
        body_en="Text",
        image=upload("photo.png", ELF),
    )

    response = editor_client.post(url, data, **EN)

    assert field_error_texts(response, "image") == [english(uploads.MESSAGES["not_image"])]
    assert list(Highlight.objects.all()) == []
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            errno.ENOSPC,
            "The file could not be stored because the server's disk is full. Nothing was "
            "saved. Please tell the site's operator, then try again.",
        ),
        (
            errno.EACCES,
            "The file could not be stored because the server may not write to its upload "
            "folder. Nothing was saved. Please tell the site's operator, then try again.",
        ),
        (
            errno.EIO,
            "The file could not be stored (Input/output error). Nothing was saved. Please try "
            "again; if it happens again, tell the site's operator.",
        ),
    ],
)
def test_storage_failure_gives_a_message_on_the_field_and_saves_nothing(
    editor_client, media_root, monkeypatch, error, message
):
    edition = make_edition(name_en="Before")

    def failing_save(storage, name, content):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(SafeFileSystemStorage, "_save", failing_save)

    response = post_change(
        editor_client, edition, logo=upload("logo.png", image_bytes()), name_en="After"
    )

    assert response.status_code == 200
    assert field_error_texts(response, "logo") == [message]
    # The form comes back as the editor filled it.
    assert response.context["adminform"].form["name_en"].value() == "After"
    edition.refresh_from_db()
    assert (edition.name_en, edition.logo.name) == ("Before", "")
    assert stored_files(media_root) == []


def test_storage_failure_on_the_second_file_removes_the_first(
    editor_client, media_root, monkeypatch
):
    document = make_document(title_en="Before")
    real_save = SafeFileSystemStorage._save
    calls = []

    def second_save_fails(storage, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_save(storage, name, content)

    monkeypatch.setattr(SafeFileSystemStorage, "_save", second_save_fails)

    response = post_change(
        editor_client,
        document,
        file=upload("outlook.pdf", PDF),
        cover=upload("cover.png", image_bytes()),
        title_en="After",
    )

    assert [STORED_NAME.match(name)["folder"] for name in calls] == [
        "documents",
        "documents/covers",
    ]
    assert field_error_texts(response, "cover") == [
        "The file could not be stored because the server's disk is full. Nothing was "
        "saved. Please tell the site's operator, then try again."
    ]
    document.refresh_from_db()
    assert (document.title_en, document.file.name, document.cover.name) == ("Before", "", "")
    assert stored_files(media_root) == []


def test_disk_full_mid_write_through_the_admin_leaves_no_partial_file(
    editor_client, media_root, monkeypatch
):
    highlight = make_highlight()

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(uploads.os, "fsync", full_disk)

    response = post_change(editor_client, highlight, image=upload("a.png", image_bytes()))

    assert response.status_code == 200
    assert len(field_error_texts(response, "image")) == 1
    highlight.refresh_from_db()
    assert highlight.image.name == ""
    assert stored_files(media_root) == []

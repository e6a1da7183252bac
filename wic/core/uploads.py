"""Editors' uploads: what is accepted, under which name, and how it is written.

- Images are judged by Pillow from their bytes, never by their name: JPEG, PNG, WebP or
  GIF only, within a size and a pixel limit. SVG is refused (it can carry script).
- PDFs must start like a PDF (`%PDF-`) and end like one (`%%EOF`), within a size limit.
- Stored names are a random uuid4 plus the extension of the detected type, in the model's
  folder: `editions/3f2b…9c.png`. The editor's own file name is not used: it can be
  guessed, collide, or smuggle a misleading extension.
- SafeFileSystemStorage writes each file under a temporary name and renames it once it is
  whole, so that a full disk or a missing permission leaves nothing behind (the admin then
  shows a message, wic/core/admin.py).

The limits are settings (WIC_UPLOAD_*, wic/settings.py); docs/content-safety.md explains
them to editors and operators.
"""

import os
import tempfile
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image

# Pillow format → the extension a stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
PDF_HEADER = b"%PDF-"
PDF_TRAILER = b"%%EOF"
PDF_TRAILER_WINDOW = 4096  # %%EOF must be this close to the end (some tools add padding)

MESSAGES = {
    "too_big": _(
        "This file is %(size)s; the limit is %(limit)s. Make it smaller and upload it again."
    ),
    "svg": _(
        "SVG images are not accepted, because they can contain scripts. "
        "Export the image as PNG and upload that."
    ),
    "not_image": _(
        "This file is not a JPEG, PNG, WebP or GIF image, whatever its name says. "
        "Upload an image in one of these formats."
    ),
    "too_many_pixels": _(
        "This image has more than %(limit)s million pixels. "
        "Scale it down (for instance to 4000 pixels wide) and upload it again."
    ),
    "damaged_image": _(
        "This image file is damaged or incomplete. Save it again from an image editor "
        "and upload it."
    ),
    "not_pdf": _(
        "This file is not a PDF document, whatever its name says. "
        "Export or print it to PDF and upload that."
    ),
    "damaged_pdf": _("This PDF file is incomplete (its end is missing). Upload it again."),
}


def _limit(name):
    return getattr(settings, name)


def _head(file, size=1024):
    """The first bytes of an uploaded or stored file, leaving it at its start."""
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _tail(file, size):
    file.seek(max(file.size - size, 0))
    tail = file.read(size)
    file.seek(0)
    return tail if isinstance(tail, bytes) else tail.encode()


def _check_size(file, limit):
    if file.size > limit:
        raise ValidationError(
            MESSAGES["too_big"],
            code="too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def _looks_like_svg(head, name):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or b"<!doctype svg" in text:
        return True
    if text.startswith(b"<?xml") and b"<svg" in text:
        return True
    return str(name or "").lower().endswith((".svg", ".svgz"))


def check_image(file):
    """The Pillow format name of an uploaded image (`PNG`…), or a ValidationError that
    says what is wrong in the editor's words."""
    _check_size(file, _limit("WIC_UPLOAD_IMAGE_MAX_BYTES"))
    if _looks_like_svg(_head(file), getattr(file, "name", "")):
        raise ValidationError(MESSAGES["svg"], code="svg")
    max_pixels = _limit("WIC_UPLOAD_IMAGE_MAX_PIXELS")
    too_many_pixels = ValidationError(
        MESSAGES["too_many_pixels"],
        code="too_many_pixels",
        params={"limit": f"{max_pixels / 1_000_000:g}"},
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns first and raises later: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the formats we accept are tried: no exotic decoder ever sees the bytes.
            with Image.open(file, formats=list(IMAGE_FORMATS)) as image:
                # open() reads the header only; the size is known before any decoding.
                width, height = image.size
                if width * height > max_pixels:
                    raise too_many_pixels
                image_format = image.format
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except Image.UnidentifiedImageError:
        raise ValidationError(MESSAGES["not_image"], code="not_image") from None
    except ValidationError:
        raise
    except Exception:  # verify() raises whatever the damage makes the decoder raise
        raise ValidationError(MESSAGES["damaged_image"], code="damaged_image") from None
    finally:
        file.seek(0)
    return image_format


def check_pdf(file):
    """Refuse anything that is not, by its bytes, a whole PDF document."""
    _check_size(file, _limit("WIC_UPLOAD_PDF_MAX_BYTES"))
    if not _head(file, len(PDF_HEADER)).startswith(PDF_HEADER):
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf")
    if PDF_TRAILER not in _tail(file, PDF_TRAILER_WINDOW):
        raise ValidationError(MESSAGES["damaged_pdf"], code="damaged_pdf")


def _new_upload(value):
    """The file being uploaded in a model field's value, or None for a stored file.

    A model's validators run on every full_clean(), also when the file was stored long
    ago; only a new upload (not yet committed to storage) is checked.
    """
    if getattr(value, "_committed", True):
        return None
    return value.file


def validate_image(value):
    """Model field validator: a new upload must be an acceptable image."""
    if (file := _new_upload(value)) is not None:
        check_image(file)


def validate_pdf(value):
    """Model field validator: a new upload must be a PDF document."""
    if (file := _new_upload(value)) is not None:
        check_pdf(file)


class ImageFormField(forms.ImageField):
    """The admin's image field: our checks and messages first.

    Django's own ImageField would answer "not a valid image" to a decompression bomb or
    an SVG; ours says which limit was hit. Its own checks still run afterwards, except
    the one on the file name's extension: the bytes decide, and the stored name gets the
    extension of what they are (UploadTo).
    """

    default_validators = []

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            check_image(data)
        return super().to_python(data)


def detected_extension(file):
    """The extension that matches a file's bytes, or None when it is none of ours."""
    head = _head(file, 16)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(PDF_HEADER):
        return "pdf"
    return None


SAFE_EXTENSIONS = frozenset([*IMAGE_FORMATS.values(), "pdf"])


@deconstructible
class UploadTo:
    """`upload_to` for a file field: `<folder>/<uuid4 hex>.<extension of the content>`.

    `field_name` is the field it serves, so that the content can be read: Django passes
    `upload_to` the instance and the editor's file name only. When the content is not at
    hand (a direct `FieldFile.save()`), the name's extension is used if it is one of
    ours, and `bin` otherwise, which wic/core/media.py serves as a download.
    """

    def __init__(self, folder, field_name):
        self.folder = folder.strip("/")
        self.field_name = field_name

    def __call__(self, instance, filename):
        extension = None
        fieldfile = getattr(instance, self.field_name, None)
        if fieldfile is not None and not getattr(fieldfile, "_committed", True):
            extension = detected_extension(fieldfile.file)
        if extension is None:
            suffix = os.path.splitext(filename)[1].lower().lstrip(".")
            suffix = {"jpeg": "jpg"}.get(suffix, suffix)
            extension = suffix if suffix in SAFE_EXTENSIONS else "bin"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and (self.folder, self.field_name) == (
            other.folder,
            other.field_name,
        )

    def __hash__(self):
        return hash((self.folder, self.field_name))


class SafeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves half a file.

    Django's own writes straight to the final name, so a full disk mid-write leaves a
    truncated file that a row may point to. Here the bytes go to a temporary file in the
    same folder (same file system, so the rename is atomic), are flushed to disk, and
    only then take the final name. On any error the temporary file is removed and the
    error goes up to the caller (the admin shows it, wic/core/admin.py).
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directory(directory)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            # mkstemp makes the file private (0600); give it the usual upload mode.
            mode = self.file_permissions_mode
            os.chmod(temporary, 0o644 if mode is None else mode)
            # The name is free (get_available_name() chose it and uuid4 names don't clash).
            os.replace(temporary, full_path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
        return str(name).replace("\\", "/")

    def _make_directory(self, directory):
        if self.directory_permissions_mode is None:
            os.makedirs(directory, exist_ok=True)
            return
        old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
        try:
            os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        finally:
            os.umask(old_umask)

"""The image a page is shared with: `og:image`, and schema.org's `image` of an Event.

An item's own image (an edition's logo) when it has one, else the site's default share image
in the page's language (`static/img/share-<language>.png`, 1200 × 630, the size link previews
use). Always an absolute URL: Open Graph and schema.org readers fetch it from elsewhere.
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language, gettext

DEFAULT_SIZE = (1200, 630)


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int | None = None  # known for the default image only: reading an upload's size
    height: int | None = None  # would open the file on every page
    alt: str = ""


def default_image_path(language=None):
    codes = [code for code, _name in settings.LANGUAGES]
    language = language if language in codes else settings.LANGUAGE_CODE
    return f"img/share-{language}.png"


def share_image(request, image=None, alt=""):
    """The ShareImage for a page: `image` (an ImageField's file) if it is set, else the
    default one in the active language."""
    if image:
        return ShareImage(request.build_absolute_uri(image.url), alt=alt)
    return ShareImage(
        request.build_absolute_uri(static(default_image_path(get_language()))),
        *DEFAULT_SIZE,
        alt=gettext("World Internet Conference, Wuzhen"),
    )

"""Editors' uploads served by the app itself: the single-machine default.

django.views.static.serve joins the path safely under MEDIA_ROOT (no `..` escapes), answers
If-Modified-Since with 304 and hands the file to gunicorn, which sends it with sendfile().
A larger deployment lets the reverse proxy or object storage serve /media/ and sets
DJANGO_SERVE_MEDIA=0 (docs/deploy.md).
"""

import errno

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.static import serve

# Shown in the browser; anything else is downloaded, so that an uploaded HTML or SVG file
# can never run script on the site's own origin.
INLINE_TYPES = frozenset(
    ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "application/pdf"]
)


def serve_media(request, path):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # `..` out of MEDIA_ROOT: a probe, not a server error
        raise Http404(path) from None
    except OSError as error:  # a name longer than the file system allows: no such file
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise Http404(path) from None
    if response.status_code == 200:
        content_type = response["Content-Type"].split(";")[0].strip()
        if content_type not in INLINE_TYPES:
            disposition = response.get("Content-Disposition", "inline")
            response["Content-Disposition"] = disposition.replace("inline", "attachment", 1)
        # An editor may replace a file under the same name: browsers revalidate (cheap 304).
        response["Cache-Control"] = "no-cache"
    return response

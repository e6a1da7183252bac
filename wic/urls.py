from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.vary import vary_on_cookie
from django.views.generic import RedirectView

from events.sitemaps import sitemaps as events_sitemaps
from outcomes.sitemaps import sitemaps as outcomes_sitemaps
from wic.core.feeds import ChangeLogFeed
from wic.core.media import serve_media
from wic.core.views import ChangeLogView, RobotsView, SearchView, SharedPreviewView, favicon

sitemaps = {**events_sitemaps, **outcomes_sitemaps}

# A database outage raised outside a view (e.g. in the page cache) gets the 503 page here.
handler500 = "wic.core.middleware.server_error"

urlpatterns = [
    # `/` → `/zh-hans/` or `/en/`: LocaleMiddleware has activated the language of the
    # cookie, else of Accept-Language, else LANGUAGE_CODE; it adds Vary: Accept-Language.
    path(
        "",
        vary_on_cookie(RedirectView.as_view(pattern_name="events:home")),
        name="root",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("favicon.ico", favicon, name="favicon"),
]

if settings.SERVE_MEDIA:  # uploads; see wic/core/media.py for when a proxy serves them instead
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media))

urlpatterns += i18n_patterns(
    path("search/", SearchView.as_view(), name="search"),
    path("changes/", ChangeLogView.as_view(), name="changes"),
    path("changes/feed/", ChangeLogFeed(), name="changes-feed"),
    # A reviewer's preview of one item (wic/core/drafts.py): never cached, never indexed.
    path("preview/<str:token>/", SharedPreviewView.as_view(), name="share-preview"),
    path("", include("events.urls")),
    path("", include("outcomes.urls")),
)

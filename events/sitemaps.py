"""The conference's pages in /sitemap.xml, in every language with hreflang alternates."""

from django.urls import reverse

from wic.core.sitemaps import I18nSitemap

from .models import Edition, Session


class SitePagesSitemap(I18nSitemap):
    """Pages that belong to no edition."""

    def items(self):
        return ["events:home", "events:edition-list"]

    def location(self, item):
        return reverse(item)


class EditionPagesSitemap(I18nSitemap):
    """The pages every published edition has."""

    url_names = ["events:edition-home", "events:about", "events:news", "events:agenda"]

    def items(self):
        editions = Edition.objects.published().values_list("year", "is_current")
        return [
            (year, url_name)
            for year, is_current in editions
            for url_name in self.url_names
            # The current edition's home is the site's home (its canonical URL), listed above.
            if not (is_current and url_name == "events:edition-home")
        ]

    def location(self, item):
        year, url_name = item
        return reverse(url_name, args=[year])


class SessionSitemap(I18nSitemap):
    def items(self):
        return (
            Session.objects.published("edition")
            .select_related("edition")
            .order_by("edition__year", "pk")
        )

    def lastmod(self, session):
        return session.updated_at


sitemaps = {
    "site": SitePagesSitemap,
    "editions": EditionPagesSitemap,
    "sessions": SessionSitemap,
}

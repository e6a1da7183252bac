"""The outcomes pages in /sitemap.xml, in every language with hreflang alternates."""

from django.urls import reverse

from events.models import Edition
from wic.core.sitemaps import I18nSitemap

from .models import Achievement, Document


class OutcomesPagesSitemap(I18nSitemap):
    """The outcomes pages every published edition has."""

    url_names = ["outcomes:document-list", "outcomes:achievement-list", "outcomes:press-list"]

    def items(self):
        years = Edition.objects.published().values_list("year", flat=True)
        return [(year, url_name) for year in years for url_name in self.url_names]

    def location(self, item):
        year, url_name = item
        return reverse(url_name, args=[year])


class DocumentSitemap(I18nSitemap):
    def items(self):
        return (
            Document.objects.published("edition")
            .select_related("edition")
            .order_by("edition__year", "pk")
        )

    def lastmod(self, document):
        return document.updated_at


class AchievementSitemap(I18nSitemap):
    def items(self):
        return (
            Achievement.objects.published("edition")
            .select_related("edition")
            .order_by("edition__year", "pk")
        )

    def lastmod(self, achievement):
        return achievement.updated_at


sitemaps = {
    "outcomes": OutcomesPagesSitemap,
    "documents": DocumentSitemap,
    "achievements": AchievementSitemap,
}

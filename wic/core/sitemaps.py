"""What every sitemap of the site shares; the apps list their own pages."""

from django.contrib.sitemaps import Sitemap


class I18nSitemap(Sitemap):
    """Each page once per language, each naming all its translations and the x-default."""

    i18n = True
    alternates = True
    x_default = True

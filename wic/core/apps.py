from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WicConfig(AppConfig):
    """The shared machinery of the site: nothing conference-specific, and no import of a
    content app. Its label stays "wic", so its tables and migrations keep their names."""

    name = "wic.core"
    label = "wic"
    verbose_name = _("Site")

    def ready(self):
        from . import checks, freshness, history, search, signals  # noqa: F401  (checks register)

        signals.connect()
        search.connect()
        # After modeltranslation's ready() (its app is listed first) has added the language
        # columns, and after the admin's has registered the admin classes whose inlines say
        # what belongs to an item.
        history.register()
        freshness.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WicConfig(AppConfig):
    name = "wic"
    verbose_name = _("Site")

    def ready(self):
        from . import checks, signals  # noqa: F401  (checks register themselves)

        signals.connect()

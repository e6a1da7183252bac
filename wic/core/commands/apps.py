from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """Management commands that replace another app's command of the same name.

    Django runs the command of the app listed first in INSTALLED_APPS, so this app comes
    first, even before modeltranslation (which ships a `loaddata` of its own). It holds no
    models and no ready(): the shared app (wic.core) does the work.
    """

    name = "wic.core.commands"
    label = "wic_commands"

"""The base of the site's management commands: they speak the operator's language.

Django no longer switches commands to English, so a command would otherwise print in
LANGUAGE_CODE (Chinese) to an operator following the English README. The language comes
from the environment the way a shell program's does (LC_ALL, LC_MESSAGES, LANG): a Chinese
locale (`zh_CN.UTF-8`) gives Chinese, anything else English.
"""

import os

from django.core.management.base import BaseCommand
from django.utils import translation


def operator_language(environ=None):
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return "en"


class OperatorCommand(BaseCommand):
    def execute(self, *args, **options):
        with translation.override(operator_language()):
            return super().execute(*args, **options)

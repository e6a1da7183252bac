"""Report published content whose text is missing in either language.

"Missing" is wic.core.translation_status's definition: a required text is empty in a language,
or a text is filled in one language and empty in the other. Exits non-zero when it finds any.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from wic.core import translation_status
from wic.core.management.base import OperatorCommand
from wic.core.publication import content_apps, is_content_model


def content_models():
    """Every concrete content model (proxies share their rows with their concrete model)."""
    for config in content_apps():
        for model in config.get_models():
            if is_content_model(model) and not model._meta.proxy:
                yield model


class Command(OperatorCommand):
    help = "List published items whose text is missing in Chinese or English; fail if any."

    def handle(self, *args, **options):
        found = 0
        for model in content_models():
            rows = translation_status.incomplete(model._default_manager.published().order_by("pk"))
            for obj in rows:
                found += 1
                for gap in translation_status.gaps(obj):
                    self.stdout.write(
                        f"{model._meta.label} pk={obj.pk} “{obj}”: "
                        + _("%(field)s missing in %(language)s")
                        % {"field": gap.field, "language": gap.language}
                    )
        if found:
            raise CommandError(
                _("%(count)d published items miss text in Chinese or English.") % {"count": found}
            )
        self.stdout.write(
            self.style.SUCCESS(_("All published content complete in both languages."))
        )

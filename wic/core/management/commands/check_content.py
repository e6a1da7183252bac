"""Report published content whose text is missing in either language; with `--stale`, every
translation that may be out of date.

"Missing" is wic.core.translation_status's definition: a required text is empty in a language,
or a text is filled in one language and empty in the other. "May be out of date" is
wic.core.freshness's: the field's text in the other language changed since this one was last
confirmed. Either way the command exits non-zero when it finds any.
"""

from django.core.management.base import CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wic.core import translation_status
from wic.core.management.base import OperatorCommand
from wic.core.models import TranslationCheck
from wic.core.publication import content_models


class Command(OperatorCommand):
    help = (
        "List published items whose text is missing in Chinese or English; with --stale, "
        "every translation that may be out of date. Fail if any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="list the translations that may be out of date (any item, published or not)",
        )

    def handle(self, *args, stale=False, **options):
        if stale:
            return self.stale()
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

    def stale(self):
        marks = (
            TranslationCheck.objects.open()
            .select_related("content_type")
            .order_by("content_type__app_label", "content_type__model", "object_id", "field", "pk")
        )
        count = 0
        for mark in marks:
            model = mark.content_type.model_class()
            obj = model._base_manager.filter(pk=mark.object_id).first() if model else None
            if obj is None:
                continue
            count += 1
            since = formats.date_format(timezone.localtime(mark.since), "Y-m-d H:i")
            self.stdout.write(
                f"{model._meta.label} pk={obj.pk} “{obj}”: "
                + _("%(field)s in %(language)s may be out of date since %(since)s")
                % {"field": mark.field, "language": mark.language, "since": since}
            )
        if count:
            raise CommandError(_("%(count)d translations may be out of date.") % {"count": count})
        self.stdout.write(self.style.SUCCESS(_("No translation is marked as out of date.")))

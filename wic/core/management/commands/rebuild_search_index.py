"""Write the site search's index again (wic/core/search.py).

Signals keep it up to date on every save; run this after changes that sent none
(QuerySet.update(), bulk_create(), raw SQL). make_synthetic_data runs it itself.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wic.core import search
from wic.core.management.base import OperatorCommand
from wic.core.models import SearchEntry


class Command(OperatorCommand):
    help = "Write the site search's index again from the content."

    def handle(self, *args, **options):
        with transaction.atomic():
            search.rebuild()
        self.stdout.write(
            _("Search index written: %(count)d entries.") % {"count": SearchEntry.objects.count()}
        )

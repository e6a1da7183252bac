"""A demo editor account for a local run (`make run`): never on a production site."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .setup_editors import setup_editors

USERNAME = "editor"
ADMIN_URL = "http://127.0.0.1:8000/admin/"


class Command(BaseCommand):
    help = (
        "Create or reset the staff user “editor” (Editors group) with a new password. DEBUG only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "Refusing to create a demo editor: DEBUG is off. "
                    "This command is for a local run only (DJANGO_DEBUG=1)."
                )
            )
        group = setup_editors()
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(username=USERNAME)
        user.set_password(password)
        user.is_active = True
        user.is_staff = True
        user.is_superuser = False
        user.save()
        user.groups.set([group])
        user.user_permissions.clear()
        self.stdout.write(
            _(
                "Demo editor ready.\n  username: %(username)s\n  password: %(password)s\n  admin: %(url)s"
            )
            % {"username": USERNAME, "password": password, "url": ADMIN_URL}
        )

"""A demo editor account for a local run (`make run`): never on a production site."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from wic.core.management.base import OperatorCommand

from .setup_editors import setup_editors

USERNAME = "editor"


class Command(OperatorCommand):
    help = (
        "Create or reset the staff user “editor” (Editors group) with a new password. DEBUG only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="host:port the site is served on, for the admin address it prints "
            "(make run passes its own).",
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
            % {
                "username": USERNAME,
                "password": password,
                "url": f"http://{options['address']}{reverse('admin:index')}",
            }
        )

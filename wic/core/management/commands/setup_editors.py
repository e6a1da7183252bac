"""Create or update the "Editors" group: exactly the permissions to manage the site's content.

Idempotent: run it after every migrate (`make run` does). Editors may add, change, delete
and view every model of the content apps, proxies (Forum) and inline rows (roles, sections)
included; view, change (the note to readers) and delete the entries of the public change log;
view, reschedule and discard pending drafts; view and revoke share links; and nothing else:
not users, groups, content types, sessions, the admin log or the history's own tables. The history pages (see, compare, restore, recover) ask for the content model's
own permissions (wic/core/history_admin.py), so they need nothing more.
"""

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from wic.core.management.base import OperatorCommand
from wic.core.publication import content_apps

EDITORS_GROUP = "Editors"
ACTIONS = ["add", "change", "delete", "view"]
# Models of the shared app that editors look after, and what they may do with them.
SHARED = {
    "wic.PublicChange": ["change", "delete", "view"],
    # Pending drafts: change the time one is published at, discard one (wic/core/drafts.py).
    "wic.Draft": ["change", "delete", "view"],
    # Share links for reviewers: see who made which, revoke them.
    "wic.ShareLink": ["change", "view"],
}


def editor_permissions():
    """The permissions of the Editors group, as a queryset."""
    wanted = Q(pk__in=[])
    for config in content_apps():
        for model in config.get_models():
            # A proxy (Forum) has permissions of its own, under its own content type.
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            codenames = [get_permission_codename(action, model._meta) for action in ACTIONS]
            wanted |= Q(content_type=content_type, codename__in=codenames)
    for label, actions in SHARED.items():
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        codenames = [get_permission_codename(action, model._meta) for action in actions]
        wanted |= Q(content_type=content_type, codename__in=codenames)
    return Permission.objects.filter(wanted)


def setup_editors():
    """Create or update the group; returns it."""
    for config in [*content_apps(), apps.get_app_config("wic")]:
        # Normally made by migrate's post_migrate signal; made here too so that the group
        # is never silently short of a permission.
        create_permissions(config, verbosity=0)
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(editor_permissions())
    return group


class Command(OperatorCommand):
    help = "Create or update the Editors group with exactly the content permissions."

    def handle(self, *args, **options):
        group = setup_editors()
        self.stdout.write(
            _("Group “%(name)s”: %(count)d permissions on the site's content.")
            % {"name": group.name, "count": group.permissions.count()}
        )

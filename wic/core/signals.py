"""Move the content version (wic/core/cache.py) on every change to content.

post_save, post_delete and m2m_changed fire for the admin, the shell and loaddata alike
(loaddata sends post_save with raw=True). The receivers run inside the change's own
transaction, so the new version commits, or rolls back, with the change.

Bulk operations send no signals: after QuerySet.update(), bulk_create() or raw SQL, call
wic.core.cache.bump_content_version(). Migrations end with a bump too (post_migrate).
"""

from django.apps import apps
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .cache import bump_content_version
from .publication import content_apps


def content_saved_or_deleted(sender, using, **kwargs):
    bump_content_version(using)


def content_links_changed(sender, action, using, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_content_version(using)


def migrated(sender, using, **kwargs):
    ContentVersion = apps.get_model("wic", "ContentVersion")
    # Unapplying wic's migrations (migrate wic zero) leaves no table to bump.
    if ContentVersion._meta.db_table in connections[using].introspection.table_names():
        bump_content_version(using)


def connect():
    """Connect the receivers to each model of the content apps (the through models of
    many-to-many fields included), so other apps keep Django's fast deletes."""
    for config in content_apps():
        for model in config.get_models(include_auto_created=True):
            uid = f"wic-content-version-{model._meta.label}"
            post_save.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
            post_delete.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
            m2m_changed.connect(content_links_changed, sender=model, dispatch_uid=uid)
    # Rows shown on public pages that are not content: the public change log's.
    PublicChange = apps.get_model("wic", "PublicChange")
    post_save.connect(content_saved_or_deleted, sender=PublicChange, dispatch_uid="wic-cv-pc")
    post_delete.connect(content_saved_or_deleted, sender=PublicChange, dispatch_uid="wic-cv-pc")
    post_migrate.connect(
        migrated, sender=apps.get_app_config("wic"), dispatch_uid="wic-content-version"
    )

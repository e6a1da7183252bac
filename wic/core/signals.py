"""Stamp the cache tags (wic/core/cache.py) of every change to content.

A saved or deleted row stamps its table and itself (`events_session`, `events_session:42`);
a change of many-to-many links stamps the link table and the row whose links changed.
post_save, post_delete and m2m_changed fire for the admin, the shell and loaddata alike
(loaddata sends post_save with raw=True). The receivers run inside the change's own
transaction, so the stamp commits, or rolls back, with the change.

Bulk operations send no signals: after QuerySet.update(), bulk_create() or raw SQL, call
wic.core.cache.invalidate_all(). Migrations end with one too (post_migrate).
"""

from django.apps import apps
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from . import cache, search
from .publication import content_apps


def row_saved_or_deleted(sender, instance, using, **kwargs):
    cache.stamp([cache.table_tag(sender), cache.row_tag(instance)], using)


def links_changed(sender, instance, action, using, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        cache.stamp([cache.table_tag(sender), cache.row_tag(instance)], using)


def migrated(sender, using, **kwargs):
    tables = connections[using].introspection.table_names()
    # Unapplying wic's migrations (migrate wic zero) leaves no table to stamp.
    if apps.get_model("wic", "ContentVersion")._meta.db_table in tables:
        cache.invalidate_all(using)
    # The search index's first filling, on a database that had content before it existed.
    SearchEntry = apps.get_model("wic", "SearchEntry")
    if SearchEntry._meta.db_table in tables and not SearchEntry.objects.using(using).exists():
        search.rebuild(using)


def watch(model):
    """Pages read rows of `model`: stamp the tags of its changes (call it for each
    many-to-many table too: `get_models(include_auto_created=True)` lists them)."""
    cache.watch(model)
    uid = f"wic-cache-tags-{model._meta.label}"
    post_save.connect(row_saved_or_deleted, sender=model, dispatch_uid=uid)
    post_delete.connect(row_saved_or_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(links_changed, sender=model, dispatch_uid=uid)


def connect():
    """Connect the receivers to each model of the content apps (the through models of
    many-to-many fields included), so other apps keep Django's fast deletes."""
    for config in content_apps():
        for model in config.get_models(include_auto_created=True):
            watch(model)
    # Rows shown on public pages that are not content: the public change log's. And drafts:
    # no page shows them, but a saved draft moves the clock, so that each process looks
    # again for the next one due (wic/core/drafts.py).
    watch(apps.get_model("wic", "PublicChange"))
    watch(apps.get_model("wic", "Draft"))
    post_migrate.connect(migrated, sender=apps.get_app_config("wic"), dispatch_uid="wic-cache")

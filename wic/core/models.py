"""What every content model of the site shares: publication state, order, provenance."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .publication import PublishableQuerySet
from .site_translation import SiteTranslatedField


class ContentModel(models.Model):
    """Base of every model an editor maintains.

    `source` records where a fact comes from; it is shown in the admin only.
    `site_translated` lists the columns whose text this site translated itself
    (wic/core/site_translation.py): public pages mark that text as such.
    """

    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where this fact comes from. Shown to editors only."),
    )
    site_translated = SiteTranslatedField(
        _("translated by this site"),
        help_text=_(
            "Tick each text that this site translated, transliterated or rendered itself from "
            "the other language: it is not an official name or wording. Public pages mark it "
            "as the site's translation wherever they show it."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: the admin saves only if the row still has the version the
    # editor loaded, and moves it by one (wic/core/locking.py).
    edit_version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """The content's clock: one row whose number moves by one with every change to content.

    Each change also stamps the cache tags it touches (CacheTag) with the new number, in the
    same transaction as the change (wic/core/cache.py). It lives in the database, next to the
    content, so the change and its number commit together, and clearing or losing the cache can
    never bring back an old page.
    """

    number = models.BigIntegerField(_("number"), default=0)
    # Random, renewed when every page must go (a restored backup, a migration, a bulk load):
    # numbers may then repeat, but never with the same epoch.
    epoch = models.CharField(_("epoch"), max_length=32, default="")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return f"{self.epoch}/{self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class CacheTag(models.Model):
    """The version of one thing a cached page can show: a table (`events_session`) or one of
    its rows (`events_session:42`). A cached page is current while every tag it was rendered
    from still has the version it had then (wic/core/cache.py)."""

    tag = models.CharField(_("tag"), max_length=120, primary_key=True)
    version = models.BigIntegerField(_("version"), db_index=True)

    class Meta:
        verbose_name = _("cache tag")
        verbose_name_plural = _("cache tags")

    def __str__(self):
        return f"{self.tag} @ {self.version}"


class SearchEntry(models.Model):
    """The text of one row as the site search reads it (wic/core/search.py): an item's own
    searched fields, or those of one related row (a speaker, a section), in every language,
    lower-cased, with that row's publication state, so that a draft's text never makes an
    item match. Kept up to date by signals, in the transaction of each change."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", models.CASCADE, verbose_name=_("content type")
    )
    object_id = models.BigIntegerField(_("object id"))
    is_published = models.BooleanField(_("published"), default=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"

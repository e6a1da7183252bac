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
    """One row that moves whenever any content changes (see wic/core/cache.py).

    Pages are cached under the current token, so a new token makes every cached page
    unreachable at once, in every process. It lives in the database, next to the content,
    so the change and the new token commit together and a cache flush can never bring
    back an old page.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

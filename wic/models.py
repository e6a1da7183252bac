"""What every content model of the site shares: publication state, order, provenance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class ContentModel(models.Model):
    """Base of every model an editor maintains.

    `source` records where a fact comes from; it is shown in the admin only.
    """

    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where this fact comes from. Shown to editors only."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

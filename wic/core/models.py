"""What every content model of the site shares: publication state, order, provenance."""

import operator
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .publication import (
    SCHEDULE_FIELDS,
    PublishableQuerySet,
    content_models,
    is_public,
    public_q,
)
from .site_translation import SiteTranslatedField


class ContentModel(models.Model):
    """Base of every model an editor maintains.

    `source` records where a fact comes from; it is shown in the admin only.
    `site_translated` lists the columns whose text this site translated itself
    (wic/core/site_translation.py): public pages mark that text as such.
    """

    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    # When it is published, it is public from `publish_at` (if given) until `unpublish_at`
    # (if given): the rule is wic.core.publication.published_q(), applied when pages are read,
    # so no process has to run at those times.
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Beijing time. Empty: public as soon as it is published."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Beijing time. Empty: public until it is unpublished."),
    )
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
        # Content models keep this in their own Meta: `constraints = [*ContentModel.Meta
        # .constraints, …]`.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("publish_at")),
                name="%(app_label)s_%(class)s_unpublish_after_publish",
                violation_error_message=_("The end of publication must come after its start."),
            ),
        ]

    def clean(self):
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError(
                {"unpublish_at": _("The end of publication must come after its start.")}
            )

    @property
    def is_public_now(self):
        """Whether visitors see it now (the rule of wic.core.publication)."""
        return is_public({name: getattr(self, name) for name in ("is_published", *SCHEDULE_FIELDS)})


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
    # The publication state of the row the text comes from, as published_q() reads it.
    is_published = models.BooleanField(_("published"), default=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    unpublish_at = models.DateTimeField(_("unpublish at"), null=True, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"


class PublicChangeQuerySet(models.QuerySet):
    def visible(self):
        """The changes of items the public can see now (the one rule, wic/core/publication.py):
        a change of an item unpublished or deleted since is not shown, nor that of an item
        scheduled to appear before it does, nor that of an item of an edition not public."""
        now = timezone.now()
        terms = [
            models.Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model._base_manager.filter(public_q(model, now)).values("pk"),
            )
            for model in content_models()
        ]
        return self.filter(reduce(operator.or_, terms, models.Q(pk__in=[])), changed_at__lte=now)

    def with_items(self):
        """The changes as the log and its feed list them: each with its item, fetched in
        one query per kind of item."""
        return self.select_related("content_type").prefetch_related("item")


class PublicChange(models.Model):
    """One change to published content, as the public change log shows it (/<lang>/changes/).

    Written in the same transaction as the change (wic/core/changelog.py). It names the item,
    the fields that changed (with their languages, never their text) and when; `title` is the
    item's title in each language once the change was made (public by then), `note` an
    editor's optional note to readers. Shown only while the item is public
    (`PublicChangeQuerySet.visible()`): an item unpublished or deleted since leaves the log.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("published")
        CHANGED = "changed", _("changed")

    content_type = models.ForeignKey(
        ContentType, models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # [[part, field, [language, …]], …]: part is "" for the item's own fields, else the
    # label of the model of its rows ("outcomes.documentsection"); languages are empty for a
    # field that is not translated.
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    note = models.CharField(
        _("note to readers"),
        max_length=300,
        blank=True,
        help_text=_("Shown in the public change log under the change, e.g. what was corrected."),
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    item = GenericForeignKey("content_type", "object_id")

    objects = PublicChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("public change")
        verbose_name_plural = _("public changes")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"

    def field_labels(self):
        """What changed, as a reader reads it: ["Summary (English)", "Sections: Heading
        (Chinese, English)", "Speakers"] (fields of models or fields that no longer exist are
        left out)."""
        item_model = self.content_type.model_class()
        language_names = dict(settings.LANGUAGES)
        separator = pgettext("list separator", ", ")
        labels = []
        for part, name, languages in self.fields:
            try:
                model = apps.get_model(part) if part else item_model
            except (LookupError, ValueError):
                continue
            if model is None:
                continue
            if name:
                try:
                    label = capfirst(model._meta.get_field(name).verbose_name)
                except Exception:  # noqa: BLE001 - a field removed since
                    continue
            else:
                label = ""
            if languages:
                # Translators: a changed field and its languages, e.g. "Summary (Simplified Chinese)".
                label = gettext("%(field)s (%(languages)s)") % {
                    "field": label,
                    "languages": separator.join(
                        str(language_names.get(code, code)) for code in languages
                    ),
                }
            if part:
                part_label = capfirst(model._meta.verbose_name_plural)
                label = (
                    gettext("%(part)s: %(field)s") % {"part": part_label, "field": label}
                    if label
                    else str(part_label)
                )
            labels.append(str(label))
        return labels


class TranslationCheckQuerySet(models.QuerySet):
    def open(self):
        """The marks still standing: the translation may be out of date."""
        return self.filter(resolved_at__isnull=True)

    def of(self, obj):
        """The marks of one row (a proxy's row counts as its concrete model's)."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class TranslationCheck(models.Model):
    """A translated field whose text in `language` may be out of date: its text in
    `source_language` changed after the translation was last confirmed (wic/core/freshness.py).

    Open while `resolved_at` is empty; resolved when that language's text is updated, when an
    editor confirms that it still holds, when the source text is put back as it was, or when
    the row is loaded from the seed. Resolved rows stay as the record of who confirmed what.
    """

    class Resolution(models.TextChoices):
        UPDATED = "updated", _("translation updated")
        CONFIRMED = "confirmed", _("translation confirmed")
        SOURCE_RESTORED = "source-restored", _("source text put back")
        LOADED = "loaded", _("loaded from the seed")

    content_type = models.ForeignKey(
        ContentType, models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    field = models.CharField(_("field"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    source_language = models.CharField(_("changed language"), max_length=10)
    source_before = models.TextField(_("text when last confirmed"), blank=True)
    source_after = models.TextField(_("text now"), blank=True)
    since = models.DateTimeField(_("since"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )

    objects = TranslationCheckQuerySet.as_manager()

    class Meta:
        ordering = ["since", "pk"]
        verbose_name = _("translation check")
        verbose_name_plural = _("translation checks")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                condition=models.Q(resolved_at__isnull=True),
                name="wic_translationcheck_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} {self.field} [{self.language}]"


class AboutAnItem(models.Model):
    """A row about one content item of any kind (a draft of it, a share link to it), named as
    it was when the row was written."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("content type"))
    object_id = models.BigIntegerField(_("object id"))
    title = models.CharField(_("item"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def model(self):
        """The item's model (None if that model no longer exists)."""
        return self.content_type.model_class()


class Draft(AboutAnItem):
    """Changes to a published item, kept aside while the public sees the item as it is
    (wic/core/drafts.py): the item and the rows edited with it, as they will be once the draft
    is published, in both languages. One draft per item."""

    state = models.JSONField(_("state"))
    # The edit version of the live item the draft started from: publishing it is refused if
    # someone saved the item since (wic/core/locking.py), like a save.
    base_version = models.PositiveIntegerField(_("based on edit version"))
    publish_at = models.DateTimeField(
        _("publish the draft at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Beijing time. Empty: the draft waits until an editor publishes it."),
    )
    # Why a scheduled publication could not happen (someone saved the item meanwhile).
    problem = models.TextField(_("problem"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("pending draft")
        verbose_name_plural = _("pending drafts")
        ordering = [models.F("publish_at").asc(nulls_last=True), "-updated_at"]  # scheduled first
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="wic_draft_one_per_item"
            ),
        ]


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        """The links that still show their preview: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(AboutAnItem):
    """A link to the preview of one item for a reviewer without an account (wic/core/drafts.py):
    read-only, expiring, revocable. Its address carries a signed reference to this row."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

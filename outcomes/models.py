"""What the conference produced and how it was received."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Edition, Organization, Person
from wic.core.i18n import shown_language
from wic.core.models import ContentModel
from wic.core.site_translation import is_marked, translated_from
from wic.core.uploads import UploadTo, validate_image, validate_pdf


class Document(ContentModel):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("outcome document")
        BLUE_BOOK = "blue_book", _("blue book")

    edition = models.ForeignKey(
        Edition, models.PROTECT, related_name="documents", verbose_name=_("edition")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    issuer = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("issued or compiled by"),
    )
    released_on = models.DateField(_("released on"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(
        _("PDF file"),
        upload_to=UploadTo("documents", "file"),
        blank=True,
        validators=[validate_pdf],
    )
    cover = models.ImageField(
        _("cover"),
        upload_to=UploadTo("documents/covers", "cover"),
        blank=True,
        validators=[validate_image],
    )

    class Meta(ContentModel.Meta):
        ordering = ["edition", "sort_order", "released_on", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["edition", "slug"], name="outcomes_document_unique_slug"
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("outcomes:document-detail", args=[self.edition.year, self.slug])


class DocumentSection(ContentModel):
    document = models.ForeignKey(
        Document, models.CASCADE, related_name="sections", verbose_name=_("document")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("text"), blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["document", "number"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["document", "number"], name="outcomes_documentsection_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}"

    def get_absolute_url(self):
        return self.document.get_absolute_url() + f"#section-{self.number}"


class Field(ContentModel):
    """A technology field: AI, 5G, big data…"""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta(ContentModel.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")
        constraints = ContentModel.Meta.constraints

    def __str__(self):
        return self.name or self.slug


class Achievement(ContentModel):
    class Category(models.TextChoices):
        BASIC_THEORY = "basic_theory", _("basic theory")
        TECHNOLOGY = "technology", _("technology")
        PRODUCT = "product", _("product")
        BUSINESS_MODEL = "business_model", _("business model")
        COMPREHENSIVE = "comprehensive", _("comprehensive")

    edition = models.ForeignKey(
        Edition, models.PROTECT, related_name="achievements", verbose_name=_("edition")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="achievements",
        verbose_name=_("organization"),
    )
    fields = models.ManyToManyField(
        Field, related_name="achievements", blank=True, verbose_name=_("technology fields")
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Leave empty when the source does not say."),
    )
    summary = models.TextField(_("summary"))
    description = models.TextField(_("description"), blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["edition", "sort_order", "pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["edition", "slug"], name="outcomes_achievement_unique_slug"
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("outcomes:achievement-detail", args=[self.edition.year, self.slug])


class PressEvaluation(ContentModel):
    class Kind(models.TextChoices):
        MEDIA = "media", _("media commentary")
        EXPERT = "expert", _("expert view")

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Chinese")
        ENGLISH = "en", _("English")

    edition = models.ForeignKey(
        Edition, models.PROTECT, related_name="press_evaluations", verbose_name=_("edition")
    )
    quote = models.TextField(_("quote"))
    outlet = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="press_evaluations",
        verbose_name=_("outlet or institution"),
    )
    author = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="press_evaluations",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    source_url = models.URLField(_("link to the source"), blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("The language the quote was first published in, if known."),
    )

    class Meta(ContentModel.Meta):
        ordering = ["edition", "sort_order", "pk"]
        verbose_name = _("press evaluation")
        verbose_name_plural = _("press evaluations")
        constraints = ContentModel.Meta.constraints

    def __str__(self):
        text = self.quote or ""
        return text[:60] + ("…" if len(text) > 60 else "")

    @property
    def shown_translated_from(self):
        """The language the quote shown was translated from, else "": the one the site
        translated it from when the shown quote is marked as the site's translation (the
        page says so beside it), else its original language when it is shown in another."""
        if is_marked(self, "quote"):
            return translated_from(self, "quote") or ""
        shown = shown_language(self, "quote")
        if self.original_language and self.original_language != shown:
            return self.original_language
        return ""

    def get_absolute_url(self):
        return reverse("outcomes:press-list", args=[self.edition.year]) + f"#press-{self.pk}"

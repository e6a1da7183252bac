"""The conference and its programme: editions, who organised them, where and when."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wic.core.models import ContentModel
from wic.core.publication import PublishableQuerySet
from wic.core.uploads import UploadTo, validate_image


class Organization(ContentModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government body")
        INTERNATIONAL = "international", _("international organization")
        COMPANY = "company", _("company")
        MEDIA = "media", _("media")
        RESEARCH = "research", _("research institute")
        UNIVERSITY = "university", _("university")
        NONPROFIT = "nonprofit", _("association or foundation")
        COMMITTEE = "committee", _("conference body")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("website"), blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = ContentModel.Meta.constraints

    def __str__(self):
        return self.name or self.slug


class Person(ContentModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("position"), max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organization"),
    )

    class Meta(ContentModel.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = ContentModel.Meta.constraints

    def __str__(self):
        return self.name or self.slug


class Edition(ContentModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    theme = models.CharField(_("theme"), max_length=300)
    summary = models.TextField(_("summary"))
    background = models.TextField(_("background"), blank=True)
    outcomes_overview = models.TextField(_("outcomes overview"), blank=True)
    city = models.CharField(_("place"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    logo = models.ImageField(
        _("logo"),
        upload_to=UploadTo("editions", "logo"),
        blank=True,
        validators=[validate_image],
    )
    logo_description = models.TextField(_("logo and its meaning"), blank=True)
    trademark_note = models.TextField(_("trademark note"), blank=True)
    last_revised_at = models.DateTimeField(
        _("source last revised"),
        null=True,
        blank=True,
        help_text=_("When the source text of this edition was last revised."),
    )
    is_current = models.BooleanField(
        _("current edition"),
        default=False,
        help_text=_("The edition shown on the home page. Only one can be current."),
    )
    organizations = models.ManyToManyField(
        Organization,
        through="EditionRole",
        related_name="editions",
        verbose_name=_("hosts and co-organizers"),
    )

    class Meta(ContentModel.Meta):
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            *ContentModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="events_edition_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="events_edition_one_current",
                violation_error_message=_("Another edition is already the current one."),
            ),
        ]

    def __str__(self):
        return self.name or str(self.year)

    def get_absolute_url(self):
        return reverse("events:edition-home", args=[self.year])

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start date.")})


class EditionRole(models.Model):
    """An organization's part in an edition: host or co-organizer."""

    class Role(models.TextChoices):
        HOST = "host", _("host")
        CO_ORGANIZER = "co_organizer", _("co-organizer")
        ORGANIZING_BODY = "organizing_body", _("organizing body")

    edition = models.ForeignKey(
        Edition, models.CASCADE, related_name="roles", verbose_name=_("edition")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="edition_roles", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["edition", "role", "sort_order", "pk"]
        verbose_name = _("role in the edition")
        verbose_name_plural = _("roles in the edition")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "organization", "role"], name="events_editionrole_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class KeyFigure(ContentModel):
    """A figure the edition reported (20 forums, 1,260 volunteers…).

    Stored as reported, not counted from rows: the sources give totals for things
    that are only partly known one by one (15 achievements, 4 of them named).
    """

    class Qualifier(models.TextChoices):
        EXACT = "", _("exactly")
        ABOUT = "about", _("about")
        MORE_THAN = "more_than", _("more than")

    edition = models.ForeignKey(
        Edition, models.CASCADE, related_name="key_figures", verbose_name=_("edition")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    value = models.PositiveIntegerField(_("value"))
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, blank=True, default=""
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    label = models.CharField(_("label"), max_length=120)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["edition", "sort_order", "pk"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["edition", "slug"], name="events_keyfigure_unique_slug"
            ),
        ]

    def __str__(self):
        return f"{self.value} {self.label}"

    def get_absolute_url(self):
        return self.edition.get_absolute_url()


class Venue(ContentModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            *ContentModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="events_venue_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A venue cannot be part of itself.")})
            ancestor = ancestor.parent


class Track(ContentModel):
    """One of an edition's sections (板块) that forums are grouped in."""

    edition = models.ForeignKey(
        Edition, models.CASCADE, related_name="tracks", verbose_name=_("edition")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["edition", "sort_order", "pk"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(fields=["edition", "slug"], name="events_track_unique_slug"),
        ]

    def __str__(self):
        return self.name or self.slug


class Session(ContentModel):
    """One item of the programme: a ceremony, a plenary, a forum, a release…"""

    class Kind(models.TextChoices):
        OPENING = "opening", _("opening ceremony")
        PLENARY = "plenary", _("plenary session")
        FORUM = "forum", _("forum")
        DIALOGUE = "dialogue", _("dialogue")
        RELEASE = "release", _("release event")
        EXPO = "expo", _("expo")
        PRESS_CONFERENCE = "press_conference", _("press conference")
        MEETING = "meeting", _("meeting")
        CULTURAL = "cultural", _("cultural event")
        CLOSING = "closing", _("closing ceremony")
        OTHER = "other", _("other")

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("morning")
        AFTERNOON = "afternoon", _("afternoon")
        EVENING = "evening", _("evening")
        ALL_DAY = "all_day", _("all day")
        UNKNOWN = "unknown", _("time not given")

    edition = models.ForeignKey(
        Edition, models.PROTECT, related_name="sessions", verbose_name=_("edition")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    track = models.ForeignKey(
        Track,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("track"),
    )
    venue = models.ForeignKey(
        Venue,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("venue"),
    )
    date = models.DateField(_("date"))
    part_of_day = models.CharField(
        _("part of day"), max_length=10, choices=PartOfDay.choices, default=PartOfDay.ALL_DAY
    )
    starts_at = models.TimeField(
        _("starts at"), null=True, blank=True, help_text=_("Beijing time, if known.")
    )
    ends_at = models.TimeField(
        _("ends at"), null=True, blank=True, help_text=_("Beijing time, if known.")
    )
    organizers = models.ManyToManyField(
        Organization,
        through="SessionOrganizer",
        related_name="organized_sessions",
        blank=True,
        verbose_name=_("organizers"),
    )
    speakers = models.ManyToManyField(
        Person,
        through="SessionSpeaker",
        related_name="sessions",
        blank=True,
        verbose_name=_("speakers"),
    )

    class Meta(ContentModel.Meta):
        ordering = ["date", "starts_at", "sort_order", "pk"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(fields=["edition", "slug"], name="events_session_unique_slug"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False),
                name="events_session_end_needs_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="events_session_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("events:session-detail", args=[self.edition.year, self.slug])

    def clean(self):
        super().clean()
        if self.ends_at and not self.starts_at:
            raise ValidationError({"starts_at": _("Give a start time when there is an end time.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end time must be after the start time.")})


class ForumManager(models.Manager.from_queryset(PublishableQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Session.Kind.FORUM)


class Forum(Session):
    """The forums alone, so that editors find them as their own admin section."""

    objects = ForumManager()

    class Meta:
        proxy = True
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def save(self, *args, **kwargs):
        self.kind = Session.Kind.FORUM
        super().save(*args, **kwargs)


class SessionOrganizer(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("host")
        CO_HOST = "co_host", _("co-host")
        SUPPORTER = "supporter", _("supporter")

    session = models.ForeignKey(
        Session, models.CASCADE, related_name="organizer_roles", verbose_name=_("programme item")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="session_roles", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HOST)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("organizer")
        verbose_name_plural = _("organizers")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organization"], name="events_sessionorganizer_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        KEYNOTE = "keynote", _("keynote speaker")
        SPEAKER = "speaker", _("speaker")
        PANELIST = "panelist", _("panellist")
        MODERATOR = "moderator", _("moderator")
        CHAIR = "chair", _("chair")

    session = models.ForeignKey(
        Session, models.CASCADE, related_name="speaker_roles", verbose_name=_("programme item")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="speaker_roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="events_sessionspeaker_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class Milestone(ContentModel):
    """An item of the preparation and progress timeline."""

    class Category(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        SERVICE = "service", _("services and logistics")
        PROGRESS = "progress", _("progress")

    edition = models.ForeignKey(
        Edition, models.CASCADE, related_name="milestones", verbose_name=_("edition")
    )
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Leave empty when the source gives no date.")
    )
    time_note = models.CharField(
        _("time note"),
        max_length=120,
        blank=True,
        help_text=_(
            "How the source places it in time: “afternoon”, “as of”, “during the conference”."
        ),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))

    class Meta(ContentModel.Meta):
        ordering = [F("date").asc(nulls_last=True), "sort_order", "pk"]
        verbose_name = _("timeline item")
        verbose_name_plural = _("timeline items")
        constraints = ContentModel.Meta.constraints

    def __str__(self):
        return self.title or str(self.pk)

    def get_absolute_url(self):
        return reverse("events:news", args=[self.edition.year]) + f"#milestone-{self.pk}"


class Highlight(ContentModel):
    """A feature of the edition: its culture, its innovations, its film."""

    class Category(models.TextChoices):
        CULTURE = "culture", _("culture")
        INNOVATION = "innovation", _("innovation")
        FILM = "film", _("film")

    edition = models.ForeignKey(
        Edition, models.CASCADE, related_name="highlights", verbose_name=_("edition")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("The source's own number for the item, kept even where it skips one."),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    date = models.DateField(_("date"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlights",
        verbose_name=_("organization"),
    )
    image = models.ImageField(
        _("image"),
        upload_to=UploadTo("highlights", "image"),
        blank=True,
        validators=[validate_image],
    )
    video_url = models.URLField(_("video link"), blank=True)

    class Meta(ContentModel.Meta):
        ordering = ["edition", "category", "number", "sort_order", "pk"]
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        constraints = [
            *ContentModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["edition", "category", "number"],
                condition=Q(number__isnull=False),
                name="events_highlight_unique_number",
            ),
        ]

    def __str__(self):
        return self.title or str(self.pk)

    def get_absolute_url(self):
        return reverse("events:about", args=[self.edition.year]) + f"#highlight-{self.pk}"

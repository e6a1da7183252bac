from django.contrib import admin

from wic.core.admin import ContentAdmin, ContentStackedInline

from .models import (
    Edition,
    EditionRole,
    Forum,
    Highlight,
    KeyFigure,
    Milestone,
    Organization,
    Person,
    Session,
    SessionOrganizer,
    SessionSpeaker,
    Track,
    Venue,
)


class EditionRoleInline(admin.TabularInline):
    model = EditionRole
    fields = ["organization", "role", "sort_order"]
    autocomplete_fields = ["organization"]
    extra = 0


class KeyFigureInline(ContentStackedInline):
    model = KeyFigure
    fields = ["slug", "qualifier", "value", "unit", "label", "note", "is_published", "sort_order"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Edition)
class EditionAdmin(ContentAdmin):
    list_display = ["__str__", "year", "number", "city", "starts_on", "ends_on", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name", "short_name", "theme", "city"]
    date_hierarchy = "starts_on"
    ordering = ["-year"]
    inlines = [EditionRoleInline, KeyFigureInline]
    rich_text_fields = ["background", "outcomes_overview", "logo_description"]


@admin.register(Organization)
class OrganizationAdmin(ContentAdmin):
    list_display = ["__str__", "short_name", "kind", "slug", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    ordering = ["sort_order", "pk"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ["__str__", "title", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "title", "slug"]
    ordering = ["sort_order", "pk"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Venue)
class VenueAdmin(ContentAdmin):
    list_display = ["__str__", "parent", "area_m2", "slug"]
    list_select_related = ["parent"]
    search_fields = ["name", "description", "slug"]
    ordering = ["sort_order", "pk"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Track)
class TrackAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "slug"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["name", "description", "slug"]
    ordering = ["edition", "sort_order", "pk"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["name"]}


class SessionOrganizerInline(admin.TabularInline):
    model = SessionOrganizer
    fields = ["organization", "role", "sort_order"]
    autocomplete_fields = ["organization"]
    extra = 0


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    fields = ["person", "role", "sort_order"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Session)
class SessionAdmin(ContentAdmin):
    list_display = [
        "__str__",
        "edition",
        "kind",
        "date",
        "starts_at",
        "track",
        "venue",
    ]
    list_filter = ["edition", "kind", "part_of_day", "track"]
    list_select_related = ["edition", "track", "venue"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "date"
    ordering = ["date", "starts_at", "sort_order", "pk"]
    autocomplete_fields = ["edition", "track", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionOrganizerInline, SessionSpeakerInline]
    rich_text_fields = ["description"]


@admin.register(Forum)
class ForumAdmin(SessionAdmin):
    """The forums alone. Their kind is fixed: the form leaves it out and Forum.save() sets it."""

    list_display = [name for name in SessionAdmin.list_display if name != "kind"]
    list_filter = [name for name in SessionAdmin.list_filter if name != "kind"]
    exclude = ["kind"]

    def recoverable(self, obj):
        """Deleted forums only, among the deleted programme items they share a history with."""
        return obj.kind == Session.Kind.FORUM


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "date", "time_note", "category"]
    list_filter = ["edition", "category"]
    list_select_related = ["edition"]
    search_fields = ["title", "body", "time_note"]
    date_hierarchy = "date"
    autocomplete_fields = ["edition"]
    rich_text_fields = ["body"]


@admin.register(Highlight)
class HighlightAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "category", "number", "date", "organization"]
    list_filter = ["edition", "category"]
    list_select_related = ["edition", "organization"]
    search_fields = ["title", "body"]
    date_hierarchy = "date"
    ordering = ["edition", "category", "number", "sort_order", "pk"]
    autocomplete_fields = ["edition", "organization"]
    rich_text_fields = ["body"]


@admin.register(KeyFigure)
class KeyFigureAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "qualifier", "value", "unit", "slug"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["label", "unit", "note", "slug"]
    ordering = ["edition", "sort_order", "pk"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["label"]}

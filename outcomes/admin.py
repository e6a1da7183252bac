from django.contrib import admin

from wic.core.admin import ContentAdmin, ContentStackedInline

from .models import Achievement, Document, DocumentSection, Field, PressEvaluation


class DocumentSectionInline(ContentStackedInline):
    model = DocumentSection
    fields = ["number", "heading", "body", "is_published", "sort_order"]
    rich_text_fields = ["body"]


@admin.register(Document)
class DocumentAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "kind", "issuer", "released_on"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition", "issuer"]
    search_fields = ["title", "subtitle", "summary", "slug"]
    date_hierarchy = "released_on"
    ordering = ["edition", "sort_order", "released_on", "pk"]
    autocomplete_fields = ["edition", "issuer"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DocumentSectionInline]
    rich_text_fields = ["body"]


@admin.register(Field)
class FieldAdmin(ContentAdmin):
    list_display = ["__str__", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "pk"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Achievement)
class AchievementAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "organization", "category"]
    list_filter = ["edition", "category", "fields"]
    list_select_related = ["edition", "organization"]
    search_fields = [
        "title",
        "summary",
        "organization__name",
        "organization__short_name",
        "slug",
    ]
    ordering = ["edition", "sort_order", "pk"]
    autocomplete_fields = ["edition", "organization", "fields"]
    prepopulated_fields = {"slug": ["title"]}
    rich_text_fields = ["description"]


@admin.register(PressEvaluation)
class PressEvaluationAdmin(ContentAdmin):
    list_display = ["__str__", "edition", "kind", "outlet", "author", "published_on"]
    list_filter = ["edition", "kind", "original_language"]
    list_select_related = ["edition", "outlet", "author"]
    search_fields = ["quote", "outlet__name", "author__name"]
    date_hierarchy = "published_on"
    ordering = ["edition", "sort_order", "pk"]
    autocomplete_fields = ["edition", "outlet", "author"]

"""Pages of the outcomes: documents, achievements and the press's evaluations."""

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as active_content_language

from events.views import (
    EditionMixin,
    ForgivingPaginationMixin,
    KeysFirstPaginator,
    detail_urls,
    share_edition,
)
from wic.templatetags.wic_tags import bcp47, shown_language
from wic.widgets import QuickSelect

from .filters import AchievementFilter, PressEvaluationFilter
from .models import Achievement, Document, DocumentSection, Field, PressEvaluation

# The document list's headings, in this order.
DOCUMENT_KIND_HEADINGS = {
    Document.Kind.OUTCOME: _("Outcome documents"),
    Document.Kind.BLUE_BOOK: _("Blue books"),
}


class DraftBannerMixin:
    """Detail pages: staff previewing a draft get a banner linking to the admin."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(opts=self.object._meta, **kwargs)


class DocumentListView(EditionMixin, ListView):
    template_name = "outcomes/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        return self.visible(Document.objects.filter(edition=self.edition)).select_related(
            "edition", "issuer"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One list per kind, in the order the kinds are declared (outcome documents first).
        groups = [
            (heading, [doc for doc in context["documents"] if doc.kind == kind])
            for kind, heading in DOCUMENT_KIND_HEADINGS.items()
        ]
        context["groups"] = [(heading, docs) for heading, docs in groups if docs]
        return context


class DocumentDetailView(EditionMixin, DraftBannerMixin, DetailView):
    template_name = "outcomes/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        sections = self.visible(DocumentSection.objects.all())
        return (
            self.visible(Document.objects.filter(edition=self.edition))
            .select_related("edition", "issuer")
            .prefetch_related(Prefetch("sections", queryset=sections))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report(self.object)
        return context

    def report(self, document):
        """schema.org `Report` for search engines, in the page's language."""
        absolute = self.request.build_absolute_uri
        edition = document.edition
        data = {
            "@context": "https://schema.org",
            "@type": "Report",
            "name": document.title,
            "description": document.summary,
            "url": absolute(document.get_absolute_url()),
            "inLanguage": bcp47(get_language()),
        }
        if document.subtitle:
            data["alternativeHeadline"] = document.subtitle
        if document.released_on:
            data["datePublished"] = document.released_on.isoformat()
        if document.issuer and document.issuer.is_published:
            issuer = {"@type": "Organization", "name": document.issuer.name}
            if document.issuer.url:
                issuer["url"] = document.issuer.url
            data["publisher"] = data["author"] = issuer
        if document.file:
            data["encoding"] = {
                "@type": "MediaObject",
                "contentUrl": absolute(document.file.url),
                "encodingFormat": "application/pdf",
            }
        event = {
            "@type": "Event",
            "name": edition.name,
            "url": absolute(edition.get_absolute_url()),
            "startDate": edition.starts_on.isoformat(),
            "endDate": edition.ends_on.isoformat(),
            "location": {"@type": "Place", "name": edition.city},
        }
        data["isPartOf"] = data["about"] = event
        return data


def organization_choices(queryset):
    """(slug, name) of each organization, as plain values in the page's language (or the
    one modeltranslation falls back to): no model instance per organization."""
    columns = [
        build_localized_fieldname("name", code)
        for code in resolution_order(active_content_language())
    ]
    for slug, *names in queryset.values_list("slug", *columns):
        yield slug, next((name for name in names if name), slug)


class AchievementListView(EditionMixin, ForgivingPaginationMixin, FilterView):
    filterset_class = AchievementFilter
    template_name = "outcomes/achievement_list.html"
    context_object_name = "achievements"
    paginate_by = 20
    paginator_class = KeysFirstPaginator

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        # Every organization of the edition's achievements is offered: there can be
        # hundreds, so their select is written from plain values (wic/widgets.py).
        field = filterset.form.fields["organization"]
        field.widget = QuickSelect(
            choices=[("", field.empty_label), *organization_choices(field.queryset)]
        )
        return filterset

    def get_queryset(self):
        fields = self.visible(Field.objects.all())
        # Not the edition: share_edition() gives each row the one already read.
        return (
            self.visible(Achievement.objects.filter(edition=self.edition))
            .select_related("organization")
            .defer("description", "source")
            .prefetch_related(Prefetch("fields", queryset=fields))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        achievements = context["achievements"] = share_edition(
            context["achievements"], self.edition
        )
        # Once per page, not per item: get_category_display() rebuilds the choices each time,
        # and reverse() walks the URL patterns.
        categories = {value: str(capfirst(label)) for value, label in Achievement.Category.choices}
        url = detail_urls("outcomes:achievement-detail", self.edition)
        for achievement in achievements:
            achievement.category_label = categories.get(achievement.category, achievement.category)
            achievement.url = url(achievement.slug)
        return context

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "edition": self.edition}


class AchievementDetailView(EditionMixin, DraftBannerMixin, DetailView):
    template_name = "outcomes/achievement_detail.html"
    context_object_name = "achievement"

    def get_queryset(self):
        fields = self.visible(Field.objects.all())
        return (
            self.visible(Achievement.objects.filter(edition=self.edition))
            .select_related("edition", "organization")
            .prefetch_related(Prefetch("fields", queryset=fields))
        )


class PressEvaluationListView(EditionMixin, FilterView):
    """Not paginated: each evaluation's link is an anchor on this one page."""

    filterset_class = PressEvaluationFilter
    template_name = "outcomes/press_list.html"
    context_object_name = "evaluations"

    def get_queryset(self):
        return self.visible(PressEvaluation.objects.filter(edition=self.edition)).select_related(
            "edition", "outlet", "author"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for evaluation in context["evaluations"]:
            shown = shown_language(evaluation, "quote")
            evaluation.is_translation = bool(
                evaluation.original_language and evaluation.original_language != shown
            )
        return context

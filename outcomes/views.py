"""Pages of the outcomes: documents, achievements and the press's evaluations."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from events.structured_data import edition_reference
from events.views import EditionMixin
from wic.core.i18n import bcp47
from wic.core.views import DetailPageMixin, FilteredListMixin, ForgivingPaginationMixin

from .filters import AchievementFilter, PressEvaluationFilter
from .models import Achievement, Document, PressEvaluation

# The document list's headings, in this order.
DOCUMENT_KIND_HEADINGS = {
    Document.Kind.OUTCOME: _("Outcome documents"),
    Document.Kind.BLUE_BOOK: _("Blue books"),
}


class DocumentListView(EditionMixin, ListView):
    template_name = "outcomes/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        documents = self.visible(Document.objects.filter(edition=self.edition))
        return self.audience.with_related(documents.select_related("edition"), "issuer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One list per kind, in the order the kinds are declared (outcome documents first).
        groups = [
            (heading, [doc for doc in context["documents"] if doc.kind == kind])
            for kind, heading in DOCUMENT_KIND_HEADINGS.items()
        ]
        context["groups"] = [(heading, docs) for heading, docs in groups if docs]
        return context


class DocumentDetailView(EditionMixin, DetailPageMixin, DetailView):
    template_name = "outcomes/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        documents = self.visible(Document.objects.filter(edition=self.edition))
        return self.audience.with_related(documents.select_related("edition"), "issuer", "sections")

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
        if document.issuer:
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
        # What the document is about: the edition. Not `isPartOf`, whose value must be a
        # creative work (a collection, a series), never an event.
        data["about"] = edition_reference(edition, self.request)
        return data


class AchievementListView(EditionMixin, ForgivingPaginationMixin, FilteredListMixin, FilterView):
    filterset_class = AchievementFilter
    template_name = "outcomes/achievement_list.html"
    context_object_name = "achievements"
    paginate_by = 20

    def get_queryset(self):
        achievements = self.visible(Achievement.objects.filter(edition=self.edition))
        return self.audience.with_related(
            achievements.select_related("edition"), "organization", "fields"
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "edition": self.edition}


class AchievementDetailView(EditionMixin, DetailPageMixin, DetailView):
    template_name = "outcomes/achievement_detail.html"
    context_object_name = "achievement"

    def get_queryset(self):
        achievements = self.visible(Achievement.objects.filter(edition=self.edition))
        return self.audience.with_related(
            achievements.select_related("edition"), "organization", "fields"
        )


class PressEvaluationListView(EditionMixin, FilteredListMixin, FilterView):
    """Not paginated: each evaluation's link is an anchor on this one page."""

    filterset_class = PressEvaluationFilter
    template_name = "outcomes/press_list.html"
    context_object_name = "evaluations"

    def get_queryset(self):
        evaluations = self.visible(PressEvaluation.objects.filter(edition=self.edition))
        return self.audience.with_related(evaluations.select_related("edition"), "outlet", "author")

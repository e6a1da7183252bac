"""The public pages of an edition: home, about, news, agenda, one programme item,
the agenda as iCalendar, and the list of editions.

Each page reads a constant number of queries, whatever the amount of content:
related rows come through select_related / Prefetch, never from a loop.
"""

from itertools import groupby

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from wic.core.views import (
    AudienceMixin,
    DetailPageMixin,
    FilteredListMixin,
    ForgivingPaginationMixin,
)

from . import ical
from .filters import MilestoneFilter, SessionFilter
from .models import Edition, EditionRole, Highlight, Milestone, Session
from .structured_data import edition_event_data, session_event_data

# What a programme item in a list is shown with.
SESSION_LIST_RELATED = ["track", "venue__parent"]

# The agenda's order within a day: all-day items first, then morning to evening, then the
# items whose time no source gives.
PART_OF_DAY_ORDER = Case(
    When(part_of_day=Session.PartOfDay.ALL_DAY, then=Value(0)),
    When(part_of_day=Session.PartOfDay.MORNING, then=Value(1)),
    When(part_of_day=Session.PartOfDay.AFTERNOON, then=Value(2)),
    When(part_of_day=Session.PartOfDay.EVENING, then=Value(3)),
    When(part_of_day=Session.PartOfDay.UNKNOWN, then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)
AGENDA_ORDER = [
    "date",
    PART_OF_DAY_ORDER,
    F("starts_at").asc(nulls_first=True),
    "sort_order",
    "pk",
]


class EditionMixin(AudienceMixin):
    """Resolve the `year` URL argument to a published edition, or 404.

    Staff may open a draft edition (the page then says it is a draft).
    """

    def dispatch(self, request, *args, **kwargs):
        self.edition = self.get_edition(kwargs["year"])
        return super().dispatch(request, *args, **kwargs)

    def get_edition(self, year):
        return get_object_or_404(self.visible(Edition.objects.all()), year=year)

    def get_context_data(self, **kwargs):
        return super().get_context_data(edition=self.edition, **kwargs)


class EditionHomeView(EditionMixin, TemplateView):
    """An edition at a glance, and the way into each of its sections.

    Every list on it is bounded, and counts are counted by the database: the page costs
    the same with ten programme items or ten thousand. Other apps add panels to it
    (`{% panels "edition-home" … %}`, wic.core.panels): the outcomes app its documents and a
    press quote.
    """

    template_name = "events/home.html"
    latest_milestones = 5
    # The first items of the agenda, as the edition's schema.org sub-events. Not all of
    # them: each item's own page names the edition as its super-event.
    sub_events = 20

    def get_context_data(self, **kwargs):
        edition = self.edition
        agenda = self.visible(edition.sessions.all())
        counts = agenda.aggregate(
            sessions=Count("pk"), forums=Count("pk", filter=Q(kind=Session.Kind.FORUM))
        )
        # Only items within the edition's dates are its sub-events (events/structured_data.py).
        sub_events = (
            agenda.filter(date__gte=edition.starts_on, date__lte=edition.ends_on)
            .select_related("edition")
            .order_by(*AGENDA_ORDER)[: self.sub_events]
        )
        milestones = (
            self.visible(edition.milestones.all())
            .select_related("edition")
            .order_by(F("date").desc(nulls_last=True), "-sort_order", "-pk")[
                : self.latest_milestones
            ]
        )
        roles = edition_roles(self.audience, edition)
        context = super().get_context_data(
            roles=roles,
            json_ld=edition_event_data(edition, self.request, roles, sub_events),
            key_figures=list(self.visible(edition.key_figures.all())),
            session_count=counts["sessions"],
            forum_count=counts["forums"],
            milestones=milestones,
            **kwargs,
        )
        if edition.is_current:
            # The current edition is also at /<lang>/: that is its one canonical address.
            context["canonical_view"] = ("events:home", ())
        return context


class CurrentEditionHomeView(EditionHomeView):
    """`/<lang>/`: the home page of the current edition."""

    def dispatch(self, request, *args, **kwargs):
        edition = Edition.objects.published().filter(is_current=True).first()
        if edition is None:
            # No edition marked current: the latest published one.
            edition = Edition.objects.published().order_by("-year").first()
        if edition is None:
            raise Http404("No edition is published.")
        self.current = edition
        return super().dispatch(request, *args, year=edition.year, **kwargs)

    def get_edition(self, year):
        return self.current  # read above: no second query


def edition_roles(audience, edition):
    """Hosts, co-organizers and organizing bodies that `audience` may see, in that order."""
    return list(
        audience.rows(EditionRole.objects.filter(edition=edition))
        .select_related("organization")
        .order_by(
            Case(
                When(role=EditionRole.Role.HOST, then=Value(0)),
                When(role=EditionRole.Role.CO_ORGANIZER, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "sort_order",
            "pk",
        )
    )


class AboutView(EditionMixin, TemplateView):
    template_name = "events/about.html"

    def get_context_data(self, **kwargs):
        highlights = list(
            self.audience.with_related(self.visible(self.edition.highlights.all()), "organization")
            .select_related("edition")
            .order_by("category", F("number").asc(nulls_last=True), "sort_order", "pk")
        )

        def of(category):
            return [h for h in highlights if h.category == category]

        return super().get_context_data(
            roles=edition_roles(self.audience, self.edition),
            culture=of(Highlight.Category.CULTURE),
            films=of(Highlight.Category.FILM),
            innovations=of(Highlight.Category.INNOVATION),
            **kwargs,
        )


class NewsView(EditionMixin, ForgivingPaginationMixin, FilteredListMixin, FilterView):
    """The preparation and progress timeline, oldest first, undated items last."""

    filterset_class = MilestoneFilter
    template_name = "events/news.html"
    context_object_name = "milestones"
    paginate_by = 50

    def get_queryset(self):
        return (
            self.visible(Milestone.objects.filter(edition=self.edition))
            .select_related("edition")
            .order_by(F("date").asc(nulls_last=True), "sort_order", "pk")
        )


class AgendaMixin(EditionMixin):
    """The programme items of the edition, as filtered by the query string."""

    filterset_class = SessionFilter

    def get_queryset(self):
        sessions = self.visible(Session.objects.filter(edition=self.edition))
        return (
            self.audience.with_related(sessions, *SESSION_LIST_RELATED)
            .select_related("edition")
            .order_by(*AGENDA_ORDER)
        )

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "edition": self.edition,
            "audience": self.audience,
        }


class AgendaView(AgendaMixin, ForgivingPaginationMixin, FilteredListMixin, FilterView):
    """Every programme item by day and part of day.

    An invalid filter value empties the list (FilterView.strict) and the page says why.
    """

    template_name = "events/agenda.html"
    context_object_name = "sessions"
    paginate_by = 40  # a day of a big conference is hundreds of items: the day links help

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Each day of the edition, to list it alone (the rest of the filters kept).
        context["day_links"] = self.filterset.filters["day"].extra["choices"]
        # [(date, [(part of day, [session, …]), …]), …] for the page's items.
        context["days"] = [
            (
                day,
                [
                    (part, list(items))
                    for part, items in groupby(items_of_day, Session.get_part_of_day_display)
                ],
            )
            for day, items_of_day in groupby(context["sessions"], lambda s: s.date)
        ]
        return context


class AgendaCalendarView(AgendaMixin, FilteredListMixin, FilterView):
    """`agenda.ics`: what the agenda page lists under the same query string (all pages)."""

    def render_to_response(self, context, **response_kwargs):
        sessions = list(self.object_list)
        calendar = ical.agenda_calendar(self.edition, sessions, self.request)
        response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
        # One item asked for by slug: name the file after it (a SlugField: safe in a header).
        if self.request.GET.get("slug") and len(sessions) == 1:
            name = f"wic-{self.edition.year}-{sessions[0].slug}.ics"
        else:
            name = f"wic-{self.edition.year}-agenda.ics"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SessionDetailView(EditionMixin, DetailPageMixin, DetailView):
    template_name = "events/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return self.audience.with_related(
            self.visible(Session.objects.filter(edition=self.edition)).select_related("edition"),
            *SESSION_LIST_RELATED,
            "organizer_roles__organization",
            "speaker_roles__person__organization",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["json_ld"] = session_event_data(self.object, self.request)
        return context


class EditionListView(AudienceMixin, ListView):
    template_name = "events/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return self.visible(Edition.objects.all()).order_by("-year")

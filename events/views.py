"""The public pages of an edition: home, about, news, agenda, one programme item,
the agenda as iCalendar, and the list of editions.

Each page reads a constant number of queries, whatever the amount of content:
related rows come through select_related / Prefetch, never from a loop.
"""

import datetime
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Subquery, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from wic import rich_text
from wic.templatetags.wic_tags import bcp47

from . import ical
from .filters import MilestoneFilter, SessionFilter
from .models import (
    Edition,
    EditionRole,
    Highlight,
    Milestone,
    Organization,
    Person,
    Session,
    SessionOrganizer,
    SessionSpeaker,
)

# What the home page shows of a document (not its long body).
DOCUMENT_CARD_FIELDS = [
    "edition",
    "slug",
    "kind",
    "title",
    "subtitle",
    "released_on",
    "is_published",
]

# What the agenda shows of a programme item.
AGENDA_CARD_FIELDS = [
    "edition",
    "slug",
    "kind",
    "title",
    "summary",
    "date",
    "part_of_day",
    "starts_at",
    "ends_at",
    "is_published",
    "track__name",
    "venue__name",
    "venue__parent__name",
]

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


def _place(edition, name=None):
    """schema.org Place: the venue, in the edition's town (the WIC's home is in China)."""
    return {
        "@type": "Place",
        "name": name or edition.city,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": edition.city,
            "addressCountry": "CN",
        },
    }


def _iso(day, time=None):
    """A date, or a date and time in Beijing time, as schema.org wants it."""
    if time is None:
        return day.isoformat()
    return datetime.datetime.combine(day, time, ical.BEIJING).isoformat()


def edition_event_data(edition, request, roles=(), sessions=()):
    """schema.org Event for an edition, its programme items as sub-events."""
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": edition.name,
        "description": edition.summary,
        "url": absolute(edition.get_absolute_url()),
        "startDate": _iso(edition.starts_on),
        "endDate": _iso(edition.ends_on),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition),
    }
    hosts = [_organization_data(role.organization) for role in roles if role.role == role.Role.HOST]
    if hosts:
        data["organizer"] = hosts
    if sessions:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": session.title,
                "url": absolute(session.get_absolute_url()),
                "startDate": _iso(session.date, session.starts_at),
            }
            for session in sessions
        ]
    return data


def _organization_data(organization):
    data = {"@type": "Organization", "name": organization.name}
    if organization.url:
        data["url"] = organization.url
    return data


def session_event_data(session, request):
    """schema.org Event for one programme item, part of its edition."""
    edition = session.edition
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "url": absolute(session.get_absolute_url()),
        "startDate": _iso(session.date, session.starts_at),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition, ical.venue_label(session.venue)),
        "superEvent": {
            "@type": "Event",
            "name": edition.name,
            "url": absolute(edition.get_absolute_url()),
            "startDate": _iso(edition.starts_on),
            "endDate": _iso(edition.ends_on),
        },
    }
    if session.ends_at:
        data["endDate"] = _iso(session.date, session.ends_at)
    if session.summary or session.description:
        data["description"] = session.summary or rich_text.plain(session.description)
    organizers = [_organization_data(r.organization) for r in session.organizer_roles.all()]
    if organizers:
        data["organizer"] = organizers
    performers = [{"@type": "Person", "name": r.person.name} for r in session.speaker_roles.all()]
    if performers:
        data["performer"] = performers
    return data


def share_edition(rows, edition):
    """Give each row of a page's list the page's edition, already read.

    Joining the edition onto a long list would copy its long texts (summary, background…)
    into every row the database sorts, which costs more than the rest of the query.
    """
    rows = list(rows)
    for row in rows:
        row.edition = edition
    return rows


def detail_urls(view_name, edition):
    """slug -> the address of an item of `edition` (`view_name` takes the year and a slug),
    with one reverse() for a whole list: reverse() walks the URL patterns each time."""
    placeholder = "item-slug"
    address = reverse(view_name, args=[edition.year, placeholder])
    return lambda slug: address.replace(placeholder, slug)


def visible_to(request, queryset):
    """Visitors see published rows; staff also see drafts (to preview them)."""
    if request.user.is_staff:
        return queryset
    return queryset.published()


class DraftPreviewMixin:
    def visible(self, queryset):
        return visible_to(self.request, queryset)


class EditionMixin(DraftPreviewMixin):
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


def _organizations(request):
    return visible_to(request, Organization.objects.all())


def _people(request):
    return visible_to(request, Person.objects.all()).select_related("organization")


class EditionHomeView(EditionMixin, TemplateView):
    """An edition at a glance, and the way into each of its sections.

    Every list on it is bounded, and counts are counted by the database: the page costs
    the same with ten programme items or ten thousand.
    """

    template_name = "events/home.html"
    latest_milestones = 5
    documents_shown = 6
    # The first items of the agenda, as the edition's schema.org sub-events. Not all of
    # them: each item's own page names the edition as its super-event.
    sub_events = 20

    def get_context_data(self, **kwargs):
        edition = self.edition
        agenda = self.visible(edition.sessions.all())
        counts = agenda.aggregate(
            sessions=Count("pk"), forums=Count("pk", filter=Q(kind=Session.Kind.FORUM))
        )
        sub_events = share_edition(
            agenda.only("edition", "slug", "title", "date", "starts_at").order_by(*AGENDA_ORDER)[
                : self.sub_events
            ],
            edition,
        )
        # Through the reverse relation: events never imports outcomes. The total comes with
        # the rows shown, as a subquery the database runs once: one query.
        documents = self.visible(edition.documents.all())
        total = documents.order_by().values("edition").annotate(total=Count("pk")).values("total")
        documents = share_edition(
            documents.only(*DOCUMENT_CARD_FIELDS).annotate(total=Subquery(total))[
                : self.documents_shown
            ],
            edition,
        )
        quote = (
            self.visible(edition.press_evaluations.all()).select_related("outlet", "author").first()
        )
        milestones = (
            self.visible(edition.milestones.all())
            .only("edition", "date", "time_note", "title", "is_published")
            .order_by(F("date").desc(nulls_last=True), "-sort_order", "-pk")[
                : self.latest_milestones
            ]
        )
        roles = edition_roles(self.request, edition)
        context = super().get_context_data(
            roles=roles,
            json_ld=edition_event_data(edition, self.request, roles, sub_events),
            key_figures=list(self.visible(edition.key_figures.all())),
            session_count=counts["sessions"],
            forum_count=counts["forums"],
            documents=documents,
            document_count=documents[0].total if documents else 0,
            quote=quote,
            milestones=share_edition(milestones, edition),
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


def edition_roles(request, edition):
    """Hosts, co-organizers and organizing bodies, in that order."""
    return list(
        EditionRole.objects.filter(edition=edition, organization__in=_organizations(request))
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
            self.visible(self.edition.highlights.all())
            .select_related("organization")
            .order_by("category", F("number").asc(nulls_last=True), "sort_order", "pk")
        )

        def of(category):
            return [h for h in highlights if h.category == category]

        return super().get_context_data(
            roles=edition_roles(self.request, self.edition),
            culture=of(Highlight.Category.CULTURE),
            films=of(Highlight.Category.FILM),
            innovations=of(Highlight.Category.INNOVATION),
            **kwargs,
        )


class ForgivingPaginationMixin:
    """A page number that is not one (`?page=-1`, `?page=99999`, `?page=x`) shows the
    nearest real page rather than an error, so that no shared link breaks."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class KeysFirstPaginator(Paginator):
    """Finds a page's rows by sorting their keys alone, then reads those rows with their
    joins, in one query (`pk IN (…ORDER BY…LIMIT…)`).

    Sorting the joined rows themselves would carry every column of thousands of rows
    through the sort to keep forty of them, and the deeper the page, the more rows the
    sort keeps.
    """

    def page(self, number):
        page = super().page(number)
        page.object_list = self.object_list.filter(pk__in=page.object_list.values("pk"))
        return page


class NewsView(EditionMixin, ForgivingPaginationMixin, FilterView):
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
        # Only what the list shows (each column read costs, a date parsed from SQLite most);
        # the edition is the one already read (share_edition).
        return (
            self.visible(Session.objects.filter(edition=self.edition))
            .select_related("track", "venue__parent")
            .only(*AGENDA_CARD_FIELDS)
            .order_by(*AGENDA_ORDER)
        )

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "edition": self.edition,
            "visible": self.visible,
        }


class AgendaView(AgendaMixin, ForgivingPaginationMixin, FilterView):
    """Every programme item by day and part of day.

    An invalid filter value empties the list (FilterView.strict) and the page says why.
    """

    template_name = "events/agenda.html"
    context_object_name = "sessions"
    paginate_by = 40  # a day of a big conference is hundreds of items: the day links help
    paginator_class = KeysFirstPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = context["sessions"] = share_edition(context["sessions"], self.edition)
        # Looked up once per page, not once per item: get_FOO_display() rebuilds the choices
        # each time, and reverse() walks the URL patterns.
        kinds = {value: str(capfirst(label)) for value, label in Session.Kind.choices}
        parts = {value: str(label) for value, label in Session.PartOfDay.choices}
        url = detail_urls("events:session-detail", self.edition)
        venues = {}  # a page names the same few halls again and again: each rendered once
        for session in sessions:
            session.kind_label = kinds.get(session.kind, session.kind)
            session.url = url(session.slug)
            if session.venue_id and session.venue_id not in venues:
                venues[session.venue_id] = render_to_string(
                    "events/includes/venue.html", {"venue": session.venue}
                )
            session.venue_html = venues.get(session.venue_id, "")
        # Each day of the edition, to list it alone (the rest of the filters kept).
        context["day_links"] = self.filterset.filters["day"].extra["choices"]
        # [(date, [(part of day, [session, …]), …]), …] for the page's items.
        context["days"] = [
            (
                day,
                [
                    (part, list(items))
                    for part, items in groupby(
                        items_of_day, lambda s: parts.get(s.part_of_day, s.part_of_day)
                    )
                ],
            )
            for day, items_of_day in groupby(sessions, lambda s: s.date)
        ]
        return context


class AgendaCalendarView(AgendaMixin, FilterView):
    """`agenda.ics`: what the agenda page lists under the same query string (all pages)."""

    def render_to_response(self, context, **response_kwargs):
        items = []  # the first two, to name a one-item file

        def calendar_items():
            for item in ical.calendar_items(self.object_list):
                if len(items) < 2:
                    items.append(item)
                yield item

        calendar = ical.agenda_calendar(self.edition, calendar_items(), self.request)
        response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
        # One item asked for by slug: name the file after it (a SlugField: safe in a header).
        if self.request.GET.get("slug") and len(items) == 1:
            name = f"wic-{self.edition.year}-{items[0].slug}.ics"
        else:
            name = f"wic-{self.edition.year}-agenda.ics"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SessionDetailView(EditionMixin, DetailView):
    template_name = "events/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        organizers = SessionOrganizer.objects.filter(
            organization__in=_organizations(self.request)
        ).select_related("organization")
        speakers = SessionSpeaker.objects.filter(person__in=_people(self.request)).select_related(
            "person__organization"
        )
        return (
            self.visible(Session.objects.filter(edition=self.edition))
            .select_related("edition", "track", "venue__parent")
            .prefetch_related(
                Prefetch("organizer_roles", queryset=organizers),
                Prefetch("speaker_roles", queryset=speakers),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.object._meta  # the draft banner's admin link
        context["json_ld"] = session_event_data(self.object, self.request)
        return context


class EditionListView(DraftPreviewMixin, ListView):
    template_name = "events/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return self.visible(Edition.objects.all()).order_by("-year")

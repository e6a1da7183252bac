"""Filters of the programme and the timeline. Their state lives in the query string."""

import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wic.core.i18n import day_label
from wic.core.keywords import KeywordFilter, PublicFilterSet
from wic.core.site_translation import MarkedLabelsMixin, plain_label

from .models import Milestone, Session, Track, Venue


class VenueChoiceField(django_filters.fields.ModelChoiceField):
    """A hall is labelled with its building, so that two "Hall A"s can be told apart; a name
    this site translated itself says so."""

    def label_from_instance(self, venue):
        if venue.parent is not None:
            return f"{plain_label(venue.parent, 'name')} · {plain_label(venue, 'name')}"
        return plain_label(venue, "name")


class VenueFilter(django_filters.ModelChoiceFilter):
    field_class = VenueChoiceField


class TrackChoiceField(MarkedLabelsMixin, django_filters.fields.ModelChoiceField):
    """A track's name, marked where this site translated it itself."""


class TrackFilter(django_filters.ModelChoiceFilter):
    field_class = TrackChoiceField


class SessionFilter(PublicFilterSet):
    """The agenda's filters, limited to what the given edition has.

    `slug` is not shown in the form: it lets `agenda.ics?slug=…` export one item.
    """

    day = django_filters.ChoiceFilter(label=_("Day"), field_name="date", empty_label=_("All days"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[(value, capfirst(label)) for value, label in Session.Kind.choices],
        empty_label=_("All kinds"),
    )
    track = TrackFilter(
        label=_("Track"),
        queryset=Track.objects.none(),
        to_field_name="slug",
        empty_label=_("All tracks"),
    )
    venue = VenueFilter(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        to_field_name="slug",
        method="filter_venue",
        empty_label=_("All venues"),
    )
    q = KeywordFilter(fields=["title", "summary"])
    slug = django_filters.CharFilter(label=_("Programme item"), widget=forms.HiddenInput)

    def __init__(self, data=None, *args, edition, audience, **kwargs):
        """`audience` (wic.core.publication) is who the page is for: what it may offer."""
        super().__init__(data, *args, **kwargs)
        days = {
            edition.starts_on + datetime.timedelta(days=n)
            for n in range((edition.ends_on - edition.starts_on).days + 1)
        }
        # The distinct dates themselves: dates() would truncate each row's date in Python.
        days.update(self.queryset.order_by().values_list("date", flat=True).distinct())
        self.filters["day"].extra["choices"] = [
            (day.isoformat(), day_label(day)) for day in sorted(days)
        ]
        self.filters["track"].queryset = audience.rows(Track.objects.filter(edition=edition))
        # The venues of this edition's items and the buildings they are part of,
        # each building followed by its halls.
        items = self.queryset
        venues = audience.rows(Venue.objects.all()).filter(
            Q(pk__in=items.values("venue")) | Q(pk__in=items.values("venue__parent"))
        )
        self.filters["venue"].queryset = audience.with_related(venues, "parent").order_by(
            Coalesce("parent__sort_order", "sort_order"),
            Coalesce("parent_id", "pk"),
            F("parent_id").asc(nulls_first=True),  # the building before its halls
            "sort_order",
            "pk",
        )

    def filter_venue(self, queryset, name, venue):
        """A building stands for its halls (and their rooms) too."""
        return queryset.filter(
            Q(venue=venue) | Q(venue__parent=venue) | Q(venue__parent__parent=venue)
        )


class MilestoneFilter(PublicFilterSet):
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=[(value, capfirst(label)) for value, label in Milestone.Category.choices],
        empty_label=_("All categories"),
    )

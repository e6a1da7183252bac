"""Filters of the programme and the timeline. Their state lives in the query string."""

import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wic.templatetags.wic_tags import day_label

from .models import Milestone, Session, Track, Venue

# Longest keyword search we accept: longer is not a search, and gets a message.
MAX_KEYWORD_LENGTH = 100


def _printable(data):
    """The query string with NUL characters replaced: echoed back in an error message,
    a NUL would put a raw control character into the page."""
    if not data or not any("\x00" in v for _key, values in data.lists() for v in values):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [value.replace("\x00", "\ufffd") for value in values])
    return cleaned


class VenueChoiceField(django_filters.fields.ModelChoiceField):
    """A hall is labelled with its building, so that two "Hall A"s can be told apart."""

    def label_from_instance(self, venue):
        if venue.parent_id:
            return f"{venue.parent.name} · {venue.name}"
        return venue.name


class VenueFilter(django_filters.ModelChoiceFilter):
    field_class = VenueChoiceField


class SessionFilter(django_filters.FilterSet):
    """The agenda's filters, limited to what the given edition has.

    `slug` is not shown in the form: it lets `agenda.ics?slug=…` export one item.
    """

    day = django_filters.ChoiceFilter(label=_("Day"), field_name="date", empty_label=_("All days"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[(value, capfirst(label)) for value, label in Session.Kind.choices],
        empty_label=_("All kinds"),
    )
    track = django_filters.ModelChoiceFilter(
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
    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="filter_keyword",
        max_length=MAX_KEYWORD_LENGTH,
        widget=forms.SearchInput,
    )
    slug = django_filters.CharFilter(label=_("Programme item"), widget=forms.HiddenInput)

    def __init__(self, data=None, *args, edition, visible, **kwargs):
        """`visible(queryset)` narrows a queryset to what the visitor may see."""
        super().__init__(_printable(data), *args, **kwargs)
        days = {
            edition.starts_on + datetime.timedelta(days=n)
            for n in range((edition.ends_on - edition.starts_on).days + 1)
        }
        # The distinct dates themselves: dates() would truncate each row's date in Python.
        days.update(self.queryset.order_by().values_list("date", flat=True).distinct())
        self.filters["day"].extra["choices"] = [
            (day.isoformat(), day_label(day)) for day in sorted(days)
        ]
        self.filters["track"].queryset = visible(Track.objects.filter(edition=edition))
        # The venues of this edition's items and the buildings they are part of,
        # each building followed by its halls.
        items = self.queryset
        self.filters["venue"].queryset = (
            visible(Venue.objects.all())
            .filter(Q(pk__in=items.values("venue")) | Q(pk__in=items.values("venue__parent")))
            .select_related("parent")
            .order_by(
                Coalesce("parent__sort_order", "sort_order"),
                Coalesce("parent_id", "pk"),
                F("parent_id").asc(nulls_first=True),  # the building before its halls
                "sort_order",
                "pk",
            )
        )

    def filter_venue(self, queryset, name, venue):
        """A building stands for its halls (and their rooms) too."""
        return queryset.filter(
            Q(venue=venue) | Q(venue__parent=venue) | Q(venue__parent__parent=venue)
        )

    def filter_keyword(self, queryset, name, value):
        """Every word, in titles or summaries, in either language (queries never fall
        back to the other language's column: PITFALLS 2.3)."""
        for word in value.split():
            queryset = queryset.filter(
                Q(title_zh_hans__icontains=word)
                | Q(title_en__icontains=word)
                | Q(summary_zh_hans__icontains=word)
                | Q(summary_en__icontains=word)
            )
        return queryset


class MilestoneFilter(django_filters.FilterSet):
    def __init__(self, data=None, *args, **kwargs):
        super().__init__(_printable(data), *args, **kwargs)

    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=[(value, capfirst(label)) for value, label in Milestone.Category.choices],
        empty_label=_("All categories"),
    )

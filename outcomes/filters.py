"""Filters of the outcomes lists. Labels are lazy so that they follow the page's language
(django-filter's own labels have no Chinese catalogue that Django would find)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Organization
from wic.core.keywords import KeywordFilter, PublicFilterSet
from wic.core.publication import published_q
from wic.core.site_translation import MarkedLabelsMixin

from .models import Achievement, Field, PressEvaluation


class NameChoiceField(MarkedLabelsMixin, django_filters.fields.ModelChoiceField):
    """A field's or an organization's name, marked where this site translated it itself."""


class NameFilter(django_filters.ModelChoiceFilter):
    field_class = NameChoiceField


class AchievementFilter(PublicFilterSet):
    field = NameFilter(
        label=_("Technology field"),
        field_name="fields",
        to_field_name="slug",
        queryset=Field.objects.none(),
        empty_label=_("All fields"),
    )
    organization = NameFilter(
        label=_("Organization"),
        to_field_name="slug",
        queryset=Organization.objects.none(),
        empty_label=_("All organizations"),
    )
    q = KeywordFilter(fields=["title", "summary", "description"])

    class Meta:
        model = Achievement
        fields = ["field", "organization", "q"]

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what this edition's published achievements use.
        shown = Q(achievements__edition=edition) & published_q("achievements")
        self.filters["field"].queryset = Field.objects.published().filter(shown).distinct()
        self.filters["organization"].queryset = (
            Organization.objects.published().filter(shown).distinct()
        )


class PressEvaluationFilter(PublicFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PressEvaluation.Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = PressEvaluation
        fields = ["kind"]

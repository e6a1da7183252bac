"""Filters of the outcomes lists. Labels are lazy so they follow the page's language
(PITFALLS 3.3); keyword filters search both languages' columns (PITFALLS 3.2)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Organization
from wic.search import MAX_QUERY_LENGTH

from .models import Achievement, Field, PressEvaluation


class AchievementFilter(django_filters.FilterSet):
    field = django_filters.ModelChoiceFilter(
        label=_("Technology field"),
        field_name="fields",
        to_field_name="slug",
        queryset=Field.objects.none(),
        empty_label=_("All fields"),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"),
        to_field_name="slug",
        queryset=Organization.objects.none(),
        empty_label=_("All organizations"),
    )
    q = django_filters.CharFilter(
        label=_("Keyword"), method="filter_keyword", max_length=MAX_QUERY_LENGTH
    )

    class Meta:
        model = Achievement
        fields = ["field", "organization", "q"]

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what this edition's published achievements use.
        shown = {"achievements__edition": edition, "achievements__is_published": True}
        self.filters["field"].queryset = Field.objects.published().filter(**shown).distinct()
        self.filters["organization"].queryset = (
            Organization.objects.published().filter(**shown).distinct()
        )

    def filter_keyword(self, queryset, name, value):
        condition = Q()
        for field_name in ["title", "summary", "description"]:
            for column in [f"{field_name}_zh_hans", f"{field_name}_en"]:
                condition |= Q(**{f"{column}__icontains": value})
        return queryset.filter(condition)


class PressEvaluationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PressEvaluation.Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = PressEvaluation
        fields = ["kind"]

"""Site search: each app declares what of its content can be found; this module finds it.

wic knows nothing about the conference. An app lists its searchable models in a
`search.py` module, found the way the admin finds `admin.py`:

    from wic.core import search

    search.register(
        Document,
        fields=["title", "summary", "sections__heading"],
        queryset=lambda: Document.objects.published().select_related("edition"),
    )

A field named here is searched in every language when modeltranslation translates it
(wic.core.i18n.language_columns: queries never fall back to another language's column), so a
Chinese query finds Chinese text from the English interface and the other way round. A
lookup through a relation only counts related rows that are published, so a draft's text
never makes an item match. The words of a query are those of wic.core.keywords.terms().
Every registered type costs one query, whatever the number of hits: the total comes with
the rows shown, as a subquery the database runs once.
"""

import threading
from dataclasses import dataclass, field

from django.db.models import F, Func, Subquery
from django.utils.module_loading import autodiscover_modules

from . import keywords

GROUP_LIMIT = 20  # hits listed per type: more is a page nobody reads; a word narrows it


@dataclass
class SearchType:
    """One model that the search covers, and how to find and show its rows."""

    model: type
    fields: list
    queryset: object = None  # callable returning the visible rows, with their joins
    label: object = None  # group heading; the model's verbose_name_plural by default
    title_field: str = "title"  # what a hit is called (its lang attribute follows it)
    summary_field: str = ""  # text shown under a hit's title
    matcher: keywords.KeywordMatcher = field(init=False)

    def __post_init__(self):
        self.matcher = keywords.KeywordMatcher(self.model, self.fields)
        if self.label is None:
            self.label = self.model._meta.verbose_name_plural

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.published()

    def search(self, terms):
        queryset = self.get_queryset().filter(self.matcher.q(terms))
        # COUNT() as a plain function: one row for all matches, without a GROUP BY.
        total = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
        rows = list(queryset.annotate(search_total=Subquery(total))[:GROUP_LIMIT])
        count = rows[0].search_total if rows else 0
        return SearchGroup(self, [self.hit(row) for row in rows], count)

    def hit(self, row):
        summary = getattr(row, self.summary_field, "") if self.summary_field else ""
        return SearchHit(row, str(row), summary or "", row.get_absolute_url())


@dataclass
class SearchHit:
    object: object
    title: str
    summary: str
    url: str


@dataclass
class SearchGroup:
    type: SearchType
    hits: list
    count: int

    @property
    def label(self):
        return self.type.label

    @property
    def is_truncated(self):
        return self.count > len(self.hits)


class SearchRegistry:
    def __init__(self):
        self._types = []
        self._discovered = False
        self._lock = threading.RLock()

    def register(self, model, *, fields, **options):
        self._types.append(SearchType(model, list(fields), **options))

    @property
    def types(self):
        # Like admin.autodiscover(): import every installed app's search.py, once.
        with self._lock:
            if not self._discovered:
                autodiscover_modules("search")
                self._discovered = True
        return list(self._types)


registry = SearchRegistry()
register = registry.register


def search(query):
    """Every registered type's published rows matching all words of `query`.

    Returns only the groups with hits, in registration order (INSTALLED_APPS order).
    """
    terms = keywords.terms(query)
    if not terms:
        return []
    groups = (search_type.search(terms) for search_type in registry.types)
    return [group for group in groups if group.count]

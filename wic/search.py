"""Site search: each app declares what of its content can be found; this module finds it.

wic knows nothing about the conference. An app lists its searchable models in a
`search.py` module, found the way the admin finds `admin.py`:

    from wic import search

    search.register(
        Document,
        fields=["title", "summary", "sections__heading"],
        queryset=lambda: Document.objects.published().select_related("edition"),
    )

A field named here is searched in every language when modeltranslation translates it
(queries never fall back, PITFALLS 2.3), so a Chinese query finds Chinese text from the
English interface and the other way round. A lookup through a relation only counts
related rows that are published, so a draft's text never makes an item match.
Every registered type costs one query, whatever the number of hits: the total comes with
the rows shown, as a subquery the database runs once.
"""

import threading
from dataclasses import dataclass, field

from django.db.models import F, Func, Q, Subquery
from django.utils.module_loading import autodiscover_modules
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10  # words of one query that are searched; the rest are ignored
GROUP_LIMIT = 20  # hits listed per type: more is a page nobody reads; a word narrows it


def _has_publication_state(model):
    return any(f.name == "is_published" for f in model._meta.get_fields())


@dataclass
class SearchType:
    """One model that the search covers, and how to find and show its rows."""

    model: type
    fields: list
    queryset: object = None  # callable returning the visible rows, with their joins
    label: object = None  # group heading; the model's verbose_name_plural by default
    title_field: str = "title"  # what a hit is called (its lang attribute follows it)
    summary_field: str = ""  # text shown under a hit's title
    lookups: list = field(init=False)

    def __post_init__(self):
        self.lookups = [self._expand(path) for path in self.fields]
        if self.label is None:
            self.label = self.model._meta.verbose_name_plural

    def _expand(self, path):
        """`sections__heading` → every language's column, plus the published joins on the way."""
        *relations, name = path.split("__")
        model = self.model
        published = {}
        for depth, relation in enumerate(relations, start=1):
            model = model._meta.get_field(relation).related_model
            if _has_publication_state(model):
                published["__".join([*relations[:depth], "is_published"])] = True
        prefix = "".join(f"{relation}__" for relation in relations)
        if name in (get_translatable_fields_for_model(model) or []):
            columns = [build_localized_fieldname(name, lang) for lang in AVAILABLE_LANGUAGES]
        else:
            columns = [name]
        relation = relations[0] if relations else ""
        return relation, [f"{prefix}{column}" for column in columns], published

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.published()

    def term_filter(self, term):
        """The rows where `term` occurs in any searched field.

        The row's own columns are matched in place; each relation gets a `pk__in`
        subquery of its own, so that multi-valued joins (speakers, sections) multiply
        neither the outer rows (no DISTINCT needed) nor each other (speakers × organizers).
        """
        condition = Q()
        by_relation = {}
        for relation, columns, published in self.lookups:
            matches = Q()
            for column in columns:
                matches |= Q(**{f"{column}__icontains": term}, **published)
            if relation:
                by_relation[relation] = by_relation.get(relation, Q()) | matches
            else:
                condition |= matches
        for matches in by_relation.values():
            condition |= Q(pk__in=self.model._base_manager.filter(matches).values("pk"))
        return condition

    def search(self, terms):
        queryset = self.get_queryset().filter(*[self.term_filter(term) for term in terms])
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


def split_terms(query):
    """The distinct words of a query, in order, at most MAX_TERMS of them."""
    return list(dict.fromkeys(query.split()))[:MAX_TERMS]


def search(query):
    """Every registered type's published rows matching all words of `query`.

    Returns only the groups with hits, in registration order (INSTALLED_APPS order).
    """
    terms = split_terms(query)
    if not terms:
        return []
    groups = (search_type.search(terms) for search_type in registry.types)
    return [group for group in groups if group.count]

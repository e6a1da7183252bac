"""Site search: each app declares what of its content can be found; this module finds it.

wic.core knows nothing about the conference. An app lists its searchable models in a
`search.py` module, found the way the admin finds `admin.py`:

    from wic.core import search

    search.register(
        Document,
        fields=["title", "summary", "sections__heading"],
        queryset=lambda: Document.objects.published("edition").select_related("edition"),
    )

**The index.** What the search reads is kept in one table, `SearchEntry`: for each item, one
entry with its own fields and one per related row named in `fields` (a section, a speaker),
each holding the text of every language (modeltranslation's columns), lower-cased, and the
publication state of the row it comes from. Signals rewrite an item's entries, in the
transaction of the change, whenever the item, a related row or a link between them changes
(`connect()`); `rebuild()` writes them all (after bulk loads; `manage.py rebuild_search_index`).
A search is then one query over one table, however many words and types (about the same
design as Wagtail's database search backend): the words of a query are found in the entries
whose rows are published (the rule of wic.core.publication), and an item matches when each
word is in one of its entries. On PostgreSQL a trigram index serves words of three characters
or more, in both languages. Each type's hits are then read with its own queryset (published
items only), one query a type, the total coming with the rows shown.
"""

import operator
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, F, Func, IntegerField, Max, Q, Subquery, Value, When
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.module_loading import autodiscover_modules

from . import keywords
from .i18n import language_columns
from .publication import is_content_model, published_q

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

    def __post_init__(self):
        if self.label is None:
            self.label = self.model._meta.verbose_name_plural
        self.own_columns = [
            column
            for name in self.fields
            if "__" not in name
            for column in language_columns(self.model, name)
        ]
        # {relation: [columns of the related model]}: one hop, as in "sections__heading".
        self.relations = defaultdict(list)
        for path in self.fields:
            if "__" in path:
                relation, name = path.split("__", 1)
                if "__" in name:
                    raise ImproperlyConfigured(f"{path}: search follows one relation at most")
                related = self.model._meta.get_field(relation).related_model
                self.relations[relation] += language_columns(related, name)

    @property
    def content_type(self):
        return ContentType.objects.get_for_model(self.model, for_concrete_model=False)

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.published()

    # -- the index --

    def entries(self, item):
        """The SearchEntry rows of `item` (unsaved)."""
        from .models import SearchEntry

        content_type = self.content_type
        entries = [
            SearchEntry(
                content_type=content_type, object_id=item.pk, text=_text(item, self.own_columns)
            )
        ]
        for relation, columns in self.relations.items():
            related = getattr(item, relation)
            rows = related.all() if hasattr(related, "all") else [related] if related else []
            for row in rows:
                entries.append(
                    SearchEntry(
                        content_type=content_type,
                        object_id=item.pk,
                        is_published=getattr(row, "is_published", True),
                        publish_at=getattr(row, "publish_at", None),
                        unpublish_at=getattr(row, "unpublish_at", None),
                        text=_text(row, columns),
                    )
                )
        return [entry for entry in entries if entry.text]

    def reindex(self, pks, using=DEFAULT_DB_ALIAS):
        """Rewrite the entries of the items `pks` from the database as it is now."""
        from .models import SearchEntry

        pks = list(pks)
        if not pks:
            return
        SearchEntry.objects.using(using).filter(
            content_type=self.content_type, object_id__in=pks
        ).delete()
        items = self.model._base_manager.using(using).filter(pk__in=pks)
        if self.relations:
            items = items.prefetch_related(*self.relations)
        SearchEntry.objects.using(using).bulk_create(
            [entry for item in items for entry in self.entries(item)]
        )

    # -- searching --

    def search(self, matching):
        """The group of hits among `matching` (object ids, as a subquery)."""
        queryset = self.get_queryset().filter(pk__in=matching)
        # COUNT() as a plain function: one row for all matches, without a GROUP BY.
        total = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
        rows = list(queryset.annotate(search_total=Subquery(total))[:GROUP_LIMIT])
        count = rows[0].search_total if rows else 0
        return SearchGroup(self, [self.hit(row) for row in rows], count)

    def hit(self, row):
        summary = getattr(row, self.summary_field, "") if self.summary_field else ""
        return SearchHit(row, str(row), summary or "", row.get_absolute_url())


def _text(row, columns):
    values = (getattr(row, column, None) for column in columns)
    return "\n".join(value for value in values if value).lower()


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


def matching_items(terms):
    """(content type id, object id) of every item each of whose `terms` is in one of its
    published entries, as a query."""
    from .models import SearchEntry

    words = [term.lower() for term in terms]
    entries = SearchEntry.objects.filter(published_q()).filter(
        # Only entries holding one of the words: where an index can serve them, it does.
        reduce(operator.or_, (Q(text__contains=word) for word in words))
    )
    found = {
        f"w{n}": Max(
            Case(When(text__contains=word, then=Value(1)), default=0), output_field=IntegerField()
        )
        for n, word in enumerate(words)
    }
    return (
        entries.values("content_type", "object_id")
        .annotate(**found)
        .filter(**dict.fromkeys(found, 1))
        .values_list("content_type", "object_id")
    )


def search(query):
    """Every registered type's published rows matching all words of `query`.

    Returns only the groups with hits, in registration order (INSTALLED_APPS order).
    """
    terms = keywords.terms(query)
    if not terms:
        return []
    by_type = defaultdict(list)
    for content_type, object_id in matching_items(terms):
        by_type[content_type].append(object_id)
    groups = [
        search_type.search(by_type[search_type.content_type.pk])
        for search_type in registry.types
        if by_type[search_type.content_type.pk]
    ]
    return [group for group in groups if group.count]


def rebuild(using=DEFAULT_DB_ALIAS):
    """Write every entry again (after changes that sent no signals)."""
    from .models import SearchEntry

    SearchEntry.objects.using(using).all().delete()
    for search_type in registry.types:
        pks = list(search_type.model._base_manager.using(using).values_list("pk", flat=True))
        for start in range(0, len(pks), 500):
            search_type.reindex(pks[start : start + 500], using)


# --- Keeping the index up to date ---------------------------------------------------------


def _affected(model, instance):
    """[(search type, item pks)] whose entries depend on `instance` of `model`."""
    model = model._meta.concrete_model
    found = []
    for search_type in registry.types:
        if search_type.model._meta.concrete_model is model:
            found.append((search_type, [instance.pk]))
        for relation in search_type.relations:
            field = search_type.model._meta.get_field(relation)
            through = field.remote_field.through if field.many_to_many else None
            if field.related_model is model:
                pks = search_type.model._base_manager.filter(**{relation: instance}).values_list(
                    "pk", flat=True
                )
                found.append((search_type, list(pks)))
            elif through is not None and through is model:
                link = next(
                    f
                    for f in model._meta.concrete_fields
                    if f.many_to_one and issubclass(search_type.model, f.related_model)
                )
                found.append((search_type, [getattr(instance, link.attname)]))
    return found


def _item_saved(sender, instance, using, **kwargs):
    for search_type, pks in _affected(sender, instance):
        search_type.reindex(pks, using)


def _before_delete(sender, instance, **kwargs):
    # The rows that depend on it, found while its links still exist.
    instance._search_affected = _affected(sender, instance)


def _deleted(sender, instance, using, **kwargs):
    from .models import SearchEntry

    for search_type, pks in getattr(instance, "_search_affected", []):
        if search_type.model._meta.concrete_model is sender._meta.concrete_model:
            SearchEntry.objects.using(using).filter(
                content_type=search_type.content_type, object_id=instance.pk
            ).delete()
        else:
            search_type.reindex(pks, using)


def _links_changed(sender, instance, action, using, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    for search_type in registry.types:
        if isinstance(instance, search_type.model):
            search_type.reindex([instance.pk], using)
        elif pk_set and issubclass(model, search_type.model):
            search_type.reindex(pk_set, using)


def connect():
    """Keep the index up to date on every change of a model a search type reads (proxies
    included: their signals name the proxy)."""
    read = set()
    for search_type in registry.types:
        read.add(search_type.model)
        for relation in search_type.relations:
            field = search_type.model._meta.get_field(relation)
            read.add(field.related_model)
            if field.many_to_many:
                read.add(field.remote_field.through)
    concrete = {model._meta.concrete_model for model in read}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.concrete_model not in concrete:
            continue
        uid = f"wic-search-{model._meta.label}"
        post_save.connect(_item_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        if is_content_model(model):
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    _links_changed, sender=field.remote_field.through, dispatch_uid=uid
                )

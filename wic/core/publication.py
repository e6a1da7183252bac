"""What a page may show: the one rule for "published", and for the rows related to an item.

Every public surface (pages, feeds, the calendar, the sitemap, JSON-LD, search) reads content
through this module, so that "published" is decided in one place:

- `published_q(prefix)` is the rule itself, as a condition on a content model's columns
  (`prefix` reaches them across a relation: `published_q("edition")`). `published()` on every
  content queryset applies it.
- `Audience` is who a page is rendered for. Visitors see published rows; logged-in staff also
  see drafts (to check them before publishing). `audience.rows(queryset)` narrows a queryset.
- `audience.with_related(queryset, "author", "outlet", "speaker_roles__person")` prefetches the
  related rows a page shows, each narrowed the same way. A related row the audience may not see
  is simply not there: a foreign key to it reads as None, a link row (a speaker's role, an
  organizer's role) whose required content row is a draft is left out of the list. Templates
  and JSON-LD code therefore show whatever they are given and never check publication
  themselves: a forgotten check cannot leak a draft.
"""

from django.apps import apps
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def is_content_model(model):
    """Models editors maintain and publish: subclasses of wic.core.models.ContentModel."""
    from .models import ContentModel  # models.py imports this module

    return issubclass(model, ContentModel)


def content_apps():
    """The apps whose models editors maintain: those that have a content model. Found, not
    named, so that this app never names the apps built on it."""
    return [
        config
        for config in apps.get_app_configs()
        if any(is_content_model(model) for model in config.get_models())
    ]


def content_models(*, proxies=False):
    """Every content model of the content apps; proxies (Forum) only if asked: they share
    their rows with their concrete model."""
    for config in content_apps():
        for model in config.get_models():
            if is_content_model(model) and (proxies or not model._meta.proxy):
                yield model


def published_q(prefix="", now=None):
    """The rows visible to the public now, as a condition (across `prefix`, a relation path):
    published, and within their publication window (`publish_at`, `unpublish_at`) if they
    have one."""
    lookup = f"{prefix}__" if prefix else ""
    now = now or timezone.now()
    return (
        Q(**{f"{lookup}is_published": True})
        & (Q(**{f"{lookup}publish_at__isnull": True}) | Q(**{f"{lookup}publish_at__lte": now}))
        & (Q(**{f"{lookup}unpublish_at__isnull": True}) | Q(**{f"{lookup}unpublish_at__gt": now}))
    )


def required_links(model):
    """The foreign keys to content rows that a row of `model` cannot be seen without (a
    session's edition): the required ones; an optional link (its venue) is simply left out
    when its row is not public."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and not field.null and is_content_model(field.related_model)
    ]


def public_q(model, now=None):
    """The rows of `model` the public can see now, as a condition: published_q() of the row
    and of each row it requires (`required_links`), for queries that name items of any kind
    (the change log) rather than go through their pages' views."""
    now = now or timezone.now()
    condition = published_q(now=now)
    for field in required_links(model):
        condition &= published_q(field.name, now=now)
    return condition


def is_public(values, now=None):
    """The Python twin of `published_q()`: whether a row with these field values (a dict by
    attribute name, as a version or a snapshot holds them) is visible to the public now."""
    now = now or timezone.now()
    publish_at, unpublish_at = (_moment(values.get(name)) for name in SCHEDULE_FIELDS)
    return (
        bool(values.get("is_published"))
        and (publish_at is None or publish_at <= now)
        and (unpublish_at is None or unpublish_at > now)
    )


# The fields of a publication window, on every content model (and on the search's index).
SCHEDULE_FIELDS = ("publish_at", "unpublish_at")


def _moment(value):
    """A datetime from a model's value or a plain one (an ISO string, as versions keep it)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value


class Audience:
    """Who a page is rendered for: the public, or staff who may also see drafts."""

    def __init__(self, *, drafts=False):
        self.drafts = drafts

    @classmethod
    def of(cls, request):
        user = getattr(request, "user", None)
        return cls(drafts=bool(user is not None and user.is_staff))

    def rows(self, queryset):
        """`queryset` narrowed to the rows this audience may see. A link row (a speaker's
        role, an organization's role in an edition) is visible where every content row it
        requires is."""
        if self.drafts:
            return queryset
        model = queryset.model
        if is_content_model(model):
            return queryset.filter(published_q())
        for link in required_links(model):
            queryset = queryset.filter(published_q(link.name))
        return queryset

    def with_related(self, queryset, *paths):
        """`queryset` with the related rows named by `paths` prefetched, each narrowed to
        what this audience may see (see the module's docstring). Paths share their start:
        `"venue"` and `"venue__parent"` make one prefetch of venues, with their parents."""
        tree = {}
        for path in paths:
            node = tree
            for name in path.split("__"):
                node = node.setdefault(name, {})
        return queryset.prefetch_related(*self._prefetches(queryset.model, tree))

    def _prefetches(self, model, tree):
        for name, subtree in tree.items():
            related = model._meta.get_field(name).related_model
            queryset = self.rows(related._base_manager.all())
            if subtree:
                queryset = queryset.prefetch_related(*self._prefetches(related, subtree))
            yield Prefetch(name, queryset=queryset)


PUBLIC = Audience()


class PublishableQuerySet(models.QuerySet):
    def published(self, *via):
        """The published rows; with `via` (relation paths, e.g. "edition"), only those whose
        related rows along each path are published too."""
        return self.filter(published_q(), *(published_q(path) for path in via))

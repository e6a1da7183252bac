"""Editorial history: every change to content kept, and any version brought back.

The library is django-reversion. A *revision* is one editorial action: an admin save with its
inline rows, a publish or unpublish action, a revert, a recovery, a deletion, a fixture load;
it records who, when and a comment, and holds a *version* of every row the action touched:
the row serialised with the columns of every language.

- **What is versioned** (`register()`, called from WicConfig.ready()). Every content model of
  the content apps, proxies included (a Forum's history is its Session's: versions are
  stored under the concrete model's content type), with the explicit list of its fields:
  each language's column of a translated field (`title_zh_hans`, `title_en`) but not the
  bare `title`, which modeltranslation rewrites from the active language on every save.
  Registering runs after modeltranslation has added those columns (its app is listed before
  this one, so its ready() has run), and the list is explicit, so a later change of that
  order cannot silently drop a language from the history.
- **What belongs to an item** (`parts()`), saved and restored with it: the rows its admin
  form edits inline (a document's sections, an edition's roles and key figures, a session's
  organizers and speakers) and the link rows of its many-to-many fields with a through
  model. Links without a through model (an achievement's fields) are part of the item's own
  version. Found from the admin's inlines and the model's fields, never by naming a model.
- **Recording** (`recording()`): one transaction and one revision around an editorial action,
  who and a comment. Signals collect each row's values before and after, so that when the
  action ends, in the same transaction, the stale-translation marks (wic/core/freshness.py)
  and the public change log (wic/core/changelog.py) are written. If the action fails or is
  refused (an edit conflict, an upload that could not be stored), everything rolls back:
  no revision, no mark, no log entry.
- **Deleting** (`record_deletion()`): a revision of everything a deletion is about to remove,
  written before it does, so that each deleted row's last version is its state when deleted.
- **Restoring** (`item_state()`, `restore()`): an item as a version holds it, with its parts,
  put back in one transaction, as a revert (the item exists; the edit-conflict check of
  wic/core/locking.py applies) or a recovery (it was deleted). What it needs and is gone, or
  what it would clash with, is refused before anything is written (`RestoreRefused`).
"""

import datetime
import functools
import json
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import reversion
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.forms.models import _get_foreign_key
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from modeltranslation.manager import get_translatable_fields_for_model
from reversion.models import Version

from . import locking
from .publication import content_apps, content_models

# Recorded in every version, shown nowhere: bookkeeping that a restore never takes back.
BOOKKEEPING = frozenset({"id", "edit_version", "created_at", "updated_at"})


# --- What is versioned ------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """Rows that belong to an item: `item.<accessor>.all()`, rows of `model` whose `fk` points
    at the item."""

    accessor: str
    model: type
    fk: models.ForeignKey

    @property
    def label(self):
        return capfirst(self.model._meta.verbose_name_plural)


_parts = {}  # item model (proxies too) -> (Part, …)
_parents = defaultdict(dict)  # part model -> {concrete item model: Part}


def parts(model):
    """The Parts of an item of `model`, in the order its form shows them."""
    return _parts.get(model, ())


def parents(model):
    """{concrete item model: Part} for a model whose rows belong to items (sections)."""
    return _parents.get(model._meta.concrete_model, {})


def _find_parts(model):
    found = {}
    model_admin = admin.site._registry.get(model)
    for inline in getattr(model_admin, "inlines", ()):
        fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        found[inline.model] = fk
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created and through not in found:
            found[through] = through._meta.get_field(m2m.m2m_field_name())
    return tuple(
        Part(fk.remote_field.get_accessor_name(), part_model, fk)
        for part_model, fk in found.items()
    )


@functools.cache
def translated_originals(model):
    """The bare fields of a model's translated ones (`title`), whose columns are per language."""
    return frozenset(get_translatable_fields_for_model(model) or ())


@functools.cache
def versioned_fields(model):
    """The names of what a version of `model` holds: every column, each language's of a
    translated field, without the bare one; and the many-to-many links that have no
    through model."""
    originals = translated_originals(model)
    names = [f.name for f in model._meta.concrete_fields if f.name not in originals]
    names += [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    return tuple(names)


@functools.cache
def tracked_fields(model):
    """The concrete fields of `model` that a version holds (many-to-many aside)."""
    names = set(versioned_fields(model))
    return tuple(f for f in model._meta.concrete_model._meta.concrete_fields if f.name in names)


@functools.cache
def link_fields(model):
    """The many-to-many fields a version of `model` holds."""
    names = set(versioned_fields(model))
    return tuple(f for f in model._meta.concrete_model._meta.many_to_many if f.name in names)


def register():
    """Register every content model and the rows that belong to its items with
    django-reversion, and connect the receivers that collect what an action changes."""
    for model in content_models(proxies=True):
        _parts[model] = _find_parts(model)
    for model, model_parts in _parts.items():
        if not reversion.is_registered(model):
            reversion.register(
                model,
                fields=versioned_fields(model),
                follow=[part.accessor for part in model_parts],
            )
        for part in model_parts:
            _parents[part.model][model._meta.concrete_model] = part
            if not reversion.is_registered(part.model):
                reversion.register(part.model, fields=versioned_fields(part.model))
    for config in content_apps():
        for model in config.get_models(include_auto_created=True):
            uid = f"wic-history-{model._meta.label}"
            pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
            post_save.connect(_post_save, sender=model, dispatch_uid=uid)
            post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
            m2m_changed.connect(_links_changed, sender=model, dispatch_uid=uid)


# --- Recording ----------------------------------------------------------------------------------


def plain_values(model, instance):
    """The tracked values of a row, comparable whether read from an instance or the database
    (wic.core.locking.plain: related rows as keys, files as names, empty text as '')."""
    return {f.name: locking.plain(f, f.value_from_object(instance)) for f in tracked_fields(model)}


@dataclass
class Row:
    """One row an action touched: its values before (None: new) and after (None: deleted)."""

    model: type
    pk: int
    before: dict = None
    after: dict = None
    raw: bool = False  # loaded from a fixture


@dataclass
class Change:
    """What one editorial action changed, collected while it runs."""

    user: object = None
    using: str = DEFAULT_DB_ALIAS
    rows: dict = field(default_factory=dict)  # (concrete model, pk) -> Row
    links: dict = field(default_factory=lambda: defaultdict(set))  # (model, pk) -> {m2m name}
    note: dict = field(default_factory=dict)  # language -> the editor's note to readers
    confirmations: list = field(default_factory=list)  # TranslationCheck pks confirmed
    at: object = field(default_factory=timezone.now)

    def finish(self):
        from . import changelog, freshness  # they build on this module

        freshness.record(self)
        changelog.record(self)


_current = ContextVar("wic-editorial-change", default=None)


def current():
    """The Change being recorded, or None outside `recording()`."""
    return _current.get()


@contextmanager
def recording(user=None, comment="", *, using=None):
    """One editorial action: a transaction, a revision by `user` with `comment`, and what it
    changed written down when it ends. Nested calls join the outer action."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    using = using or DEFAULT_DB_ALIAS
    with transaction.atomic(using=using), reversion.create_revision(using=using, atomic=False):
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        change = Change(
            user=user if user is not None and user.is_authenticated else None, using=using
        )
        token = _current.set(change)
        try:
            yield change
            if not transaction.get_rollback(using):
                change.finish()
        finally:
            _current.reset(token)


def _key(sender, instance):
    return sender._meta.concrete_model, instance.pk


def _pre_save(sender, instance, raw, using, **kwargs):
    change = _current.get()
    if change is None or instance.pk is None or not reversion.is_registered(sender):
        return
    key = _key(sender, instance)
    if key in change.rows:
        return
    row = Row(key[0], instance.pk, raw=raw)
    if not raw and not instance._state.adding:
        fields = tracked_fields(sender)
        stored = key[0]._base_manager.using(using).filter(pk=instance.pk)
        values = stored.values(*(f.attname for f in fields)).first()
        if values is not None:
            row.before = {f.name: locking.plain(f, values[f.attname]) for f in fields}
    change.rows[key] = row


def _post_save(sender, instance, raw, using, **kwargs):
    change = _current.get()
    if change is None or not reversion.is_registered(sender):
        return
    key = _key(sender, instance)
    row = change.rows.setdefault(key, Row(key[0], instance.pk, raw=raw))
    if not raw:
        row.after = plain_values(sender, instance)


def _post_delete(sender, instance, using, **kwargs):
    change = _current.get()
    if change is None or not reversion.is_registered(sender):
        return
    key = _key(sender, instance)
    row = change.rows.setdefault(
        key, Row(key[0], instance.pk, before=plain_values(sender, instance))
    )
    row.after = None


def _links_changed(sender, instance, action, reverse, **kwargs):
    change = _current.get()
    if change is None or reverse or not action.startswith("post_"):
        return
    for m2m in type(instance)._meta.many_to_many:
        if m2m.remote_field.through is sender:
            change.links[_key(type(instance), instance)].add(m2m.name)


# --- Comments -------------------------------------------------------------------------------------


def comment(kind, **params):
    """A revision comment of our own, kept as data and worded when shown (`describe()`), in
    the reader's language; the admin's own messages are stored the way its history stores
    them (JSON), so both read alike."""
    return json.dumps([{"wic": {"kind": kind, **params}}])


def _describe_ours(data):
    kind = data.get("kind")
    if kind == "loaddata":
        return gettext("Loaded from the fixtures %(fixtures)s.") % {
            "fixtures": pgettext("list separator", ", ").join(data.get("fixtures") or [])
        }
    if kind == "deleted":
        return gettext("Deleted.")
    if kind == "reverted":
        return gettext("Restored the version of %(when)s.") % {"when": _when(data.get("when"))}
    if kind == "recovered":
        return gettext("Recovered after it was deleted.")
    if kind == "draft-published":
        return gettext("Published its draft.")
    if kind == "draft-published-on-schedule":
        return gettext("Published its draft at the time set.")
    return ""


def _when(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def describe(revision):
    """A revision's comment as the reader's language words it."""
    from django.contrib.admin.models import LogEntry

    try:
        data = json.loads(revision.comment)
    except (TypeError, ValueError):
        return revision.comment
    if not isinstance(data, list):
        return revision.comment
    words = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("wic"), dict):
            words.append(_describe_ours(item["wic"]))
        else:
            words.append(LogEntry(change_message=json.dumps([item])).get_change_message())
    return " ".join(word for word in words if word) or gettext("No fields changed.")


def user_name(user):
    """How editors see each other: the name only (full name, else user name)."""
    if user is None:
        return gettext("(an operator)")
    return user.get_full_name() or user.get_username()


# --- Deleting -------------------------------------------------------------------------------------


def record_deletion(objs, user=None, using=None):
    """Write a revision of every row that deleting `objs` will remove (cascades included),
    before it does: each one's last version is then its state when deleted, so that it can
    be recovered (`Version.objects.get_deleted`). Call it inside the deletion's transaction,
    outside `recording()` (a revision only keeps rows that still exist when it is written)."""
    objs = list(objs)
    if not objs:
        return
    using = using or router.db_for_write(type(objs[0]))
    collector = Collector(using=using)
    collector.collect(objs)
    doomed = [
        instance
        for model, instances in collector.data.items()
        if reversion.is_registered(model)
        for instance in instances
    ]
    with reversion.create_revision(using=using):
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment("deleted"))
        for instance in doomed:
            reversion.add_to_revision(instance, model_db=using)


# --- Versions of an item ----------------------------------------------------------------------


def versions_of(model, pk):
    """The versions of one item, newest first, with their revisions and editors."""
    return (
        Version.objects.get_for_object_reference(model._meta.concrete_model, pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def deleted_versions(model):
    """The last version of each deleted item of `model`, newest deletion first."""
    concrete = model._meta.concrete_model
    return (
        Version.objects.get_deleted(concrete)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass
class RowState:
    """One row as a version holds it: an unsaved instance and its plain values."""

    pk: int
    obj: models.Model
    values: dict
    links: dict  # many-to-many name -> sorted keys
    repr: str

    def __str__(self):
        try:
            return str(self.obj)
        except (ObjectDoesNotExist, ValueError):  # a related row it names is gone
            return self.repr


def _row_state(version):
    deserialized = version._object_version
    obj = deserialized.object
    model = type(obj)
    links = {
        f.name: sorted(deserialized.m2m_data.get(f.name, []) or []) for f in link_fields(model)
    }
    return RowState(obj.pk, obj, plain_values(model, obj), links, version.object_repr)


@dataclass
class ItemState:
    """An item as one version holds it, with the rows that belong to it."""

    version: Version
    model: type  # concrete
    row: RowState
    parts: dict  # Part -> {pk: RowState}

    @property
    def pk(self):
        return self.row.pk


def item_state(version, model=None):
    """The ItemState of `version` (a version of an item of `model`). Raises
    reversion.errors.RevertError if the version's data cannot be read."""
    model = model or version._model
    row = _row_state(version)
    item_parts = parts(model)
    by_type = {ContentType.objects.get_for_model(part.model): part for part in item_parts}
    part_rows = {part: {} for part in item_parts}
    siblings = version.revision.version_set.filter(content_type__in=list(by_type))
    for sibling in siblings.select_related("content_type"):
        part = by_type[sibling.content_type]
        state = _row_state(sibling)
        if getattr(state.obj, part.fk.attname) == row.pk:
            part_rows[part][state.pk] = state
    for part in item_parts:
        part_rows[part] = dict(sorted(part_rows[part].items(), key=lambda kv: _order(kv[1])))
    return ItemState(version, model._meta.concrete_model, row, part_rows)


def _order(state):
    ordering = state.obj._meta.ordering or ["pk"]
    key = []
    for name in ordering:
        if isinstance(name, str):
            value = state.values.get(name.lstrip("-"))
            key.append((value is None, value if value is not None else 0))
    key.append((False, state.pk))
    return tuple(key)


def empty_state(state):
    """Nothing: what a comparison sets against `state` to show all of it."""
    return ItemState(
        None,
        state.model,
        RowState(state.pk, state.row.obj, {}, {}, ""),
        {part: {} for part in state.parts},
    )


def current_state(model, pk):
    """The item as it is now, in the same shape as a version's (for comparing)."""
    concrete = model._meta.concrete_model
    obj = concrete._base_manager.get(pk=pk)
    row = RowState(
        pk,
        obj,
        plain_values(concrete, obj),
        {
            f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True))
            for f in link_fields(concrete)
        },
        str(obj),
    )
    part_rows = {}
    for part in parts(model):
        rows = part.model._base_manager.filter(**{part.fk.attname: pk})
        part_rows[part] = {
            r.pk: RowState(r.pk, r, plain_values(part.model, r), {}, str(r)) for r in rows
        }
    return ItemState(None, concrete, row, part_rows)


# --- Restoring ------------------------------------------------------------------------------------


class RestoreRefused(Exception):
    """A version cannot be restored: `problems` say why, in the editor's words."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _gone(model, pk):
    """How to name a row that no longer exists: its last version's name if it was deleted."""
    last = Version.objects.get_for_object_reference(model._meta.concrete_model, pk).first()
    if last is None:
        return gettext("%(item)s #%(pk)s") % {"item": model._meta.verbose_name, "pk": pk}
    return gettext("%(item)s “%(name)s” (deleted on %(when)s; recover it first)") % {
        "item": model._meta.verbose_name,
        "name": last.object_repr,
        "when": formats.date_format(
            timezone.localtime(last.revision.date_created), "DATETIME_FORMAT"
        ),
    }


def _missing(row_state, model, skip=(), part=None):
    """What `row_state` points to that no longer exists (foreign keys, links), in the
    editor's words; `part`: the row is one of the item's rows of that Part."""
    gone = []
    for f in tracked_fields(model):
        value = row_state.values.get(f.name)
        if f.many_to_one and value not in (None, "") and f not in skip:
            if not f.related_model._base_manager.filter(pk=value).exists():
                gone.append((f, value))
    for f in link_fields(model):
        wanted = set(row_state.links.get(f.name, []))
        there = f.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        gone += [(f, pk) for pk in sorted(wanted - set(there))]
    problems = []
    for f, pk in gone:
        values = {"field": f.verbose_name, "target": _gone(f.related_model, pk)}
        if part is None:
            problems.append(gettext("Its %(field)s, %(target)s, no longer exists.") % values)
        else:
            values.update(part=part.model._meta.verbose_name, row=row_state)
            problems.append(
                gettext("The %(field)s of its %(part)s “%(row)s”, %(target)s, no longer exists.")
                % values
            )
    return problems


def problems(state):
    """Why `state` cannot be restored as it is, in the editor's words (empty: it can)."""
    found = _missing(state.row, state.model)
    for part, rows in state.parts.items():
        for row in rows.values():
            found += _missing(row, part.model, (part.fk,), part)
    try:
        obj = state.row.obj
        # A revert checks against the other rows, a recovery against all of them.
        obj._state.adding = not state.model._base_manager.filter(pk=obj.pk).exists()
        obj.validate_unique()
        obj.validate_constraints()
    except ValidationError as error:
        found += [str(message) for messages in error.message_dict.values() for message in messages]
    return found


def _restorable(model):
    return [f for f in tracked_fields(model) if f.name not in BOOKKEEPING and not f.primary_key]


def _insert(state, model):
    """Insert a row as a version holds it (its key, its creation time)."""
    obj = state.obj
    obj._state.adding = True
    obj._state.db = None
    obj.save(force_insert=True)
    created_at = state.values.get("created_at")
    if created_at:
        f = model._meta.get_field("created_at")
        value = f.to_python(created_at)
        model._base_manager.filter(pk=obj.pk).update(created_at=value)
        obj.created_at = value
        reversion.add_to_revision(obj)  # the version holds the creation time it was given
    return obj


def restore(state, loaded_version=None):
    """Put the item of `state` back as the version holds it, with its parts and links, inside
    the current `recording()`; return the item.

    The item exists: a revert, checked like a save (`loaded_version`, wic/core/locking.py:
    EditConflict if someone saved since). It was deleted: a recovery. Either way, what the
    version needs and is gone, or what it would clash with, raises RestoreRefused before
    anything is written; the caller's transaction makes the rest all or nothing.
    """
    found = problems(state)
    if found:
        raise RestoreRefused(found)
    model = state.model
    current = model._base_manager.filter(pk=state.pk).first()
    with transaction.atomic(using=router.db_for_write(model)):
        if current is None:
            item = _insert(state.row, model)
        else:
            for f in _restorable(model):
                setattr(current, f.attname, getattr(state.row.obj, f.attname))
            locking.save(current, loaded_version)
            item = current
        for f in link_fields(model):
            getattr(item, f.name).set(state.row.links.get(f.name, []))
        for part, rows in state.parts.items():
            _restore_part(part, item, rows)
    return item


def _restore_part(part, item, rows):
    """The rows of `part` of `item` become `rows`. Rows that differ are deleted and
    inserted again as the version holds them, after every deletion: neither a unique
    constraint (a section's number) nor an order of updates can get in the way. (Such rows
    have no rows of their own that a deletion would take with it.)"""
    now = {row.pk: row for row in part.model._base_manager.filter(**{part.fk.attname: item.pk})}
    same = {
        pk
        for pk, state in rows.items()
        if pk in now and plain_values(part.model, now[pk]) == state.values
    }
    versions = {pk: getattr(row, "edit_version", None) for pk, row in now.items()}
    # A key another row holds now: a row that was never saved for good (a draft's new row,
    # whose key SQLite may give again after the draft's save was rolled back) gets a new one.
    taken = set(
        part.model._base_manager.filter(pk__in=[pk for pk in rows if pk not in now]).values_list(
            "pk", flat=True
        )
    )
    for pk, row in now.items():
        if pk not in same:
            row.delete()
    for pk, state in rows.items():
        if pk in same:
            continue
        if pk in taken:
            state.obj.pk = None
        if versions.get(pk) is not None:
            # An inline form opened before the restore must not find its version again.
            state.obj.edit_version = max(versions[pk], state.obj.edit_version or 0) + 1
        _insert(state, part.model)


# --- An item's state kept aside (a draft) --------------------------------------------------------


def serialized_state(model, pk):
    """The item `pk` of `model` as it is now in the database, with its parts, as plain data
    (Django's "python" serialization, JSON-safe): what a draft keeps (wic/core/drafts.py)."""
    concrete = model._meta.concrete_model
    rows = [concrete._base_manager.get(pk=pk)]
    for part in parts(model):
        rows += list(part.model._base_manager.filter(**{part.fk.attname: pk}).order_by("pk"))
    data = serializers.serialize("python", rows, fields=None)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def state_from_serialized(model, data):
    """The ItemState of `serialized_state()` data, as a version would give it."""
    concrete = model._meta.concrete_model
    by_model = {part.model._meta.concrete_model: part for part in parts(model)}
    row, part_rows = None, {part: {} for part in parts(model)}
    for deserialized in serializers.deserialize("python", data, ignorenonexistent=True):
        obj = deserialized.object
        links = {
            f.name: sorted(deserialized.m2m_data.get(f.name, []) or [])
            for f in link_fields(type(obj))
        }
        state = RowState(obj.pk, obj, plain_values(type(obj), obj), links, str(obj))
        if type(obj)._meta.concrete_model is concrete:
            row = state
        else:
            part_rows[by_model[type(obj)._meta.concrete_model]][obj.pk] = state
    for part in part_rows:
        part_rows[part] = dict(sorted(part_rows[part].items(), key=lambda kv: _order(kv[1])))
    return ItemState(None, concrete, row, part_rows)

"""No lost edits: optimistic locking of content rows.

Every content row has an edit version (`ContentModel.edit_version`). A change form carries the
version the editor loaded, with a signed copy of the values they saw (`encode_values`).
`save()` moves the version by one with a conditional UPDATE (`… WHERE id = %s AND edit_version
= <loaded>`) before writing the row, in one transaction: of two editors who loaded the same
version exactly one wins, however many processes serve the admin, because the database
decides. The other gets `EditConflict`, and the admin shows the form again with what changed
(`compare()`, wic/core/admin.py).
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext

SALT = "wic.core.locking.values"

# How a field changed by someone else ends up in the form shown again after a conflict.
TAKEN_OVER = "taken-over"  # the editor had not touched it: the form now has the saved value
SAME = "same"  # the editor made the same change
BOTH = "both"  # both changed it differently: the form keeps the editor's value

_UNKNOWN = object()


class EditConflict(Exception):
    """The row no longer has the version the editor loaded: someone else saved it meanwhile."""

    def __init__(self, obj):
        super().__init__(f"{obj._meta.label} {obj.pk} was saved by someone else")
        self.obj = obj


def save(obj, loaded_version=None, *, update_fields=None):
    """Save an existing content row and move its edit version by one.

    With `loaded_version`, only if the row still has that version: otherwise raise
    EditConflict and write nothing. Without it (bulk actions, forms that carry no version)
    the save always happens; the version still moves, so open forms learn of it.
    """
    using = router.db_for_write(type(obj), instance=obj)
    row = type(obj)._base_manager.using(using).filter(pk=obj.pk)
    next_version = F("edit_version") + 1
    with transaction.atomic(using=using):
        # The UPDATE both checks and claims the row: it locks it (PostgreSQL) or the database
        # (SQLite) until the transaction ends, so the full save below cannot be overtaken.
        if loaded_version is None:
            row.update(edit_version=next_version)
            obj.edit_version = row.values_list("edit_version", flat=True).get()
        elif row.filter(edit_version=loaded_version).update(edit_version=next_version):
            obj.edit_version = loaded_version + 1
        else:
            raise EditConflict(obj)
        obj.save(using=using, update_fields=update_fields)


# The values an editor saw, and the comparison after a conflict.


def plain(model_field, value):
    """A field's value as JSON carries it, alike whether it comes from the row or the form:
    related objects become primary keys, times UTC, files their name, None text '', line
    breaks LF."""
    if model_field.many_to_many:
        return sorted(_pk(item) for item in value or [])
    if model_field.is_relation:
        return _pk(value)
    if isinstance(model_field, models.FileField):
        return (value.name or "") if isinstance(value, File) else ""
    if value is None and isinstance(model_field, (models.CharField, models.TextField)):
        return ""  # translation columns are NULL-able; the form gives ''
    if isinstance(value, str):
        # Browsers post a text area's line breaks as CRLF: a save that changed nothing must
        # not look like a change of every text with several lines.
        return value.replace("\r\n", "\n")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def row_values(obj, names):
    """The saved values of the fields `names` of `obj`, as `plain()` gives them."""
    fields = [obj._meta.get_field(name) for name in names]
    return {field.name: plain(field, field.value_from_object(obj)) for field in fields}


def encode_values(values, loaded_at=None):
    """What a form carries of the values the editor saw: signed, so it reads back as written."""
    loaded_at = loaded_at or timezone.now()
    return signing.dumps({"at": loaded_at.isoformat(), "values": values}, salt=SALT, compress=True)


def decode_values(token):
    """(values, loaded_at) from `encode_values()`; (None, None) if missing or tampered with."""
    try:
        data = signing.loads(token or "", salt=SALT)
        return data["values"], parse_datetime(data["at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, None


@dataclass(frozen=True)
class Change:
    """One field that someone else changed, with the three values an editor compares."""

    name: str
    label: str
    started_from: str
    saved: str
    yours: str
    outcome: str


@dataclass
class Conflict:
    """Why a form was refused: the row as saved now, its history since the editor opened the
    form (admin LogEntry rows, oldest first) and the fields that changed."""

    obj: models.Model
    history: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    name: str = ""

    def __post_init__(self):
        # As saved: the form puts the editor's input into `obj` after its checks.
        self.name = self.name or str(self.obj)

    @property
    def editors(self):
        """Who saved it meanwhile, each once, in order."""
        names = (entry.user.get_full_name() or entry.user.get_username() for entry in self.history)
        return list(dict.fromkeys(names))

    @property
    def verbose_name(self):
        return self.obj._meta.verbose_name

    @property
    def saved_at(self):
        return self.history[-1].action_time if self.history else self.obj.updated_at


def conflict_message(conflict):
    when = formats.date_format(timezone.localtime(conflict.saved_at), "DATETIME_FORMAT")
    item = conflict.obj._meta.verbose_name
    if conflict.editors:
        return gettext(
            "%(editors)s saved this %(item)s on %(when)s, while you were editing it. Nothing "
            "you entered has been saved yet: check the changes listed at the top of the "
            "form, then save again."
        ) % {"editors": ", ".join(conflict.editors), "item": item, "when": when}
    return gettext(
        "Someone else saved this %(item)s on %(when)s, while you were editing it. Nothing "
        "you entered has been saved yet: check the changes listed at the top of the form, "
        "then save again."
    ) % {"item": item, "when": when}


def compare(obj, started_from, saved, yours):
    """The fields of `obj` whose saved value differs from the one the editor started from.

    `started_from` is None when the form did not carry readable values: then every field
    whose saved value differs from the editor's own is listed, as changed by both.
    """
    changes = []
    for name, now in saved.items():
        start = _UNKNOWN if started_from is None else started_from.get(name, _UNKNOWN)
        if start == now:
            continue
        mine = yours.get(name)
        if start is _UNKNOWN:
            if mine == now:
                continue
            outcome = BOTH
        elif mine == start:
            outcome = TAKEN_OVER
        elif mine == now:
            outcome = SAME
        else:
            outcome = BOTH
        model_field = obj._meta.get_field(name)
        changes.append(
            Change(
                name=name,
                label=label(model_field),
                started_from="?" if start is _UNKNOWN else display(model_field, start),
                saved=display(model_field, now),
                yours=display(model_field, mine),
                outcome=outcome,
            )
        )
    return changes


def history(obj, since, limit=10):
    """The admin's latest history entries of `obj` after `since` (any time if None), oldest
    first, at most `limit`.

    A proxy (Forum) and its concrete model (Session) each have their own admin and log under
    their own content type: both count.
    """
    types = {
        ContentType.objects.get_for_model(obj, for_concrete_model=False),
        ContentType.objects.get_for_model(obj),
    }
    entries = LogEntry.objects.filter(content_type__in=types, object_id=str(obj.pk))
    if since is not None:
        entries = entries.filter(action_time__gt=since)
    latest = entries.select_related("user").order_by("-action_time", "-pk")[:limit]
    return list(reversed(latest))


def label(model_field):
    """The field's name as editors read it; a translated field names its language."""
    original = getattr(model_field, "translated_field", None)
    if original is None:
        return str(capfirst(model_field.verbose_name))
    languages = dict(settings.LANGUAGES)
    # Translators: a field in one language in the list of changes, e.g. "Title (English)".
    return gettext("%(field)s (%(language)s)") % {
        "field": capfirst(original.verbose_name),
        "language": languages.get(model_field.language, model_field.language),
    }


def display(model_field, value):
    """A `plain()` value (or raw form input) as editors read it."""
    if value in (None, "", []):
        return gettext("(empty)")
    if isinstance(value, str) and model_field.is_relation and not value.isdigit():
        return value  # raw input that did not validate
    if hasattr(model_field, "display_value") and isinstance(value, list):
        return model_field.display_value(value)  # e.g. the site's-translation marks
    if model_field.many_to_many:
        related = model_field.related_model._base_manager.in_bulk(value)
        return ", ".join(str(related.get(pk, pk)) for pk in value)
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, (models.DateField, models.TimeField)):
        try:
            value = model_field.to_python(value)
        except ValidationError:  # raw input that did not validate
            return str(value)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.localize(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)

"""The public change log: what the site changed in its published content, and when.

`record()` runs at the end of every editorial action (wic/core/history.py), in its
transaction, and writes one PublicChange per item that is public after the action and either
was not before ("published") or had a public field changed ("changed"): which fields, in
which languages, never their text. The rows that belong to an item (a document's sections,
a session's speakers) count as the item's (a section's heading changed: "Sections: Heading
(English)"), unless they were unpublished before and after. Editors' bookkeeping (the source
note, the order, the edit version, timestamps) is never a public change, and fixture loads
are not editorial changes.

What the log shows is `PublicChange.objects.visible()`: only changes of items public now, so
an item unpublished or deleted since leaves the log.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from .i18n import LANGUAGES
from .models import PublicChange
from .publication import is_content_model, is_public, public_q

# Fields whose change is nobody's business but the editors'.
PRIVATE_FIELDS = frozenset(
    {"id", "is_published", "sort_order", "source", "created_at", "updated_at", "edit_version"}
)


def record(change):
    """Write the PublicChange rows that `change` (a history.Change) calls for."""
    from .history import parents

    items = {}  # (item model, pk) -> {"before": values or None, "fields": {(part, name): langs}}

    def item(model, pk):
        return items.setdefault((model, pk), {"before": None, "fields": {}, "seen": False})

    for (model, pk), row in change.rows.items():
        if row.raw or (row.before is None and row.after is None):
            continue
        values = row.after or row.before
        owner = next(
            (
                (item_model, values.get(part.fk.name), part)
                for item_model, part in parents(model).items()
                if (item_model, values.get(part.fk.name)) in change.rows
            ),
            None,
        )
        if owner is None and is_content_model(model):
            entry = item(model, pk)
            entry["seen"] = True
            entry["before"] = row.before
            _add_fields(entry["fields"], "", model, row.before or {}, row.after or {})
        elif owner is not None:
            if is_content_model(model) and not (
                is_public(row.before or {}) or is_public(row.after or {})
            ):
                continue  # a draft row of the item: never public
            item_model, item_pk, part = owner
            entry = item(item_model, item_pk)
            label = model._meta.label_lower
            if row.before is None or row.after is None:
                entry["fields"].setdefault((label, ""), set())
            else:
                _add_fields(entry["fields"], label, model, row.before, row.after, part.fk.name)
    for (model, pk), names in change.links.items():
        entry = item(model._meta.concrete_model, pk)
        for name in names:
            entry["fields"].setdefault(("", name), set())
    for (model, pk), entry in items.items():
        _write(change, model, pk, entry)


def _add_fields(fields, part, model, before, after, owner_field=None):
    for name in after.keys() | before.keys():
        if name in PRIVATE_FIELDS or name == owner_field or before.get(name) == after.get(name):
            continue
        model_field = model._meta.get_field(name)
        original = getattr(model_field, "translated_field", None)
        if original is not None:
            fields.setdefault((part, original.name), set()).add(model_field.language)
        else:
            fields.setdefault((part, name), set())


def _write(change, model, pk, entry):
    obj = model._base_manager.filter(pk=pk, is_published=True).first()
    # An item scheduled to appear is logged as changed when it appears (the log shows no
    # change before its time, PublicChange.objects.visible()).
    at = max(change.at, obj.publish_at or change.at) if obj is not None else change.at
    if obj is None or not model._base_manager.filter(public_q(model, at), pk=pk).exists():
        return  # not public after the change (nor then): nothing for the log
    was_public = (
        entry["seen"] and entry["before"] is not None and is_public(entry["before"], now=at)
    )
    note = {lang: (change.note.get(lang) or "").strip() for lang in LANGUAGES}
    if was_public:
        if not entry["fields"] and not any(note.values()):
            return
        kind = PublicChange.Kind.CHANGED
    elif entry["seen"]:
        kind = PublicChange.Kind.PUBLISHED
    elif not entry["fields"]:
        return
    else:
        kind = PublicChange.Kind.CHANGED
    public = PublicChange(
        content_type=ContentType.objects.get_for_model(model),
        object_id=pk,
        kind=kind,
        fields=[
            [part, name, [lang for lang in LANGUAGES if lang in langs]]
            for (part, name), langs in sorted(entry["fields"].items())
        ]
        if kind == PublicChange.Kind.CHANGED
        else [],
        changed_at=at,
    )
    for lang in LANGUAGES:
        with translation.override(lang):
            setattr(public, build_localized_fieldname("title", lang), str(obj)[:300])
        setattr(public, build_localized_fieldname("note", lang), note[lang][:300])
    public.save()

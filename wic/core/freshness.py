"""Translations that may be out of date: the one definition, shared by the admin (the mark
beside a field, the list column and filter), `check_content --stale` and the tests.

A translated field's text in language L *may be out of date* when its text in another
language S changed after L's was last confirmed. `record()` keeps that up to date at the end
of every editorial action (wic/core/history.py, in the action's transaction), from each
row's values before and after:

- S changed and L did not, and L has text: L is marked (a TranslationCheck row, with S's
  text before and after and since when). A further change of S keeps the first "before";
  S put back as it was clears the mark.
- L changed (an editor updated it): L's mark is cleared, and L's change marks no other
  language: it was the translation catching up.
- Both changed in one save: both are taken as written together, nothing is marked.
- A new row, a row loaded from the seed (`loaddata`): its texts count as confirmed.
- An editor confirms with one click that L still holds (`confirm()`, recorded: who, when).

Only modeltranslation's translated text fields are concerned (never slugs, numbers, dates),
and an empty L is not "out of date" but missing (wic/core/translation_status.py).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from modeltranslation.utils import build_localized_fieldname

from .i18n import LANGUAGES
from .models import TranslationCheck
from .translation_status import translated_fields


def record(change):
    """Mark and clear what `change` (a history.Change) calls for."""
    loaded = {}
    for row in change.rows.values():
        names = translated_fields(row.model)
        if not names:
            continue
        content_type = ContentType.objects.get_for_model(row.model)
        if row.raw:
            loaded.setdefault(content_type, set()).add(row.pk)
        elif row.before is not None and row.after is not None:
            for name in names:
                _field_changed(change, content_type, row, name)
    for content_type, pks in loaded.items():
        TranslationCheck.objects.open().filter(content_type=content_type, object_id__in=pks).update(
            resolved_at=change.at, resolved_by=None, resolution=TranslationCheck.Resolution.LOADED
        )
    if change.confirmations:
        confirm(change.confirmations, change, _rows_of(change))


def _texts(values, name):
    return {lang: values.get(build_localized_fieldname(name, lang)) or "" for lang in LANGUAGES}


def _field_changed(change, content_type, row, name):
    before, after = _texts(row.before, name), _texts(row.after, name)
    changed = [lang for lang in LANGUAGES if before[lang] != after[lang]]
    if not changed:
        return
    marks = {
        mark.language: mark
        for mark in TranslationCheck.objects.open().filter(
            content_type=content_type, object_id=row.pk, field=name
        )
    }
    caught_up = {lang for lang in changed if lang in marks}
    for lang in caught_up:
        _resolve(marks.pop(lang), change, TranslationCheck.Resolution.UPDATED)
    if len(changed) != 1 or caught_up:
        # Written together, or the translation catching up with the other language.
        return
    (source,) = changed
    for lang in LANGUAGES:
        if lang == source or not after[lang]:
            continue
        mark = marks.get(lang)
        if mark is not None:
            mark.source_after = after[source]
            if mark.source_after == mark.source_before:
                _resolve(mark, change, TranslationCheck.Resolution.SOURCE_RESTORED)
            else:
                mark.save(update_fields=["source_after"])
        elif before[source]:  # a text written where there was none translates, it is not new
            TranslationCheck.objects.create(
                content_type=content_type,
                object_id=row.pk,
                field=name,
                language=lang,
                source_language=source,
                source_before=before[source],
                source_after=after[source],
                since=change.at,
                changed_by=change.user,
            )


def _resolve(mark, change, resolution):
    mark.resolved_at = change.at
    mark.resolved_by = change.user
    mark.resolution = resolution
    mark.save(update_fields=["resolved_at", "resolved_by", "resolution"])


def _rows_of(change):
    return {
        (ContentType.objects.get_for_model(row.model).pk, row.pk)
        for row in change.rows.values()
        if row.after is not None
    }


def confirm(pks, change, rows):
    """Confirm the open marks `pks` of the rows `rows` ({(content type pk, pk)}) or of rows
    that belong to them (a section of a document): the translation still holds. Returns
    how many were confirmed; a mark of anything else is left alone."""
    from .history import parents

    count = 0
    wanted = [pk for pk in pks if str(pk).isdigit()]
    for mark in (
        TranslationCheck.objects.open().filter(pk__in=wanted).select_related("content_type")
    ):
        owners = {(mark.content_type_id, mark.object_id)}
        model = mark.content_type.model_class()
        for item_model, part in parents(model).items() if model else ():
            item_pk = (
                part.model._base_manager.filter(pk=mark.object_id)
                .values_list(part.fk.attname, flat=True)
                .first()
            )
            owners.add((ContentType.objects.get_for_model(item_model).pk, item_pk))
        if owners & rows:
            _resolve(mark, change, TranslationCheck.Resolution.CONFIRMED)
            count += 1
    return count


# --- Reading the marks ------------------------------------------------------------------------


def marks_of(obj):
    """The open marks of one row, by column: {"summary_en": mark}."""
    return {
        build_localized_fieldname(mark.field, mark.language): mark
        for mark in TranslationCheck.objects.open().of(obj).select_related("changed_by")
    }


def _open(model, language=None):
    marks = TranslationCheck.objects.open().filter(
        content_type=ContentType.objects.get_for_model(model)
    )
    return marks.filter(language=language) if language else marks


def stale_q(model, language=None):
    """The items of `model` with a mark in `language` (any if None), on their own fields or
    on the rows that belong to them (a document's sections)."""
    from .history import parts

    q = Q(pk__in=_open(model, language).values("object_id"))
    for part in parts(model):
        rows = part.model._base_manager.filter(
            pk__in=_open(part.model, language).values("object_id")
        )
        q |= Q(pk__in=rows.values(part.fk.attname))
    return q


def stale_exists(model, language=None):
    """`stale_q` as an expression to annotate a queryset of `model` with."""
    from .history import parts

    term = Exists(_open(model, language).filter(object_id=OuterRef("pk")))
    for part in parts(model):
        rows = part.model._base_manager.filter(
            **{part.fk.attname: OuterRef("pk")},
            pk__in=_open(part.model, language).values("object_id"),
        )
        term |= Exists(rows)
    return term


def _forget(sender, instance, **kwargs):
    TranslationCheck.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def connect():
    """A deleted row takes its marks with it (a recovered one starts confirmed)."""
    from django.db.models.signals import post_delete

    from .publication import content_apps

    for config in content_apps():
        for model in config.get_models():
            if translated_fields(model):
                post_delete.connect(
                    _forget, sender=model, dispatch_uid=f"wic-fresh-{model._meta.label}"
                )


def stale_languages(obj):
    """The languages in which `obj` (an item) has a mark, on its fields or its rows'."""
    model = type(obj)
    found = set(_open(model).filter(object_id=obj.pk).values_list("language", flat=True))
    from .history import parts

    for part in parts(model):
        rows = part.model._base_manager.filter(**{part.fk.attname: obj.pk}).values("pk")
        found |= set(
            _open(part.model).filter(object_id__in=rows).values_list("language", flat=True)
        )
    return [lang for lang in LANGUAGES if lang in found]

"""Two versions of an item side by side: per language, field by field, changed words marked.

`compare(a, b)` takes two history.ItemStates (versions, or the item as it is now) and gives
what the admin's compare page shows (templates/admin/wic/compare.html): a table per language
of the translated fields that differ (the item's and its rows': "Sections “2. …”: Heading"),
then the other fields that differ (dates, links, which rows there are). Only what differs is
listed; `unchanged` counts the rest. Words are marked by wic.core.diff (Chinese by character).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext
from modeltranslation.utils import build_localized_fieldname

from . import locking
from .diff import diff
from .history import BOOKKEEPING, link_fields, tracked_fields, translated_originals
from .i18n import LANGUAGES


@dataclass
class Line:
    """One field of both versions: its label and each side's pieces (wic.core.diff.Piece)."""

    label: str
    old: list
    new: list


@dataclass
class Comparison:
    languages: list = field(default_factory=list)  # [(code, name, [Line])]
    other: list = field(default_factory=list)  # [Line]
    unchanged: int = 0

    @property
    def changed(self):
        return bool(self.other) or any(lines for _code, _name, lines in self.languages)


def _line(label, old, new):
    old_pieces, new_pieces = diff(old, new)
    return Line(str(label), old_pieces, new_pieces)


def _fields(model, skip=()):
    """(translated originals, other fields) of `model` that a comparison shows."""
    originals = sorted(
        translated_originals(model), key=lambda name: model._meta.get_field(name).creation_counter
    )
    others = [
        f
        for f in tracked_fields(model)
        if f.name not in BOOKKEEPING
        and f.name not in skip
        and getattr(f, "translated_field", None) is None
    ]
    return originals, others


def _compare_row(comparison, per_language, model, old, new, prefix="", skip=()):
    """Add the differences of one row (old/new: RowState or None) to the comparison."""
    originals, others = _fields(model, skip)
    for name in originals:
        label = capfirst(model._meta.get_field(name).verbose_name)
        if prefix:
            label = gettext("%(row)s: %(field)s") % {"row": prefix, "field": label}
        for lang in LANGUAGES:
            column = build_localized_fieldname(name, lang)
            before = old.values.get(column) if old else ""
            after = new.values.get(column) if new else ""
            if (before or "") == (after or ""):
                comparison.unchanged += 1
            else:
                per_language[lang].append(_line(label, before or "", after or ""))
    if old is None or new is None:
        return  # a row added or removed: the list of rows says so
    for f in others:
        before, after = old.values.get(f.name), new.values.get(f.name)
        if before == after:
            comparison.unchanged += 1
            continue
        label = capfirst(f.verbose_name)
        if prefix:
            label = gettext("%(row)s: %(field)s") % {"row": prefix, "field": label}
        comparison.other.append(_line(label, locking.display(f, before), locking.display(f, after)))
    for f in link_fields(model):
        before, after = old.links.get(f.name, []), new.links.get(f.name, [])
        if before == after:
            comparison.unchanged += 1
        else:
            comparison.other.append(
                _line(
                    capfirst(f.verbose_name), locking.display(f, before), locking.display(f, after)
                )
            )


def compare(a, b):
    """The Comparison of ItemStates `a` (older, usually) and `b`."""
    comparison = Comparison()
    per_language = {lang: [] for lang in LANGUAGES}
    _compare_row(comparison, per_language, a.model, a.row, b.row)
    for part in a.parts.keys() | b.parts.keys():
        old_rows, new_rows = a.parts.get(part, {}), b.parts.get(part, {})
        listed_old = "\n".join(str(row) for row in old_rows.values())
        listed_new = "\n".join(str(row) for row in new_rows.values())
        if listed_old != listed_new:
            comparison.other.append(_line(part.label, listed_old, listed_new))
        for pk in [*old_rows, *(pk for pk in new_rows if pk not in old_rows)]:
            old, new = old_rows.get(pk), new_rows.get(pk)
            prefix = gettext("%(part)s “%(row)s”") % {
                "part": capfirst(part.model._meta.verbose_name),
                "row": new or old,
            }
            _compare_row(
                comparison, per_language, part.model, old, new, prefix, skip=(part.fk.name,)
            )
    names = dict(settings.LANGUAGES)
    comparison.languages = [
        (lang, str(names.get(lang, lang)), per_language[lang]) for lang in LANGUAGES
    ]
    return comparison

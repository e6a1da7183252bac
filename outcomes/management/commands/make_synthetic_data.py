"""Multiply every content table by N with marked, bilingual synthetic rows, for the benchmark.

    python manage.py make_synthetic_data --factor 100 --yes

Only the benchmark (`make bench`, bench/run.py) runs this, against its own throw-away
database; `make run` and `make seed` never do. It lives in `outcomes` because it has to cover
both apps: outcomes may import events (never the reverse), and `wic` holds nothing
conference-specific. One command also means one transaction and one `--replace`.

It records nothing in the editorial history (wic/core/history.py): its rows are bulk-inserted
(no signals) into the benchmark's throw-away database, where a version of each would only
slow the set-up and weigh on the measured database.

Every copy is unmistakable: `source` is "synthetic benchmark data", slugs start with `syn-`,
Chinese text starts with "［合成］" and English text with "[Synthetic] ". Copies are published
so that pages show them.

Shape of the data, meant to be what a site with N times the content would hold:
- An edition's lists grow in that edition: its programme, timeline, documents,
  achievements and press evaluations (the 2018 agenda: N × its seed items, spread over the
  edition's days, parts of day, tracks and venues).
- What one real edition has a handful of, and editors keep inline on the edition's form,
  does not: copies of its hosts and co-organizers, key figures, tracks and highlights go
  to the synthetic editions (years 3000 and up; copy k to synthetic edition k), so each
  edition keeps a realistic number of them while their tables still grow N times.
- Copy k of a row points at copy k of every row it refers to (organizations, people,
  sections…), except where the reference is to a short fixed list: programme items keep
  their edition's tracks and halls, achievements the technology fields.
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import translation
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.utils import build_localized_fieldname

from events.models import (
    Edition,
    EditionRole,
    Highlight,
    KeyFigure,
    Milestone,
    Organization,
    Person,
    Session,
    SessionOrganizer,
    SessionSpeaker,
    Track,
    Venue,
)
from outcomes.models import Achievement, Document, DocumentSection, Field, PressEvaluation
from wic.core import search
from wic.core.cache import invalidate_all
from wic.core.management.base import OperatorCommand

SOURCE = "synthetic benchmark data"
SLUG_PREFIX = "syn-"
TEXT_MARKS = {"zh-hans": "［合成］", "en": "[Synthetic] "}
BATCH_SIZE = 500
FIRST_YEAR = 3000  # synthetic editions live far from any real year
FIRST_NUMBER = 1000
MAX_FACTOR = 1000

# An edition's parts that a real edition has a bounded number of: copies go to the
# synthetic editions instead of multiplying within one edition.
EDITION_PARTS = (EditionRole, KeyFigure, Track, Highlight)

# Creation order: a table comes after every table it refers to. Deletion runs backwards.
TABLES = [
    Organization,
    Person,
    Venue,
    Field,
    Edition,
    EditionRole,
    KeyFigure,
    Track,
    Session,
    SessionOrganizer,
    SessionSpeaker,
    Milestone,
    Highlight,
    Document,
    DocumentSection,
    Achievement,
    Achievement.fields.through,
    PressEvaluation,
]


def has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def synthetic_rows(model):
    """The synthetic rows of a table: marked by `source`, or (link tables) linking a marked row."""
    if has_field(model, "source"):
        return model._base_manager.filter(source=SOURCE)
    links = Q()
    for field in model._meta.concrete_fields:
        if field.is_relation and has_field(field.related_model, "source"):
            links |= Q(**{f"{field.name}__source": SOURCE})
    return model._base_manager.filter(links)


def table_counts():
    return {model._meta.label: model._base_manager.count() for model in TABLES}


def shift_year(day, years):
    """The same day `years` later (29 February becomes the 28th in a common year)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Command(OperatorCommand):
    help = (
        "Add synthetic, clearly marked, bilingual copies of every content row, so that every "
        "table holds FACTOR times its rows. For the benchmark database only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=int,
            default=100,
            help="Each table ends up with this many times its rows (default 100).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic rows of an earlier run first.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that this database is a benchmark database (required).",
        )

    def handle(self, *args, factor, replace, yes, **options):
        db_name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        if not yes:
            raise CommandError(
                f"This adds {factor}× synthetic rows to the database {db_name}. It is meant for "
                "the benchmark's own database (make bench); pass --yes to confirm."
            )
        if not 2 <= factor <= MAX_FACTOR:
            raise CommandError(f"--factor must be between 2 and {MAX_FACTOR}.")

        started = time.monotonic()
        # Modeltranslation fills the untranslated column from the active language, as save() does.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            present = any(synthetic_rows(model).exists() for model in TABLES)
            if present and not replace:
                raise CommandError(
                    "Synthetic data is already present; pass --replace to rebuild it."
                )
            if present:
                self.delete_synthetic()
            before = table_counts()
            Copier(factor).run()
            # Bulk inserts send no signals: the search index and the cached pages follow here.
            search.rebuild()
            invalidate_all()
            after = table_counts()

        for label, count in after.items():
            self.stdout.write(f"{label}: {before[label]} → {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data ×{factor} written to {db_name} in "
                f"{time.monotonic() - started:.1f} s."
            )
        )

    def delete_synthetic(self):
        # A synthetic venue may be the parent (PROTECT) of another: unlink them first.
        synthetic_rows(Venue).update(parent=None)
        for model in reversed(TABLES):
            synthetic_rows(model).delete()


class Copier:
    """Builds copies 1 … factor-1 of every row, table by table, with bulk inserts."""

    def __init__(self, factor):
        self.copies = range(1, factor)
        # {model: {original pk: [pk of copy 1, pk of copy 2, …]}}
        self.copy_pks = {}
        self.editions = list(Edition._base_manager.order_by("pk"))
        self.edition_days = {
            edition.pk: [
                edition.starts_on + datetime.timedelta(days=offset)
                for offset in range((edition.ends_on - edition.starts_on).days + 1)
            ]
            for edition in self.editions
        }
        self.venue_pks = list(Venue._base_manager.order_by("pk").values_list("pk", flat=True))
        self.track_pks = {}
        for track in Track._base_manager.order_by("pk"):
            self.track_pks.setdefault(track.edition_id, []).append(track.pk)
        self.first_year = max([FIRST_YEAR] + [e.year + 1 for e in self.editions])
        self.first_number = max([FIRST_NUMBER] + [e.number + 1 for e in self.editions])

    def run(self):
        for model in TABLES:
            self.copy_table(model)
        self.link_venue_parents()

    def copy_table(self, model):
        originals = list(model._base_manager.order_by("pk"))
        clones = [
            self.clone(model, original, position, copy)
            for copy in self.copies
            for position, original in enumerate(originals)
        ]
        # The database returns the new pks in order: copy 1 of every row, then copy 2…
        model._base_manager.bulk_create(clones, batch_size=BATCH_SIZE)
        pks = self.copy_pks[model] = {original.pk: [] for original in originals}
        for index, clone in enumerate(clones):
            pks[originals[index % len(originals)].pk].append(clone.pk)

    def copy_of(self, model, pk, copy):
        return None if pk is None else self.copy_pks[model][pk][copy - 1]

    def clone(self, model, original, position, copy):
        translated = get_translatable_fields_for_model(model) or []
        translation_columns = {
            build_localized_fieldname(name, code)
            for name in translated
            for code, _label in settings.LANGUAGES
        }
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in translated or field.name in translation_columns:
                continue  # new pk; modeltranslation derives the untranslated text column
            value = getattr(original, field.attname)
            if isinstance(value, FieldFile):
                value = value.name  # the copy shares the original's file
            if field.is_relation and self.points_at_copy(model, field):
                # Copy k points at copy k; a venue's parent is linked once all venues exist.
                related = field.related_model
                value = None if related is model else self.copy_of(related, value, copy)
            values[field.attname] = value
        for name in translated:
            values.update(self.marked_text(model, original, name))
        if has_field(model, "source"):
            values["source"] = SOURCE
            values["is_published"] = True
        if has_field(model, "slug"):
            values["slug"] = self.slug(model, original, copy)
        adjust = getattr(self, f"adjust_{model._meta.model_name}", None)
        if adjust:
            adjust(values, original, position, copy)
        return model(**values)

    @staticmethod
    def points_at_copy(model, field):
        """Whether copy k of a `model` row refers to copy k of the row `field` names, or
        to the same row as the original does."""
        if field.related_model is Edition:
            return model in EDITION_PARTS  # lists stay in their edition, parts move
        if model is Session and field.name in ("track", "venue"):
            return False  # an edition's own tracks and halls (spread: adjust_session)
        if model is Achievement.fields.through and field.related_model is Field:
            return False  # the technology fields are a short list
        return True

    def marked_text(self, model, original, name):
        max_length = model._meta.get_field(name).max_length
        texts = {
            code: getattr(original, build_localized_fieldname(name, code)) or ""
            for code, _label in settings.LANGUAGES
        }
        fallback = next((text for text in texts.values() if text), "")
        marked = {}
        for code, text in texts.items():
            text = text or fallback  # both languages filled, even where the seed has one
            if text:
                text = (TEXT_MARKS.get(code, TEXT_MARKS["en"]) + text)[:max_length]
            marked[build_localized_fieldname(name, code)] = text
        return marked

    def slug(self, model, original, copy):
        max_length = model._meta.get_field("slug").max_length
        slug = f"{SLUG_PREFIX}{copy}-{original.slug}"
        if len(slug) > max_length:  # the pk keeps a shortened slug unique
            slug = f"{SLUG_PREFIX}{copy}-{original.pk}-{original.slug}"[:max_length]
        return slug

    # Per-table adjustments, found by model name.

    def adjust_edition(self, values, original, position, copy):
        year = self.first_year + (copy - 1) * len(self.editions) + position
        values["year"] = year
        values["number"] = self.first_number + (copy - 1) * len(self.editions) + position
        values["is_current"] = False
        for name in ("starts_on", "ends_on"):
            values[name] = shift_year(values[name], year - original.year)

    def adjust_session(self, values, original, position, copy):
        # Spread the copies over the edition's days, parts of day, tracks and venues.
        days = self.edition_days.get(original.edition_id, [])
        if original.date in days:
            values["date"] = days[(days.index(original.date) + copy) % len(days)]
        if original.starts_at is None:
            parts = list(Session.PartOfDay.values)
            values["part_of_day"] = parts[(parts.index(original.part_of_day) + copy) % len(parts)]
        tracks = self.track_pks.get(original.edition_id)
        if original.track_id is None and tracks:
            values["track_id"] = tracks[(position + copy) % len(tracks)]
        if original.venue_id is None and self.venue_pks:
            values["venue_id"] = self.venue_pks[(position + copy) % len(self.venue_pks)]

    def link_venue_parents(self):
        children = Venue._base_manager.filter(source=SOURCE, slug__startswith=SLUG_PREFIX)
        parents = {
            copy_pk: (original_pk, copy)
            for original_pk, copy_pks in self.copy_pks[Venue].items()
            for copy, copy_pk in enumerate(copy_pks, start=1)
        }
        originals = dict(Venue._base_manager.values_list("pk", "parent_id"))
        linked = []
        for venue in children.only("pk"):
            original_pk, copy = parents[venue.pk]
            if originals[original_pk] is not None:
                venue.parent_id = self.copy_of(Venue, originals[original_pk], copy)
                linked.append(venue)
        Venue._base_manager.bulk_update(linked, ["parent"], batch_size=BATCH_SIZE)

"""The benchmark's synthetic data set: `make_synthetic_data --factor N --yes`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from modeltranslation.manager import get_translatable_fields_for_model

from events.models import (
    Edition,
    EditionRole,
    Highlight,
    KeyFigure,
    Session,
    SessionOrganizer,
    SessionSpeaker,
    Track,
    Venue,
)
from outcomes.management.commands.make_synthetic_data import SOURCE, TABLES, table_counts
from outcomes.models import Achievement
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_field,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_section,
    make_session,
    make_track,
    make_venue,
)
from wic.core.cache import content_version

MARKS = {"zh_hans": "［合成］", "en": "[Synthetic] "}
DAYS = [datetime.date(2018, 11, 7), datetime.date(2018, 11, 8), datetime.date(2018, 11, 9)]


@pytest.fixture
def content():
    """At least one row in every table the command copies, linked as in the seed."""
    edition = make_edition(year=2018, number=5, is_current=True)
    host = make_organization(slug="cac")
    person = make_person(organization=host)
    building = make_venue(slug="convention-centre")
    hall = make_venue(slug="hall-106", parent=building)
    track = make_track(edition=edition)
    EditionRole.objects.create(edition=edition, organization=host, role=EditionRole.Role.HOST)
    forum = make_session(
        edition=edition,
        venue=hall,
        track=track,
        date=DAYS[1],
        starts_at=datetime.time(8, 45),
        ends_at=datetime.time(12, 10),
        summary_zh_hans="只有中文摘要",
        summary_en="",
    )
    make_session(edition=edition, kind=Session.Kind.OPENING, date=DAYS[0])
    make_session(edition=edition, date=DAYS[2], is_published=False)
    SessionOrganizer.objects.create(session=forum, organization=host)
    SessionSpeaker.objects.create(session=forum, person=person)
    make_key_figure(edition=edition)
    make_milestone(edition=edition)
    make_highlight(edition=edition, number=5)
    document = make_document(edition=edition, issuer=host)
    make_section(document=document, number=1)
    make_achievement(edition=edition, organization=host, fields=[make_field()])
    make_press_evaluation(edition=edition, outlet=host, author=person)
    return edition


def make_synthetic_data(factor=3, **options):
    call_command("make_synthetic_data", factor=factor, yes=True, stdout=io.StringIO(), **options)


def synthetic_rows(model):
    return model._base_manager.filter(source=SOURCE)


def content_models():
    return [model for model in TABLES if hasattr(model, "source")]


@pytest.mark.django_db
def test_every_table_grows_by_the_factor(content):
    before = table_counts()

    make_synthetic_data(factor=3)

    assert all(before.values())  # the fixture fills every table
    assert table_counts() == {label: 3 * count for label, count in before.items()}


@pytest.mark.django_db
def test_every_synthetic_row_is_marked_in_both_languages(content):
    make_synthetic_data(factor=3)

    for model in content_models():
        rows = list(synthetic_rows(model))
        fields = get_translatable_fields_for_model(model)
        assert rows, model
        assert all(row.is_published for row in rows), model
        if hasattr(model, "slug"):
            assert all(row.slug.startswith("syn-") for row in rows), model
        for row in rows:
            for name in fields:
                texts = {lang: getattr(row, f"{name}_{lang}") for lang in MARKS}
                if any(texts.values()):
                    assert all(texts[lang].startswith(MARKS[lang]) for lang in MARKS), (row, name)


@pytest.mark.django_db
def test_a_one_language_text_is_copied_into_both_languages(content):
    make_synthetic_data(factor=2)

    copy = Session.objects.get(slug__startswith="syn-1-", summary_zh_hans__contains="只有中文摘要")

    assert (copy.summary_zh_hans, copy.summary_en) == (
        "［合成］只有中文摘要",
        "[Synthetic] 只有中文摘要",
    )


@pytest.mark.django_db
def test_the_seed_rows_are_left_as_they_were(content):
    before = {model: list(model._base_manager.values()) for model in content_models()}

    make_synthetic_data(factor=3)

    for model, rows in before.items():
        assert list(model._base_manager.exclude(source=SOURCE).values()) == rows, model


@pytest.mark.django_db
def test_copies_of_the_agenda_stay_in_the_edition_spread_over_its_days(content):
    published, total = 2, 3  # the fixture's edition has one draft session

    make_synthetic_data(factor=4)

    agenda = Session.objects.published().filter(edition=content)
    assert agenda.count() == published + (4 - 1) * total
    assert sorted(set(agenda.values_list("date", flat=True))) == DAYS
    assert synthetic_rows(Session).filter(~Q(edition=content)).count() == 0
    assert synthetic_rows(Session).filter(track=None).count() == 0
    assert synthetic_rows(Session).filter(venue=None).count() == 0


@pytest.mark.django_db
def test_copies_link_to_copies_of_the_same_number(content):
    forum = Session.objects.get(venue__slug="hall-106")

    make_synthetic_data(factor=3)

    forum_copy = Session.objects.get(slug=f"syn-2-{forum.slug}")
    organizers = [org.slug for org in forum_copy.organizers.all()]
    speakers = [person.slug for person in forum_copy.speakers.all()]
    achievement = Achievement.objects.get(slug__startswith="syn-2-")

    assert organizers == ["syn-2-cac"]
    assert len(speakers) == 1 and speakers[0].startswith("syn-2-")
    assert achievement.organization.slug == "syn-2-cac"
    # The edition's own halls and tracks, the same short list of technology fields.
    assert forum_copy.venue == forum.venue
    assert forum_copy.track == forum.track
    assert [f.slug for f in achievement.fields.all()] == [
        f.slug for f in Achievement.objects.get(slug=achievement.slug[6:]).fields.all()
    ]
    # Venues are copied all the same, each hall in the copy of its building.
    hall_copy = Venue.objects.get(slug="syn-2-hall-106")
    assert hall_copy.parent.slug == "syn-2-convention-centre"


@pytest.mark.django_db
def test_an_edition_keeps_its_number_of_hosts_figures_tracks_and_highlights(content):
    parts = [EditionRole, KeyFigure, Track, Highlight]
    before = {model: model.objects.filter(edition=content).count() for model in parts}

    make_synthetic_data(factor=3)

    editions = [content, *synthetic_rows(Edition).order_by("year")]
    for model in parts:
        assert [model.objects.filter(edition=e).count() for e in editions] == [before[model]] * 3


@pytest.mark.django_db
def test_synthetic_editions_are_marked_and_never_current(content):
    make_synthetic_data(factor=3)

    editions = list(synthetic_rows(Edition).order_by("year"))

    assert [(e.year, e.starts_on, e.is_current) for e in editions] == [
        (3000, datetime.date(3000, 11, 7), False),
        (3001, datetime.date(3001, 11, 7), False),
    ]
    assert [e.name_en for e in editions] == ["[Synthetic] " + content.name_en] * 2
    assert Edition.objects.get(is_current=True) == content


@pytest.mark.django_db
def test_synthetic_rows_pass_full_clean(content):
    make_synthetic_data(factor=3)

    for model in content_models():
        for row in synthetic_rows(model):
            row.full_clean()


@pytest.mark.django_db
def test_starts_a_new_epoch_so_no_cached_page_survives(content):
    before = content_version().epoch

    make_synthetic_data(factor=2)

    assert content_version().epoch != before


@pytest.mark.django_db
def test_refuses_without_yes(content):
    before = table_counts()

    with pytest.raises(CommandError, match="--yes"):
        call_command("make_synthetic_data", factor=3)

    assert table_counts() == before


@pytest.mark.django_db
def test_refuses_to_run_twice_without_replace(content):
    make_synthetic_data(factor=3)
    after_first = table_counts()

    with pytest.raises(CommandError, match="--replace"):
        make_synthetic_data(factor=3)

    assert table_counts() == after_first


@pytest.mark.django_db
def test_replace_rebuilds_the_same_data(content):
    make_synthetic_data(factor=3)
    first = table_counts()
    first_slugs = sorted(synthetic_rows(Session).values_list("slug", flat=True))

    make_synthetic_data(factor=3, replace=True)

    assert table_counts() == first
    assert sorted(synthetic_rows(Session).values_list("slug", flat=True)) == first_slugs


@pytest.mark.django_db
def test_replace_with_another_factor_starts_from_the_seed(content):
    before = table_counts()
    make_synthetic_data(factor=3)

    make_synthetic_data(factor=2, replace=True)

    assert table_counts() == {label: 2 * count for label, count in before.items()}


@pytest.mark.django_db
def test_factor_100_on_the_seed_gives_an_agenda_of_500_items():
    call_command("loaddata", "events", "outcomes", verbosity=0)
    edition = Edition.objects.get(is_current=True)
    agenda = Session.objects.published().filter(edition=edition)
    published, total = agenda.count(), Session.objects.filter(edition=edition).count()

    make_synthetic_data(factor=100)  # about 5 s

    assert agenda.count() == published + 99 * total
    assert agenda.count() >= 500

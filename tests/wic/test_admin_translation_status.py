"""wic.core.translation_status: which text is missing in which language, in Python and in SQL."""

import itertools

import pytest

from events.models import EditionRole, Forum, Milestone, Session
from outcomes.models import Achievement, Document
from tests.factories import (
    make_document,
    make_edition,
    make_milestone,
    make_session,
    saved_unchecked,
)
from wic.core.translation_status import Gap, complete, gaps, incomplete, missing_languages
from wic.core.translation_status import translated_fields as fields_of


def test_translated_fields_know_which_are_required_in_both_languages():
    both = frozenset({"zh-hans", "en"})

    assert fields_of(Milestone) == {"time_note": frozenset(), "title": both, "body": both}
    assert fields_of(Document) == {
        "title": both,
        "subtitle": frozenset(),
        "summary": both,
        "body": frozenset(),
    }
    # The proxy shares its concrete model's columns and rules.
    assert fields_of(Forum) == fields_of(Session)


@pytest.mark.django_db
def test_gaps_name_required_texts_and_texts_given_in_one_language_only():
    milestone = saved_unchecked(
        make_milestone(time_note_zh_hans="下午"), title_en="", time_note_en=""
    )

    assert gaps(milestone) == [Gap("time_note", "en"), Gap("title", "en")]
    assert missing_languages(milestone) == ["en"]


@pytest.mark.django_db
def test_optional_text_empty_in_both_languages_is_not_missing():
    document = saved_unchecked(
        make_document(), subtitle_zh_hans="", subtitle_en="", body_zh_hans="", body_en=""
    )

    assert gaps(document) == []
    assert list(complete(Document.objects.all())) == [document]


@pytest.mark.django_db
def test_null_counts_as_empty_in_python_and_in_sql():
    session = saved_unchecked(make_session(summary_zh_hans="摘要"), title_en=None, summary_en=None)

    assert gaps(session) == [Gap("title", "en"), Gap("summary", "en")]
    assert list(incomplete(Session.objects.all(), "en")) == [session]
    assert list(incomplete(Session.objects.all(), "zh-hans")) == []
    assert list(complete(Session.objects.all())) == []


@pytest.mark.django_db
def test_sql_filter_agrees_with_gaps_for_every_combination_of_empty_columns():
    edition = make_edition()
    columns = [f"{name}_{suffix}" for name in fields_of(Milestone) for suffix in ("zh_hans", "en")]
    rows = [
        saved_unchecked(make_milestone(edition=edition), **dict(zip(columns, values, strict=True)))
        for values in itertools.product(["", "text"], repeat=len(columns))
    ]
    everything = Milestone.objects.all()

    for language in ("zh-hans", "en"):
        expected = {row.pk for row in rows if language in missing_languages(row)}
        assert set(incomplete(everything, language).values_list("pk", flat=True)) == expected
    expected_complete = {row.pk for row in rows if not gaps(row)}
    assert set(complete(everything).values_list("pk", flat=True)) == expected_complete
    assert len(expected_complete) == 2  # every column filled, or only time_note empty in both


@pytest.mark.django_db
def test_filters_work_on_a_model_reached_through_its_proxy():
    forum = saved_unchecked(make_session(kind=Session.Kind.FORUM), title_zh_hans="")
    saved_unchecked(make_session(kind=Session.Kind.PLENARY), title_zh_hans="")

    assert list(incomplete(Forum.objects.all(), "zh-hans")) == [Forum.objects.get(pk=forum.pk)]


def test_a_model_without_translated_fields_has_no_gaps():
    assert fields_of(EditionRole) == {}
    assert fields_of(Achievement)["title"] == frozenset({"zh-hans", "en"})

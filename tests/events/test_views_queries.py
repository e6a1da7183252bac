"""Each page reads a constant number of queries, however much content it shows: every page
type takes as many with 10 of each kind of row as with 1 (tests/queries.py)."""

import datetime

import pytest

from events.models import EditionRole, Highlight, SessionOrganizer, SessionSpeaker
from tests.factories import (
    make_document,
    make_edition,
    make_highlight,
    make_key_figure,
    make_milestone,
    make_organization,
    make_person,
    make_press_evaluation,
    make_session,
    make_track,
    make_venue,
)
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def grow(edition):
    """`add(n)`: n more of everything the edition's pages show."""
    added = []

    def add(n):
        for _ in range(n):
            i = len(added)
            added.append(i)
            make_edition(year=2000 + i, number=50 + i)
            organization = make_organization()
            EditionRole.objects.create(
                edition=edition, organization=organization, role=EditionRole.Role.HOST, sort_order=i
            )
            make_key_figure(edition=edition)
            make_milestone(edition=edition, date=datetime.date(2018, 11, 1 + i % 9))
            for category in Highlight.Category.values:
                make_highlight(edition=edition, category=category, organization=organization)
            make_document(edition=edition)
            make_press_evaluation(
                edition=edition, outlet=organization, author=make_person(organization=organization)
            )
            building = make_venue(slug=f"building-{i}")
            make_session(
                edition=edition,
                slug=f"item-{i}" if i else "item",
                date=datetime.date(2018, 11, 7 + i % 3),
                venue=make_venue(slug=f"hall-{i}", parent=building),
                track=make_track(edition=edition, slug=f"track-{i}"),
            )
            session = edition.sessions.get(slug="item")
            SessionOrganizer.objects.create(session=session, organization=make_organization())
            SessionSpeaker.objects.create(
                session=session, person=make_person(organization=make_organization())
            )

    return add


PAGES = [
    "/en/",
    "/zh-hans/2018/",
    "/en/2018/about/",
    "/en/2018/news/",
    "/en/2018/news/?category=service",
    "/en/2018/agenda/",
    "/en/2018/agenda/?day=2018-11-07&kind=forum&track=track-0&venue=building-0&q=forum",
    "/en/2018/agenda/item/",
    "/en/2018/agenda.ics",
    "/en/2018/agenda.ics?slug=item&venue=building-0",
    "/en/editions/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_queries_do_not_grow_with_content(client, path):
    edition = make_edition(year=2018, number=5, is_current=True)

    responses = assert_queries_flat(client, path, grow(edition))

    for response in responses:
        assert response.status_code == 200
        assert b"form-errors" not in response.content  # the filters were valid: items listed

"""Each page reads a constant, small number of queries, however much content it shows.

Every page type is measured with 1 and with 10 of each kind of row, under the same bound:
a query per row (a missing select_related or prefetch) would break the bound at 10.
"""

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

pytestmark = pytest.mark.django_db

SIZES = [1, 10]


def build(n):
    """An edition with `n` of everything its pages show."""
    edition = make_edition(year=2018, number=5, is_current=True)
    for i in range(n):
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
    for _ in range(n):
        SessionOrganizer.objects.create(session=session, organization=make_organization())
        SessionSpeaker.objects.create(
            session=session, person=make_person(organization=make_organization())
        )
    return edition


PAGES = {
    # path: the most queries it may take (no session cookie: no user query here)
    "/en/": 8,
    "/zh-hans/2018/": 8,
    "/en/2018/about/": 3,
    "/en/2018/news/": 3,
    "/en/2018/news/?category=service": 3,
    "/en/2018/agenda/": 6,
    "/en/2018/agenda/?day=2018-11-07&kind=forum&track=track-0&venue=building-0&q=forum": 8,
    "/en/2018/agenda/item/": 4,
    "/en/2018/agenda.ics": 3,
    "/en/2018/agenda.ics?slug=item&venue=building-0": 4,
    "/en/editions/": 2,
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(("path", "bound"), PAGES.items())
def test_page_queries_do_not_grow_with_content(
    client, django_assert_max_num_queries, n, path, bound
):
    build(n)

    with django_assert_max_num_queries(bound):
        response = client.get(path)

    assert response.status_code == 200
    assert b"form-errors" not in response.content  # the filters were valid: items are listed

"""Scheduled publishing as production serves it: two gunicorn workers and the page cache,
no scheduler process. An item (or the draft of one) set to appear a few seconds ahead is on
no page before its time, and on every page served from a second after it, on either worker,
though the pages without it were stored in the cache meanwhile."""

import time

from .conftest import manage

LEAD = 5  # seconds between setting the time and the time

CREATE = f"""
import datetime
from django.utils import timezone
from tests.factories import make_edition, make_session
edition = make_edition(year=2018, number=5, is_current=True)
make_session(edition=edition, slug="opening", title_en="Opening Ceremony")
at = timezone.now() + datetime.timedelta(seconds={LEAD})
make_session(edition=edition, slug="closing", title_en="Closing Ceremony", publish_at=at)
print(at.timestamp())
"""

PAGES = ["/en/2018/agenda/", "/en/2018/", "/en/search/?q=Ceremony", "/en/2018/agenda.ics"]


def wait_until(moment):
    time.sleep(max(0.0, moment - time.time()))


def test_an_item_appears_at_its_time_on_every_page_and_worker(site, gunicorn):
    at = float(manage(site, "shell", "--no-imports", "-c", CREATE).stdout.split()[-1])
    server = gunicorn(site, workers=2)

    before = {path: [server.get(path) for _ in range(6)] for path in PAGES}
    assert time.time() < at, "the pages before its time were served too late to count"
    wait_until(at + 1)
    after = {path: [server.get(path) for _ in range(20)] for path in PAGES}

    for path in PAGES:
        assert [status for status, _h, _b in before[path]] == [200] * 6, path
        assert "hit" in [headers["X-Page-Cache"] for _s, headers, _b in before[path]], path
        assert not any("Closing Ceremony" in body for _s, _h, body in before[path]), path
        assert all("Closing Ceremony" in body for _s, _h, body in after[path]), path
    assert server.get("/en/2018/agenda/closing/")[0] == 200


SCHEDULE_DRAFT = f"""
import datetime
from django.db import transaction
from django.utils import timezone
from events.models import Session
from wic.core import drafts, history

forum = Session.objects.get(slug="opening")
base = forum.edit_version
try:  # the draft: the save as it would be, rolled back once read
    with transaction.atomic():
        forum.title_en = "Opening Ceremony and Plenary"
        forum.save()
        state = history.serialized_state(Session, forum.pk)
        raise drafts.Captured(state)
except drafts.Captured as captured:
    state = captured.value
at = timezone.now() + datetime.timedelta(seconds={LEAD})
drafts.save_draft(Session.objects.get(pk=forum.pk), state, base, None, publish_at=at)
print(at.timestamp())
"""


def test_a_scheduled_draft_is_published_at_its_time_on_every_worker(site, gunicorn):
    manage(site, "shell", "--no-imports", "-c", CREATE)
    at = float(manage(site, "shell", "--no-imports", "-c", SCHEDULE_DRAFT).stdout.split()[-1])
    server = gunicorn(site, workers=2)

    before = [server.get("/en/2018/agenda/opening/") for _ in range(6)]
    assert time.time() < at, "the pages before its time were served too late to count"
    wait_until(at + 1)
    after = [server.get("/en/2018/agenda/opening/") for _ in range(20)]

    assert "hit" in [headers["X-Page-Cache"] for _s, headers, _b in before]
    assert not any("and Plenary" in body for _s, _h, body in before)
    assert all("Opening Ceremony and Plenary" in body for _s, _h, body in after)
    count = "from wic.core.models import Draft; print(Draft.objects.count())"
    assert manage(site, "shell", "--no-imports", "-c", count).stdout.split()[-1] == "0"

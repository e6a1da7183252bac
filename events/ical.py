"""The agenda as an iCalendar file (RFC 5545), in the language of the request.

Each item has a UID per language (a subscription to each language keeps both) and a LOCATION:
its venue, else the edition's place. Times are Beijing time: timed items carry `TZID=Asia/Shanghai` and the calendar holds the
matching VTIMEZONE. Items whose time is only known as a part of the day, or not given at all,
are all-day entries (`VALUE=DATE`) that say so in their description. icalendar writes the
file: escaping, folding and the time zone are its.
"""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Event, Timezone

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
TZID = "Asia/Shanghai"

# The right-hand side of every UID: a name, not the host serving the file, so that
# a calendar subscribed to on one address recognises the same items from another.
UID_DOMAIN = "wuzhen-wic"


def session_uid(session, language):
    """The item's UID in the calendar of `language`: the same on every request, and
    different per language. Calendar applications key events on the UID alone, so with one
    UID for both, someone who subscribes to the Chinese and the English calendar would see
    one language's event overwrite the other's."""
    return f"session-{session.pk}-{language}@{UID_DOMAIN}"


def venue_label(venue):
    """`Hall A, Convention Center`: a hall with the building it is part of."""
    if venue is None:
        return ""
    if venue.parent is not None:
        return f"{venue.name}, {venue.parent.name}"
    return venue.name


def session_event(session, request):
    """One programme item as a VEVENT. Its track and venue are read as the view gave them
    (absent when the visitor may not see them)."""
    url = request.build_absolute_uri(session.get_absolute_url())
    event = Event()
    event.add("uid", session_uid(session, get_language()))
    stamp = session.updated_at or timezone.now()
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    if session.starts_at:
        event.add("dtstart", datetime.datetime.combine(session.date, session.starts_at, BEIJING))
        if session.ends_at:
            event.add("dtend", datetime.datetime.combine(session.date, session.ends_at, BEIJING))
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a whole day, not a busy one
    event.add("summary", session.title)
    event.add("description", _description(session, url))
    # The venue when the item has one (and the visitor may see it); else the edition's place.
    # The sources name no venue for several items (the seed's notes say which), and the
    # rooms some of them are given in elsewhere are not confirmed: what is known for certain
    # is that the edition's items took place in its town.
    event.add("location", venue_label(session.venue) or session.edition.city)
    event.add("url", url)
    event.add("categories", [str(capfirst(session.get_kind_display()))])
    return event


def _description(session, url):
    lines = [session.summary] if session.summary else []
    if session.track:
        lines.append(gettext("Track: %(track)s") % {"track": session.track.name})
    if not session.starts_at:
        lines.append(str(capfirst(session.get_part_of_day_display())))
    lines.append(url)
    return "\n\n".join(lines)


def agenda_calendar(edition, sessions, request):
    """The calendar file's bytes: one VEVENT per programme item of `sessions`."""
    calendar = Calendar()
    calendar.add("prodid", f"-//World Internet Conference//Agenda {edition.year}//{get_language()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.name)
    calendar.add("x-wr-timezone", TZID)
    events = [session_event(session, request) for session in sessions]
    if any(session.starts_at for session in sessions):
        # Beijing time's rules over the edition's years, not since 1970.
        calendar.add_component(
            Timezone.from_tzid(
                TZID,
                first_date=datetime.date(edition.starts_on.year - 1, 1, 1),
                last_date=datetime.date(edition.ends_on.year + 1, 12, 31),
            )
        )
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()

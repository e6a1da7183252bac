"""The agenda as an iCalendar file (RFC 5545), in the language of the request.

Times are Beijing time: timed items carry `TZID=Asia/Shanghai` and the calendar
holds the matching VTIMEZONE. Items whose time is only known as a part of the day
are all-day entries (`VALUE=DATE`).
"""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Event

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

# The right-hand side of every UID: a name, not the host serving the file, so that
# a calendar subscribed to on one address recognises the same items from another.
UID_DOMAIN = "wuzhen-wic"


def session_uid(session):
    return f"session-{session.pk}@{UID_DOMAIN}"


def venue_label(venue):
    """`Hall A, Convention Center`: a hall with the building it is part of."""
    if venue is None:
        return ""
    if venue.parent_id:
        return f"{venue.name}, {venue.parent.name}"
    return venue.name


def _description(session, url):
    lines = [session.summary] if session.summary else []
    if session.track_id:
        lines.append(gettext("Track: %(track)s") % {"track": session.track.name})
    if not session.starts_at:
        lines.append(session.get_part_of_day_display().capitalize())
    lines.append(url)
    return "\n\n".join(lines)


def session_event(session, request):
    url = request.build_absolute_uri(session.get_absolute_url())
    event = Event()
    event.add("uid", session_uid(session))
    stamp = session.updated_at or timezone.now()
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("last-modified", stamp.astimezone(datetime.UTC))
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
    location = venue_label(session.venue)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("categories", [str(capfirst(session.get_kind_display()))])
    return event


def agenda_calendar(edition, sessions, request):
    """The calendar file's bytes: one VEVENT per session."""
    calendar = Calendar()
    calendar.add("prodid", f"-//World Internet Conference//Agenda {edition.year}//{get_language()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for session in sessions:
        calendar.add_component(session_event(session, request))
    # VTIMEZONE for Asia/Shanghai, its rules around the edition's dates only.
    calendar.add_missing_timezones(
        first_date=datetime.date(edition.starts_on.year - 1, 1, 1),
        last_date=datetime.date(edition.ends_on.year + 1, 12, 31),
    )
    return calendar.to_ical()

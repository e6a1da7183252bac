"""The agenda as an iCalendar file (RFC 5545), in the language of the request.

Times are Beijing time: timed items carry `TZID=Asia/Shanghai` and the calendar
holds the matching VTIMEZONE. Items whose time is only known as a part of the day, or
not given at all, are all-day entries (`VALUE=DATE`) that say so in their description.

A whole agenda can hold thousands of items, so the events are made cheaply: the items are
read as plain values (`calendar_items`), not model instances, and written here line by
line (RFC 5545 escaping and folding) rather than as icalendar components, which cost
almost a millisecond apiece. The calendar's frame and its VTIMEZONE come from icalendar.
"""

import datetime
import functools
import zoneinfo
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Timezone
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as active_content_language

from .models import Session

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
TZID = "Asia/Shanghai"

# The right-hand side of every UID: a name, not the host serving the file, so that
# a calendar subscribed to on one address recognises the same items from another.
UID_DOMAIN = "wuzhen-wic"


def session_uid(session):
    return f"session-{session.pk}@{UID_DOMAIN}"


def venue_label(venue):
    """`Hall A, Convention Center`: a hall with the building it is part of."""
    if venue is None:
        return ""
    return _place_label(venue.name, venue.parent.name if venue.parent_id else "")


def _place_label(name, building):
    return f"{name}, {building}" if building else name


class CalendarItem(NamedTuple):
    """What the calendar says of one programme item, its texts in the page's language."""

    pk: int
    slug: str
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    part_of_day: str
    kind: str
    updated_at: datetime.datetime
    track_id: int
    title: str
    summary: str
    track: str
    venue: str
    building: str


# CalendarItem's texts: where they come from, each in every language.
_TEXTS = {
    "title": "title",
    "summary": "summary",
    "track": "track__name",
    "venue": "venue__name",
    "building": "venue__parent__name",
}
_VALUES = [name for name in CalendarItem._fields if name not in _TEXTS]


def calendar_items(sessions):
    """The rows of a Session queryset as CalendarItems, read in chunks.

    A text is taken in the active language, else in the language modeltranslation falls
    back to, as `session.title` would be (wic_tags.shown_language reads them the same way).
    """
    languages = resolution_order(active_content_language())
    columns = {
        name: [build_localized_fieldname(path, code) for code in languages]
        for name, path in _TEXTS.items()
    }
    all_columns = _VALUES + [column for names in columns.values() for column in names]
    for row in sessions.values_list(*all_columns).iterator(chunk_size=500):
        values = dict(zip(_VALUES, row, strict=False))
        texts = iter(row[len(_VALUES) :])
        for name, names in columns.items():
            candidates = [next(texts) for _column in names]
            values[name] = next((text for text in candidates if text), "")
        yield CalendarItem(**values)


def _text(value):
    """A TEXT value, escaped (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line):
    """One content line as bytes, folded after 75 octets (RFC 5545, 3.1): never inside a
    UTF-8 character, and not right after a backslash (some clients would misread it)."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        if data[end - 1] == 0x5C:
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


class EventWriter:
    """Writes the VEVENTs of one calendar from CalendarItems: labels, formats and the
    address are worked out once per calendar, not once per item."""

    SLUG = "session-slug"  # stands for each item's slug in its address

    def __init__(self, edition, request):
        self.now = timezone.now()
        self.track_format = gettext("Track: %(track)s")
        self.url = request.build_absolute_uri(
            reverse("events:session-detail", args=[edition.year, self.SLUG])
        )
        # As get_kind_display() and get_part_of_day_display() would give them.
        self.kinds = {value: str(capfirst(label)) for value, label in Session.Kind.choices}
        self.parts = {value: str(label) for value, label in Session.PartOfDay.choices}

    def description(self, item, url):
        lines = [item.summary] if item.summary else []
        if item.track_id:
            lines.append(self.track_format % {"track": item.track})
        if not item.starts_at:
            lines.append(self.parts.get(item.part_of_day, item.part_of_day).capitalize())
        lines.append(url)
        return "\n\n".join(lines)

    def event(self, item):
        """One VEVENT, as the bytes of its content lines."""
        url = self.url.replace(self.SLUG, item.slug)
        stamp = _utc(item.updated_at or self.now)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{_text(session_uid(item))}",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{stamp}",
        ]
        if item.starts_at:
            day = item.date.strftime("%Y%m%d")
            lines.append(f"DTSTART;TZID={TZID}:{day}T{item.starts_at:%H%M%S}")
            if item.ends_at:
                lines.append(f"DTEND;TZID={TZID}:{day}T{item.ends_at:%H%M%S}")
        else:
            next_day = item.date + datetime.timedelta(days=1)
            lines.append(f"DTSTART;VALUE=DATE:{item.date:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{next_day:%Y%m%d}")
            lines.append("TRANSP:TRANSPARENT")  # a whole day, not a busy one
        lines.append(f"SUMMARY:{_text(item.title)}")
        lines.append(f"DESCRIPTION:{_text(self.description(item, url))}")
        location = _place_label(item.venue, item.building)
        if location:
            lines.append(f"LOCATION:{_text(location)}")
        lines.append(f"URL:{url}")
        lines.append(f"CATEGORIES:{_text(self.kinds.get(item.kind, item.kind))}")
        lines.append("END:VEVENT")
        return b"".join(_fold(line) for line in lines)


@functools.lru_cache(maxsize=8)
def _vtimezone(first_date, last_date):
    """VTIMEZONE for Beijing time with its rules between the two dates, as bytes."""
    return Timezone.from_tzid(TZID, first_date=first_date, last_date=last_date).to_ical()


def agenda_calendar(edition, items, request):
    """The calendar file's bytes: one VEVENT per CalendarItem (see calendar_items)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//World Internet Conference//Agenda {edition.year}//{get_language()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.name)
    calendar.add("x-wr-timezone", TZID)
    frame = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert frame.endswith(end)
    writer = EventWriter(edition, request)
    events, timed = [], False
    for item in items:  # any iterable: read once
        events.append(writer.event(item))
        timed = timed or item.starts_at is not None
    # The VTIMEZONE, before the events, when a time refers to its TZID.
    timezones = [_vtimezone(*_timezone_span(edition))] if timed else []
    return b"".join([frame[: -len(end)], *timezones, *events, end])


def _timezone_span(edition):
    return (
        datetime.date(edition.starts_on.year - 1, 1, 1),
        datetime.date(edition.ends_on.year + 1, 12, 31),
    )

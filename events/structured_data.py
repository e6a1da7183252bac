"""schema.org data (JSON-LD) for the conference's pages, in the page's language.

Each function takes rows as the view read them, their related rows already narrowed to what
the page may show (wic.core.publication), and returns a dict for the `json_ld` filter.

Every Event has an `image` (the edition's logo, else the site's share image: wic.core.share)
and an `endDate` where the end is known: a programme item with an end time ends then; one
without ends on its own day (the programme lists each item on one day).

An edition's dates are the conference's own, the ones its pages show (7–9 November 2018).
The programme also lists items on other days (the expo's press conference and an advisory
committee's meeting on 6 November, the day before the opening): those are not given as the
edition's sub-events, and their pages do not name the edition as their super-event, because
an event that contains them would have to start earlier than the conference did. Stretching
the edition's dates to cover them would contradict the page and every source.
"""

import datetime

from django.utils.translation import get_language

from wic.core import rich_text
from wic.core.i18n import bcp47
from wic.core.share import share_image

from . import ical


def _place(edition, name=None):
    """schema.org Place: the venue, in the edition's town (the WIC's home is in China)."""
    return {
        "@type": "Place",
        "name": name or edition.city,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": edition.city,
            "addressCountry": "CN",
        },
    }


def _iso(day, time=None):
    """A date, or a date and time in Beijing time, as schema.org wants it."""
    if time is None:
        return day.isoformat()
    return datetime.datetime.combine(day, time, ical.BEIJING).isoformat()


def image_url(edition, request):
    """The image of the edition's Events: its logo, else the site's share image."""
    return share_image(request, edition.logo).url


def within_edition(session, edition):
    """Whether a programme item falls within the edition's dates (see the module's docstring)."""
    return edition.starts_on <= session.date <= edition.ends_on


def _session_end(session):
    return _iso(session.date, session.ends_at)


def edition_reference(edition, request):
    """The edition as a short Event: a programme item's `superEvent`, a document's `about`."""
    return {
        "@type": "Event",
        "name": edition.name,
        "url": request.build_absolute_uri(edition.get_absolute_url()),
        "startDate": _iso(edition.starts_on),
        "endDate": _iso(edition.ends_on),
        "image": image_url(edition, request),
        "location": _place(edition),
    }


def edition_event_data(edition, request, roles=(), sessions=()):
    """schema.org Event for an edition, its programme items within its dates as sub-events."""
    absolute = request.build_absolute_uri
    image = image_url(edition, request)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": edition.name,
        "description": edition.summary,
        "url": absolute(edition.get_absolute_url()),
        "startDate": _iso(edition.starts_on),
        "endDate": _iso(edition.ends_on),
        "image": image,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition),
    }
    hosts = [_organization_data(role.organization) for role in roles if role.role == role.Role.HOST]
    if hosts:
        data["organizer"] = hosts
    sub_events = [
        {
            "@type": "Event",
            "name": session.title,
            "url": absolute(session.get_absolute_url()),
            "startDate": _iso(session.date, session.starts_at),
            "endDate": _session_end(session),
            "image": image,
            "location": _place(edition),
        }
        for session in sessions
        if within_edition(session, edition)
    ]
    if sub_events:
        data["subEvent"] = sub_events
    return data


def _organization_data(organization):
    data = {"@type": "Organization", "name": organization.name}
    if organization.url:
        data["url"] = organization.url
    return data


def session_event_data(session, request):
    """schema.org Event for one programme item, part of its edition."""
    edition = session.edition
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "url": absolute(session.get_absolute_url()),
        "startDate": _iso(session.date, session.starts_at),
        "endDate": _session_end(session),
        "image": image_url(edition, request),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition, ical.venue_label(session.venue)),
    }
    if within_edition(session, edition):
        data["superEvent"] = edition_reference(edition, request)
    if session.summary or session.description:
        data["description"] = session.summary or rich_text.plain(session.description)
    organizers = [_organization_data(r.organization) for r in session.organizer_roles.all()]
    if organizers:
        data["organizer"] = organizers
    performers = [{"@type": "Person", "name": r.person.name} for r in session.speaker_roles.all()]
    if performers:
        data["performer"] = performers
    return data

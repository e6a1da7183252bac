"""schema.org data (JSON-LD) for the conference's pages, in the page's language.

Each function takes rows as the view read them, their related rows already narrowed to what
the page may show (wic.core.publication), and returns a dict for the `json_ld` filter.
"""

import datetime

from django.utils.translation import get_language

from wic.core import rich_text
from wic.core.i18n import bcp47

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


def edition_event_data(edition, request, roles=(), sessions=()):
    """schema.org Event for an edition, its programme items as sub-events."""
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": edition.name,
        "description": edition.summary,
        "url": absolute(edition.get_absolute_url()),
        "startDate": _iso(edition.starts_on),
        "endDate": _iso(edition.ends_on),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition),
    }
    hosts = [_organization_data(role.organization) for role in roles if role.role == role.Role.HOST]
    if hosts:
        data["organizer"] = hosts
    if sessions:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": session.title,
                "url": absolute(session.get_absolute_url()),
                "startDate": _iso(session.date, session.starts_at),
            }
            for session in sessions
        ]
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
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": bcp47(get_language()),
        "location": _place(edition, ical.venue_label(session.venue)),
        "superEvent": {
            "@type": "Event",
            "name": edition.name,
            "url": absolute(edition.get_absolute_url()),
            "startDate": _iso(edition.starts_on),
            "endDate": _iso(edition.ends_on),
        },
    }
    if session.ends_at:
        data["endDate"] = _iso(session.date, session.ends_at)
    if session.summary or session.description:
        data["description"] = session.summary or rich_text.plain(session.description)
    organizers = [_organization_data(r.organization) for r in session.organizer_roles.all()]
    if organizers:
        data["organizer"] = organizers
    performers = [{"@type": "Person", "name": r.person.name} for r in session.speaker_roles.all()]
    if performers:
        data["performer"] = performers
    return data

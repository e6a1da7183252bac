"""Small builders for test data: `make_session(title_en="…")` and so on.

Each returns a saved, published object with both languages filled; keyword arguments
override any field.
"""

import datetime
import itertools

from events.models import (
    Edition,
    Highlight,
    KeyFigure,
    Milestone,
    Organization,
    Person,
    Session,
    Track,
    Venue,
)
from outcomes.models import Achievement, Document, DocumentSection, Field, PressEvaluation

_serial = itertools.count(1)


def _next():
    return next(_serial)


def make_edition(**overrides):
    n = _next()
    fields = {
        "number": 100 + n,
        "year": 2100 + n,
        "name_zh_hans": f"第{n}届大会",
        "name_en": f"Conference {n}",
        "theme_zh_hans": "主题",
        "theme_en": "Theme",
        "summary_zh_hans": "概述",
        "summary_en": "Summary",
        "city_zh_hans": "乌镇",
        "city_en": "Wuzhen",
        "starts_on": datetime.date(2018, 11, 7),
        "ends_on": datetime.date(2018, 11, 9),
        "is_published": True,
    }
    fields.update(overrides)
    return Edition.objects.create(**fields)


def _edition(overrides):
    return overrides.pop("edition", None) or make_edition()


def make_organization(**overrides):
    n = _next()
    fields = {
        "slug": f"org-{n}",
        "name_zh_hans": f"机构{n}",
        "name_en": f"Organization {n}",
        "kind": Organization.Kind.COMPANY,
        "is_published": True,
    }
    fields.update(overrides)
    return Organization.objects.create(**fields)


def make_person(**overrides):
    n = _next()
    fields = {
        "slug": f"person-{n}",
        "name_zh_hans": f"人物{n}",
        "name_en": f"Person {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return Person.objects.create(**fields)


def make_venue(**overrides):
    n = _next()
    fields = {
        "slug": f"venue-{n}",
        "name_zh_hans": f"会场{n}",
        "name_en": f"Venue {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return Venue.objects.create(**fields)


def make_track(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "slug": f"track-{n}",
        "name_zh_hans": f"板块{n}",
        "name_en": f"Track {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return Track.objects.create(**fields)


def make_session(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "slug": f"session-{n}",
        "kind": Session.Kind.FORUM,
        "title_zh_hans": f"论坛{n}",
        "title_en": f"Forum {n}",
        "date": datetime.date(2018, 11, 8),
        "part_of_day": Session.PartOfDay.MORNING,
        "is_published": True,
    }
    fields.update(overrides)
    return Session.objects.create(**fields)


def make_milestone(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "date": datetime.date(2018, 11, 1),
        "category": Milestone.Category.SERVICE,
        "title_zh_hans": f"进展{n}",
        "title_en": f"Milestone {n}",
        "body_zh_hans": "正文",
        "body_en": "Text",
        "is_published": True,
    }
    fields.update(overrides)
    return Milestone.objects.create(**fields)


def make_highlight(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "category": Highlight.Category.INNOVATION,
        "number": n,
        "title_zh_hans": f"特色{n}",
        "title_en": f"Highlight {n}",
        "body_zh_hans": "正文",
        "body_en": "Text",
        "is_published": True,
    }
    fields.update(overrides)
    return Highlight.objects.create(**fields)


def make_key_figure(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "slug": f"figure-{n}",
        "value": n,
        "label_zh_hans": f"数字{n}",
        "label_en": f"Figure {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return KeyFigure.objects.create(**fields)


def make_document(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "slug": f"document-{n}",
        "kind": Document.Kind.OUTCOME,
        "title_zh_hans": f"文件{n}",
        "title_en": f"Document {n}",
        "summary_zh_hans": "摘要",
        "summary_en": "Summary",
        "released_on": datetime.date(2018, 11, 8),
        "is_published": True,
    }
    fields.update(overrides)
    return Document.objects.create(**fields)


def make_section(**overrides):
    n = _next()
    fields = {
        "document": overrides.pop("document", None) or make_document(),
        "number": n,
        "heading_zh_hans": f"章节{n}",
        "heading_en": f"Section {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return DocumentSection.objects.create(**fields)


def make_field(**overrides):
    n = _next()
    fields = {
        "slug": f"field-{n}",
        "name_zh_hans": f"领域{n}",
        "name_en": f"Field {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return Field.objects.create(**fields)


def make_achievement(**overrides):
    n = _next()
    fields_m2m = overrides.pop("fields", [])
    fields = {
        "edition": _edition(overrides),
        "slug": f"achievement-{n}",
        "organization": overrides.pop("organization", None) or make_organization(),
        "title_zh_hans": f"成果{n}",
        "title_en": f"Achievement {n}",
        "summary_zh_hans": "摘要",
        "summary_en": "Summary",
        "is_published": True,
    }
    fields.update(overrides)
    achievement = Achievement.objects.create(**fields)
    achievement.fields.set(fields_m2m)
    return achievement


def make_press_evaluation(**overrides):
    n = _next()
    fields = {
        "edition": _edition(overrides),
        "quote_zh_hans": f"评价{n}",
        "quote_en": f"Evaluation {n}",
        "kind": PressEvaluation.Kind.MEDIA,
        "is_published": True,
    }
    fields.update(overrides)
    return PressEvaluation.objects.create(**fields)

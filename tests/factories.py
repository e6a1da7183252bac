"""Small builders for test data: `make_session(title_en="…")` and so on.

Each returns a saved, published object with both languages filled; keyword arguments
override any field. Every row is validated (`full_clean()`) before it is saved, as the admin
would: a test cannot build a row that could never exist.
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


def _create(model, fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    return obj


def saved_unchecked(obj, **fields):
    """`obj` with `fields` changed and saved without validation, as a fixture, the shell or an
    older version of the rules could leave it (a text missing in one language, say): the
    admin would refuse it, and the site must still cope with it."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    return obj


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
    return _create(Edition, fields)


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
    return _create(Organization, fields)


def make_person(**overrides):
    n = _next()
    fields = {
        "slug": f"person-{n}",
        "name_zh_hans": f"人物{n}",
        "name_en": f"Person {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return _create(Person, fields)


def make_venue(**overrides):
    n = _next()
    fields = {
        "slug": f"venue-{n}",
        "name_zh_hans": f"会场{n}",
        "name_en": f"Venue {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return _create(Venue, fields)


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
    return _create(Track, fields)


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
    return _create(Session, fields)


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
    return _create(Milestone, fields)


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
    return _create(Highlight, fields)


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
    return _create(KeyFigure, fields)


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
    return _create(Document, fields)


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
    return _create(DocumentSection, fields)


def make_field(**overrides):
    n = _next()
    fields = {
        "slug": f"field-{n}",
        "name_zh_hans": f"领域{n}",
        "name_en": f"Field {n}",
        "is_published": True,
    }
    fields.update(overrides)
    return _create(Field, fields)


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
    achievement = _create(Achievement, fields)
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
    return _create(PressEvaluation, fields)


def make_editor(**overrides):
    """A staff user in the Editors group (not a superuser), as `setup_editors` makes it."""
    # Imported here: this builder was appended after the module's imports.
    from django.contrib.auth import get_user_model

    from wic.core.management.commands.setup_editors import setup_editors

    n = _next()
    fields = {"username": f"editor-{n}", "is_staff": True}
    fields.update(overrides)
    password = fields.pop("password", None)
    user = get_user_model().objects.create_user(password=password, **fields)
    user.groups.add(setup_editors())
    return user


def make_agenda(**edition_overrides):
    """A small programme like 2018's, for the agenda, filter and calendar tests.

    Returns a namespace: `edition`, `venues` (`center` with its hall `theatre`, and
    `banquet`), `tracks` (`economy`, `governance`) and the sessions by name: `expo`
    (7 Nov, all day), `opening` (7 Nov 09:00–10:30), `plenary` (7 Nov afternoon), `silk_road`
    (8 Nov 09:00–12:00), `governance` (8 Nov 14:00–17:30), `closing` (9 Nov afternoon),
    and `draft` (unpublished).
    """
    from types import SimpleNamespace

    edition = make_edition(
        **{
            "number": 5,
            "year": 2018,
            "name_zh_hans": "第五届世界互联网大会",
            "name_en": "Fifth World Internet Conference",
            "is_current": True,
            **edition_overrides,
        }
    )
    center = make_venue(
        slug="wicec",
        name_zh_hans="乌镇互联网国际会展中心",
        name_en="Wuzhen Internet International Convention and Exhibition Center",
    )
    theatre = make_venue(
        slug="theatre", parent=center, name_zh_hans="网剧场", name_en="Internet Theatre"
    )
    banquet = make_venue(
        slug="banquet", name_zh_hans="乌镇宴会中心", name_en="Wuzhen Banquet Center"
    )
    economy = make_track(
        edition=edition, slug="digital-economy", name_zh_hans="数字经济", name_en="Digital economy"
    )
    governance_track = make_track(
        edition=edition,
        slug="governance",
        name_zh_hans="网络空间治理",
        name_en="Cyberspace governance",
    )
    nov = datetime.date

    def session(**fields):
        return make_session(edition=edition, **fields)

    return SimpleNamespace(
        edition=edition,
        venues=SimpleNamespace(center=center, theatre=theatre, banquet=banquet),
        tracks=SimpleNamespace(economy=economy, governance=governance_track),
        opening=session(
            slug="opening-ceremony",
            kind=Session.Kind.OPENING,
            title_zh_hans="开幕式",
            title_en="Opening ceremony",
            summary_zh_hans="黄坤明出席开幕式并发表主旨演讲。",
            summary_en="Huang Kunming attended and delivered a keynote speech.",
            date=nov(2018, 11, 7),
            part_of_day=Session.PartOfDay.MORNING,
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(10, 30),
            venue=theatre,
        ),
        expo=session(
            slug="light-of-internet-expo",
            kind=Session.Kind.EXPO,
            title_zh_hans="“互联网之光”博览会",
            title_en="Light of Internet Expo",
            date=nov(2018, 11, 7),
            part_of_day=Session.PartOfDay.ALL_DAY,
            venue=center,
        ),
        plenary=session(
            slug="plenary-session",
            kind=Session.Kind.PLENARY,
            title_zh_hans="全体会议",
            title_en="Plenary session",
            date=nov(2018, 11, 7),
            part_of_day=Session.PartOfDay.AFTERNOON,
            venue=center,
        ),
        silk_road=session(
            slug="digital-silk-road",
            kind=Session.Kind.FORUM,
            title_zh_hans="数字丝路国际合作论坛",
            title_en="Digital Silk Road Forum",
            summary_zh_hans="数字经济合作",
            summary_en="Cooperation in the digital economy",
            date=nov(2018, 11, 8),
            part_of_day=Session.PartOfDay.MORNING,
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(12, 0),
            venue=banquet,
            track=economy,
        ),
        governance=session(
            slug="internet-governance",
            kind=Session.Kind.FORUM,
            title_zh_hans="互联网治理论坛",
            title_en="Internet Governance Forum",
            summary_zh_hans="构建网络空间命运共同体",
            summary_en="A community with a shared future in cyberspace",
            date=nov(2018, 11, 8),
            part_of_day=Session.PartOfDay.AFTERNOON,
            starts_at=datetime.time(14, 0),
            ends_at=datetime.time(17, 30),
            venue=theatre,
            track=governance_track,
        ),
        closing=session(
            slug="closing-ceremony",
            kind=Session.Kind.CLOSING,
            title_zh_hans="闭幕式",
            title_en="Closing ceremony",
            date=nov(2018, 11, 9),
            part_of_day=Session.PartOfDay.AFTERNOON,
            venue=theatre,
        ),
        draft=session(
            slug="draft-forum",
            kind=Session.Kind.FORUM,
            title_zh_hans="草稿论坛",
            title_en="Draft forum",
            date=nov(2018, 11, 8),
            part_of_day=Session.PartOfDay.MORNING,
            venue=banquet,
            is_published=False,
        ),
    )

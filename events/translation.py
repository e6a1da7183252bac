from modeltranslation.translator import TranslationOptions, register

from .models import (
    Edition,
    Forum,
    Highlight,
    KeyFigure,
    Milestone,
    Organization,
    Person,
    Session,
    Track,
    Venue,
)

BOTH = "default"  # required_languages key: the listed fields are needed in every language


@register(Organization)
class OrganizationTranslationOptions(TranslationOptions):
    fields = ["name", "short_name"]
    required_languages = {BOTH: ["name"]}


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ["name", "title"]
    required_languages = {BOTH: ["name"]}


@register(Edition)
class EditionTranslationOptions(TranslationOptions):
    fields = [
        "name",
        "short_name",
        "tagline",
        "theme",
        "summary",
        "background",
        "outcomes_overview",
        "city",
        "logo_description",
        "trademark_note",
    ]
    required_languages = {BOTH: ["name", "theme", "summary", "city"]}


@register(KeyFigure)
class KeyFigureTranslationOptions(TranslationOptions):
    fields = ["unit", "label", "note"]
    required_languages = {BOTH: ["label"]}


@register(Venue)
class VenueTranslationOptions(TranslationOptions):
    fields = ["name", "description"]
    required_languages = {BOTH: ["name"]}


@register(Track)
class TrackTranslationOptions(TranslationOptions):
    fields = ["name", "description"]
    required_languages = {BOTH: ["name"]}


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ["title", "summary", "description"]
    required_languages = {BOTH: ["title"]}


@register(Forum)
class ForumTranslationOptions(TranslationOptions):
    """The proxy shares Session's columns; registering it lets the admin show its tabs."""

    fields = []


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ["time_note", "title", "body"]
    required_languages = {BOTH: ["title", "body"]}


@register(Highlight)
class HighlightTranslationOptions(TranslationOptions):
    fields = ["title", "body"]
    required_languages = {BOTH: ["title", "body"]}

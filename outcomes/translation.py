from modeltranslation.translator import TranslationOptions, register

from .models import Achievement, Document, DocumentSection, Field, PressEvaluation

BOTH = "default"  # required_languages key: the listed fields are needed in every language


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ["title", "subtitle", "summary", "body"]
    required_languages = {BOTH: ["title", "summary"]}


@register(DocumentSection)
class DocumentSectionTranslationOptions(TranslationOptions):
    fields = ["heading", "body"]
    required_languages = {BOTH: ["heading"]}


@register(Field)
class FieldTranslationOptions(TranslationOptions):
    fields = ["name"]
    required_languages = {BOTH: ["name"]}


@register(Achievement)
class AchievementTranslationOptions(TranslationOptions):
    fields = ["title", "summary", "description"]
    required_languages = {BOTH: ["title", "summary"]}


@register(PressEvaluation)
class PressEvaluationTranslationOptions(TranslationOptions):
    fields = ["quote"]
    required_languages = {BOTH: ["quote"]}

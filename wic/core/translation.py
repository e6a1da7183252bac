"""The shared app's own bilingual texts (modeltranslation): the public change log's."""

from modeltranslation.translator import TranslationOptions, register

from .models import PublicChange


@register(PublicChange)
class PublicChangeTranslationOptions(TranslationOptions):
    fields = ["title", "note"]

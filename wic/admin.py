"""The editors' admin: what every content admin shares.

`ContentAdmin` is the base of the admin class of every content model (events/admin.py,
outcomes/admin.py): one tab per language, publish/unpublish actions, a translation-status
column and filter, "view on site" where there is a public page, and the same fieldset layout
(content, then publication, then collapsed editorial notes).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import UniqueConstraint
from django.urls import NoReverseMatch
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from wic import translation_status

admin.site.site_header = _("WIC site administration")
admin.site.site_title = _("WIC site administration")
admin.site.index_title = _("Site content")

# Translators: badge in the admin lists, on items whose text is missing in that language.
MISSING_BADGES = {"zh-hans": _("Chinese missing"), "en": _("English missing")}


def both_languages(*fields):
    """`title` → `title_zh_hans`, `title_en`: search and filter over every language.

    A bare translated name would search the admin's active language only.
    """
    return [
        build_localized_fieldname(field, language)
        for field in fields
        for language in translation_status.LANGUAGES
    ]


class ConstraintErrorsOnFieldsForm(forms.ModelForm):
    """Shows a unique constraint's error on the field an editor can fix.

    Django puts the error of a constraint over several fields, e.g. (edition, slug), or of a
    conditional one (one current edition) above the form. We move it to the constraint's last
    field that the form shows: the slug, the number, "current edition".
    """

    def _update_errors(self, errors):
        # The one hook that receives the model's validation errors before they are sorted
        # into the form's fields (ModelForm._post_clean).
        error_dict = getattr(errors, "error_dict", None)
        if error_dict and NON_FIELD_ERRORS in error_dict:
            kept = []
            for error in error_dict.pop(NON_FIELD_ERRORS):
                field = self._constraint_field(error)
                if field is None:
                    kept.append(error)
                else:
                    error_dict.setdefault(field, []).append(error)
            if kept:
                error_dict[NON_FIELD_ERRORS] = kept
            errors = ValidationError(error_dict)
        super()._update_errors(errors)

    def _constraint_field(self, error):
        if error.code == "unique_together":
            fields = error.params["unique_check"]
        else:
            message = str(error.message)
            fields = next(
                (
                    constraint.fields
                    for _model, constraints in self.instance.get_constraints()
                    for constraint in constraints
                    if isinstance(constraint, UniqueConstraint)
                    and constraint.fields
                    and str(constraint.get_violation_error_message()) == message
                ),
                (),
            )
        shown = [field for field in fields if field in self.fields]
        return shown[-1] if shown else None


class PublicPageMixin:
    """'View on site' only for objects that have a public page whose URL resolves.

    Some models have no public page; and while a public view does not exist yet, reversing
    its URL fails, which must not break the admin.
    """

    def view_on_site(self, obj):
        if not hasattr(obj, "get_absolute_url"):
            return None
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:
            return None


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("complete", _("complete in both languages")),
            ("missing-en", MISSING_BADGES["en"]),
            ("missing-zh-hans", MISSING_BADGES["zh-hans"]),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "complete":
            return translation_status.complete(queryset)
        language = (value or "").removeprefix("missing-")
        if language in translation_status.LANGUAGES:
            return translation_status.incomplete(queryset, language)
        return None


class ContentAdmin(PublicPageMixin, TabbedTranslationAdmin):
    """Base of every content model's admin. Subclasses set the usual ModelAdmin options;
    `is_published` and the translation status are added to their columns and filters."""

    form = ConstraintErrorsOnFieldsForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default
    readonly_fields = ["translation_status", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    # The layout every change form shares; the other fields come first, in model order.
    publication_fields = ["is_published", "sort_order", "translation_status"]
    editorial_fields = ["source", "created_at", "updated_at"]
    only_on_change = {"translation_status", "created_at", "updated_at"}

    def get_list_display(self, request):
        return [*super().get_list_display(request), "is_published", "translation_status"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "is_published", TranslationStatusFilter]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:  # nothing to show about a row that does not exist yet
            fields = [field for field in fields if field not in self.only_on_change]
        return fields

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        fields = flatten_fieldsets(super().get_fieldsets(request, obj))
        grouped = {*self.publication_fields, *self.editorial_fields}
        fieldsets = [
            (None, {"fields": [field for field in fields if field not in grouped]}),
            (_("Publication"), {"fields": [f for f in self.publication_fields if f in fields]}),
            (
                _("Editorial notes"),
                {
                    "classes": ["collapse"],
                    "fields": [f for f in self.editorial_fields if f in fields],
                },
            ),
        ]
        return [fieldset for fieldset in fieldsets if fieldset[1]["fields"]]

    @admin.display(description=_("translation"))
    def translation_status(self, obj):
        gaps = translation_status.gaps(obj)
        by_language = {
            language: [gap.field for gap in gaps if gap.language == language]
            for language in translation_status.missing_languages(obj)
        }
        return format_html_join(
            " ",
            '<span class="wic-missing" title="{}">{}</span>',
            (
                (
                    ", ".join(str(capfirst(obj._meta.get_field(f).verbose_name)) for f in fields),
                    MISSING_BADGES[language],
                )
                for language, fields in by_language.items()
            ),
        )

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish(self, request, queryset):
        count = self._set_published(request, queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d %(items)s published.", "%(count)d %(items)s published.", count)
            % {"count": count, "items": model_ngettext(self.opts, count)},
        )

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = self._set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d %(items)s unpublished: visitors no longer see it.",
                "%(count)d %(items)s unpublished: visitors no longer see them.",
                count,
            )
            % {"count": count, "items": model_ngettext(self.opts, count)},
        )

    def _set_published(self, request, queryset, value):
        """Save each changed row (not queryset.update()), so that save signals fire, the
        update time moves and the change is in the object's history."""
        changed = list(queryset.exclude(is_published=value))
        # The history entry a form save would write: the field's label, as in the form.
        label = str(capfirst(self.opts.get_field("is_published").verbose_name))
        for obj in changed:
            obj.is_published = value
            obj.save(update_fields=["is_published", "updated_at"])
            self.log_change(request, obj, [{"changed": {"fields": [label]}}])
        return len(changed)


class ContentStackedInline(PublicPageMixin, TranslationStackedInline):
    """An inline of a translated content model (sections, key figures): tabs per language."""

    extra = 0

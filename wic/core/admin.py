"""The editors' admin: what every content admin shares.

`ContentAdmin` is the base of the admin class of every content model (events/admin.py,
outcomes/admin.py): one tab per language, publish/unpublish actions, a translation-status
column and filter, "view on site" where there is a public page, and the same fieldset layout
(content, then publication, then collapsed editorial notes).

No lost edits (wic/core/locking.py): change forms carry the edit version the editor loaded; a save
after someone else's is refused and the form comes back with what changed.
"""

import errno
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import UniqueConstraint
from django.db.models.fields.files import FieldFile
from django.forms.boundfield import BoundField
from django.forms.models import InlineForeignKeyField
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from js_asset import Media
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from wic.core import (
    diff,
    drafts,
    freshness,
    history,
    locking,
    translation_status,
    uploads,
)
from wic.core.drafts_admin import DraftAdminMixin, kept_aside
from wic.core.history_admin import HistoryAdminMixin, change_form_forms
from wic.core.i18n import LANGUAGES, language_columns
from wic.core.models import PublicChange
from wic.core.publication import published_q
from wic.core.rich_text import KeepUnchangedRichTextMixin, RichTextFormField, RichTextWidget

logger = logging.getLogger(__name__)

admin.site.site_header = _("WIC site administration")
admin.site.site_title = _("WIC site administration")
admin.site.index_title = _("Site content")

# Translators: badge in the admin lists, on items whose text is missing in that language.
MISSING_BADGES = {"zh-hans": _("Chinese missing"), "en": _("English missing")}
# Translators: badge in the admin lists, on items with a translation that may be out of date
# (the text in the other language changed since it was last confirmed).
STALE_BADGES = {"zh-hans": _("Chinese may be out of date"), "en": _("English may be out of date")}


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


class LockField(forms.CharField):
    """A hidden field of the form's own bookkeeping: never counted as a change (the history
    would name it, and an unchanged inline row would be saved)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, label="", **kwargs)

    def has_changed(self, initial, data):
        return False


class RebasingBoundField(BoundField):
    """Renders the values the form took over after an edit conflict (`form.rebased`) instead
    of the posted ones: the new version, and the fields only someone else had changed."""

    def value(self):
        if self.name in self.form.rebased:
            return self.field.prepare_value(self.form.rebased[self.name])
        return super().value()


class EditLockForm(forms.ModelForm):
    """A change form that refuses to overwrite someone else's save (wic/core/locking.py).

    It carries the edit version the editor loaded and the values they saw. If the row's
    version has moved when it is posted, the form is invalid: `edit_conflict` lists what
    changed, fields only the other editor changed take the saved value, the others keep the
    editor's input, and the form now carries the new version, so saving again works.
    """

    loaded_version = LockField()
    loaded_values = LockField()
    bound_field_class = RebasingBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebased = {}
        self.edit_conflict = None
        if self.instance.pk is not None and not self.is_bound:
            self.initial["loaded_version"] = self.instance.edit_version
            self.initial["loaded_values"] = locking.encode_values(self._saved_values())

    @property
    def version_loaded(self):
        """The version the editor loaded; None on a new row or a post that carries none
        (then the save is not checked, as before this field existed)."""
        value = getattr(self, "cleaned_data", {}).get("loaded_version") or ""
        return int(value) if self.instance.pk is not None and value.isdigit() else None

    def clean(self):
        cleaned_data = super().clean()
        loaded = self.version_loaded
        if loaded is not None and loaded != self.instance.edit_version:
            # self.instance is still the row as saved: _post_clean() puts the input in later.
            raise self._refuse()
        return cleaned_data

    def save(self, commit=True):
        """Inline rows are saved here (the main object by EditLockAdminMixin.save_model)."""
        instance = super().save(commit=False)
        if commit:
            if instance._state.adding:
                instance.save()
            else:
                locking.save(instance, self.version_loaded)
            self._save_m2m()
        return instance

    def _locked_fields(self):
        """The names of the form's fields that are model fields an editor changes."""
        names = []
        for name, form_field in self.fields.items():
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not model_field.primary_key and not isinstance(form_field, InlineForeignKeyField):
                names.append(name)
        return names

    def _saved_values(self):
        return locking.row_values(self.instance, self._locked_fields())

    def _my_values(self):
        values = {}
        for name in self._locked_fields():
            if name in self.cleaned_data:
                model_field = self._meta.model._meta.get_field(name)
                values[name] = locking.plain(model_field, self.cleaned_data[name])
            else:  # did not validate: compare and show what was typed
                values[name] = self[name].data
        return values

    def _refuse(self):
        started_from, loaded_at = locking.decode_values(self.cleaned_data.get("loaded_values"))
        saved = self._saved_values()
        self.edit_conflict = locking.Conflict(
            obj=self.instance,
            history=locking.history(self.instance, since=loaded_at),
            changes=locking.compare(self.instance, started_from, saved, self._my_values()),
        )
        self.rebased = {
            change.name: self[change.name].initial
            for change in self.edit_conflict.changes
            if change.outcome == locking.TAKEN_OVER
        }
        self.rebased["loaded_version"] = self.instance.edit_version
        self.rebased["loaded_values"] = locking.encode_values(saved)
        return ValidationError(locking.conflict_message(self.edit_conflict), code="edit_conflict")


class TranslationMarksForm(forms.ModelForm):
    """Beside each translated field that may be out of date (wic/core/freshness.py), what
    changed in the other language since the translation was last confirmed, and a button to
    confirm that it still holds; beside the changed text, a word that its translation may
    need the same change. Both are in the fields' help, so they sit in the field's own
    language tab."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.translation_marks = []
        if self.instance.pk is None:
            return
        names = dict(settings.LANGUAGES)
        for column, mark in freshness.marks_of(self.instance).items():
            if column not in self.fields:
                continue
            self.translation_marks.append(mark)
            old, new = diff.diff(mark.source_before, mark.source_after)
            source_column = build_localized_fieldname(mark.field, mark.source_language)
            context = {
                "mark": mark,
                "old": old,
                "new": new,
                "language": names.get(mark.language, mark.language),
                "source_language": names.get(mark.source_language, mark.source_language),
                "changed_by": mark.changed_by and history.user_name(mark.changed_by),
            }
            self._add_help(column, render_to_string("admin/wic/includes/stale_mark.html", context))
            if source_column in self.fields:
                self._add_help(
                    source_column,
                    render_to_string("admin/wic/includes/stale_source.html", context),
                )

    def _add_help(self, name, html):
        field = self.fields[name]
        field.help_text = format_html("{}{}", field.help_text or "", mark_safe(html))


class NoteToReadersField(forms.CharField):
    def __init__(self, language):
        names = dict(settings.LANGUAGES)
        super().__init__(
            required=False,
            max_length=300,
            label=format_lazy("{} ({})", _("Note to readers"), names.get(language, language)),
            help_text=_(
                "Optional, for corrections: shown with this change in the public change log "
                "of the site, in this language. Published items only."
            ),
        )


NOTE_FIELDS = {language: f"public_note_{language.replace('-', '_')}" for language in LANGUAGES}


class ContentForm(
    KeepUnchangedRichTextMixin, ConstraintErrorsOnFieldsForm, TranslationMarksForm, EditLockForm
):
    """The form of every content admin."""

    def notes_to_readers(self):
        return {language: self.cleaned_data.get(name, "") for language, name in NOTE_FIELDS.items()}


for _language, _name in NOTE_FIELDS.items():
    ContentForm.base_fields[_name] = ContentForm.declared_fields[_name] = NoteToReadersField(
        _language
    )


class ContentInlineForm(KeepUnchangedRichTextMixin, TranslationMarksForm, EditLockForm):
    """The form of a content model's rows edited inside another's form (sections)."""


LOCK_FIELDS = ("loaded_version", "loaded_values")


def with_note_fields(fieldsets):
    """The fieldsets with the notes to readers (the public change log) as a collapsed
    fieldset of their own, before the editorial notes."""
    names = list(NOTE_FIELDS.values())
    if set(names) <= set(flatten_fieldsets(fieldsets)):
        return fieldsets
    note = (_("Public change log"), {"classes": ["collapse"], "fields": names})
    position = len(fieldsets)
    if fieldsets and fieldsets[-1][0] == _("Editorial notes"):
        position -= 1
    return [*fieldsets[:position], note, *fieldsets[position:]]


def with_lock_fields(fieldsets):
    """The fieldsets with the form's hidden lock fields as one more (hidden) line of the
    first fieldset: the admin renders only the fields its fieldsets name."""
    if not fieldsets or set(LOCK_FIELDS) <= set(flatten_fieldsets(fieldsets)):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], LOCK_FIELDS]}), *rest]


class EditLockAdminMixin:
    """Saves the main object with its version checked (wic/core/locking.py) and lists the
    conflicts of the form and of its inline rows above the form."""

    change_form_template = "admin/wic/content_change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checks the version when it validates, and the save checks it again, in
        # the database. If someone saved in between, the save raises and the transaction
        # rolls back: run the view again; its form then sees the new version.
        for _attempt in range(2):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except locking.EditConflict:
                continue
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            # Forms without a version (list_editable) save unchecked, moving the version.
            locking.save(obj, getattr(form, "version_loaded", None))
        else:
            super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["edit_conflicts"] = [
            form.edit_conflict
            for form in change_form_forms(context)
            if getattr(form, "edit_conflict", None)
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)


class PublicPageMixin:
    """'View on site' only for objects that have a public page whose URL resolves.

    Some models have no public page; and while a public view does not exist yet, reversing
    its URL fails, which must not break the admin.
    """

    def view_on_site(self, obj):
        return drafts.public_url(obj)


class RichTextAdminMixin:
    """The fields named in `rich_text_fields` may carry formatting: in every language, the
    form keeps only the allowed HTML (wic/core/rich_text.py) and says what is allowed."""

    rich_text_fields = ()

    def render_change_form(self, request, context, *args, **kwargs):
        # The editor's scripts are ES modules resolved by an inline import map: under the
        # Content-Security-Policy it runs only with the response's nonce on it.
        if "media" in context:
            context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        original = getattr(db_field, "translated_field", db_field)  # body_en → body
        if original.name in self.rich_text_fields:
            kwargs.setdefault("form_class", RichTextFormField)
            kwargs["widget"] = RichTextWidget  # not the admin's plain textarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# Translators: shown on a file field when the server could not write the uploaded file.
UPLOAD_FAILURE_MESSAGES = {
    errno.ENOSPC: _(
        "The file could not be stored because the server's disk is full. Nothing was saved. "
        "Please tell the site's operator, then try again."
    ),
    errno.EACCES: _(
        "The file could not be stored because the server may not write to its upload folder. "
        "Nothing was saved. Please tell the site's operator, then try again."
    ),
}
UPLOAD_FAILURE_MESSAGES[errno.EDQUOT] = UPLOAD_FAILURE_MESSAGES[errno.ENOSPC]
UPLOAD_FAILURE_MESSAGES[errno.EPERM] = UPLOAD_FAILURE_MESSAGES[errno.EACCES]
UPLOAD_FAILURE_MESSAGES[errno.EROFS] = UPLOAD_FAILURE_MESSAGES[errno.EACCES]
UPLOAD_FAILURE_OTHER = _(
    "The file could not be stored (%(error)s). Nothing was saved. Please try again; "
    "if it happens again, tell the site's operator."
)


class UploadNotStored(Exception):
    """Storing an uploaded file failed; the admin shows the form again with a message."""

    def __init__(self, field_name, error):
        super().__init__(field_name, error)
        self.field_name = field_name
        self.error = error

    @property
    def message(self):
        if self.error.errno in UPLOAD_FAILURE_MESSAGES:
            return UPLOAD_FAILURE_MESSAGES[self.error.errno]
        return UPLOAD_FAILURE_OTHER % {"error": self.error.strerror or self.error}


def _new_uploads(obj):
    """{field name: FieldFile} of the files the save is about to store."""
    return {
        field.name: value
        for field in obj._meta.concrete_fields
        if isinstance(value := getattr(obj, field.attname, None), FieldFile)
        and value
        and not value._committed
    }


class UploadFailureAdminMixin:
    """A disk-full or permission error while storing an upload gives a message on the
    file's field, not a server error, and leaves nothing half-done.

    The files are stored by `obj.save()`, inside the transaction of the admin's change
    view. When storing fails, the files this save already stored are removed, the
    transaction is rolled back (no row points to a missing file), and the view runs once
    more on the same POST with the error added to the form: the editor sees every value
    as typed and the message on the field (the file must be chosen again: browsers never
    refill a file input). SafeFileSystemStorage (wic/core/uploads.py) removes the partly
    written file itself.
    """

    def save_model(self, request, obj, form, change):
        pending = _new_uploads(obj)
        try:
            super().save_model(request, obj, form, change)
        except OSError as error:
            if not pending:
                raise
            failed = next((name for name, f in pending.items() if not f._committed), None)
            for fieldfile in pending.values():
                if fieldfile._committed:  # stored before the failure: no row will name it
                    fieldfile.storage.delete(fieldfile.name)
            logger.exception("Could not store the upload of %s.%s", self.opts.label, failed)
            raise UploadNotStored(failed, error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except UploadNotStored as failure:
            request._wic_upload_failure = failure  # read by get_form() below
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        failure = getattr(request, "_wic_upload_failure", None)
        if failure is None:
            return form

        class UploadNotStoredForm(form):
            def clean(self):
                cleaned_data = super().clean()
                field = failure.field_name if failure.field_name in self.fields else None
                self.add_error(field, failure.message)
                return cleaned_data

        return UploadNotStoredForm


def _local(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def publication_state(obj, now=None):
    """How an item stands with visitors, in words: public, scheduled, ended, not published."""
    now = now or timezone.now()
    if not obj.is_published:
        return gettext("Not published")
    if obj.publish_at and obj.publish_at > now:
        return gettext("Scheduled: public from %(when)s") % {"when": _local(obj.publish_at)}
    if obj.unpublish_at and obj.unpublish_at <= now:
        return gettext("Ended on %(when)s") % {"when": _local(obj.unpublish_at)}
    if obj.unpublish_at:
        return gettext("Public until %(when)s") % {"when": _local(obj.unpublish_at)}
    return gettext("Public")


class PublicationFilter(admin.SimpleListFilter):
    """Items by how they stand with visitors now (wic.core.publication's rule)."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("public", _("public now")),
            ("scheduled", _("scheduled to appear")),
            ("ending", _("scheduled to end")),
            ("ended", _("ended")),
            ("unpublished", _("not published")),
            ("draft", _("with a pending draft")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = models.Q(is_published=True)
        conditions = {
            "public": published_q(now=now),
            "scheduled": published & models.Q(publish_at__gt=now),
            "ending": published_q(now=now) & models.Q(unpublish_at__gt=now),
            "ended": published & models.Q(unpublish_at__lte=now),
            "unpublished": models.Q(is_published=False),
            "draft": models.Exists(drafts.drafts_of(queryset.model)),
        }
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return None


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("complete", _("complete in both languages")),
            ("missing-en", MISSING_BADGES["en"]),
            ("missing-zh-hans", MISSING_BADGES["zh-hans"]),
            ("stale", _("translation may be out of date")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "complete":
            return translation_status.complete(queryset)
        if value == "stale":
            return queryset.filter(freshness.stale_q(queryset.model))
        language = (value or "").removeprefix("missing-")
        if language in translation_status.LANGUAGES:
            return translation_status.incomplete(queryset, language)
        return None


class ContentChangeList(ChangeList):
    """Each row knows whether a draft of it is pending and when it is to be published (the
    publication column), and in which languages a translation may be out of date (the
    translation column), in the list's own query."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        pending = drafts.drafts_of(self.model)
        return queryset.annotate(
            wic_draft=models.Exists(pending),
            wic_draft_publish_at=models.Subquery(pending.values("publish_at")[:1]),
            **{
                stale_attribute(language): freshness.stale_exists(self.model, language)
                for language in LANGUAGES
            },
        )


def stale_attribute(language):
    return f"wic_stale_{language.replace('-', '_')}"


class ContentAdmin(
    # First: a draft or a preview leaves the change view by an exception that rolls back
    # what the mixins after it opened (wic/core/drafts_admin.py).
    DraftAdminMixin,
    UploadFailureAdminMixin,
    EditLockAdminMixin,  # inside the upload mixin: its save_model wraps the checked save
    # Inside both: each run of the change view they make is one editorial action (one
    # transaction, one revision), so a refused or failed one leaves nothing behind.
    HistoryAdminMixin,
    RichTextAdminMixin,
    PublicPageMixin,
    TabbedTranslationAdmin,
):
    """Base of every content model's admin. Subclasses set the usual ModelAdmin options;
    `is_published` and the translation status are added to their columns and filters."""

    form = ContentForm
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},  # Django 6's default
        # Images judged by Pillow, with messages that name the limit (wic/core/uploads.py).
        models.ImageField: {"form_class": uploads.ImageFormField},
    }
    readonly_fields = ["translation_status", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    # The layout every change form shares; the other fields come first, in model order.
    # "Translated by this site": which texts public pages mark (wic/core/site_translation.py).
    publication_fields = [
        "is_published",
        "publish_at",
        "unpublish_at",
        "sort_order",
        "translation_status",
        "site_translated",
    ]
    editorial_fields = ["source", "created_at", "updated_at"]
    only_on_change = {"translation_status", "created_at", "updated_at"}

    def get_changelist(self, request, **kwargs):
        return ContentChangeList

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        current = history.current()
        if current is not None and hasattr(form, "notes_to_readers"):
            current.note = form.notes_to_readers()

    def get_list_display(self, request):
        return [*super().get_list_display(request), "publication", "translation_status"]

    @admin.display(description=_("publication"), ordering="is_published")
    def publication(self, obj):
        state = publication_state(obj)
        if not getattr(obj, "wic_draft", False):
            return state
        if obj.wic_draft_publish_at:
            draft = gettext("draft to be published on %(when)s") % {
                "when": _local(obj.wic_draft_publish_at)
            }
        else:
            draft = gettext("draft pending")
        return format_html('{} <span class="wic-draft-badge">{}</span>', state, draft)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not {"is_published", "publish_at", "unpublish_at"} & set(form.changed_data):
            return
        if kept_aside(request):
            return  # not saved: kept as a draft, or shown in a preview
        now = timezone.now()
        if obj.publish_at and not obj.is_published:
            self.message_user(
                request,
                gettext(
                    "Not published: the publication time takes effect once “published” is ticked."
                ),
                messages.WARNING,
            )
        elif obj.is_published and obj.publish_at and obj.publish_at <= now:
            if "publish_at" in form.changed_data:
                self.message_user(
                    request,
                    gettext(
                        "The publication time you gave, %(when)s, has passed: it is public now."
                    )
                    % {"when": _local(obj.publish_at)},
                    messages.WARNING,
                )
        elif obj.is_published:
            # Translators: e.g. "Scheduled: public from 8 Nov 2018, 09:00 (Beijing time)."
            self.message_user(
                request,
                gettext("%(state)s (Beijing time).") % {"state": publication_state(obj, now)},
            )

    def get_search_fields(self, request):
        """`search_fields` name fields plainly (`title`, `organization__name`); a translated
        one is searched in every language (a bare name would search the admin's language)."""
        return [
            column
            for field in super().get_search_fields(request)
            for column in language_columns(self.model, field)
        ]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PublicationFilter, TranslationStatusFilter]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:  # nothing to show about a row that does not exist yet
            fields = [field for field in fields if field not in self.only_on_change]
        return fields

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            fieldsets = with_note_fields(super().get_fieldsets(request, obj))
            return with_lock_fields(fieldsets) if obj is not None else fieldsets
        fields = flatten_fieldsets(super().get_fieldsets(request, obj))
        grouped = {
            *self.publication_fields,
            *self.editorial_fields,
            *LOCK_FIELDS,
            *NOTE_FIELDS.values(),
        }
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
        fieldsets = with_note_fields([fieldset for fieldset in fieldsets if fieldset[1]["fields"]])
        # A new row has no version to carry.
        return with_lock_fields(fieldsets) if obj is not None else fieldsets

    @admin.display(description=_("translation"))
    def translation_status(self, obj):
        gaps = translation_status.gaps(obj)
        by_language = {
            language: [gap.field for gap in gaps if gap.language == language]
            for language in translation_status.missing_languages(obj)
        }
        missing = format_html_join(
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
        if all(hasattr(obj, stale_attribute(language)) for language in LANGUAGES):
            stale = [lang for lang in LANGUAGES if getattr(obj, stale_attribute(lang))]
        else:  # the change form: one row
            stale = freshness.stale_languages(obj)
        marks = format_html_join(
            " ",
            '<span class="wic-stale">{}</span>',
            ((STALE_BADGES.get(language, language),) for language in stale),
        )
        return format_html("{}{}{}", missing, " " if missing and marks else "", marks)

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
        update time and edit version move (an open form of the row is then refused) and the
        change is in the object's history: one editorial action, one revision."""
        with self.recording(request):
            changed = list(queryset.exclude(is_published=value))
            # The history entry a form save would write: the field's label, as in the form.
            label = str(capfirst(self.opts.get_field("is_published").verbose_name))
            for obj in changed:
                obj.is_published = value
                locking.save(obj, update_fields=["is_published", "updated_at"])
                self.log_change(request, obj, [{"changed": {"fields": [label]}}])
        return len(changed)


class ContentStackedInline(RichTextAdminMixin, PublicPageMixin, TranslationStackedInline):
    """An inline of a translated content model (sections, key figures): tabs per language.

    Each row carries its own edit version, like the main form: a row changed meanwhile (in
    its own admin, or here by someone else) refuses the save.
    """

    form = ContentInlineForm
    extra = 0

    def get_fields(self, request, obj=None):
        """The subclass's `fields`, and the site's-translation marks after them."""
        fields = list(super().get_fields(request, obj))
        if "site_translated" not in fields:
            fields.append("site_translated")
        return fields

    def get_fieldsets(self, request, obj=None):
        return with_lock_fields(super().get_fieldsets(request, obj))


@admin.register(PublicChange)
class PublicChangeAdmin(TabbedTranslationAdmin):
    """The public change log's entries, written by the site itself (wic/core/changelog.py):
    editors may word the note to readers again or delete an entry, nothing else."""

    list_display = ["title", "kind", "changed_at"]
    list_filter = ["kind"]
    search_fields = ["title_zh_hans", "title_en", "note_zh_hans", "note_en"]
    date_hierarchy = "changed_at"
    fields = ["title_zh_hans", "title_en", "kind", "changed_at", "changed_fields", "note"]
    readonly_fields = ["title_zh_hans", "title_en", "kind", "changed_at", "changed_fields"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        return ", ".join(obj.field_labels()) or "—"

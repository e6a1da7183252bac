"""The admin side of drafts, previews and share links (wic/core/drafts.py).

On the change form of a published item, next to "Save":
- "Save as draft" (`_save_draft`): the form is saved as it would be, read back as the draft,
  and rolled back; the public keeps the live item. An optional time publishes it then.
- "Preview" in either language (`_preview`): the public page with the form's unsaved
  contents, in a new tab, rolled back likewise.
While a draft is pending, the form opens on the draft (applied to the item in a transaction
that is rolled back once the form is rendered; its save applies it again first, so "Save"
publishes the draft with the form's changes, and "Save as draft" keeps working on it). Above
the fields, the draft against the live item, per language, with buttons to preview it,
publish it (`<id>/draft/publish/`) or discard it (`<id>/draft/discard/`), and a way to give a
reviewer a share link (`<id>/share/`).

`DraftAdminMixin` comes first in ContentAdmin: the draft and the preview leave the change
view through an exception (`drafts.Captured`) that rolls back the editorial action the other
mixins opened, edit-conflict check and all.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import DateTimeField
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import drafts, history, locking
from .comparison import compare
from .history_admin import admin_url
from .models import Draft, ShareLink

PREVIEW_LANGUAGES = ("zh-hans", "en")
NO_PUBLIC_PAGE = _("This item has no public page to preview.")
# The hidden field of a form opened on a draft: which draft, as it was then.
DRAFT_FIELD = "_draft"


@dataclass
class DraftSaved:
    """What "Save as draft" carries out of the change view's rolled-back save."""

    obj: object
    state: list
    base_version: int


def draft_applied(request):
    """Whether the editorial action running applies the draft the form edits."""
    change = history.current()
    return change is not None and getattr(request, "wic_draft_applied_in", None) is change


def kept_aside(request):
    """Whether the change view's save is kept as a draft or shown as a preview, not saved."""
    return bool({"_save_draft", "_preview"} & set(request.POST))


class DraftAdminMixin:
    # --- The change view ----------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        publish_at = None
        live = self.get_object(request, unquote(object_id)) if object_id is not None else None
        if live is None:  # an addition, or no such item (Django says so)
            return super().changeform_view(request, object_id, form_url, extra_context)
        draft = drafts.draft_of(live)
        extra_context = {**(extra_context or {}), **self._draft_context(request, live, draft)}
        request.wic_draft = self._draft_to_edit(request, draft)
        if request.method == "POST" and "_save_draft" in request.POST:
            try:
                publish_at = self._draft_publish_at(request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(request.path)
        if request.method == "POST" and "_preview" in request.POST:
            request.FILES.clear()  # files are not stored for a preview: it shows those saved
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except drafts.Captured as captured:
            if isinstance(captured.value, DraftSaved):
                return self._draft_saved(request, captured.value, publish_at)
            return captured.value  # a preview, or the form with the draft in it

    def _draft_to_edit(self, request, draft):
        """The draft the form edits: on opening, the pending draft; on saving, that same
        draft if the form was opened on it and it has not changed since."""
        if draft is None:
            return None
        if request.method != "POST":
            return draft
        opened_on = request.POST.get(DRAFT_FIELD)
        if opened_on == drafts.draft_token(draft):
            return draft
        if opened_on:
            messages.warning(
                request,
                _(
                    "The draft was saved, published or discarded by someone else since you "
                    "opened this form: your changes were checked against the item as it is now."
                ),
            )
        return None

    def get_object(self, request, object_id, from_field=None):
        """In the change view, the item with the draft it edits applied, inside the view's
        editorial action: the form, its inline rows and the checks of the save then start
        from the draft. Opening the form, a preview and "Save as draft" roll it back."""
        obj = super().get_object(request, object_id, from_field)
        draft = getattr(request, "wic_draft", None)
        change = history.current()
        if obj is None or draft is None or change is None or draft_applied(request):
            return obj
        try:
            history.restore(drafts.state_of(draft))
        except history.RestoreRefused as refused:
            request.wic_draft = None
            messages.warning(
                request,
                _(
                    "The form shows the item as visitors see it: its draft cannot be applied "
                    "(%(problems)s). Discard the draft, or restore what it needs first."
                )
                % {"problems": " ".join(refused.problems)},
            )
            return obj
        request.wic_draft_applied_in = change
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if draft_applied(request) and not kept_aside(request):
            # "Save" on a form opened on a draft: the draft and the form's changes are live.
            Draft.objects.filter(pk=request.wic_draft.pk).delete()
            messages.info(request, _("The draft is published, with your changes."))

    def response_change(self, request, obj):
        if "_save_draft" in request.POST:
            if draft_applied(request):
                base = request.wic_draft.base_version
            else:
                form_version = request.POST.get("loaded_version", "")
                base = int(form_version) if form_version.isdigit() else obj.edit_version - 1
            state = history.serialized_state(self.model, obj.pk)
            raise drafts.Captured(DraftSaved(obj, state, base))
        if "_preview" in request.POST:
            language = request.POST["_preview"]
            if language not in PREVIEW_LANGUAGES:
                language = translation.get_language()
            notes = drafts.make_public_for_preview(obj)
            fresh = self.model._base_manager.get(pk=obj.pk)
            page = drafts.render_public_page(request, fresh, language, notes)
            if page is None:
                messages.warning(request, NO_PUBLIC_PAGE)
                page = HttpResponseRedirect(request.path)
            raise drafts.Captured(page)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        applied = obj is not None and draft_applied(request)
        if applied:
            context.update(editing_draft=drafts.draft_token(request.wic_draft))
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if applied:
            response.render()
            raise drafts.Captured(response)  # and the draft applied for it is rolled back
        return response

    def _draft_publish_at(self, request):
        """The time the draft is to be published at: a browser's datetime-local input sends
        no time zone, so it is read in the site's, Beijing time."""
        value = request.POST.get("_draft_publish_at", "").strip()
        if not value:
            return None
        moment = DateTimeField(
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        ).clean(value)
        return moment

    def _draft_saved(self, request, saved, publish_at):
        obj = saved.obj
        if publish_at is not None and publish_at <= timezone.now():
            draft = drafts.save_draft(obj, saved.state, saved.base_version, request.user)
            try:
                drafts.publish(draft, request.user)
            except locking.EditConflict:
                messages.error(request, self._conflict_message(obj))
            else:
                messages.warning(
                    request,
                    _("The time you gave, %(when)s, has passed: the draft was published now.")
                    % {"when": _local(publish_at)},
                )
            return HttpResponseRedirect(request.path)
        drafts.save_draft(obj, saved.state, saved.base_version, request.user, publish_at)
        if publish_at is not None:
            message = _(
                "Draft saved: it will be published on %(when)s (Beijing time). Visitors see the "
                "item as it was until then."
            ) % {"when": _local(publish_at)}
        else:
            message = _(
                "Draft saved. Visitors see the item as it was until the draft is published."
            )
        messages.success(request, message)
        return HttpResponseRedirect(request.path)

    def _draft_context(self, request, obj, draft):
        """What the change form shows of the draft and the share links: computed from the
        item as it is live, before the view applies the draft."""
        pk = quote(obj.pk)
        context = {
            "draft": draft,
            "can_save_draft": obj.is_published,
            # Previews and share links show a page: not for the items that have none.
            "has_public_page": drafts.public_url(obj) is not None,
            "preview_languages": _preview_languages(),
            "share_links": [
                {
                    "by": link.created_by and history.user_name(link.created_by),
                    "expires_at": link.expires_at,
                    "urls": [
                        (name, request.build_absolute_uri(_share_path(link, code)))
                        for code, name in _preview_languages()
                    ],
                    "revoke_url": admin_url(self, "share_revoke", pk, link.pk),
                }
                for link in ShareLink.objects.active()
                .filter(content_type=drafts.content_type_of(self.model), object_id=obj.pk)
                .select_related("created_by")
            ],
            "share_url": admin_url(self, "share", pk),
            "share_days": drafts.SHARE_DAYS,
        }
        if draft is not None:
            context.update(
                draft_comparison=compare(
                    history.current_state(self.model, obj.pk), drafts.state_of(draft)
                ),
                draft_sides=(
                    {"label": _("Live")},
                    {"label": _("Draft")},
                ),
                draft_publish_url=admin_url(self, "draft_publish", pk),
                draft_discard_url=admin_url(self, "draft_discard", pk),
                draft_preview_urls=[
                    (code, name, admin_url(self, "draft_preview", pk) + f"?language={code}")
                    for code, name in context["preview_languages"]
                ],
                draft_by=draft.created_by and history.user_name(draft.created_by),
            )
        return context

    # --- Draft pages ----------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/draft/publish/",
                view(self.draft_publish_view),
                name=f"{prefix}_draft_publish",
            ),
            path(
                "<path:object_id>/draft/discard/",
                view(self.draft_discard_view),
                name=f"{prefix}_draft_discard",
            ),
            path(
                "<path:object_id>/draft/preview/",
                view(self.draft_preview_view),
                name=f"{prefix}_draft_preview",
            ),
            path("<path:object_id>/share/", view(self.share_view), name=f"{prefix}_share"),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.share_revoke_view),
                name=f"{prefix}_share_revoke",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, obj):
        return admin_url(self, "change", quote(obj.pk))

    def _draft_item(self, request, object_id, permission="change"):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise PermissionDenied
        allowed = (
            self.has_change_permission(request, obj)
            if permission == "change"
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def draft_publish_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._draft_item(request, object_id)
        draft = drafts.draft_of(obj)
        if draft is None:
            messages.warning(
                request, _("There is no draft to publish: it was published or discarded.")
            )
            return HttpResponseRedirect(self._change_url(obj))
        try:
            drafts.publish(draft, request.user)
        except locking.EditConflict:
            messages.error(request, self._conflict_message(obj))
        except history.RestoreRefused as refused:
            messages.error(
                request,
                _("The draft could not be published: %(problems)s")
                % {"problems": " ".join(refused.problems)},
            )
        else:
            messages.success(request, _("The draft is published: visitors see it now."))
        return HttpResponseRedirect(self._change_url(obj))

    def draft_discard_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._draft_item(request, object_id)
        deleted, _rows = Draft.objects.filter(
            content_type=drafts.content_type_of(self.model), object_id=obj.pk
        ).delete()
        if deleted:
            messages.success(request, _("The draft was discarded. The item stays as it is."))
        return HttpResponseRedirect(self._change_url(obj))

    def draft_preview_view(self, request, object_id):
        obj = self._draft_item(request, object_id, permission="view")
        language = request.GET.get("language")
        if language not in PREVIEW_LANGUAGES:
            language = translation.get_language()
        url = admin_url(self, "draft_preview", quote(obj.pk))
        response = drafts.preview(
            request,
            self.model,
            obj.pk,
            language,
            drafts.draft_of(obj),
            {code: f"{url}?language={code}" for code in PREVIEW_LANGUAGES},
        )
        if response is None:
            messages.warning(request, NO_PUBLIC_PAGE)
            return HttpResponseRedirect(self._change_url(obj))
        return response

    def share_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._draft_item(request, object_id)
        if drafts.public_url(obj) is None:
            messages.warning(request, NO_PUBLIC_PAGE)
            return HttpResponseRedirect(self._change_url(obj))
        try:
            days = int(request.POST.get("_share_days") or drafts.SHARE_DAYS)
        except ValueError:
            days = drafts.SHARE_DAYS
        days = min(max(days, 1), 90)
        link = drafts.create_share_link(obj, request.user, days)
        messages.success(
            request,
            _(
                "Share link created, valid until %(when)s: %(url)s — anyone with it sees this "
                "item's preview (its draft, if there is one) and nothing else unpublished. "
                "Revoke it under “Share links”."
            )
            % {
                "when": _local(link.expires_at),
                "url": request.build_absolute_uri(_share_path(link, translation.get_language())),
            },
        )
        return HttpResponseRedirect(self._change_url(obj))

    def share_revoke_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._draft_item(request, object_id)
        revoked = (
            ShareLink.objects.active()
            .filter(pk=link_id, content_type=drafts.content_type_of(self.model), object_id=obj.pk)
            .update(revoked_at=timezone.now())
        )
        if revoked:
            messages.success(request, _("The share link is revoked: it shows nothing any more."))
        return HttpResponseRedirect(self._change_url(obj))

    def _conflict_message(self, obj):
        return _(
            "The draft was not published: %(item)s was saved after the draft was made, and "
            "publishing would undo that save. Compare the draft with the item below, then save "
            "the draft again from the form and publish it."
        ) % {"item": obj}


def _share_path(link, language):
    return drafts.share_path(drafts.share_token(link), language)


def _preview_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code in PREVIEW_LANGUAGES]


def _local(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- The lists of drafts and share links ---------------------------------------------------------


class AboutAnItemAdmin(admin.ModelAdmin):
    """The list of rows about items (wic.core.models.AboutAnItem): made from an item's form,
    never added here; each names its item, its kind and who made it."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type", "created_by")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("kind"), ordering="content_type")
    def kind(self, row):
        return capfirst(row.content_type.name)

    @admin.display(description=_("item"))
    def item(self, row):
        model = row.model
        if model is None or not self.admin_site.is_registered(model):
            return row.title
        opts = model._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[row.object_id],
        )
        return format_html('<a href="{}">{}</a>', url, row.title)

    def by(self, row):
        return history.user_name(row.created_by) if row.created_by else "—"


@admin.register(Draft)
class DraftAdmin(AboutAnItemAdmin):
    """Every pending draft, those scheduled first: when each will be published, by whom it
    was saved, and what went wrong with a scheduled one. Its time can be changed here;
    deleting a draft discards it. The draft itself is edited on its item's form."""

    list_display = ["title", "kind", "publish_at", "saved_by", "updated_at", "problem"]
    list_filter = [("publish_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    fields = ["item", "kind", "saved_by", "updated_at", "publish_at", "problem"]
    readonly_fields = ["item", "kind", "saved_by", "updated_at", "problem"]

    @admin.display(description=_("saved by"), ordering="created_by")
    def saved_by(self, draft):
        return self.by(draft)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.publish_at is not None and obj.publish_at <= timezone.now():
            try:
                drafts.publish(obj, request.user)
            except (locking.EditConflict, history.RestoreRefused):
                messages.error(
                    request,
                    _(
                        "The draft was not published: its item was saved after the draft was "
                        "made. Open the item to compare them."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _("The time you gave, %(when)s, has passed: the draft was published now.")
                    % {"when": _local(obj.publish_at)},
                )

    def response_change(self, request, obj):
        if not Draft.objects.filter(pk=obj.pk).exists():  # published just now
            return HttpResponseRedirect(reverse("admin:wic_draft_changelist"))
        return super().response_change(request, obj)


class ShareLinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", _("valid")), ("expired", _("expired")), ("revoked", _("revoked"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "valid":
            return queryset.active()
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return None


@admin.register(ShareLink)
class ShareLinkAdmin(AboutAnItemAdmin):
    """Every share link, who made it and until when it is valid; revoke them here. Links are
    made on the item's form."""

    list_display = ["title", "kind", "made_by", "created_at", "expires_at", "state"]
    list_filter = [ShareLinkStateFilter]
    search_fields = ["title"]
    fields = ["item", "kind", "made_by", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("created by"), ordering="created_by")
    def made_by(self, link):
        return self.by(link)

    @admin.display(description=_("state"))
    def state(self, link):
        if link.revoked_at is not None:
            return _("revoked")
        return _("valid") if link.expires_at > timezone.now() else _("expired")

    @admin.action(description=_("Revoke the selected share links"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d share link revoked.", "%(count)d share links revoked.", count)
            % {"count": count},
        )

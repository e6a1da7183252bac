"""The admin side of the editorial history (wic/core/history.py): one place that opens an
editorial action, and the pages to see, compare, restore and recover versions.

`HistoryAdminMixin.recording(request)` is the admin's one way into `history.recording()`:
the change form (through `changeform_view`), the publish and unpublish actions, a revert and
a recovery each run in one transaction with one revision by the editor. In ContentAdmin it
sits inside the upload and edit-lock mixins, so each of their runs of the change view (the
edit-lock mixin runs it again after a conflict caught by the database, the upload mixin
after an upload that could not be stored) is an action of its own, and one that fails leaves
nothing behind: no revision, no mark, no public log entry.

Pages, under each content admin's URLs:
- `<id>/history/`: the versions, newest first (when, who, what), two of them to compare;
- `<id>/history/compare/?a=<version>&b=<version or "current">`: side by side, per language;
- `<id>/history/<version>/revert/` (POST): restore that version, checked like a save;
- `recover/` and `recover/<version>/`: what was deleted, and bringing it back.
Editors need: view (history, compare), change (revert), add (recover).
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, router
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from reversion.errors import RevertError
from reversion.models import Version

from . import history, locking
from .comparison import compare

CURRENT = "current"
CLASH = _lazy(
    "It clashes with what is saved now (another item may have taken its place meanwhile). "
    "Nothing was changed: reload the page and look again."
)


def change_form_forms(context):
    """The item's form and every inline row's form of a change form's context."""
    forms = [context["adminform"].form] if "adminform" in context else []
    for inline_admin_formset in context.get("inline_admin_formsets", []):
        forms += inline_admin_formset.formset.forms
    return forms


def admin_url(model_admin, name, *args):
    """The address of one of `model_admin`'s pages: "change", "history", "compare"…"""
    opts = model_admin.opts
    return reverse(
        f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
    )


class HistoryAdminMixin:
    """History, compare, revert and recover for a content admin (see the module)."""

    change_list_template = "admin/wic/change_list.html"

    # --- Recording ------------------------------------------------------------------------

    def recording(self, request, comment=""):
        return history.recording(request.user, comment, using=router.db_for_write(self.model))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Django's change view, in one editorial action (its own transaction replaced)."""
        with self.recording(request) as change:
            change.confirmations = request.POST.getlist("_confirm_translation")
            return self._changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        # "The translation still holds" saves the form and stays on it, like "Save and
        # continue editing".
        if "_confirm_translation" in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["translation_marks"] = any(
            getattr(form, "translation_marks", None) for form in change_form_forms(context)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment(entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment(entry)
        return entry

    @staticmethod
    def _comment(entry):
        if history.current() is not None:
            reversion.set_comment(entry.change_message)

    def delete_model(self, request, obj):
        history.record_deletion([obj], request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.record_deletion(queryset, request.user)
        super().delete_queryset(request, queryset)

    def recoverable(self, obj):
        """Whether a deleted item (as its version holds it) is listed here: a proxy's admin
        lists its own kind only."""
        return True

    # --- URLs -------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                view(self.revert_view),
                name=f"{prefix}_revert",
            ),
            path("recover/", view(self.recover_list_view), name=f"{prefix}_recoverlist"),
            path(
                "recover/<int:version_id>/",
                view(self.recover_view),
                name=f"{prefix}_recover",
            ),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        return admin_url(self, name, *args)

    def _context(self, request, title, obj=None, **kwargs):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": obj,
            "has_view_permission": self.has_view_permission(request, obj),
            "has_change_permission": self.has_change_permission(request, obj),
            **kwargs,
        }

    # --- History and compare ------------------------------------------------------------

    def _item(self, request, object_id, permission="view"):
        """(obj, redirect): the item, or where to send the editor if it does not exist."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            messages.warning(
                request,
                _(
                    "There is no %(item)s with the key “%(key)s”. If it was deleted, it can be "
                    "recovered from the list of deleted %(items)s."
                )
                % {
                    "item": self.opts.verbose_name,
                    "key": unquote(object_id),
                    "items": self.opts.verbose_name_plural,
                },
            )
            return None, HttpResponseRedirect(self._url("recoverlist"))
        allowed = (
            self.has_view_or_change_permission(request, obj)
            if permission == "view"
            else self.has_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj, None

    def history_view(self, request, object_id, extra_context=None):
        obj, redirect = self._item(request, object_id)
        if redirect:
            return redirect
        versions = list(history.versions_of(self.model, obj.pk))
        rows = [
            {
                "version": version,
                "when": version.revision.date_created,
                "who": history.user_name(version.revision.user),
                "what": history.describe(version.revision),
            }
            for version in versions
        ]
        context = self._context(
            request,
            _("History: %s") % obj,
            obj,
            rows=rows,
            compare_url=self._url("compare", quote(obj.pk)),
            # The last change by default; with one version, that version and the item now.
            checked_a=versions[1].pk if len(versions) > 1 else versions[0].pk if versions else None,
            checked_b=versions[0].pk if len(versions) > 1 else CURRENT,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/wic/object_history.html", context)

    def _state(self, obj, value):
        """The ItemState named by a compare parameter: "current" or a version of `obj`'s.
        None if it names nothing of this item."""
        if value == CURRENT:
            return history.current_state(self.model, obj.pk)
        if not str(value).isdigit():
            return None
        version = history.versions_of(self.model, obj.pk).filter(pk=int(value)).first()
        if version is None:
            return None
        return history.item_state(version, self.model._meta.concrete_model)

    def compare_view(self, request, object_id, extra_context=None):
        obj, redirect = self._item(request, object_id)
        if redirect:
            return redirect
        history_url = self._url("history", quote(obj.pk))
        try:
            a = self._state(obj, request.GET.get("a", ""))
            b = self._state(obj, request.GET.get("b", CURRENT))
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(history_url)
        if a is None or b is None:
            messages.error(
                request,
                _("Choose two versions of this %(item)s to compare.")
                % {"item": self.opts.verbose_name},
            )
            return HttpResponseRedirect(history_url)
        return self._render_compare(request, obj, a, b, extra_context=extra_context)

    def _render_compare(self, request, obj, a, b, conflict=None, refused=None, extra_context=None):
        versions = [state for state in (a, b) if state.version is not None]
        context = self._context(
            request,
            _("Compare versions: %s") % obj,
            obj,
            comparison=compare(a, b),
            a=self._describe_state(a),
            b=self._describe_state(b),
            restorable=[
                {
                    "side": side,
                    "state": state,
                    "url": self._url("revert", quote(obj.pk), state.version.pk),
                }
                for side, state in (("A", a), ("B", b))
                if state.version is not None
            ]
            if self.has_change_permission(request, obj)
            else [],
            loaded_version=obj.edit_version,
            loaded_values=locking.encode_values(self._lock_values(obj)),
            history_url=self._url("history", quote(obj.pk)),
            conflict=conflict,
            edit_conflicts=[conflict] if conflict else [],
            refused=refused,
            versions=versions,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/wic/compare.html", context)

    def _describe_state(self, state):
        if state.version is None:
            return {"label": _("As it is now"), "when": None, "who": "", "what": ""}
        revision = state.version.revision
        return {
            "label": _("Version of %(when)s")
            % {
                "when": formats.date_format(
                    timezone.localtime(revision.date_created), "DATETIME_FORMAT"
                )
            },
            "when": revision.date_created,
            "who": history.user_name(revision.user),
            "what": history.describe(revision),
        }

    def _lock_values(self, obj):
        names = [
            f.name for f in history.tracked_fields(self.model) if f.name not in history.BOOKKEEPING
        ]
        return locking.row_values(obj, names)

    # --- Revert ---------------------------------------------------------------------------

    def revert_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj, redirect = self._item(request, object_id, permission="change")
        if redirect:
            return redirect
        history_url = self._url("history", quote(obj.pk))
        version = history.versions_of(self.model, obj.pk).filter(pk=version_id).first()
        if version is None:
            messages.error(
                request,
                _("That is not a version of this %(item)s: nothing was restored.")
                % {"item": self.opts.verbose_name},
            )
            return HttpResponseRedirect(history_url)
        loaded = request.POST.get("loaded_version", "")
        if not loaded.isdigit():
            messages.error(request, _("The form was incomplete: nothing was restored."))
            return HttpResponseRedirect(history_url)
        try:
            state = history.item_state(version, self.model._meta.concrete_model)
            when = version.revision.date_created
            with self.recording(request):
                item = history.restore(state, loaded_version=int(loaded))
                self.log_change(
                    request,
                    item,
                    _("Restored the version of %(when)s.")
                    % {"when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")},
                )
                reversion.set_comment(history.comment("reverted", when=when.isoformat()))
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(history_url)
        except locking.EditConflict:
            obj.refresh_from_db()
            return self._render_compare(
                request,
                obj,
                state,
                history.current_state(self.model, obj.pk),
                conflict=self._conflict(obj, request.POST.get("loaded_values")),
            )
        except (history.RestoreRefused, IntegrityError) as refused:
            if isinstance(refused, IntegrityError):  # a clash the checks could not foresee
                refused = history.RestoreRefused([CLASH])
            return self._render_compare(
                request, obj, state, history.current_state(self.model, obj.pk), refused=refused
            )
        messages.success(
            request,
            _("The %(item)s “%(name)s” was restored to the version of %(when)s.")
            % {
                "item": self.opts.verbose_name,
                "name": item,
                "when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT"),
            },
        )
        return HttpResponseRedirect(self._url("change", quote(item.pk)))

    def _conflict(self, obj, loaded_values):
        """What someone saved since the editor loaded the compare page, as an edit conflict
        of the change form reports it (wic/core/locking.py)."""
        started_from, loaded_at = locking.decode_values(loaded_values)
        saved = self._lock_values(obj)
        conflict = locking.Conflict(
            obj=obj,
            history=locking.history(obj, since=loaded_at),
            changes=locking.compare(obj, started_from, saved, saved),
        )
        conflict.message = locking.conflict_message(conflict)
        return conflict

    # --- Recover ----------------------------------------------------------------------------

    def _may_recover(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def recover_list_view(self, request, extra_context=None):
        if not self._may_recover(request):
            raise PermissionDenied
        rows = []
        for version in history.deleted_versions(self.model):
            if self.opts.proxy:
                try:
                    if not self.recoverable(version._object_version.object):
                        continue
                except RevertError:
                    continue
            rows.append(
                {
                    "version": version,
                    "name": version.object_repr,
                    "when": version.revision.date_created,
                    "who": history.user_name(version.revision.user),
                    "url": self._url("recover", version.pk),
                }
            )
        context = self._context(
            request,
            _("Deleted %(items)s") % {"items": self.opts.verbose_name_plural},
            rows=rows,
            changelist_url=self._url("changelist"),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/wic/recover_list.html", context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self._may_recover(request):
            raise PermissionDenied
        list_url = self._url("recoverlist")
        version = (
            Version.objects.get_for_model(self.model._meta.concrete_model)
            .filter(pk=version_id)
            .select_related("revision__user")
            .first()
        )
        if version is None:
            messages.error(
                request,
                _("There is no deleted %(item)s with that number.")
                % {"item": self.opts.verbose_name},
            )
            return HttpResponseRedirect(list_url)
        existing = self.model._base_manager.filter(pk=version.object_id).first()
        if existing is not None:
            messages.info(
                request,
                _("The %(item)s “%(name)s” exists: it was not deleted, or has been recovered.")
                % {"item": self.opts.verbose_name, "name": existing},
            )
            return HttpResponseRedirect(self._url("change", quote(existing.pk)))
        try:
            state = history.item_state(version, self.model._meta.concrete_model)
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(list_url)
        problems = history.problems(state)
        if request.method == "POST" and not problems:
            try:
                with self.recording(request):
                    item = history.restore(state)
                    self.log_addition(request, item, _("Recovered after it was deleted."))
                    reversion.set_comment(history.comment("recovered"))
            except history.RestoreRefused as refused:
                problems = refused.problems
            except IntegrityError:  # recovered by someone else meanwhile, say
                problems = [CLASH]
            else:
                messages.success(
                    request,
                    _("The %(item)s “%(name)s” was recovered, as it was when deleted.")
                    % {"item": self.opts.verbose_name, "name": item},
                )
                return HttpResponseRedirect(self._url("change", quote(item.pk)))
        context = self._context(
            request,
            _("Recover %(item)s “%(name)s”")
            % {"item": self.opts.verbose_name, "name": version.object_repr},
            deleted=self._describe_state(state),
            comparison=compare(history.empty_state(state), state),
            problems=problems,
            list_url=list_url,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/wic/recover.html", context)

    def changelist_view(self, request, extra_context=None):
        context = {
            "recover_url": self._url("recoverlist") if self._may_recover(request) else None,
            "recover_label": capfirst(
                _("deleted %(items)s") % {"items": self.opts.verbose_name_plural}
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

"""Site-wide pages that belong to no app (search, the change log, robots.txt, favicon.ico),
and the mixins that the content apps' public views share."""

import functools
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView, View

from . import cache, drafts, search
from .keywords import KeywordField
from .models import PublicChange
from .publication import Audience


class AudienceMixin:
    """`self.audience`: who the page is for (wic.core.publication): visitors see published
    rows, staff drafts too. Read rows with `self.visible(queryset)` and their related rows with
    `self.audience.with_related(queryset, …)`."""

    @property
    def audience(self):
        return Audience.of(self.request)

    def visible(self, queryset):
        return self.audience.rows(queryset)


class DetailPageMixin:
    """One item's page (a DetailView).

    The page cache keeps it current with the item's own row rather than its whole table
    (wic.core.cache.read_by_key): saving another item of the same kind leaves it cached.
    Staff looking at a draft get a banner linking to the admin (includes/draft_banner.html,
    which needs the object's `opts`).
    """

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return cache.read_by_key(
            self.request, queryset.model, lambda: super(DetailPageMixin, self).get_object(queryset)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(opts=self.object._meta, **kwargs)


class FilteredListMixin:
    """A list filtered by the query string (a FilterView). The answer to invalid filter
    values is shown with its message, but is the visitor's own: marked private, so that no
    cache stores it (junk values must not fill the page cache)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            patch_cache_control(response, private=True)
        return response


class ForgivingPaginationMixin:
    """A page number that is not one (`?page=-1`, `?page=99999`, `?page=x`) shows the
    nearest real page rather than an error, so that no shared link breaks."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class SearchForm(forms.Form):
    q = KeywordField(
        label=_("Search the site"),
        error_messages={"required": _("Type a word or two to search for.")},
    )

    use_required_attribute = False  # the header's box: an empty search gets a message


class SearchView(TemplateView):
    """Published content of every type, matched in both languages, grouped by type."""

    template_name = "wic/search.html"
    # What the page cache keys it by: free text, so rendered each time (wic/core/cache.py).
    query_params = free_text_params = ("q",)

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        groups = search.search(form.cleaned_data["q"]) if form.is_valid() else []
        return super().get_context_data(
            form=form,
            query=form.cleaned_data.get("q", "") if form.is_valid() else "",
            groups=groups,
            total=sum(group.count for group in groups),
            **kwargs,
        )


class RobotsView(TemplateView):
    template_name = "wic/robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)


@functools.cache
def _favicon_bytes():
    return Path(finders.find("img/favicon.ico")).read_bytes()


@require_safe
def favicon(request):
    """`/favicon.ico`: browsers ask for it on every page that names no icon (the admin's), and
    some ask for it whatever the page names. The icon itself (16, 32 and 48 pixels, drawn
    from static/img/favicon.svg), not a redirect: nothing to follow, and no 404 in the log."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class ChangeLogView(ForgivingPaginationMixin, ListView):
    """`/<lang>/changes/`: what the site changed in its published content, newest first
    (wic/core/changelog.py). Never an editor's name, never an unpublished item, never a text:
    the fields that changed and their languages."""

    template_name = "wic/changes.html"
    context_object_name = "changes"
    paginate_by = 30

    def get_queryset(self):
        return PublicChange.objects.visible().with_items()


class SharedPreviewView(View):
    """`/<lang>/preview/<token>/`: the preview of one item for a reviewer without an account
    (wic/core/drafts.py): its draft if it has one, nothing else unpublished. A link that is
    forged, expired, revoked or whose item is gone gets a page that says so."""

    def get(self, request, token):
        try:
            _link, model, item = drafts.shared_item(token)
        except drafts.ShareLinkInvalid as invalid:
            return self.invalid(request, invalid.reason)
        response = drafts.preview(
            request,
            model,
            item.pk,
            request.LANGUAGE_CODE,
            drafts.draft_of(item),
            {code: drafts.share_path(token, code) for code, _name in settings.LANGUAGES},
        )
        return response if response is not None else self.invalid(request, "gone")

    def invalid(self, request, reason):
        status = 410 if reason in ("expired", "revoked") else 404
        response = TemplateResponse(
            request, "wic/share_link_invalid.html", {"reason": reason}, status=status
        )
        return drafts.mark_preview(response, request.LANGUAGE_CODE)

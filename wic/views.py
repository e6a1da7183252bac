"""Site-wide pages that belong to no app: search and robots.txt."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import search


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the site"),
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "required": _("Type a word or two to search for."),
            "max_length": _("Your search is too long: use at most %(limit_value)d characters."),
            "null_characters_not_allowed": _(
                "Your search contains characters that cannot be searched for."
            ),
        },
    )


class SearchView(TemplateView):
    """Published content of every type, matched in both languages, grouped by type."""

    template_name = "wic/search.html"

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

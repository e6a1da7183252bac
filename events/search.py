"""What of the conference and its programme the site search finds (see wic/search.py)."""

from wic import search

from .models import Edition, Highlight, Milestone, Session

search.register(
    Edition,
    fields=["name", "short_name", "tagline", "theme", "summary", "background", "city"],
    title_field="name",
    summary_field="theme",
)
search.register(
    Session,
    fields=[
        "title",
        "summary",
        "description",
        "speakers__name",
        "organizers__name",
        "organizers__short_name",
    ],
    queryset=lambda: (
        Session.objects.published().filter(edition__is_published=True).select_related("edition")
    ),
    summary_field="summary",
)
search.register(
    Milestone,
    fields=["title", "body"],
    queryset=lambda: (
        Milestone.objects.published().filter(edition__is_published=True).select_related("edition")
    ),
    summary_field="body",
)
search.register(
    Highlight,
    fields=["title", "body"],
    queryset=lambda: (
        Highlight.objects.published().filter(edition__is_published=True).select_related("edition")
    ),
    summary_field="body",
)

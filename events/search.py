"""What of the conference and its programme the site search finds (see wic/core/search.py).

Each queryset reads only what a hit shows and links to, and the marks of the texts this
site translated itself (the marker beside a hit): with the edition's long texts joined onto
every row, the hits would cost more to read than to find.
"""

from wic.core import search

from .models import Edition, Highlight, Milestone, Session

search.register(
    Edition,
    fields=["name", "short_name", "tagline", "theme", "summary", "background", "city"],
    queryset=lambda: Edition.objects.published().only("year", "name", "theme", "site_translated"),
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
        Session.objects.published("edition")
        .select_related("edition")
        .only("slug", "title", "summary", "site_translated", "edition__year")
    ),
    summary_field="summary",
)
search.register(
    Milestone,
    fields=["title", "body"],
    queryset=lambda: (
        Milestone.objects.published("edition")
        .select_related("edition")
        .only("title", "body", "site_translated", "edition__year")
    ),
    summary_field="body",
)
search.register(
    Highlight,
    fields=["title", "body"],
    queryset=lambda: (
        Highlight.objects.published("edition")
        .select_related("edition")
        .only("title", "body", "site_translated", "edition__year")
    ),
    summary_field="body",
)

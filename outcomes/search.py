"""What of the outcomes and their reception the site search finds (see wic/core/search.py).

Each queryset reads only what a hit shows and links to (see events/search.py).
"""

from wic.core import search

from .models import Achievement, Document, PressEvaluation

search.register(
    Document,
    fields=["title", "subtitle", "summary", "body", "sections__heading", "sections__body"],
    queryset=lambda: (
        Document.objects.published("edition")
        .select_related("edition")
        .only("slug", "title", "summary", "site_translated", "edition__year")
    ),
    summary_field="summary",
)
search.register(
    Achievement,
    fields=[
        "title",
        "summary",
        "description",
        "organization__name",
        "organization__short_name",
        "fields__name",
    ],
    queryset=lambda: (
        Achievement.objects.published("edition")
        .select_related("edition")
        .only("slug", "title", "summary", "site_translated", "edition__year")
    ),
    summary_field="summary",
)
search.register(
    PressEvaluation,
    fields=["quote", "outlet__name", "outlet__short_name", "author__name"],
    queryset=lambda: (
        PressEvaluation.objects.published("edition")
        .select_related("edition")
        .only("quote", "site_translated", "edition__year")
    ),
    title_field="quote",
)

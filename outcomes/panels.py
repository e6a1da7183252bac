"""What the outcomes add to the edition's home page (events), through wic.core.panels."""

from wic.core import panels

from .models import Document, PressEvaluation

DOCUMENTS_SHOWN = 6


def _documents(audience, edition):
    return audience.rows(Document.objects.filter(edition=edition))


@panels.register("edition-home", "aside")
def press_quote(request, audience, edition):
    """The first press evaluation, with its author and outlet where they are public."""
    quotes = audience.rows(PressEvaluation.objects.filter(edition=edition))
    quote = audience.with_related(quotes, "author", "outlet").first()
    if quote is None:
        return None
    return "outcomes/panels/press_quote.html", {"quote": quote}


@panels.register("edition-home", "figures")
def document_count(request, audience, edition):
    return "outcomes/panels/document_count.html", {
        "document_count": _documents(audience, edition).count()
    }


@panels.register("edition-home", "main")
def latest_documents(request, audience, edition):
    documents = _documents(audience, edition).select_related("edition")[:DOCUMENTS_SHOWN]
    return "outcomes/panels/latest_documents.html", {"documents": documents}

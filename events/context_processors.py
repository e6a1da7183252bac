"""Context every template gets."""

from django.utils.functional import SimpleLazyObject

from events.models import Edition


def site(request):
    """`current_edition`: the published edition marked current, or None.

    Lazy, so that a page that never names it doesn't run the query.
    """
    return {
        "current_edition": SimpleLazyObject(
            lambda: Edition.objects.published().filter(is_current=True).first()
        )
    }

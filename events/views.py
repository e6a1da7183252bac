from django.shortcuts import get_object_or_404

from .models import Edition


class EditionMixin:
    """Resolve the `year` URL argument to a published edition, or 404."""

    def dispatch(self, request, *args, **kwargs):
        self.edition = get_object_or_404(Edition.objects.published(), year=kwargs["year"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(edition=self.edition, **kwargs)

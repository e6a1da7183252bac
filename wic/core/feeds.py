"""`/<lang>/changes/feed/`: the public change log as an RSS feed, in the URL's language."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from .models import PublicChange

FEED_LENGTH = 50


class ChangeLogFeed(Feed):
    def title(self):
        return gettext("Changes to the site")

    def link(self):
        return reverse("changes")

    def description(self):
        return gettext("What was published or changed on the site, newest first.")

    def items(self):
        return PublicChange.objects.visible().with_items()[:FEED_LENGTH]

    def item_title(self, change):
        if change.kind == PublicChange.Kind.PUBLISHED:
            return gettext("Published: %(title)s") % {"title": change.title}
        return gettext("Changed: %(title)s") % {"title": change.title}

    def item_description(self, change):
        parts = []
        labels = change.field_labels()
        if labels:
            parts.append(
                gettext("What changed: %(fields)s.")
                % {"fields": pgettext("list separator", ", ").join(labels)}
            )
        if change.note:
            parts.append(change.note)
        return " ".join(parts)

    def item_link(self, change):
        if change.item is not None and hasattr(change.item, "get_absolute_url"):
            return change.item.get_absolute_url()
        return reverse("changes")

    def item_guid(self, change):
        return f"{reverse('changes')}#change-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.changed_at

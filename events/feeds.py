"""The preparation and progress timeline as an RSS feed, one per edition and language.

Every item has a date: undated milestones stay on the news page and out of the feed
(`MilestoneFeed.items`)."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from wic.core import rich_text

from .models import Edition, Milestone


class MilestoneFeed(Feed):
    """`/<lang>/<year>/news/feed/`: LocaleMiddleware has activated the URL's language,
    so titles and texts come in that language (modeltranslation) and so does <language>."""

    def get_object(self, request, year):
        return get_object_or_404(Edition.objects.published(), year=year)

    def title(self, edition):
        return gettext("%(edition)s: news") % {"edition": edition.name}

    def link(self, edition):
        return reverse("events:news", args=[edition.year])

    def description(self, edition):
        return gettext("Preparation and progress of %(edition)s.") % {"edition": edition.name}

    def items(self, edition):
        """The dated milestones, newest first as feed readers expect.

        A milestone without a date is left out of the feed (it stays on the news page): no
        source says when it happened, and a feed item needs a date. The only truthful date
        we have is when the row was written, years later, which a feed reader would show as
        news of that day, at the top of the feed.
        """
        return (
            Milestone.objects.published()
            .filter(edition=edition, date__isnull=False)
            .select_related("edition")
            .order_by(F("date").desc(), "-sort_order", "-pk")
        )

    def item_title(self, milestone):
        return milestone.title

    def item_description(self, milestone):
        # An RSS description is HTML to the reader: the sanitized, formatted text.
        return rich_text.render(milestone.body)

    def item_link(self, milestone):
        return milestone.get_absolute_url()

    def item_pubdate(self, milestone):
        # A day of the conference's calendar: midnight, Beijing time.
        return datetime.datetime.combine(
            milestone.date, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )

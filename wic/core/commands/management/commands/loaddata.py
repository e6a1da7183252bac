"""`loaddata` that records what it loads in the editorial history, as one revision.

It is modeltranslation's `loaddata` (with its `--populate` option), run inside
`wic.core.history.recording()`: one transaction, one revision for every row of every fixture
named, with a comment naming the fixtures. Loaded texts count as confirmed in both
languages: a mark "may be out of date" on a loaded row is cleared (wic/core/freshness.py).
"""

from modeltranslation.management.commands.loaddata import Command as TranslationLoadData

from wic.core import history


class Command(TranslationLoadData):
    def handle(self, *fixture_labels, **options):
        comment = history.comment("loaddata", fixtures=list(fixture_labels))
        with history.recording(comment=comment, using=options.get("database")):
            return super().handle(*fixture_labels, **options)

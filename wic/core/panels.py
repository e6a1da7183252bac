"""Parts of one app's page that another app contributes.

Layers point one way (outcomes → events → this app), yet the edition's home page, which
events renders, shows the latest outcome documents and a press quote. So the page declares
places ("slots") where panels go, and the app that owns the content registers them, in a
`panels.py` module found the way the admin finds `admin.py`:

    # outcomes/panels.py
    from wic.core import panels

    @panels.register("edition-home", "aside")
    def press_quote(request, audience, edition):
        quote = ...
        return "outcomes/panels/press_quote.html", {"quote": quote}  # or None: nothing shown

The page renders a slot with `{% panels "edition-home" "aside" edition=edition %}`
(wic_tags). Each panel is called with the request, the page's audience
(wic.core.publication: what it may show) and the slot's keyword arguments; the template is
rendered with the page's context plus what the panel returned.
"""

import threading
from collections import defaultdict

from django.utils.module_loading import autodiscover_modules

_panels = defaultdict(list)  # (page, slot) -> [(order, function), …]
_discovered = False
_lock = threading.Lock()


def register(page, slot, order=0):
    """Decorator: `function(request, audience, **kwargs)` returns (template name, context)
    for `slot` of `page`, or None when it has nothing to show. Lower `order` comes first."""

    def decorator(function):
        _panels[page, slot].append((order, function))
        _panels[page, slot].sort(key=lambda entry: entry[0])
        return function

    return decorator


def panels(page, slot):
    """The functions registered for `slot` of `page`, in order."""
    global _discovered
    with _lock:
        if not _discovered:
            autodiscover_modules("panels")
            _discovered = True
    return [function for _order, function in _panels[page, slot]]

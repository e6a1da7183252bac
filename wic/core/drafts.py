"""Review before publishing: drafts of live items, previews and share links.

- **A draft** is a published item as it will be, kept aside (`Draft`): the item and the rows
  edited with it (wic.core.history.parts), both languages, as the change form would have saved
  them. The public keeps seeing the live item. "Save as draft" runs the change form's whole
  save (validation, inline rows, the edit-conflict check) in a transaction that is rolled
  back once the result has been read (`Captured`), so a draft is exactly what a save would
  have made, and nothing live moves.
- **Publishing** a draft restores that state onto the live item in one editorial action
  (wic.core.history.restore: one transaction, one revision, the change log and the
  translation marks), refused like a save if someone saved the item since the draft began.
  A draft may be scheduled (`Draft.publish_at`): the first request after that time, on any
  process, publishes it (`publish_due()`, called by the page cache before it reads the
  content's clock), so no scheduler process is needed.
- **A preview** is the public page rendered for an anonymous visitor inside a transaction
  that is rolled back: the draft (or the form's unsaved contents) applied, the item made
  public for that moment. It goes through no cache, says "Preview", is `noindex` and
  `Cache-Control: private, no-store`, and changes nothing live.
- **A share link** (`ShareLink`) gives that preview to a reviewer without an account: its
  address carries a signed reference, it expires (7 days unless the editor chooses) and can be
  revoked, and it shows that item's draft and nothing else unpublished.
"""

import datetime
import logging
import threading

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, transaction
from django.db.models import OuterRef
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import history, locking
from .models import Draft, ShareLink
from .publication import required_links

logger = logging.getLogger(__name__)

SHARE_SALT = "wic.share-link"
SHARE_DAYS = 7


class Captured(Exception):
    """Carries `value` out of a transaction, which it rolls back on its way."""

    def __init__(self, value):
        super().__init__("captured")
        self.value = value


# --- Drafts ------------------------------------------------------------------------------------


def content_type_of(model):
    return ContentType.objects.get_for_model(model._meta.concrete_model)


def draft_of(obj):
    """The pending draft of `obj`, or None."""
    return Draft.objects.filter(content_type=content_type_of(type(obj)), object_id=obj.pk).first()


def drafts_of(model):
    """The drafts of items of `model`, for a subquery by `OuterRef("pk")`."""
    return Draft.objects.filter(content_type=content_type_of(model), object_id=OuterRef("pk"))


def save_draft(obj, state, base_version, user, publish_at=None):
    """Keep `state` (wic.core.history.serialized_state) as the draft of `obj`."""
    draft, _created = Draft.objects.update_or_create(
        content_type=content_type_of(type(obj)),
        object_id=obj.pk,
        defaults={
            "title": str(obj)[:300],
            "state": state,
            "base_version": base_version,
            "publish_at": publish_at,
            "problem": "",
            "created_by": user if user is not None and user.is_authenticated else None,
        },
    )
    return draft


def draft_token(draft):
    """Which draft, as saved when: a form opened on it carries this, and its save applies the
    draft only if it is still the same."""
    return f"{draft.pk}:{draft.updated_at.isoformat()}"


def state_of(draft):
    return history.state_from_serialized(draft.model, draft.state)


def publish(draft, user=None, comment_kind="draft-published"):
    """Make the draft live, in one editorial action; return the item. Raises
    locking.EditConflict when the item was saved since the draft began, and
    history.RestoreRefused when something the draft needs is gone."""
    with history.recording(user, history.comment(comment_kind)):
        item = history.restore(state_of(draft), loaded_version=draft.base_version)
        draft.delete()
    return item


class DueDrafts:
    """When the next scheduled draft is due, as this process last looked (a query when the
    content's clock moves: saving a draft moves it)."""

    def __init__(self):
        self.clock = None
        self.next_due = None
        self.lock = threading.Lock()

    def publish_due(self, version, using=DEFAULT_DB_ALIAS):
        now = timezone.now()
        with self.lock:
            if self.clock != (version.epoch, version.number):
                self.clock = (version.epoch, version.number)
                self.next_due = (
                    Draft.objects.using(using)
                    .filter(publish_at__isnull=False)
                    .order_by("publish_at")
                    .values_list("publish_at", flat=True)
                    .first()
                )
            if self.next_due is None or self.next_due > now:
                return False
            self.clock = None  # look again next time
        for pk in Draft.objects.filter(publish_at__lte=now).values_list("pk", flat=True):
            _publish_scheduled(pk, now)
        return True


def _publish_scheduled(pk, now):
    """Publish one due draft, unless another process got there first (its row is then gone)."""
    try:
        with transaction.atomic():
            draft = Draft.objects.select_for_update().filter(pk=pk, publish_at__lte=now).first()
            if draft is None:
                return
            publish(draft, comment_kind="draft-published-on-schedule")
    except (OperationalError, InterfaceError):
        raise  # the database is unavailable: the request gets the 503 page, the draft waits
    except Exception as error:  # noqa: BLE001 - whatever it is, the request must go on
        # The draft is not tried again at every request: it keeps why, for the editors.
        if isinstance(error, locking.EditConflict):
            problem = gettext(
                "Not published at the time set: the item was saved after this draft was made. "
                "Compare them, save the draft again or publish it by hand."
            )
            logger.warning("Scheduled draft %s not published: %s", pk, problem)
        elif isinstance(error, history.RestoreRefused):
            problem = "; ".join(error.problems)
            logger.warning("Scheduled draft %s not published: %s", pk, problem)
        else:
            problem = gettext(
                "Not published at the time set: an error occurred (%(error)s). Publish it by "
                "hand, and tell the site's operator if it happens again."
            ) % {"error": type(error).__name__}
            logger.exception("Scheduled draft %s not published", pk)
        Draft.objects.filter(pk=pk).update(publish_at=None, problem=problem)


due_drafts = DueDrafts()


# --- Previews ----------------------------------------------------------------------------------


def make_public_for_preview(obj):
    """Inside a transaction that will be rolled back: `obj` public now, and the content rows
    it requires (its edition: a required link, as wic.core.publication.Audience.rows reads
    it) too. Returns notes on those that visitors cannot see yet."""
    notes = []
    for field in required_links(type(obj)):
        parent = getattr(obj, field.name)
        if not parent.is_public_now:
            notes.append(
                gettext(
                    "Its %(field)s, “%(parent)s”, is not public: visitors will not see "
                    "this page until it is."
                )
                % {"field": field.verbose_name, "parent": parent}
            )
            _make_public(parent)
    _make_public(obj)
    return notes


def _make_public(obj):
    type(obj)._base_manager.filter(pk=obj.pk).update(
        is_published=True, publish_at=None, unpublish_at=None
    )


def public_url(obj):
    """The address of `obj`'s public page (without its #fragment), or None: some models have
    none (an organization is shown on others' pages), and a view may not exist yet."""
    if not hasattr(obj, "get_absolute_url"):
        return None
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


def render_public_page(request, obj, language, notes=(), language_urls=None):
    """The public page of `obj` in `language`, as an anonymous visitor would get it now,
    marked as a preview, or None if it has no public page. Call it inside the rolled-back
    transaction of a preview.
    `language_urls` ({code: address}): where the page's language switch leads, the same
    preview in other languages (none: no switch)."""
    with translation.override(language):
        url = public_url(obj)
        if url is None:
            return None
        url = url.split("#", 1)[0]
        try:
            match = resolve(url)
        except Resolver404:
            return None
        visitor = HttpRequest()
        visitor.method = "GET"
        visitor.path = visitor.path_info = url
        visitor.META = {
            key: value for key, value in request.META.items() if not key.startswith("HTTP_COOKIE")
        }
        visitor.META.update(REQUEST_METHOD="GET", QUERY_STRING="", PATH_INFO=url)
        visitor.GET = QueryDict()
        visitor.COOKIES = {}
        visitor.user = AnonymousUser()
        visitor.LANGUAGE_CODE = language
        visitor.resolver_match = match
        visitor.wic_preview = {"notes": list(notes), "language_urls": language_urls or {}}
        response = match.func(visitor, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    return mark_preview(response, language)


def mark_preview(response, language):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Language"] = language
    return response


def preview(request, model, pk, language, draft=None, language_urls=None):
    """The preview response of item `pk` (with its `draft` applied, if any): a rolled-back
    transaction, nothing live changes. None if the item has no public page."""
    try:
        with transaction.atomic():
            if draft is not None:
                history.restore(state_of(draft))
            obj = model._base_manager.get(pk=pk)
            notes = make_public_for_preview(obj)
            obj = model._base_manager.get(pk=pk)
            raise Captured(render_public_page(request, obj, language, notes, language_urls))
    except Captured as captured:
        return captured.value


# --- Share links -----------------------------------------------------------------------------


class ShareLinkInvalid(Exception):
    """Why a share link shows nothing: "forged", "expired", "revoked" or "gone"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def create_share_link(obj, user, days=SHARE_DAYS):
    return ShareLink.objects.create(
        content_type=content_type_of(type(obj)),
        object_id=obj.pk,
        title=str(obj)[:300],
        created_by=user if user is not None and user.is_authenticated else None,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )


def share_token(link):
    return signing.dumps(link.pk, salt=SHARE_SALT)


def share_path(token, language):
    """The address of a share link's preview in `language`."""
    with translation.override(language):
        return reverse("share-preview", args=[token])


def shared_item(token):
    """(link, model, item) of a share link's token; raises ShareLinkInvalid."""
    try:
        pk = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature:
        raise ShareLinkInvalid("forged") from None
    link = ShareLink.objects.select_related("content_type").filter(pk=pk).first()
    if link is None:
        raise ShareLinkInvalid("forged")
    if link.revoked_at is not None:
        raise ShareLinkInvalid("revoked")
    if link.expires_at <= timezone.now():
        raise ShareLinkInvalid("expired")
    model = link.model
    item = model._base_manager.filter(pk=link.object_id).first() if model else None
    if item is None:
        raise ShareLinkInvalid("gone")
    return link, model, item

"""Editorial writes with side effects: who may do what to an article, and doing it.

The admin calls these; so can anything else (a command, an API). Each function checks the
permission itself, so a crafted request that skips the admin's forms is still refused.
The right to publish is the ``articles.publish_article`` permission, never a group name.
"""

import datetime as dt
import functools
import operator

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Min, Q, When
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import PREVIEW_SALT, Article, ArticleQuerySet, EditConflict, PreviewLink, Section
from newsroom.pagecache import page_data, pages_changed

PUBLISH_PERMISSION = "articles.publish_article"
PREVIEW_LINK_DEFAULT_HOURS = 48
PREVIEW_LINK_MAX_HOURS = 24 * 30
EDITABLE_BY_AUTHOR = {Article.Status.DRAFT, Article.Status.REVIEW}


# -- Who may do what ---------------------------------------------------------------------


def user_can_publish(user) -> bool:
    """Publish, schedule, unschedule, withdraw and restore: editors (and superusers)."""
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def user_can_edit(user, article: Article) -> bool:
    """Editors edit any article; a journalist edits only their own draft or article in review."""
    if not user.has_perm("articles.change_article"):
        return False
    if user_can_publish(user):
        return True
    return article.created_by_id == user.pk and article.status in EDITABLE_BY_AUTHOR


def user_can_share(user, article: Article) -> bool:
    """Preview links: editors, and the journalist who wrote the article."""
    return user_can_publish(user) or (user.has_perm("articles.change_article") and article.created_by_id == user.pk)


def articles_for(user) -> ArticleQuerySet:
    """The articles a staff user may open in the admin and preview on the site.

    Editors see everything; a journalist sees their own articles and what has been published
    (not colleagues' drafts or articles in review).
    """
    articles = Article.objects.all()
    if user_can_publish(user):
        return articles
    if not user.is_active or not user.has_perm("articles.view_article"):
        return articles.none()
    return articles.filter(Q(created_by=user) | Q(status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN]))


# What only editors decide: the front page's main story and top block, and the breaking-news banner.
PLACEMENT_FIELDS = ("importance", "pinned_until", "breaking_until")
PLACEMENT_REFUSED = gettext_lazy("Only an editor can place an article on the front page or flag it as breaking news.")
# What only editors decide: a wire's embargo (a journalist cannot clear it) and an early release to partners.
EMBARGO_FIELDS = ("embargo_until", "partners_from")
EMBARGO_REFUSED = gettext_lazy("Only an editor can change an embargo or release an article to partners.")


def article_check_edit(*, article: Article, by, changed: set[str]) -> None:
    """Refuse an edit that ``by`` may not make. ``changed`` names the fields being changed."""
    if article.pk is None:
        if not by.has_perm("articles.add_article"):
            raise PermissionDenied(_("You may not create articles."))
    elif not user_can_edit(by, article):
        raise PermissionDenied(_("You may not edit this article."))
    if user_can_publish(by):
        return
    if article.status not in EDITABLE_BY_AUTHOR:
        raise PermissionDenied(_("Only an editor can publish or withdraw an article; submit it for review instead."))
    if changed & {"publish_at", "expire_at"}:
        raise PermissionDenied(_("Only an editor can set the publication or expiry time."))
    if changed & set(PLACEMENT_FIELDS):
        raise PermissionDenied(str(PLACEMENT_REFUSED))
    if changed & set(EMBARGO_FIELDS):
        raise PermissionDenied(str(EMBARGO_REFUSED))


# -- State changes -------------------------------------------------------------------------


def _require_publisher(user) -> None:
    if not user_can_publish(user):
        raise PermissionDenied(_("Only an editor can publish, schedule or withdraw articles."))


def _log(*, by, article: Article, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[article], action_flag=CHANGE, change_message=message, single_object=True
    )


def _change_state(*, article: Article, by, apply, message: str) -> bool:
    """Lock the row, apply ``apply(locked)`` and save; False when there was nothing to change.

    Two editors pressing the same button at the same moment produce one change and one log
    entry: the second finds the article already in that state (PostgreSQL's row lock) or loses
    the optimistic version check (SQLite) and reads the new state instead.

    Other apps hear of each change through ``settings.ARTICLE_STATE_LISTENERS`` (dotted paths of
    functions called with ``article``, ``by``, ``old`` and ``new`` status after the save, in the
    same transaction: planning's notifications), so that nothing here imports them.
    """
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        old = locked.status
        if not apply(locked):
            return False
        locked._history_user = by
        try:
            locked.save()
        except EditConflict:
            return False
        _log(by=by, article=locked, message=message)
        pages_changed()
        for path in settings.ARTICLE_STATE_LISTENERS:
            import_string(path)(article=locked, by=by, old=old, new=locked.status)
    article.refresh_from_db()
    return True


def article_publish(*, article: Article, by, at: dt.datetime | None = None) -> bool:
    """Publish now (``at`` empty or past) or schedule (``at`` in the future). Also restores a
    withdrawn or expired article. Before the article's embargo (``embargo_until``, read from the
    locked row) it raises ``ValidationError`` with the embargo's end: publishing now is refused,
    never turned into a schedule."""
    _require_publisher(by)
    now = timezone.now()

    def apply(locked: Article) -> bool:
        if at is None and locked.state == "published":
            return False
        locked.status = Article.Status.PUBLISHED
        if at is not None:
            locked.publish_at = at
        elif locked.publish_at is None or locked.publish_at > now:
            locked.publish_at = now
        locked.check_embargo()
        if locked.expire_at is not None and locked.expire_at <= max(now, locked.publish_at):
            locked.expire_at = None
        return True

    if at is not None and at > now:
        message = _("Scheduled for %(time)s") % {"time": timezone.localtime(at).strftime("%d.%m.%Y %H:%M")}
    else:
        message = _("Published")
    return _change_state(article=article, by=by, apply=apply, message=message)


def article_withdraw(*, article: Article, by) -> bool:
    """Take a published article off the site; its address then answers 410 Gone."""
    _require_publisher(by)

    def apply(locked: Article) -> bool:
        if locked.status == Article.Status.WITHDRAWN:
            return False
        if locked.status != Article.Status.PUBLISHED:
            raise ValidationError(_("Only a published article can be withdrawn."))
        locked.status = Article.Status.WITHDRAWN
        return True

    return _change_state(article=article, by=by, apply=apply, message=_("Withdrawn"))


def article_return_to_draft(*, article: Article, by) -> bool:
    """Back to draft: unschedules a scheduled article, or sends one in review back to its author."""
    _require_publisher(by)

    def apply(locked: Article) -> bool:
        if locked.status == Article.Status.DRAFT:
            return False
        locked.status = Article.Status.DRAFT
        return True

    return _change_state(article=article, by=by, apply=apply, message=_("Returned to draft"))


REVISION_FIELDS = [
    "title", "lead", "body", "language", "section_id", "source_id", "photo_id", "photo_caption",
]  # fmt: skip


def article_restore_revision(*, article: Article, revision, by) -> Article:
    """Copy the text of an older revision onto the article. This saves a new revision: history
    is never rewritten or deleted. The publication state is left as it is."""
    if not user_can_edit(by, article):
        raise PermissionDenied(_("You may not edit this article."))
    if revision.id != article.pk:
        raise ValidationError(_("That revision belongs to another article."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        for field in REVISION_FIELDS:
            setattr(locked, field, getattr(revision, field))
        locked._history_user = by
        locked._change_reason = _("Restored the revision of %(time)s") % {
            "time": timezone.localtime(revision.history_date).strftime("%d.%m.%Y %H:%M:%S")
        }
        locked.save()
        _log(by=by, article=locked, message=locked._change_reason)
        pages_changed()
    return locked


def article_note_significant_update(*, article: Article, at: dt.datetime) -> None:
    """A correction or update note was added: readers see «Обновление» at ``at``, and feeds and
    JSON-LD carry the new modification time. Never moves the time backwards."""
    if article.significant_update_at is None or at > article.significant_update_at:
        # A new version for partners too (the partner API's cursor), never moved backwards; and
        # for those who have the article early, while it is not public yet.
        version_at = max(article.version_at, at)
        partners_version_at = article.partners_version_at
        if partners_version_at is not None and partners_version_at < at < version_at:
            partners_version_at = at
        Article.objects.filter(pk=article.pk).update(
            significant_update_at=at, version_at=version_at, partners_version_at=partners_version_at
        )
        article.significant_update_at, article.version_at = at, version_at
        article.partners_version_at = partners_version_at
        pages_changed()


def next_scheduled_change() -> dt.datetime | None:
    """The next moment a public page changes by itself: a published article appears or
    expires, leaves its place on the front page (``pinned_until``), its breaking-news banner
    ends (``breaking_until``) or its live coverage starts or ends (the «Live» label); and the
    newsroom's next midnight, when the news feed starts
    writing yesterday's times with their date. No cached page may outlive it.

    One query; each condition is an index range (status + publish_at, and the partial indexes
    on expire_at, pinned_until, breaking_until and the coverage times).
    """
    now = timezone.now()
    moments = ("publish_at", "expire_at", "pinned_until", "breaking_until", "coverage_start_at", "coverage_end_at")
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .filter(functools.reduce(operator.or_, (Q(**{f"{name}__gt": now}) for name in moments)))
        .aggregate(**{name: Min(Case(When(**{f"{name}__gt": now}, then=F(name)))) for name in moments})
    )
    local = timezone.localtime(now)
    midnight = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min))
    return min([moment for moment in upcoming.values() if moment is not None] + [midnight])


# -- Preview links ----------------------------------------------------------------------------


def preview_link_create(*, article: Article, by, hours: int = PREVIEW_LINK_DEFAULT_HOURS) -> PreviewLink:
    if not user_can_share(by, article):
        raise PermissionDenied(_("Only editors and the article's author can share a preview."))
    if not 1 <= hours <= PREVIEW_LINK_MAX_HOURS:
        raise ValidationError(_("A preview link lasts from 1 hour to 30 days."))
    link = PreviewLink.objects.create(
        article=article, created_by=by, expires_at=timezone.now() + dt.timedelta(hours=hours)
    )
    _log(by=by, article=article, message=_("Preview link created, valid for %(hours)d h") % {"hours": hours})
    return link


def preview_link_revoke(*, link: PreviewLink, by) -> None:
    if not user_can_share(by, link.article):
        raise PermissionDenied(_("Only editors and the article's author can revoke a preview."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        _log(by=by, article=link.article, message=_("Preview link revoked"))


def preview_link_article_id(signed_token: str) -> int | None:
    """The id of the article a signed preview token opens, or None when the token is forged,
    expired or revoked."""
    try:
        token = signing.Signer(salt=PREVIEW_SALT).unsign(signed_token)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.active().filter(token=token).values_list("article_id", flat=True).first()


# -- Cached reads for every page ----------------------------------------------------------------

SECTIONS_MENU_KEY = "articles:sections-menu:v2"


def sections_menu() -> list:
    """The sections in menu order, for the header of every page (kept per epoch: ``page_data``)."""
    return page_data(SECTIONS_MENU_KEY, lambda: list(Section.objects.order_by("position", "name")))


def breaking_news(language: str) -> dict | None:
    """The breaking-news banner of ``language``'s site: the newest published article in that
    language whose ``breaking_until`` is ahead, as ``{"title", "url", "until"}``, or None. Kept
    until the next scheduled change (``page_data(timed=True)``), which includes every article's
    ``breaking_until``: the banner goes at its time with no edit and no job."""

    def load():
        article = (
            Article.objects.published()
            .filter(language=language, breaking_until__gt=timezone.now())
            .order_by("-publish_at", "-pk")
            .only("title", "slug", "language", "breaking_until")
            .first()
        )
        if article is None:
            return None
        return {"title": article.title, "url": article.get_absolute_url(), "until": article.breaking_until}

    banner = page_data(f"articles:breaking:{language}", load, timed=True)
    if banner is None or banner["until"] <= timezone.now():
        return None
    return banner

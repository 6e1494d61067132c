"""Writing and reading notifications: who did what, on which article or assignment, for whom;
each person's unread count (the admin's bell, one cached query), marking read, and the
listeners other apps call through settings (an article's state changed, a wire item taken into
an article was corrected by its source). Every part of the newsroom that tells people
something calls ``notify``."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Person
from planning.models import Notification, NotificationRecipient, NotificationSettings

UNREAD_KEY = "planning:unread:{}"
# The bell's count is kept this long at most; every notification and every "read" forgets it.
UNREAD_SECONDS = 60
# The bell counts this many unread at most and then says "99+": the count is an index range
# that never grows with a neglected inbox.
UNREAD_CAP = 100


def notify(
    *,
    verb: str,
    actor,
    recipients: Iterable,
    article=None,
    assignment=None,
    text: str = "",
    url: str = "",
) -> Notification | None:
    """One notification of ``verb`` by ``actor`` for ``recipients`` (users or their ids): written
    once, each person once, never the actor themselves nor an inactive account. Each recipient's
    email follows their settings: at once (``pending``), in the hourly digest (due at the next
    full hour), or none; none at all while the site has no mail server (``EMAIL_HOST``) or the
    person no address. Returns None when nobody is left to tell."""
    ids = {getattr(user, "pk", user) for user in recipients if user is not None} - {getattr(actor, "pk", None)}
    people = dict(get_user_model().objects.filter(pk__in=ids, is_active=True, is_staff=True).values_list("pk", "email"))
    if not people:
        return None
    wants = {}
    if settings.EMAIL_ENABLED:
        wants = dict(NotificationSettings.objects.filter(user_id__in=people).values_list("user_id", "email"))
    mail = {
        NotificationSettings.Email.IMMEDIATE: NotificationRecipient.Email.PENDING,
        NotificationSettings.Email.HOURLY: NotificationRecipient.Email.DIGEST,
    }
    with transaction.atomic():
        notification = Notification.objects.create(
            verb=verb, actor=actor, article=article, assignment=assignment, text=text, url=url
        )
        copies = []
        for user_id in sorted(people):
            email = mail.get(wants.get(user_id), NotificationRecipient.Email.NONE) if people[user_id] else ""
            due = None
            if email == NotificationRecipient.Email.PENDING:
                due = notification.created_at
            elif email == NotificationRecipient.Email.DIGEST:
                due = next_hour(notification.created_at)
            copies.append(
                NotificationRecipient(
                    notification=notification,
                    user_id=user_id,
                    created_at=notification.created_at,
                    email=email,
                    email_next_attempt_at=due,
                )
            )
        NotificationRecipient.objects.bulk_create(copies)
        inbox_changed(people)
    return notification


def next_hour(moment: dt.datetime) -> dt.datetime:
    """The next full hour after ``moment``: when the hourly digest holding it goes."""
    return moment.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


# -- The inbox: the unread count and marking read ----------------------------------------------------


def unread_count(user) -> int:
    """How many of ``user``'s notifications are unread, at most ``UNREAD_CAP``: one query (the
    partial index of unread copies), kept in the cache until the inbox changes."""

    def count():
        unread = NotificationRecipient.objects.filter(user=user, read_at__isnull=True)
        return unread.values("pk")[:UNREAD_CAP].count()

    return cache.get_or_set(UNREAD_KEY.format(user.pk), count, UNREAD_SECONDS)


def inbox_changed(user_ids: Iterable[int]) -> None:
    """Forget these people's unread counts, at once and again when the transaction commits (a
    count read meanwhile from the rows before the commit is not kept)."""
    keys = [UNREAD_KEY.format(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s copies read (all of them when ``ids`` is None); how many were unread."""
    unread = NotificationRecipient.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now())
        if changed:
            inbox_changed([user.pk])
    return changed


# -- Who hears of what on an article -------------------------------------------------------------------


def article_people(article: Article) -> set[int]:
    """The users an article belongs to: who created it and the staff accounts of its authors."""
    people = set(Person.objects.filter(authored_articles=article, user__isnull=False).values_list("user_id", flat=True))
    if article.created_by_id:
        people.add(article.created_by_id)
    return people


def article_admin_url(article_id: int, anchor: str = "") -> str:
    url = reverse("admin:articles_article_change", args=[article_id])
    return f"{url}#{anchor}" if anchor else url


def article_state_changed(*, article: Article, by, old: str, new: str) -> None:
    """``settings.ARTICLE_STATE_LISTENERS``: the article's people hear that it was sent back
    from review, published (or scheduled), or withdrawn."""
    Status = Article.Status
    if new == Status.DRAFT and old == Status.REVIEW:
        verb = Notification.Verb.SENT_BACK
    elif new == Status.PUBLISHED and old != Status.PUBLISHED:
        verb = Notification.Verb.PUBLISHED
    elif new == Status.WITHDRAWN and old != Status.WITHDRAWN:
        verb = Notification.Verb.WITHDRAWN
    else:
        return
    notify(verb=verb, actor=by, recipients=article_people(article), article=article, url=article_admin_url(article.pk))


def wire_item_corrected(*, item, fields: dict) -> None:
    """``settings.INCOMING_CORRECTION_LISTENERS``: whoever took a wire item hears that its source
    sent a newer version (the article's page shows what changed)."""
    if not item.taken_by_id or not item.article_id:
        return
    article = Article.objects.filter(pk=item.article_id).only("pk", "title").first()
    if article is None:
        return
    notify(
        verb=Notification.Verb.CORRECTED,
        actor=None,
        recipients=[item.taken_by_id],
        article=article,
        text=fields.get("headline") or item.headline,
        url=article_admin_url(article.pk),
    )

"""Writing notifications: who did what, on which article or assignment, for whom. Every part of
the newsroom that tells people something calls ``notify``."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from planning.models import Notification, NotificationRecipient, NotificationSettings


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
    email follows their settings: at once (``pending``), in the hourly digest, or none. Returns
    None when nobody is left to tell."""
    ids = {getattr(user, "pk", user) for user in recipients if user is not None} - {getattr(actor, "pk", None)}
    users = list(
        get_user_model().objects.filter(pk__in=ids, is_active=True, is_staff=True).values_list("pk", flat=True)
    )
    if not users:
        return None
    wants = dict(NotificationSettings.objects.filter(user_id__in=users).values_list("user_id", "email"))
    mail = {
        NotificationSettings.Email.IMMEDIATE: NotificationRecipient.Email.PENDING,
        NotificationSettings.Email.HOURLY: NotificationRecipient.Email.DIGEST,
    }
    with transaction.atomic():
        notification = Notification.objects.create(
            verb=verb, actor=actor, article=article, assignment=assignment, text=text, url=url
        )
        NotificationRecipient.objects.bulk_create(
            NotificationRecipient(
                notification=notification,
                user_id=user_id,
                created_at=notification.created_at,
                email=mail.get(wants.get(user_id), NotificationRecipient.Email.NONE),
                email_next_attempt_at=notification.created_at if wants.get(user_id) in mail else None,
            )
            for user_id in sorted(users)
        )
    return notification

"""Bounces and complaints reported by the mail provider fill the suppression list: a receiver of
django-anymail's ``tracking`` signal, which anymail sends for every event its webhooks take
(``/anymail/<provider>/tracking/``, on when ANYMAIL_WEBHOOK_SECRET is set)."""

from anymail.signals import EventType, RejectReason

from newsletters.models import Subscriber, Suppression
from newsletters.services import leave_everything, suppress

# An event whose address must never be mailed again, and why.
REASONS = {
    EventType.BOUNCED: Suppression.Reason.BOUNCE,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINT,
    EventType.UNSUBSCRIBED: Suppression.Reason.REQUEST,
}
REJECTED = {
    RejectReason.BOUNCED: Suppression.Reason.BOUNCE,
    RejectReason.INVALID: Suppression.Reason.BOUNCE,
    RejectReason.SPAM: Suppression.Reason.COMPLAINT,
}


def record_tracking_event(sender, event, esp_name: str, **kwargs) -> None:
    """A bounce (one the provider gave up on: anymail's ``bounced``), a complaint, an address the
    provider refuses as invalid, or the provider's own unsubscribe: the address is suppressed
    (and, for an unsubscribe, leaves every newsletter). A delay (``deferred``) is not; nor are
    deliveries, opens and clicks recorded: the newsroom does not track its readers."""
    reason = REASONS.get(event.event_type)
    if event.event_type == EventType.REJECTED:
        reason = REJECTED.get(event.reject_reason)
    if reason is None or not event.recipient:
        return
    suppress([event.recipient], reason=reason, note=f"{esp_name}: {event.event_type}")
    if reason == Suppression.Reason.REQUEST:
        for subscriber in Subscriber.objects.by_email(event.recipient):
            leave_everything(subscriber=subscriber)

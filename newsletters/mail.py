"""Writing newsletter mails: an issue (HTML with inlined CSS and a plain-text twin, rendered once
per issue and filled with each reader's links), the confirmation mail, and the RFC 8058 headers.

Each reader's part of an issue is only their address and links (unsubscribe, preferences), so
the issue is rendered once with markers in their place and each mail is the markers replaced:
rendering and inlining 100,000 copies would take longer than sending them. The same holds one
step further down: the whole MIME message is written once per issue (``RenderedIssue.wire``)
and each reader's copy is its bytes with the markers replaced (``prepared_issue_message``);
Python's email package took 4.7 ms to write each copy, more than the send itself
(docs/performance.md, "Newsletters").
"""

import email.message
import email.policy
import functools
import re
from dataclasses import dataclass
from email.utils import formataddr, make_msgid
from urllib.parse import urlencode, urlsplit, urlunsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Agency
from newsletters.models import Issue, Newsletter, Subscriber
from newsletters.services import confirmation_code, shown_articles

UNSUBSCRIBE = "%%UNSUBSCRIBE%%"
PREFERENCES = "%%PREFERENCES%%"
# The wire form's markers for the reader's address and the mail's own Message-ID: each a valid
# value of its header, so that the email package writes them as they are.
TO = "reader-address@newsletter.invalid"
MESSAGE_ID = "message-id@newsletter.invalid"
# An address written into the header as it is (dot-atom, ASCII); any other goes the slow way.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
MAX_LINE = 998  # RFC 5322
WIDTH = 600  # px: the mail's column
IMAGE_WIDTH = 560  # px: the lead picture inside the column's padding


class Mail(EmailMultiAlternatives):
    """A mail whose headers are not folded before 998 characters (RFC 5322's limit), so that
    ``List-Unsubscribe``'s long address stays one plain token: folded at 78, Python's email
    package writes it as an encoded word, which mail programs do not read as an address."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=MAX_LINE))


class WireMessage(email.message.EmailMessage):
    """A message already in its wire form: ``as_bytes`` gives those bytes back as they are."""

    def __init__(self, data: bytes):
        super().__init__(policy=email.policy.SMTP)
        self.data = data

    def as_bytes(self, unixfrom=False, policy=None):
        return self.data


class WireMail(EmailMessage):
    """One reader's copy of an issue in its wire form (``prepared_issue_message``): the mailer
    sends ``data`` to ``to`` as it is."""

    def __init__(self, data: bytes, *, from_email: str, to: list[str]):
        super().__init__(from_email=from_email, to=to)
        self.data = data

    def message(self, *, policy=email.policy.default):
        return WireMessage(self.data)


@dataclass
class RenderedIssue:
    issue: Issue
    subject: str
    html: str
    text: str
    sender: str
    base: str
    list_id: str  # RFC 2919: the newsletter's name and a stable identifier

    @functools.cached_property
    def wire(self) -> bytes | None:
        """The whole mail as the mailer sends it, with the markers in place (``wire_form``)."""
        return wire_form(self)


def absolute(base: str, path: str) -> str:
    return path if path.startswith(("http://", "https://")) or not base else f"{base}{path}"


def tracked(url: str, newsletter: Newsletter) -> str:
    """``url`` with the newsletter's UTM parameters, when it has a campaign."""
    if not newsletter.utm_campaign:
        return url
    parts = urlsplit(url)
    query = urlencode({"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": newsletter.utm_campaign})
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))


def one_line(text: str) -> str:
    """``text`` for a header: a line break in it (typed or imported) would make the email package
    refuse the whole mail, so breaks and runs of spaces become one space."""
    return " ".join(text.split())


def sender(newsletter: Newsletter | None) -> str:
    publisher = Agency.objects.publisher()
    name = one_line((newsletter.from_name if newsletter else "") or (publisher.short_name if publisher else ""))
    address = (newsletter.from_email if newsletter else "") or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address)) if name else address


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    # Styles in the template's <style>, kept there too for dark mode and phones (media queries
    # cannot be inlined); no remote stylesheets are fetched.
    return css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_issue(issue: Issue, *, at=None) -> RenderedIssue:
    """The issue's mail with ``UNSUBSCRIBE`` and ``PREFERENCES`` in place of a reader's links."""
    newsletter = issue.newsletter
    base = Agency.objects.site_url()
    with translation.override(newsletter.language):
        articles = shown_articles(issue, at=at or timezone.now())
        items = []
        for position, article in enumerate(articles):
            photo = article.photo if position == 0 and article.photo and article.photo.image else None
            image = None
            if photo is not None and photo.width and photo.height:
                image = {
                    "src": absolute(base, photo.rendition_url(640)),
                    "width": IMAGE_WIDTH,
                    "height": round(IMAGE_WIDTH * photo.height / photo.width),
                    "alt": photo.alt_text,
                }
            items.append(
                {
                    "article": article,
                    "url": tracked(absolute(base, article.get_absolute_url()), newsletter),
                    "image": image,
                    "time": timezone.localtime(article.publish_at),
                }
            )
        publisher = Agency.objects.publisher()
        context = {
            "issue": issue,
            "newsletter": newsletter,
            "items": items,
            "publisher": publisher,
            "site_url": tracked(
                absolute(base, "/" if newsletter.language == "ru" else f"/{newsletter.language}/"), newsletter
            ),
            "unsubscribe_url": UNSUBSCRIBE,
            "preferences_url": PREFERENCES,
            "width": WIDTH,
            "language": newsletter.language,
        }
        html = _inliner().inline(render_to_string("newsletters/email/issue.html", context))
        text = render_to_string("newsletters/email/issue.txt", context)
    list_id = f"{one_line(newsletter.name)} <{newsletter.slug}.newsletters.{urlsplit(base).hostname or 'localhost'}>"
    return RenderedIssue(
        issue=issue,
        subject=one_line(issue.subject),
        html=html,
        text=text,
        sender=sender(newsletter),
        base=base,
        list_id=list_id,
    )


def reader_links(subscriber: Subscriber, newsletter: Newsletter, base: str) -> dict[str, str]:
    with translation.override(subscriber.language):
        unsubscribe = reverse("newsletters:unsubscribe", args=[subscriber.token, newsletter.pk])
        preferences = reverse("newsletters:preferences", args=[subscriber.token])
    return {"unsubscribe": absolute(base, unsubscribe), "preferences": absolute(base, preferences)}


def issue_message(rendered: RenderedIssue, subscriber: Subscriber) -> Mail:
    """One reader's copy, with RFC 8058's one-click unsubscribe headers (the POST address is
    the visible link's: a GET shows a confirmation page, a POST unsubscribes at once)."""
    links = reader_links(subscriber, rendered.issue.newsletter, rendered.base)
    return _issue_mail(rendered, to=subscriber.email, links=links)


def _issue_mail(rendered: RenderedIssue, *, to: str, links: dict[str, str], headers=None) -> Mail:
    def fill(body: str) -> str:
        return body.replace(UNSUBSCRIBE, links["unsubscribe"]).replace(PREFERENCES, links["preferences"])

    message = Mail(
        subject=rendered.subject,
        body=fill(rendered.text),
        from_email=rendered.sender,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": rendered.list_id,
            "Content-Language": rendered.issue.newsletter.language,
            **(headers or {}),
        },
    )
    message.attach_alternative(fill(rendered.html), "text/html")
    return message


def wire_form(rendered: RenderedIssue) -> bytes | None:
    """The issue's mail as the mailer writes it (``email.policy.SMTP``), with the markers in
    place of the reader's address, links and the Message-ID; None unless every marker came out
    once per place it went in (a body the email package had to encode hides them)."""
    keep = {"unsubscribe": UNSUBSCRIBE, "preferences": PREFERENCES}
    message = _issue_mail(rendered, to=TO, links=keep, headers={"Message-ID": f"<{MESSAGE_ID}>"})
    data = message.message(policy=email.policy.SMTP).as_bytes()
    expected = {
        TO: 1,
        MESSAGE_ID: 1,
        UNSUBSCRIBE: 1 + rendered.text.count(UNSUBSCRIBE) + rendered.html.count(UNSUBSCRIBE),
        PREFERENCES: rendered.text.count(PREFERENCES) + rendered.html.count(PREFERENCES),
    }
    if any(data.count(marker.encode()) != count for marker, count in expected.items()):
        return None
    return data


def prepared_issue_message(rendered: RenderedIssue, subscriber: Subscriber) -> EmailMessage:
    """One reader's copy as ``issue_message`` writes it, made from the issue's wire form (the
    markers replaced: microseconds, not milliseconds); ``issue_message`` itself for an address
    or a link that cannot go in as it is, or a line that would grow past RFC 5322's limit."""
    data = rendered.wire
    links = reader_links(subscriber, rendered.issue.newsletter, rendered.base)
    plain = PLAIN_ADDRESS.fullmatch(subscriber.email) and all(link.isascii() for link in links.values())
    if data is None or not plain:
        return issue_message(rendered, subscriber)
    # The address last: it may itself contain a marker (``%`` is allowed before the @); the
    # Message-ID and the links never do.
    data = (
        data.replace(MESSAGE_ID.encode(), make_msgid(domain=DNS_NAME)[1:-1].encode())
        .replace(UNSUBSCRIBE.encode(), links["unsubscribe"].encode())
        .replace(PREFERENCES.encode(), links["preferences"].encode())
        .replace(TO.encode(), subscriber.email.encode())
    )
    if max(map(len, data.split(b"\r\n"))) > MAX_LINE:
        return issue_message(rendered, subscriber)
    return WireMail(data, from_email=rendered.sender, to=[subscriber.email])


def confirmation_message(subscriber: Subscriber) -> Mail:
    """The double opt-in mail: which newsletters, and the signed link that turns them on."""
    base = Agency.objects.site_url()
    with translation.override(subscriber.language):
        path = reverse("newsletters:confirm", args=[confirmation_code(subscriber)])
        wanted = [
            subscription.newsletter
            for subscription in subscriber.subscriptions.select_related("newsletter").order_by("newsletter__position")
            if not subscription.active
        ]
        context = {
            "subscriber": subscriber,
            "newsletters": wanted,
            "confirm_url": absolute(base, path),
            "days": settings.NEWSLETTER_CONFIRM_DAYS,
            "publisher": Agency.objects.publisher(),
        }
        subject = one_line(render_to_string("newsletters/email/confirm_subject.txt", context))
        text = render_to_string("newsletters/email/confirm.txt", context)
        html = _inliner().inline(render_to_string("newsletters/email/confirm.html", context))
    message = Mail(
        subject=subject,
        body=text,
        from_email=sender(None),
        to=[subscriber.email],
        headers={"Content-Language": subscriber.language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message

"""Comments on drafts: who may write and resolve them, posting one (its @mentions resolved to
colleagues, who are notified, as are the article's people) and resolving it. Readers never see
a comment: nothing outside the admin reads ``ArticleComment``."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.models import Article
from articles.services import articles_for, user_can_edit
from planning.models import ArticleComment, Notification
from planning.notifications import article_admin_url, article_people, notify

COMMENT_MAX_CHARS = 5000
QUOTE_MAX_CHARS = 2000
MENTIONS_MAX = 10  # names looked up per comment; a longer list stays text past it
# @ and a username (Django's: letters, digits and @.+-_), not inside a word or an address.
MENTION = re.compile(r"(?<![\w@.])@([\w.@+-]+)")


# -- Who may do what -------------------------------------------------------------------------------


def user_can_comment(user, article: Article) -> bool:
    """Whoever may edit the article (articles.services: editors on any article, a journalist on
    their own draft or article in review)."""
    return bool(user and user.is_active and user_can_edit(user, article))


def user_can_open(user, article: Article) -> bool:
    return articles_for(user).filter(pk=article.pk).exists()


def user_can_resolve(user, comment: ArticleComment) -> bool:
    """The article's author and every colleague the comment mentions."""
    if not (user and user.is_active):
        return False
    if comment.article.created_by_id == user.pk:
        return True
    return any(person.pk == user.pk for person in comment.mentions.all())


# -- Mentions ---------------------------------------------------------------------------------------


def mentioned_names(text: str) -> list[str]:
    """The names after each @ in ``text``, in order, once each (a sentence's full stop dropped)."""
    names = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in {known.lower() for known in names}:
            names.append(name)
    return names[:MENTIONS_MAX]


def resolve_mentions(text: str, article: Article) -> tuple[list, list[str]]:
    """The colleagues ``text`` mentions who may open ``article`` (active staff, the username's
    case ignored), and the names that stay plain text: nobody by that name, or somebody who
    cannot open this article."""
    names = mentioned_names(text)
    if not names:
        return [], []
    lookup = Q()
    for name in names:
        lookup |= Q(username__iexact=name)
    found = {user.username.lower(): user for user in get_user_model().objects.filter(lookup, is_active=True)}
    people, unknown = [], []
    for name in names:
        user = found.get(name.lower())
        if user is not None and user.is_staff and user_can_open(user, article):
            people.append(user)
        else:
            unknown.append(name)
    return people, unknown


def comment_html(comment: ArticleComment) -> str:
    """The comment's text for the admin: escaped, with each resolved mention marked."""
    known = {user.username.lower() for user in comment.mentions.all()}

    def mark(match):
        name = match.group(1).rstrip(".")
        if name.lower() not in known:
            return escape(match.group(0))
        rest = match.group(1)[len(name) :]
        return f'<strong class="talk-mention">@{escape(name)}</strong>{escape(rest)}'

    parts, last = [], 0
    for match in MENTION.finditer(comment.text):
        parts.append(escape(comment.text[last : match.start()]))
        parts.append(mark(match))
        last = match.end()
    parts.append(escape(comment.text[last:]))
    return mark_safe("".join(parts))  # every part escaped above


# -- Writes ------------------------------------------------------------------------------------------


def comment_post(*, article: Article, by, text: str, quote: str = "") -> ArticleComment:
    """Post ``by``'s comment on ``article``: plain text up to ``COMMENT_MAX_CHARS``, with an
    optional quote of the passage it is about. Mentioned colleagues are notified ("mentioned
    you"), the article's people ("commented on your article") unless mentioned too; nobody of
    their own comment. Raises ``ValidationError`` for empty or too long text,
    ``PermissionDenied`` when ``by`` may not comment."""
    if not user_can_comment(by, article):
        raise PermissionDenied(_("You may not comment on this article."))
    text, quote = (text or "").strip(), (quote or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write a comment first.")
    elif len(text) > COMMENT_MAX_CHARS:
        errors["text"] = _("A comment holds at most %(limit)s characters; this one has %(count)s.") % {
            "limit": COMMENT_MAX_CHARS,
            "count": len(text),
        }
    if len(quote) > QUOTE_MAX_CHARS:
        errors["quote"] = _("A quoted passage holds at most %(limit)s characters; this one has %(count)s.") % {
            "limit": QUOTE_MAX_CHARS,
            "count": len(quote),
        }
    if errors:
        raise ValidationError(errors)
    mentioned, _unknown = resolve_mentions(text, article)
    with transaction.atomic():
        comment = ArticleComment.objects.create(article=article, author=by, text=text, quote=quote)
        comment.mentions.set(mentioned)
        url = article_admin_url(article.pk, f"comment-{comment.pk}")
        notify(verb=Notification.Verb.MENTIONED, actor=by, recipients=mentioned, article=article, text=text, url=url)
        owners = article_people(article) - {user.pk for user in mentioned}
        notify(verb=Notification.Verb.COMMENTED, actor=by, recipients=owners, article=article, text=text, url=url)
    return comment


def comment_resolve(*, comment: ArticleComment, by) -> bool:
    """Resolve ``comment``: it folds away in the panel and stays. False when it already was."""
    if not user_can_resolve(by, comment):
        raise PermissionDenied(_("Only the article's author and the colleagues a comment mentions can resolve it."))
    changed = ArticleComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
        resolved_by=by, resolved_at=timezone.now()
    )
    if changed:
        comment.refresh_from_db(fields=["resolved_by", "resolved_at"])
    return bool(changed)

"""The desk's list of the most read articles now (``settings.DESK_LISTS``; ``articles.desk``)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.desk import DeskList
from articles.services import user_can_publish
from readership.most_read import most_read

SHOWN = 5


def most_read_now(user) -> DeskList | None:
    """Editors': the five most read articles of the last 24 hours, all languages together."""
    if not user_can_publish(user):
        return None
    read = sorted(
        (article for language, _name in settings.LANGUAGES for article in most_read(language)[:SHOWN]),
        key=lambda article: -article.recent_views,
    )[:SHOWN]
    return DeskList("most-read", _("Most read in the last 24 hours"), read, _("Nobody has read anything yet today."))

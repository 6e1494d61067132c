"""What an article's admin page says about the wire item it was taken from
(``settings.ARTICLE_NOTICES``): corrected by its source since it was taken, or withheld or
canceled (in red; the article is never withdrawn by itself)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from articles.desk import Notice
from articles.diff import revision_diffs
from articles.models import Article
from incoming.models import Item


class _Text:
    """An item's text under the names ``revision_diffs`` compares (title, lead, body)."""

    def __init__(self, headline: str, summary: str, body: str):
        self.title, self.lead, self.body = headline, summary, body


def wire_notices(article: Article) -> list[Notice]:
    notices = []
    for item in Item.objects.filter(article=article).select_related("source").defer("raw"):
        link = item.get_absolute_url()
        if item.pubstatus != Item.Status.USABLE:
            notices.append(
                Notice(
                    "danger",
                    _(
                        "The source has marked the wire item this article was taken from «%(status)s» "
                        "(%(source)s). Check the article: it has not been withdrawn."
                    )
                    % {"status": item.get_pubstatus_display(), "source": item.source.name},
                    link,
                    _("Open the wire item"),
                )
            )
        if item.corrected_since_taken:
            taken = item.versions.filter(digest=item.taken_digest).first()
            before = _Text(taken.headline, taken.summary, taken.body) if taken else None
            notices.append(
                Notice(
                    "warning",
                    _("The source corrected this item at %(time)s (%(source)s). What changed since it was taken:")
                    % {
                        "time": timezone.localtime(item.updated_at).strftime("%d.%m.%Y %H:%M"),
                        "source": item.source.name,
                    },
                    link,
                    _("Open the wire item"),
                    revision_diffs(before, _Text(item.headline, item.summary, item.body)),
                )
            )
    return notices

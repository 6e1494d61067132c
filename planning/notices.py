"""What an article's admin page says about the plan (``settings.ARTICLE_NOTICES``): the
assignment the article fulfils, with its due time, assignees and state."""

from django.urls import reverse
from django.utils.translation import gettext as _

from articles.desk import Notice
from articles.models import Article
from newsroom.times import newsroom_time
from planning.plan import assignments
from planning.services import display_name


def assignment_notices(article: Article) -> list[Notice]:
    notices = []
    for assignment in assignments().filter(article_id=article.pk):
        people = ", ".join(display_name(user) for user in assignment.assignees.all()) or _("the desk")
        notices.append(
            Notice(
                "info",
                _("This article fulfils the assignment «%(slug)s»: due %(time)s, for %(people)s, %(state)s.")
                % {
                    "slug": assignment.slug,
                    "time": newsroom_time(assignment.due_at),
                    "people": people,
                    "state": assignment.get_state_now_display().lower(),
                },
                reverse("admin:planning_assignment_change", args=[assignment.pk]),
                _("Open the assignment"),
            )
        )
    return notices

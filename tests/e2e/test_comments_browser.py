"""Comments and notifications in Chromium, on production static files (gunicorn, DEBUG=0): an
editor quotes a passage of a journalist's draft and comments on it mentioning a colleague, an
over-long comment is refused with its text kept; the colleague, on a phone, sees the bell's
count, opens the notification from the inbox, lands on the comment and resolves it.

Screenshots go to /tmp/talk-*.png (looked at by whoever changes the layout)."""

import time

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from articles.models import Article
from planning.comments import COMMENT_MAX_CHARS
from planning.models import ArticleComment, Notification, NotificationRecipient
from tests.e2e.conftest import log_in, open_page
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BODY = ".field-body [contenteditable=true]"


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/talk-{name}.png", full_page=True)


def wait_for(condition, *, seconds=10):
    """Poll ``condition`` (a database read) until it holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def phone(browser):
    yield from open_page(browser, viewport={"width": 375, "height": 800})


def test_an_editor_comments_and_a_colleague_is_told_and_resolves(browser, page, phone, site_server, demo_site):
    journalist = Group.objects.get(name="Journalist").user_set.get(username="journalist")
    colleague = UserFactory(username="aigerim", first_name="Айгерим", last_name="Сейткали")
    colleague.groups.add(Group.objects.get(name="Editor"))
    draft = ArticleFactory(
        title="Нацбанк сохранил базовую ставку",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=journalist,
        body="<p>Посол Азербайджана в Казахстане Рашад Мамедов заявил о росте товарооборота.</p>",
    )
    change = f"{site_server.url}/admin/articles/article/{draft.pk}/change/"

    # The editor selects a passage in the body's editor and quotes it.
    log_in(page, site_server, "editor", "editor-demo-pass")
    page.goto(change)
    page.locator(BODY).wait_for()
    page.evaluate(
        """() => {
          const paragraph = document.querySelector('.field-body [contenteditable=true] p')
          const range = document.createRange()
          range.setStart(paragraph.firstChild, 0)
          range.setEnd(paragraph.firstChild, 'Посол Азербайджана'.length)
          const selection = document.getSelection()
          selection.removeAllRanges()
          selection.addRange(range)
        }"""
    )
    page.click(".talk-box__quote-button")
    assert page.input_value("#id_talk-quote") == "Посол Азербайджана"

    # Too long: refused beside the box, the text stays.
    page.fill("#id_talk-text", "я" * (COMMENT_MAX_CHARS + 1))
    page.click(".talk-box button[type=submit]")
    page.locator(".talk-box__field-errors[data-for=text] .errorlist").wait_for()
    assert len(page.input_value("#id_talk-text")) == COMMENT_MAX_CHARS + 1
    shot(page, "refused-1280")

    page.fill("#id_talk-text", "@aigerim проверь, пожалуйста, фамилию посла и должность.")
    page.click(".talk-box button[type=submit]")
    page.locator(".talk-comment", has_text="проверь, пожалуйста").wait_for()
    assert page.input_value("#id_talk-text") == ""
    comment = ArticleComment.objects.get(article=draft)
    assert comment.quote == "Посол Азербайджана" and list(comment.mentions.all()) == [colleague]
    wait_for(lambda: NotificationRecipient.objects.filter(user=colleague).exists())
    page.goto(change)
    page.locator(".talk-comment").first.wait_for()
    shot(page, "editor-1280")

    # The colleague, on a phone: the bell says 1, the inbox names who, what and which article.
    log_in(phone, site_server, "aigerim", "test-pass-123")
    bell = phone.locator(".inbox-bell__count")
    assert bell.inner_text() == "1"
    shot(phone, "bell-375")
    phone.click(".inbox-bell")
    item = phone.locator(".inbox__item--unread", has_text="Нацбанк сохранил базовую ставку")
    item.wait_for()
    editor = Group.objects.get(name="Editor").user_set.get(username="editor")
    with translation.override("ru"):  # the colleague's admin: the default language
        mentioned = str(Notification.Verb.MENTIONED.label)
    assert (editor.get_full_name() or "editor") in item.inner_text() and mentioned in item.inner_text()
    shot(phone, "inbox-375")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    item.locator("a").click()
    phone.locator(f"#comment-{comment.pk}").wait_for()
    assert phone.locator(".inbox-bell__count").count() == 0  # read on opening
    shot(phone, "article-375")
    assert phone.evaluate("document.querySelector('#talk').scrollWidth") <= 375

    # She resolves it: it folds away under «resolved» and stays.
    phone.locator(f"#comment-{comment.pk} .talk-comment__resolve button").click()
    phone.locator(".talk__resolved").wait_for()
    comment.refresh_from_db()
    assert comment.resolved_by == colleague
    phone.locator(".talk__resolved summary").click()
    shot(phone, "resolved-375")
    page.goto(change)
    page.locator(".talk__resolved").wait_for()
    shot(page, "resolved-1280")

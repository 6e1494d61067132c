"""Comments on drafts: the panel on every article's admin page, posting with and without
JavaScript, @mentions, resolving, bad input that loses nothing, the articles' list's open
comments, and proof that readers never see a comment anywhere."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import preview_link_create
from distribution import telegram
from distribution.models import ApiKey
from planning.comments import COMMENT_MAX_CHARS, comment_post
from planning.models import ArticleComment, Notification
from tests.factories import ArticleFactory, PersonFactory, PublisherFactory, UserFactory


@pytest.fixture
def client(client, settings):
    """The admin in English (the language its user picks, kept in a cookie): the assertions
    below read the English messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


pytestmark = pytest.mark.django_db
MARKER = "ЗАМЕТКА-РЕДАКТОРА-7f3k"  # a comment's text that must never reach a reader


def member(username, group, **fields):
    user = UserFactory(username=username, email=f"{username}@example.kz", **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def journalist():
    user = member("dina", "Journalist", first_name="Дина")
    PersonFactory(name="Дина Оспанова", user=user)
    return user


@pytest.fixture
def editor():
    return member("timur", "Editor", first_name="Тимур")


@pytest.fixture
def colleague():
    return member("aigerim", "Editor", first_name="Айгерим")


@pytest.fixture
def draft(journalist):
    return ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=journalist, title="Черновик")


def post_url(article):
    return reverse("admin:planning_articlecomment_post", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_every_article_has_the_comments_panel(client, editor, draft):
    client.force_login(editor)
    html = client.get(change_url(draft)).content.decode()
    assert 'id="talk"' in html and 'class="talk-box"' in html
    assert "newsroom/talk." in html


def test_a_comment_posted_with_javascript_comes_back_as_its_row_and_notifies(client, editor, colleague, draft):
    client.force_login(editor)
    response = client.post(
        post_url(draft),
        {"talk-text": "@aigerim проверь фамилию посла, @Dina тоже", "talk-quote": "посол Азербайджана"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201
    answer = response.json()
    comment = ArticleComment.objects.get()
    assert answer["id"] == comment.pk and f'id="comment-{comment.pk}"' in answer["html"]
    assert '<strong class="talk-mention">@aigerim</strong>' in answer["html"]
    assert comment.quote == "посол Азербайджана"
    assert {user.username for user in comment.mentions.all()} == {"aigerim", "dina"}
    # Mentioned: both once; the article's author is mentioned, so no second "commented" for her.
    mentioned = Notification.objects.get(verb=Notification.Verb.MENTIONED)
    assert {user.username for user in mentioned.recipients.all()} == {"aigerim", "dina"}
    assert not Notification.objects.filter(verb=Notification.Verb.COMMENTED).exists()
    assert mentioned.url.endswith(f"#comment-{comment.pk}")


def test_a_comment_tells_the_articles_author_and_never_its_writer(editor, journalist, draft):
    comment_post(article=draft, by=editor, text="Второй абзац без источника.")
    notification = Notification.objects.get()
    assert notification.verb == Notification.Verb.COMMENTED
    assert list(notification.recipients.all()) == [journalist]
    comment_post(article=draft, by=journalist, text="Источник добавила.")
    assert Notification.objects.count() == 1  # her own comment on her own article: nobody to tell


def test_a_comment_without_javascript_redirects_to_it(client, editor, draft):
    client.force_login(editor)
    response = client.post(post_url(draft), {"talk-text": "Проверь цифры."})
    comment = ArticleComment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(change_url(draft)).content.decode()
    assert "Проверь цифры." in html


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "Write a comment first."), ("   \n ", "Write a comment first."), ("я" * (COMMENT_MAX_CHARS + 1), "at most")],
)
def test_bad_comments_are_refused_with_a_message_and_the_text_kept(client, editor, draft, text, said):
    client.force_login(editor)
    page = client.post(post_url(draft), {"talk-text": text, "talk-quote": "цитата"})
    assert page.status_code == 400
    html = page.content.decode()
    assert said in html and "Your text is kept" in html
    assert "цитата" in html and (text.strip()[:50] in html)
    answer = client.post(post_url(draft), {"talk-text": text}, headers={"accept": "application/json"})
    assert answer.status_code == 400 and said in " ".join(answer.json()["errors"]["text"])
    assert not ArticleComment.objects.exists()


def test_a_comment_of_exactly_the_limit_is_posted(editor, draft):
    comment = comment_post(article=draft, by=editor, text="я" * COMMENT_MAX_CHARS)
    assert len(comment.text) == COMMENT_MAX_CHARS


def test_an_unknown_name_stays_plain_text_and_the_writer_is_told(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        post_url(draft), {"talk-text": "@nobody глянь, и напиши на a@b.kz"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 201
    comment = ArticleComment.objects.get()
    assert comment.text == "@nobody глянь, и напиши на a@b.kz" and not comment.mentions.exists()
    assert "talk-mention" not in response.json()["html"]
    assert "@nobody" in response.json()["note"]


def test_a_colleague_who_cannot_open_the_draft_is_not_mentioned(editor, draft):
    member("arman", "Journalist")  # a journalist does not see a colleague's draft
    comment = comment_post(article=draft, by=editor, text="@arman посмотри")
    assert not comment.mentions.exists()
    assert not Notification.objects.filter(verb=Notification.Verb.MENTIONED).exists()


def test_a_journalist_cannot_comment_on_a_colleagues_draft(client, draft):
    other = member("arman", "Journalist")
    client.force_login(other)
    assert client.post(post_url(draft), {"talk-text": "привет"}).status_code == 404
    assert not ArticleComment.objects.exists()


def test_a_journalist_cannot_comment_on_her_published_article_but_an_editor_can(client, journalist, editor):
    article = ArticleFactory(created_by=journalist)
    client.force_login(journalist)
    response = client.post(post_url(article), {"talk-text": "можно?"}, headers={"accept": "application/json"})
    assert response.status_code == 400 and "may not comment" in json.dumps(response.json(), ensure_ascii=False)
    client.force_login(editor)
    assert client.post(post_url(article), {"talk-text": "можно"}).status_code == 302


def test_the_author_and_the_mentioned_resolve_others_cannot(client, editor, colleague, journalist, draft):
    first = comment_post(article=draft, by=editor, text="@aigerim проверь")
    second = comment_post(article=draft, by=editor, text="Заголовок длинный")
    third_editor = member("bolat", "Editor")
    client.force_login(third_editor)
    client.post(reverse("admin:planning_articlecomment_resolve", args=[first.pk]))
    first.refresh_from_db()
    assert first.resolved_at is None
    client.force_login(colleague)
    client.post(reverse("admin:planning_articlecomment_resolve", args=[first.pk]))
    client.force_login(journalist)
    client.post(reverse("admin:planning_articlecomment_resolve", args=[second.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.resolved_by == colleague and second.resolved_by == journalist
    html = client.get(change_url(draft)).content.decode()
    folded = html[html.index('class="talk__resolved"') :]
    assert "Заголовок длинный" in folded and "2 resolved comments" in folded


def test_comments_are_listed_oldest_first_newest_last(editor, draft, client):
    for text in ["первый", "второй", "третий"]:
        comment_post(article=draft, by=editor, text=text)
    client.force_login(editor)
    html = client.get(change_url(draft)).content.decode()
    assert html.index("первый") < html.index("второй") < html.index("третий")


def test_the_article_list_shows_open_comments_in_one_query(client, editor, draft, django_assert_max_num_queries):
    other = ArticleFactory(title="Без комментариев")
    comment_post(article=draft, by=editor, text="раз")
    comment_post(article=draft, by=editor, text="два")
    resolved = comment_post(article=draft, by=editor, text="три")
    resolved.resolved_at = timezone.now()
    resolved.save()
    client.force_login(editor)
    client.get(reverse("admin:articles_article_changelist"))  # warm the bell and the session
    with django_assert_max_num_queries(11):
        html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Open comments" in html
    row = html[html.index(f"/{draft.pk}/change/") :]
    assert '<td class="field-open_comments">2</td>' in row[: row.index("</tr>")]
    row = html[html.index(f"/{other.pk}/change/") :]
    assert '<td class="field-open_comments">—</td>' in row[: row.index("</tr>")]


# -- Readers never see a comment ------------------------------------------------------------------------


@pytest.fixture
def commented(editor):
    PublisherFactory(domain="dknews.kz")
    article = ArticleFactory(title="Новость с замечанием", body="<p>Текст.</p>")
    comment_post(article=article, by=editor, text=f"{MARKER} проверь", quote=f"{MARKER} цитата")
    return article


def test_no_comment_on_the_article_page_nor_its_json_ld(client, commented):
    html = client.get(commented.get_absolute_url()).content.decode()
    assert "Новость с замечанием" in html and "application/ld+json" in html
    assert MARKER not in html


def test_no_comment_on_a_preview_link(client, editor, commented):
    commented.status = Article.Status.DRAFT
    commented.save()
    link = preview_link_create(article=commented, by=editor)
    html = client.get(link.get_absolute_url()).content.decode()
    assert "Новость с замечанием" in html and MARKER not in html


@pytest.mark.parametrize("url", ["/feed.rss", "/feed.atom", "/feeds/all.rss", "/sitemap-news.xml"])
def test_no_comment_in_feeds(client, commented, url):
    body = client.get(url).content.decode()
    assert "Новость с замечанием" in body and MARKER not in body


def test_no_comment_in_the_partner_api(client, commented, settings):
    settings.API_SETTLE_SECONDS = 0
    key = ApiKey.issue("Партнёр")[1]
    body = client.get("/api/v1/items", headers={"authorization": f"Bearer {key}"}).content.decode()
    assert "Новость с замечанием" in json.loads(body)["items"][0]["headlines"][0]["value"]
    assert MARKER not in body


def test_no_comment_in_a_telegram_message(commented):
    message = telegram.render(commented, url="https://dknews.kz/news/x/", with_photo=False)
    assert "Новость с замечанием" in message and MARKER not in message


def test_nothing_public_reads_comments():
    """The readers' code, the partner API and Telegram never name the comments' model."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ["website", "distribution", "readership", "templates/jinja2"]:
        for path in (root / folder).rglob("*.*"):
            if path.suffix in {".py", ".html", ".txt", ".xml"}:
                text = path.read_text()
                assert "ArticleComment" not in text and "comments.all" not in text, path


def test_old_comments_survive_time(editor, draft):
    comment = comment_post(article=draft, by=editor, text="давно")
    ArticleComment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert ArticleComment.objects.filter(article=draft).count() == 1

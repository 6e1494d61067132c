"""Live coverage's desk in the admin: the panel on the article's page, posting with and without
JavaScript (refusals keep the text), key events and pins, the coverage's buttons, the entries'
own pages, and what each role may do there."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from live import services
from live.models import Entry
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def article_page(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def post_url(article) -> str:
    return reverse("admin:live_entry_post", args=[article.pk])


def box(body="<p>Явка на 12:00 — 34 %.</p>", **fields) -> dict:
    """What the entry box sends (its fields carry the prefix «live-»)."""
    return {f"live-{name}": value for name, value in {"body": body, "headline": "", **fields}.items()}


def russian(message, **params) -> str:
    with translation.override("ru"):
        return str(message) % params if params else str(message)


def entry(blog, by, body="<p>Первые итоги.</p>", **kwargs) -> Entry:
    return services.entry_post(article=blog, by=by, body=body, **kwargs)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pass")


# -- The panel on the article's page ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "journalist", "superuser"])
def test_the_panel_lists_the_entries_for_every_role_at_a_fixed_cost(
    client, request, blog, editor, journalist, role, django_assert_max_num_queries
):
    for number in range(3):
        entry(blog, journalist, body=f"<p>Запись номер {number}.</p>", headline="Итоги" if number == 1 else "")
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(20) as few:
        response = client.get(article_page(blog))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="live"' in html and "Запись номер 2" in html and "<strong>Итоги</strong>" in html
    assert html.index('id="live"') < html.index('id="article_form"')  # outside the article's form
    assert 'name="live-body"' in html
    for number in range(3, 30):
        entry(blog, journalist, body=f"<p>Запись номер {number}.</p>")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(article_page(blog)).status_code == 200


def test_the_panel_shows_the_newest_fifty_and_links_to_all(client, blog, editor, journalist):
    for number in range(51):
        entry(blog, journalist, body=f"<p>Запись {number:02}.</p>")
    client.force_login(editor)
    html = client.get(article_page(blog)).content.decode()
    assert "Запись 50." in html and "Запись 01." in html and "Запись 00." not in html
    assert f"?article__id__exact={blog.pk}" in html


def test_editors_get_the_curation_fields_and_journalists_only_the_text(client, blog, editor, journalist):
    client.force_login(editor)
    html = client.get(article_page(blog)).content.decode()
    assert 'name="live-pinned"' in html and 'name="live-published_at"' in html and 'value="end"' in html
    client.force_login(journalist)
    html = client.get(article_page(blog)).content.decode()
    assert 'name="live-body"' in html
    assert 'name="live-pinned"' not in html and 'name="live-published_at"' not in html and 'value="end"' not in html


def test_an_ordinary_article_offers_editors_to_start_and_journalists_nothing(client, editor, journalist):
    article = ArticleFactory()
    client.force_login(editor)
    html = client.get(article_page(article)).content.decode()
    assert 'value="start"' in html and 'name="live-body"' not in html
    client.force_login(journalist)
    assert 'id="live"' not in client.get(article_page(article)).content.decode()


def test_a_scheduled_entry_is_marked_with_its_time(client, blog, editor):
    entry(blog, editor, published_at=timezone.now() + dt.timedelta(hours=2), body="<p>Позже.</p>")
    client.force_login(editor)
    html = client.get(article_page(blog)).content.decode()
    assert "live-entry__scheduled" in html


def test_the_article_list_marks_live_blogs(client, blog, editor):
    ArticleFactory(title="Обычная новость")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert html.count("state-live") == 1


# -- Posting ------------------------------------------------------------------------------------


def test_posting_with_javascript_answers_the_new_row(client, blog, journalist):
    client.force_login(journalist)
    response = client.post(post_url(blog), box(headline="Явка"), **JSON)
    assert response.status_code == 201
    posted = Entry.objects.get()
    assert response.json()["id"] == posted.pk
    assert f'id="entry-{posted.pk}"' in response.json()["html"] and "Айгерим Сейтказы" in response.json()["html"]
    assert posted.headline == "Явка" and posted.created_by == journalist


def test_posting_without_javascript_returns_to_the_blog(client, blog, journalist):
    client.force_login(journalist)
    response = client.post(post_url(blog), box())
    assert response.status_code == 302 and response["Location"] == f"{article_page(blog)}#live"
    assert Entry.objects.count() == 1


def test_an_editor_posts_a_pinned_key_event_at_a_later_time(client, blog, editor):
    client.force_login(editor)
    later = timezone.localtime() + dt.timedelta(hours=1)
    fields = {"published_at": later.strftime("%Y-%m-%dT%H:%M"), "key_event": "on", "pinned": "on", "telegram": "on"}
    assert client.post(post_url(blog), box(**fields), **JSON).status_code == 201
    posted = Entry.objects.get()
    assert posted.key_event and posted.pinned and posted.telegram
    assert posted.published_at == later.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("body", "expected"),
    [("<p> </p>", services.ENTRY_EMPTY), ("<p>" + "Ә" * (services.MAX_TEXT_CHARS + 1) + "</p>", None)],
    ids=["empty", "too long"],
)
def test_a_refused_entry_keeps_the_text_with_and_without_javascript(client, blog, journalist, body, expected):
    client.force_login(journalist)
    response = client.post(post_url(blog), box(body=body, headline="Мой заголовок"), **JSON)
    assert response.status_code == 400
    [message] = response.json()["errors"]["body"]
    if expected is not None:
        assert message == russian(expected)
    else:
        assert str(services.MAX_TEXT_CHARS) in message
    response = client.post(post_url(blog), box(body=body, headline="Мой заголовок"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Мой заголовок" in html and 'name="live-body"' in html and "errorlist" in html
    assert not Entry.objects.exists()


def test_an_ended_blog_refuses_and_keeps_the_text(client, blog, editor, journalist):
    services.coverage_end(article=blog, by=editor)
    client.force_login(journalist)
    response = client.post(post_url(blog), box(body="<p>Опоздавшая запись</p>"), **JSON)
    assert response.status_code == 400
    assert "__all__" in response.json()["errors"]
    html = client.post(post_url(blog), box(body="<p>Опоздавшая запись</p>")).content.decode()
    assert "Опоздавшая запись" in html and "errornote" in html
    assert not Entry.objects.exists()


def test_an_entry_before_the_start_is_refused_on_its_time(client, blog, editor):
    client.force_login(editor)
    earlier = timezone.localtime(blog.coverage_start_at) - dt.timedelta(hours=1)
    response = client.post(post_url(blog), box(published_at=earlier.strftime("%Y-%m-%dT%H:%M")), **JSON)
    assert response.status_code == 400 and "published_at" in response.json()["errors"]


def test_a_journalist_cannot_pin_mark_or_send_to_telegram_by_posting_the_fields(client, blog, journalist):
    client.force_login(journalist)
    assert client.post(post_url(blog), box(key_event="on", pinned="on", telegram="on"), **JSON).status_code == 201
    posted = Entry.objects.get()
    assert not (posted.key_event or posted.pinned or posted.telegram)


def test_posting_needs_the_csrf_token(blog, journalist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    assert client.post(post_url(blog), box(), **JSON).status_code == 403
    assert not Entry.objects.exists()


def test_posting_to_an_article_one_may_not_open_is_a_404(client, blog, journalist):
    draft = ArticleFactory(status=Article.Status.DRAFT, coverage_start_at=blog.coverage_start_at)
    client.force_login(journalist)
    assert client.post(post_url(draft), box(), **JSON).status_code == 404
    assert client.get(post_url(blog)).status_code == 405


# -- Key events, pins, the coverage ---------------------------------------------------------------


def test_an_editor_marks_a_key_event_and_pins_it(client, blog, editor, journalist):
    posted = entry(blog, journalist)
    client.force_login(editor)
    url = reverse("admin:live_entry_flags", args=[posted.pk])
    assert client.post(url, {"key_event": "1"}).status_code == 302
    assert client.post(url, {"pinned": "1"}).status_code == 302
    posted.refresh_from_db()
    assert posted.key_event and posted.pinned
    client.post(url, {"pinned": "0"})
    posted.refresh_from_db()
    assert not posted.pinned and posted.key_event


def test_a_journalist_cannot_mark_or_pin(client, blog, journalist):
    posted = entry(blog, journalist)
    client.force_login(journalist)
    url = reverse("admin:live_entry_flags", args=[posted.pk])
    assert client.post(url, {"key_event": "1"}).status_code == 403
    assert client.post(url, {"pinned": "1"}).status_code == 403
    posted.refresh_from_db()
    assert not posted.key_event and not posted.pinned


def test_an_editor_starts_ends_and_reopens_the_coverage(client, editor):
    article = ArticleFactory()
    url = reverse("admin:live_entry_coverage", args=[article.pk])
    client.force_login(editor)
    assert client.post(url, {"action": "start", "at": ""})["Location"] == f"{article_page(article)}#live"
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.LIVE
    client.post(url, {"action": "end"})
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.ENDED
    client.post(url, {"action": "reopen"})
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.LIVE


def test_an_editor_schedules_the_start_at_a_newsroom_time(client, editor):
    article = ArticleFactory()
    start = (timezone.localtime() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    client.force_login(editor)
    url = reverse("admin:live_entry_coverage", args=[article.pk])
    client.post(url, {"action": "start", "at": start.strftime("%Y-%m-%dT%H:%M")})
    article.refresh_from_db()
    assert article.coverage_start_at == start and article.live_state == Article.LiveState.UPCOMING


def test_a_journalist_cannot_start_or_end_the_coverage(client, blog, journalist):
    client.force_login(journalist)
    url = reverse("admin:live_entry_coverage", args=[blog.pk])
    assert client.post(url, {"action": "end"}).status_code == 403
    other = ArticleFactory(created_by=journalist)
    assert client.post(reverse("admin:live_entry_coverage", args=[other.pk]), {"action": "start"}).status_code == 403
    blog.refresh_from_db()
    assert blog.live_state == Article.LiveState.LIVE


# -- The entries' own pages ---------------------------------------------------------------------


def admin_pages(blog, posted) -> dict[str, str]:
    return {
        "changelist": reverse("admin:live_entry_changelist"),
        "add": f"{reverse('admin:live_entry_add')}?article={blog.pk}",
        "change": reverse("admin:live_entry_change", args=[posted.pk]),
        "delete": reverse("admin:live_entry_delete", args=[posted.pk]),
        "history": reverse("admin:live_entry_history", args=[posted.pk]),
    }


@pytest.mark.parametrize("page", ["changelist", "add", "change", "delete", "history"])
def test_every_entry_page_renders_for_an_editor_at_a_fixed_cost(
    client, blog, editor, journalist, page, django_assert_max_num_queries
):
    posted = entry(blog, journalist, headline="Итоги голосования")
    for number in range(5):
        entry(blog, journalist, body=f"<p>Ещё {number}</p>")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(admin_pages(blog, posted)[page])
    assert response.status_code == 200


def test_the_changelist_filters_by_blog_and_searches_headlines(client, blog, editor, journalist):
    entry(blog, journalist, headline="Итоги голосования")
    other = ArticleFactory(coverage_start_at=blog.coverage_start_at)
    entry(other, journalist, headline="Другой блог")
    client.force_login(editor)
    url = reverse("admin:live_entry_changelist")
    html = client.get(url, {"article__id__exact": blog.pk}).content.decode()
    assert "Итоги голосования" in html and "Другой блог" not in html
    html = client.get(url, {"q": "Другой"}).content.decode()
    assert "Другой блог" in html and "Итоги голосования" not in html


def entry_form(blog, **fields) -> dict:
    data = {
        "article": blog.pk,
        "headline": "",
        "body": "<p>Из админки.</p>",
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(fields)
    return data


def test_adding_an_entry_in_its_admin_goes_through_the_service_and_back_to_the_blog(client, blog, journalist):
    client.force_login(journalist)
    response = client.post(reverse("admin:live_entry_add"), entry_form(blog))
    posted = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{article_page(blog)}#{posted.anchor}"
    assert [person.name for person in posted.authors.all()] == ["Айгерим Сейтказы"]
    assert LogEntry.objects.filter(object_id=str(posted.pk)).count() == 1  # the service's, once


def test_a_refusal_in_the_entry_admin_is_a_form_error_keeping_the_text(client, blog, editor, journalist):
    services.coverage_end(article=blog, by=editor)
    client.force_login(journalist)
    response = client.post(reverse("admin:live_entry_add"), entry_form(blog, body="<p>Не потерять</p>"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Не потерять" in html and "errornote" in html
    assert not Entry.objects.exists()


def test_editing_an_entry_in_its_admin_goes_through_the_service(client, blog, journalist):
    posted = entry(blog, journalist)
    client.force_login(journalist)
    form = entry_form(
        blog,
        body="<p>Исправлено.</p>",
        published_at_0=timezone.localtime(posted.published_at).strftime("%d.%m.%Y"),
        published_at_1=timezone.localtime(posted.published_at).strftime("%H:%M:%S"),
        authors=[person.pk for person in posted.authors.all()],
    )
    response = client.post(reverse("admin:live_entry_change", args=[posted.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    posted.refresh_from_db()
    assert posted.body == "<p>Исправлено.</p>" and posted.history.count() == 2


def test_a_journalist_cannot_edit_a_colleagues_entry_or_delete_any(client, blog, editor, journalist):
    theirs = entry(blog, editor)
    mine = entry(blog, journalist)
    client.force_login(journalist)
    change = reverse("admin:live_entry_change", args=[theirs.pk])
    assert client.get(change).status_code == 200  # shown, read-only
    assert client.post(change, entry_form(blog, body="<p>Чужое</p>")).status_code == 403
    for posted in (theirs, mine):
        assert client.get(reverse("admin:live_entry_delete", args=[posted.pk])).status_code == 403
        assert client.post(reverse("admin:live_entry_delete", args=[posted.pk]), {"post": "yes"}).status_code == 403
    assert Entry.objects.count() == 2
    html = client.get(reverse("admin:live_entry_change", args=[mine.pk])).content.decode()
    assert 'name="pinned"' not in html and 'name="key_event"' not in html


def test_an_editor_deletes_an_entry_and_returns_to_the_blog(client, blog, editor, journalist):
    posted = entry(blog, journalist)
    client.force_login(editor)
    response = client.post(reverse("admin:live_entry_delete", args=[posted.pk]), {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == f"{article_page(blog)}#live"
    assert not Entry.objects.exists()


def test_a_journalist_sees_only_entries_of_articles_they_may_open(client, blog, editor, journalist):
    draft = ArticleFactory(status=Article.Status.DRAFT, coverage_start_at=blog.coverage_start_at)
    entry(draft, editor, headline="Черновик коллеги")
    entry(blog, editor, headline="Опубликованный блог")
    client.force_login(journalist)
    html = client.get(reverse("admin:live_entry_changelist")).content.decode()
    assert "Опубликованный блог" in html and "Черновик коллеги" not in html

"""Editorial workflow: roles, scheduling, actions, preview links, revisions, edit conflicts."""

import datetime as dt

import pytest
from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_withdraw, preview_link_create
from tests.factories import ArticleFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def member(username, group):
    user = UserFactory(username=username, first_name=username.capitalize())
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def journalist():
    return member("dina", "Journalist")


@pytest.fixture
def colleague():
    return member("arman", "Journalist")


@pytest.fixture
def editor():
    return member("timur", "Editor")


@pytest.fixture
def publisher():
    return PublisherFactory()


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(client, url, **overrides):
    """What the browser would send back for the form at ``url`` (inlines included), with
    ``overrides`` typed in."""
    context = client.get(url).context
    data = fields_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for form in formset.initial_forms:
            data.update(fields_data(form))
    data.update(overrides)
    return data


def fields_data(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value, key = form[name].value(), form.add_prefix(name)
        if isinstance(field, forms.SplitDateTimeField):
            local = timezone.localtime(value) if value else None
            data[f"{key}_0"] = local.strftime("%d.%m.%Y") if local else ""
            data[f"{key}_1"] = local.strftime("%H:%M:%S") if local else ""
        elif isinstance(field, forms.FileField) or value is None and isinstance(field, forms.ModelMultipleChoiceField):
            continue
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else getattr(value, "pk", value)
    return data


def local_form_time(value: dt.datetime) -> dict:
    local = timezone.localtime(value)
    return {"publish_at_0": local.strftime("%d.%m.%Y"), "publish_at_1": local.strftime("%H:%M:%S")}


# -- Journalists --------------------------------------------------------------------------


def test_journalist_writes_a_draft_and_submits_it_for_review(client, journalist):
    client.force_login(journalist)
    add = reverse("admin:articles_article_add")
    response = client.post(add, form_data(client, add, title="Новый материал", lead="Лид"))
    assert response.status_code == 302
    article = Article.objects.get(title="Новый материал")
    assert (article.status, article.created_by) == ("draft", journalist)

    response = client.post(change_url(article), form_data(client, change_url(article), status="review"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "review"


def test_journalist_form_offers_only_draft_and_review_and_no_times(client, journalist):
    client.force_login(journalist)
    form = client.get(reverse("admin:articles_article_add")).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "review"]
    assert "publish_at" not in form.fields and "expire_at" not in form.fields


def test_journalist_crafted_publish_is_refused_and_changes_nothing(client, journalist):
    article = ArticleFactory(status="draft", publish_at=None, created_by=journalist, title="Мой черновик")
    client.force_login(journalist)
    data = form_data(client, change_url(article), status="published", title="Изменённый заголовок")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Опубликовать или снять статью может только редактор" in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.title) == ("draft", "Мой черновик")


def test_journalist_crafted_schedule_is_refused_and_changes_nothing(client, journalist):
    article = ArticleFactory(status="draft", publish_at=None, created_by=journalist)
    client.force_login(journalist)
    data = form_data(client, change_url(article), **local_form_time(timezone.now() + HOUR))
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Время публикации и снятия может задать только редактор" in response.content.decode()
    article.refresh_from_db()
    assert article.publish_at is None


def test_journalist_cannot_open_or_change_a_colleagues_draft(client, journalist, colleague):
    article = ArticleFactory(status="draft", publish_at=None, created_by=colleague, title="Чужой черновик")
    client.force_login(journalist)
    assert client.get(change_url(article)).status_code == 302  # "does not exist": redirected away
    response = client.post(change_url(article), {"title": "Взлом", "status": "draft", "loaded_version": "1"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Чужой черновик"
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Чужой черновик" not in changelist


def test_journalist_cannot_edit_own_article_once_published(client, journalist):
    article = ArticleFactory(created_by=journalist, title="Вышедшая новость")
    client.force_login(journalist)
    page = client.get(change_url(article))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only view
    response = client.post(change_url(article), {"title": "Правка", "status": "draft", "loaded_version": "1"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Вышедшая новость", "published")


def test_journalist_crafted_bulk_action_is_refused(client, journalist):
    article = ArticleFactory(status="review", created_by=journalist)
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk], "confirmed": "yes"},
    )
    assert response.status_code == 200  # journalists have no actions: the list is shown again
    assert 'value="publish_now"' not in response.content.decode()
    article.refresh_from_db()
    assert article.status == "review"
    assert not LogEntry.objects.filter(object_id=str(article.pk)).exists()


def test_services_refuse_journalists_whatever_the_interface(journalist):
    article = ArticleFactory(status="review", created_by=journalist)
    with pytest.raises(PermissionDenied):
        article_publish(article=article, by=journalist)
    with pytest.raises(PermissionDenied):
        article_withdraw(article=article, by=journalist)
    article.refresh_from_db()
    assert article.status == "review"


# -- Editors: actions, schedule -------------------------------------------------------------


def run_action(client, action, article, confirmed=True):
    data = {"action": action, "_selected_action": [article.pk]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(reverse("admin:articles_article_changelist"), data)


def test_publish_now_asks_for_confirmation_then_publishes_and_logs(client, editor, publisher):
    article = ArticleFactory(status="review", publish_at=None, title="На проверке")
    client.force_login(editor)
    confirm = run_action(client, "publish_now", article, confirmed=False)
    assert confirm.status_code == 200
    assert "Вы уверены?" in confirm.content.decode() and "На проверке" in confirm.content.decode()
    article.refresh_from_db()
    assert article.status == "review"

    assert run_action(client, "publish_now", article).status_code == 302
    article.refresh_from_db()
    assert article.state == "published"
    assert LogEntry.objects.filter(object_id=str(article.pk), change_message="Опубликовано").count() == 1
    assert client.get(article.get_absolute_url()).status_code == 200


def test_withdraw_makes_the_url_answer_410_and_return_to_draft_unschedules(client, editor, publisher):
    live = ArticleFactory()
    scheduled = ArticleFactory(publish_at=timezone.now() + HOUR)
    client.force_login(editor)
    run_action(client, "withdraw", live)
    run_action(client, "return_to_draft", scheduled)
    live.refresh_from_db()
    scheduled.refresh_from_db()
    assert (live.status, scheduled.status) == ("withdrawn", "draft")
    client.logout()
    assert client.get(live.get_absolute_url()).status_code == 410
    assert LogEntry.objects.filter(change_message__in=["Снято с публикации", "Возвращено в черновики"]).count() == 2


def test_two_editors_publishing_at_once_make_one_log_entry(editor):
    other_editor = member("aigerim", "Editor")
    article = ArticleFactory(status="review", publish_at=None)
    stale_copy = Article.objects.get(pk=article.pk)
    assert article_publish(article=article, by=editor) is True
    assert article_publish(article=stale_copy, by=other_editor) is False
    assert LogEntry.objects.filter(object_id=str(article.pk)).count() == 1


def test_editor_schedules_in_newsroom_time_and_the_changelist_says_scheduled(client, editor, time_machine):
    time_machine.move_to(dt.datetime(2030, 11, 30, 18, 55, tzinfo=dt.UTC))  # 23:55 in Almaty, the evening before
    article = ArticleFactory(status="review", publish_at=None)
    client.force_login(editor)
    data = form_data(
        client, change_url(article), status="published", publish_at_0="01.12.2030", publish_at_1="09:30:00"
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.publish_at == dt.datetime(2030, 12, 1, 4, 30, tzinfo=dt.UTC)  # Asia/Almaty is UTC+5
    assert article.state == "scheduled"
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Запланировано 01.12.2030 09:30" in changelist
    schedule = client.get(reverse("admin:articles_article_schedule")).content.decode()
    assert article.title in schedule


def test_schedule_page_is_for_editors_only(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:articles_article_schedule")).status_code == 403


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        (("29.02.2024", "12:00:00"), dt.datetime(2024, 2, 29, 6, 0, tzinfo=dt.UTC)),  # UTC+6 until 1 March 2024
        (("01.03.2024", "12:00:00"), dt.datetime(2024, 3, 1, 7, 0, tzinfo=dt.UTC)),  # UTC+5 since
    ],
)
def test_times_typed_around_the_2024_offset_change_are_stored_right(client, editor, typed, utc):
    article = ArticleFactory(status="review", publish_at=None)
    client.force_login(editor)
    data = form_data(client, change_url(article), status="published", publish_at_0=typed[0], publish_at_1=typed[1])
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.publish_at == utc


@pytest.mark.parametrize(
    ("field", "offset", "visible"),
    [
        ("publish_at", -dt.timedelta(seconds=1), False),
        ("publish_at", dt.timedelta(0), True),
        ("publish_at", dt.timedelta(seconds=1), True),
        ("expire_at", -dt.timedelta(seconds=1), True),
        ("expire_at", dt.timedelta(0), False),
        ("expire_at", dt.timedelta(seconds=1), False),
    ],
)
def test_visibility_at_the_second_around_publish_and_expiry(client, publisher, time_machine, field, offset, visible):
    # 2024-03-01 00:00 in Almaty is the moment the clocks went back: the rule is in UTC, unaffected.
    moment = dt.datetime(2024, 2, 29, 18, 0, tzinfo=dt.UTC)
    times = (
        {"publish_at": moment, "expire_at": None}
        if field == "publish_at"
        else {"publish_at": moment - HOUR, "expire_at": moment}
    )
    time_machine.move_to(moment - dt.timedelta(days=1), tick=False)
    article = ArticleFactory(**times)
    time_machine.move_to(moment + offset, tick=False)
    assert Article.objects.published().filter(pk=article.pk).exists() is visible
    assert client.get(article.get_absolute_url()).status_code == (200 if visible else 404)


# -- Previews -----------------------------------------------------------------------------


def test_staff_see_a_draft_at_its_url_with_a_banner_never_cached(client, editor, publisher):
    article = ArticleFactory(status="draft", publish_at=None, title="Черновик редактора")
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Предпросмотр: не опубликовано" in html and "Черновик редактора" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_journalist_preview_is_limited_to_what_they_may_open(client, journalist, colleague, publisher):
    article = ArticleFactory(status="draft", publish_at=None, created_by=colleague)
    client.force_login(journalist)
    assert client.get(article.get_absolute_url()).status_code == 404


def create_link_in_admin(client, article, hours="48"):
    url = reverse("admin:articles_article_share", args=[article.pk])
    response = client.post(url, {"hours": hours})
    assert response.status_code == 302
    return article.preview_links.get()


def test_preview_link_works_for_anyone_until_it_expires(client, editor, publisher, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC), tick=False)
    article = ArticleFactory(status="draft", publish_at=None, title="Эксклюзив под эмбарго")
    client.force_login(editor)
    link = create_link_in_admin(client, article)
    client.logout()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "Эксклюзив под эмбарго" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"] and "no-store" in response["Cache-Control"]
    assert client.get(article.get_absolute_url()).status_code == 404  # the plain URL stays closed

    time_machine.move_to(dt.datetime(2026, 11, 28, 8, 0, 1, tzinfo=dt.UTC), tick=False)  # 48 h + 1 s
    expired = client.get(link.get_absolute_url())
    assert expired.status_code == 404
    assert "Эксклюзив" not in expired.content.decode()


def test_revoked_or_forged_preview_link_answers_404(client, editor, publisher):
    article = ArticleFactory(status="draft", publish_at=None)
    client.force_login(editor)
    link = create_link_in_admin(client, article)
    client.post(reverse("admin:articles_article_share", args=[article.pk]), {"revoke": link.pk})
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404
    assert client.get(f"/preview/{link.token}:forged-signature/").status_code == 404


def test_author_may_share_own_draft_but_not_a_colleagues(client, journalist, colleague, publisher):
    own = ArticleFactory(status="draft", publish_at=None, created_by=journalist)
    theirs = ArticleFactory(status="draft", publish_at=None, created_by=colleague)
    client.force_login(journalist)
    create_link_in_admin(client, own, hours="6")
    assert client.post(reverse("admin:articles_article_share", args=[theirs.pk]), {"hours": "48"}).status_code == 404
    with pytest.raises(PermissionDenied):
        preview_link_create(article=theirs, by=journalist)


# -- Revisions, significant updates and edit conflicts ----------------------------------------


def test_every_save_keeps_a_revision_and_restoring_adds_one(client, editor):
    client.force_login(editor)
    article = ArticleFactory(title="Первая версия", body="<p>Старый текст</p>")
    client.post(
        change_url(article), form_data(client, change_url(article), title="Вторая версия", body="<p>Новый текст</p>")
    )
    article.refresh_from_db()
    assert article.title == "Вторая версия"
    revisions = list(article.history.all())
    assert len(revisions) == 2 and revisions[0].history_user == editor

    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Timur" in history or "timur" in history
    diff = client.get(reverse("admin:articles_article_revision", args=[article.pk, revisions[0].history_id]))
    assert "<del>Первая</del><ins>Вторая</ins>" in diff.content.decode()

    oldest = revisions[-1]
    client.post(reverse("admin:articles_article_revision_restore", args=[article.pk, oldest.history_id]))
    article.refresh_from_db()
    assert (article.title, article.body) == ("Первая версия", "<p>Старый текст</p>")
    assert article.history.count() == 3  # nothing deleted: the restore is a new revision


def test_revision_diff_shows_markup_as_text(client, editor):
    client.force_login(editor)
    article = ArticleFactory(title="Обычный заголовок")
    client.post(change_url(article), form_data(client, change_url(article), title='<script>alert("x")</script>'))
    revision = article.history.first()
    html = client.get(
        reverse("admin:articles_article_revision", args=[article.pk, revision.history_id])
    ).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_significant_update_shows_obnovlenie_and_typo_fix_does_not(client, editor, publisher):
    article = ArticleFactory(title="Новость")
    client.force_login(editor)
    client.post(change_url(article), form_data(client, change_url(article), title="Новсть"))
    article.refresh_from_db()
    first_updated_at = article.updated_at
    assert article.significant_update_at is None
    client.logout()
    assert "Обновление" not in client.get(article.get_absolute_url()).content.decode()

    client.force_login(editor)
    client.post(change_url(article), form_data(client, change_url(article), title="Новость", significant_update="on"))
    article.refresh_from_db()
    assert article.significant_update_at is not None and article.updated_at > first_updated_at
    client.logout()
    assert "Обновление" in client.get(article.get_absolute_url()).content.decode()


def test_second_save_over_a_stale_copy_is_refused_and_keeps_the_typed_text(client, editor):
    other = member("aigerim", "Editor")
    article = ArticleFactory(title="Исходный заголовок", lead="Исходный лид")
    first, second = client, type(client)()
    first.force_login(editor)
    second.force_login(other)
    mine = form_data(first, change_url(article), lead="Лид от Тимура")
    theirs = form_data(second, change_url(article), lead="Лид от Айгерим, который нельзя потерять")

    assert first.post(change_url(article), mine).status_code == 302
    response = second.post(change_url(article), theirs)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Timur" in html and "изменил(а) эту статью" in html
    assert "Лид от Айгерим, который нельзя потерять" in html
    article.refresh_from_db()
    assert article.lead == "Лид от Тимура"


def test_changelist_filters_by_what_readers_see(client, editor):
    ArticleFactory(title="Уже на сайте")
    ArticleFactory(title="Выйдет завтра", publish_at=timezone.now() + dt.timedelta(days=1))
    ArticleFactory(title="Срок истёк", publish_at=timezone.now() - 2 * HOUR, expire_at=timezone.now() - HOUR)
    client.force_login(editor)
    for state, expected in [("scheduled", "Выйдет завтра"), ("expired", "Срок истёк"), ("published", "Уже на сайте")]:
        html = client.get(reverse("admin:articles_article_changelist"), {"state": state}).content.decode()
        shown = {title for title in ["Уже на сайте", "Выйдет завтра", "Срок истёк"] if title in html}
        assert shown == {expected}, state


def test_publish_now_restores_a_withdrawn_article_at_its_original_time(client, editor, publisher):
    published_at = timezone.now() - dt.timedelta(days=2)
    article = ArticleFactory(status="withdrawn", publish_at=published_at)
    assert client.get(article.get_absolute_url()).status_code == 410
    assert article_publish(article=article, by=editor) is True
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("published", published_at)
    assert client.get(article.get_absolute_url()).status_code == 200

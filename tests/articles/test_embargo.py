"""Embargoes: an article under a wire's embargo (``embargo_until``) cannot be published or
scheduled before it through any path (the admin's form and actions, the services, the shell),
only editors change it, and an article without one publishes as it always did. The partner
side (``partners_from``) is in tests/distribution/test_api_embargo.py."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article
from articles.services import article_check_edit, article_publish
from tests.articles.test_workflow import change_url, form_data, local_form_time
from tests.factories import ArticleFactory, PublisherFactory, UserFactory
from tests.test_admin_production import check_assets, collected_urls

pytestmark = pytest.mark.django_db

# 11:00 in Almaty (UTC+5), a morning of the frozen tests.
MOMENT = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MOMENT, tick=False)


@pytest.fixture
def editor():
    user = UserFactory(username="timur")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def journalist():
    user = UserFactory(username="dina")
    user.groups.add(Group.objects.get(name="Journalist"))
    return user


@pytest.fixture
def publisher():
    return PublisherFactory()


def under_embargo(**fields) -> Article:
    """An article in review, taken from a wire item under embargo three hours from now."""
    return ArticleFactory(status="review", publish_at=None, embargo_until=timezone.now() + 3 * HOUR, **fields)


def refusal(embargo_until: dt.datetime) -> str:
    """The refusal in Russian, with the embargo's end in Almaty time, as the admin shows it."""
    local = timezone.localtime(embargo_until).strftime("%d.%m.%Y %H:%M")
    return f"Эмбарго до {local} (Алматы): статью нельзя опубликовать или запланировать раньше."


# -- The admin -------------------------------------------------------------------------------


def test_the_form_refuses_publishing_now_under_embargo_in_red_with_the_almaty_time(client, editor):
    article = under_embargo(title="Под эмбарго")
    client.force_login(editor)
    data = form_data(client, change_url(article), status="published", lead="Лид, который нельзя потерять")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "errornote" in html
    assert f'<ul class="errorlist" id="id_publish_at_error"><li>{refusal(article.embargo_until)}</li></ul>' in html
    assert "Лид, который нельзя потерять" in html
    article.refresh_from_db()
    assert (article.status, article.publish_at) == ("review", None)


def test_the_form_refuses_scheduling_a_second_before_the_embargo(client, editor):
    article = under_embargo()
    client.force_login(editor)
    typed = local_form_time(article.embargo_until - dt.timedelta(minutes=1))
    response = client.post(change_url(article), form_data(client, change_url(article), status="published", **typed))
    assert response.status_code == 200
    assert refusal(article.embargo_until) in response.content.decode()
    article.refresh_from_db()
    assert article.status == "review"


def test_the_form_schedules_at_the_embargos_end(client, editor):
    article = under_embargo()
    client.force_login(editor)
    typed = local_form_time(article.embargo_until)
    response = client.post(change_url(article), form_data(client, change_url(article), status="published", **typed))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("scheduled", article.embargo_until)


def test_the_refused_form_renders_in_production_mode_with_its_assets(client, editor):
    assert not settings.DEBUG
    assert staticfiles_storage.__class__.__name__ == "CompressedManifestStaticFilesStorage"
    article = under_embargo()
    client.force_login(editor)
    response = client.post(change_url(article), form_data(client, change_url(article), status="published"))
    assert response.status_code == 200
    check_assets(client, response.content.decode(), "the refused article form", collected_urls())


def test_an_editor_cannot_release_to_partners_before_the_embargo(client, editor):
    article = under_embargo()
    client.force_login(editor)
    typed = {
        "partners_from_0": timezone.localtime(article.embargo_until - HOUR).strftime("%d.%m.%Y"),
        "partners_from_1": timezone.localtime(article.embargo_until - HOUR).strftime("%H:%M:%S"),
    }
    response = client.post(change_url(article), form_data(client, change_url(article), **typed))
    assert response.status_code == 200
    local = timezone.localtime(article.embargo_until).strftime("%d.%m.%Y %H:%M")
    assert f"Эмбарго до {local} (Алматы): статью нельзя передать партнёрам раньше." in response.content.decode()
    article.refresh_from_db()
    assert article.partners_from is None


def test_an_editor_may_lift_the_embargo_and_publish(client, editor, publisher):
    article = under_embargo()
    client.force_login(editor)
    data = form_data(client, change_url(article), status="published", embargo_until_0="", embargo_until_1="")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.state, article.embargo_until, article.publish_at) == ("published", None, timezone.now())


def test_publish_now_action_under_embargo_is_a_red_message_and_changes_nothing(client, editor):
    article = under_embargo(title="Под эмбарго")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk], "confirmed": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li class="error">Под эмбарго: {refusal(article.embargo_until)}</li>' in html
    article.refresh_from_db()
    assert (article.status, article.publish_at) == ("review", None)


# -- Journalists -------------------------------------------------------------------------------


def test_a_journalist_sees_the_embargo_but_has_no_field_for_it(client, journalist):
    article = under_embargo(created_by=journalist)
    client.force_login(journalist)
    response = client.get(change_url(article))
    assert "embargo_until" not in response.context["adminform"].form.fields
    shown = date_format(timezone.localtime(article.embargo_until), "DATETIME_FORMAT")  # Russian: «5 декабря … 14:00»
    assert f'<div class="readonly">{shown}</div>' in response.content.decode()


def test_a_journalist_cannot_clear_the_embargo_through_the_form(client, journalist):
    article = under_embargo(created_by=journalist, title="Мой материал")
    client.force_login(journalist)
    data = form_data(client, change_url(article), title="Мой материал, правка", embargo_until_0="", embargo_until_1="")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.embargo_until) == ("Мой материал, правка", MOMENT + 3 * HOUR)


def test_a_journalist_crafted_embargo_is_refused_and_changes_nothing(client, journalist):
    article = under_embargo(created_by=journalist)
    client.force_login(journalist)
    data = form_data(client, change_url(article), embargo_until_0="05.12.2026", embargo_until_1="12:00:00")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Изменить эмбарго или передать статью партнёрам может только редактор." in response.content.decode()
    article.refresh_from_db()
    assert article.embargo_until == MOMENT + 3 * HOUR


@pytest.mark.parametrize("field", ["embargo_until", "partners_from"])
def test_the_services_refuse_a_journalist_changing_the_embargo_or_the_release(journalist, field):
    article = under_embargo(created_by=journalist)
    with pytest.raises(PermissionDenied, match="только редактор"):
        article_check_edit(article=article, by=journalist, changed={field})


# -- Services ----------------------------------------------------------------------------------


def test_article_publish_now_under_embargo_is_refused_not_scheduled(editor):
    article = under_embargo()
    with pytest.raises(ValidationError) as refused:
        article_publish(article=article, by=editor)
    assert refused.value.messages == [refusal(article.embargo_until)]
    article.refresh_from_db()
    assert (article.status, article.publish_at) == ("review", None)


def test_article_publish_refuses_a_schedule_before_the_embargo(editor):
    article = under_embargo()
    with pytest.raises(ValidationError):
        article_publish(article=article, by=editor, at=article.embargo_until - dt.timedelta(seconds=1))
    article.refresh_from_db()
    assert article.status == "review"


def test_article_publish_schedules_at_the_embargos_end(editor):
    article = under_embargo()
    assert article_publish(article=article, by=editor, at=article.embargo_until) is True
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("scheduled", article.embargo_until)


def test_article_publish_now_works_once_the_embargo_is_over(editor, time_machine):
    article = under_embargo()
    time_machine.move_to(article.embargo_until, tick=False)
    assert article_publish(article=article, by=editor) is True
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("published", article.embargo_until)


def test_without_an_embargo_publishing_now_works_as_before(editor):
    article = ArticleFactory(status="review", publish_at=None)
    assert article.embargo_until is None
    assert article_publish(article=article, by=editor) is True
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("published", MOMENT)


def test_without_an_embargo_the_form_publishes_as_before(client, editor):
    article = ArticleFactory(status="review", publish_at=None)
    client.force_login(editor)
    data = form_data(client, change_url(article), status="published")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.state, article.publish_at) == ("published", MOMENT)


# -- The model and the database: the shell, an import -------------------------------------------


def test_full_clean_refuses_publishing_before_the_embargo_with_the_time():
    article = under_embargo()
    article.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert refused.value.message_dict["publish_at"] == [refusal(article.embargo_until)]


def test_save_before_the_embargo_is_refused_by_the_database():
    article = under_embargo()
    article.status, article.publish_at = Article.Status.PUBLISHED, timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()
    assert Article.objects.get(pk=article.pk).status == "review"


def test_a_queryset_update_before_the_embargo_is_refused_by_the_database():
    article = under_embargo()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="published", publish_at=timezone.now())
    assert Article.objects.get(pk=article.pk).status == "review"


def test_an_embargo_set_after_the_publication_time_is_refused_by_the_database():
    article = ArticleFactory(publish_at=timezone.now() + HOUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(embargo_until=timezone.now() + 2 * HOUR)


def test_bulk_create_before_the_embargo_is_refused_by_the_database():
    published = Article(
        title="Импорт", slug="import", status="published", publish_at=timezone.now(), embargo_until=MOMENT + HOUR
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.bulk_create([published])
    assert not Article.objects.exists()


def test_a_release_to_partners_before_the_embargo_is_refused_by_the_database():
    article = under_embargo()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(partners_from=article.embargo_until - HOUR)


def test_a_release_to_partners_cannot_be_taken_back_while_the_article_waits(editor):
    ArticleFactory(publish_at=MOMENT + 2 * HOUR, partners_from=MOMENT - HOUR)
    article = Article.objects.get()  # as loaded: released to partners an hour ago
    article.partners_from = None
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "Партнёры уже получили эту статью под эмбарго" in refused.value.message_dict["partners_from"][0]

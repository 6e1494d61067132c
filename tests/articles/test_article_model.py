import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def published_titles():
    return set(Article.objects.published().values_list("title", flat=True))


def test_published_selects_only_what_readers_may_see():
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    ArticleFactory(title="live", publish_at=now - hour)
    ArticleFactory(title="live, expires later", publish_at=now - hour, expire_at=now + hour)
    ArticleFactory(title="draft", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="review", status=Article.Status.REVIEW, publish_at=now - hour)
    ArticleFactory(title="scheduled", publish_at=now + hour)
    ArticleFactory(title="expired", publish_at=now - 2 * hour, expire_at=now - hour)
    ArticleFactory(title="withdrawn", status=Article.Status.WITHDRAWN, publish_at=now - hour)

    assert published_titles() == {"live", "live, expires later"}


def test_scheduled_article_appears_at_its_minute_without_any_job(time_machine):
    start = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    ArticleFactory(title="scheduled", publish_at=start + dt.timedelta(minutes=5))
    time_machine.move_to(start + dt.timedelta(minutes=5) - dt.timedelta(seconds=1), tick=False)
    assert published_titles() == set()
    time_machine.move_to(start + dt.timedelta(minutes=5), tick=False)
    assert published_titles() == {"scheduled"}


def test_slug_comes_from_the_title_and_collisions_get_a_suffix():
    first = ArticleFactory(title="Қазақстан и Азербайджан подписали соглашение")
    second = ArticleFactory(title="Қазақстан и Азербайджан подписали соглашение")
    assert first.slug == "qazaqstan-i-azerbaydzhan-podpisali-soglashenie"
    assert second.slug == "qazaqstan-i-azerbaydzhan-podpisali-soglashenie-2"


def test_slug_does_not_change_when_the_title_is_edited():
    article = ArticleFactory(title="Первый заголовок")
    article.title = "Совсем другой заголовок"
    article.save()
    article.refresh_from_db()
    assert article.slug == "pervyy-zagolovok"


def test_long_title_gives_a_slug_of_at_most_120_bytes_even_with_a_suffix():
    title = "Длинный заголовок о важных событиях " * 8
    slugs = [ArticleFactory(title=title[:300]).slug for _ in range(3)]
    assert all(len(slug.encode()) <= 120 for slug in slugs)
    assert len(set(slugs)) == 3


def test_emoji_only_titles_get_distinct_slugs():
    slugs = {ArticleFactory(title="🔥🔥").slug, ArticleFactory(title="!!!").slug}
    assert slugs == {"article", "article-2"}


def test_body_is_sanitised_on_save_and_keeps_the_text():
    article = ArticleFactory(
        body='<p onclick="x()">«Цитата» — Қ</p><script>alert(1)</script><a href="javascript:1">a</a>'
    )
    article.refresh_from_db()
    assert article.body == "<p>«Цитата» — Қ</p><a>a</a>"


def test_database_refuses_published_without_time():
    with pytest.raises(IntegrityError):
        Article.objects.bulk_create([Article(title="x", slug="x", status="published", publish_at=None)])


def test_database_refuses_expiry_before_publication():
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Article.objects.bulk_create([Article(title="x", slug="x", status="draft", publish_at=now, expire_at=now)])


def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError):
        Article.objects.bulk_create([Article(title="x", slug="x", status="deleted")])


@pytest.mark.parametrize(("name", "slug"), [("Экономика", "ekonomika"), ("Қоғам", "qogham"), ("🔥", "tag")])
def test_cyrillic_and_emoji_tags_keep_their_names_and_get_ascii_slugs(name, slug):
    article = ArticleFactory(tags=[name])
    tag = Tag.objects.get(tagged_articles__content_object=article)
    assert (tag.name, tag.slug) == (name, slug)


def test_tags_with_clashing_slugs_stay_distinct_and_tags_match_case_insensitively():
    ArticleFactory(tags=["Нефть и газ", "Нефть и газ!"])
    ArticleFactory(tags=["нефть и газ"])
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["neft-i-gaz", "neft-i-gaz-2"]

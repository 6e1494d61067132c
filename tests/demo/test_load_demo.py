"""``manage.py load_demo``: the demo content and accounts, safe to run again on a site that has
them (it adds what is missing and corrects what an earlier demo wrote wrongly, never an edit)."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from agencies.models import Agency
from articles.models import Article
from demo import content as demo
from photos.models import Photo

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    "planning.Event",
    "planning.Assignment",
    "agencies.Agency",
    "agencies.PromoBlock",
    "articles.Article",
    "articles.Section",
    "articles.Person",
    "articles.Tag",
    "articles.TaggedArticle",
    "auth.User",
    "photos.Photo",
]


def row_counts():
    return {label: apps.get_model(label).objects.count() for label in CONTENT_MODELS}


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = row_counts()
    snapshot = list(Article.objects.order_by("pk").values()), list(Photo.objects.order_by("pk").values())
    call_command("load_demo")
    assert row_counts() == first
    assert (list(Article.objects.order_by("pk").values()), list(Photo.objects.order_by("pk").values())) == snapshot
    assert "editor / editor-demo-pass" in capsys.readouterr().out


def test_demo_content_has_todays_plan():
    from django.utils import timezone

    from planning.plan import day_budget

    call_command("load_demo")
    budget = day_budget(timezone.localdate())
    assert budget.count == 4 and len(budget.events) == 3
    assert any(not row.assignees.all() for section in budget.sections for row in section.assignments)


def test_demo_content_covers_what_the_newsroom_needs():
    call_command("load_demo")
    articles = Article.objects.all()
    assert articles.count() >= 6
    assert articles.filter(language="kk", body__contains="қ").exists()
    assert articles.filter(status="draft").exists()
    assert articles.published().count() < articles.filter(status="published").count()  # one is scheduled
    assert articles.filter(body__contains="<blockquote>").exists()
    assert articles.values("section").distinct().count() >= 3
    # Photo sizes are stored, so pages never open image files to learn them.
    assert set(articles.exclude(photo=None).values_list("photo__width", "photo__height")) == {(1200, 675)}
    publisher = Agency.objects.publisher()
    assert (publisher.registration_number, str(publisher.registration_date)) == ("10484-АА", "2010-01-20")


@pytest.mark.parametrize(
    ("username", "password", "group"),
    [
        ("admin", "admin-demo-pass", None),
        ("editor", "editor-demo-pass", "Editor"),
        ("journalist", "journalist-demo-pass", "Journalist"),
    ],
)
def test_demo_accounts_can_log_in(rf, username, password, group):
    call_command("load_demo")
    user = authenticate(rf.post("/admin/login/"), username=username, password=password)
    assert user is not None and user.is_staff
    if group:
        assert list(user.groups.values_list("name", flat=True)) == [group]
    else:
        assert user.is_superuser


def test_load_demo_works_with_debug_off(settings):
    settings.DEBUG = False
    call_command("load_demo")
    assert Article.objects.exists()


def test_demo_articles_on_a_shared_topic_show_each_other_as_related(client):
    call_command("load_demo")
    page = client.get("/news/v-astane-zapustili-novyy-marshrut-elektrobusov/").content.decode()
    related = page.split('class="related"')[1]
    assert "/news/v-atyrau-obsudili-modernizatsiyu-neftepererabotki/" in related


CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_english_demo_articles_are_written_in_english_to_the_photo_credit():
    english = [row for row in demo.ARTICLES if row["language"] == "en"]
    assert any("photo" in row for row in english)
    for row in english:
        texts = [
            row[key] for key in ("title", "lead", "body", "photo_alt", "photo_caption", "photo_credit") if key in row
        ]
        assert not [text for text in texts if CYRILLIC.search(text)], row["slug"]


def test_kazakh_demo_photos_carry_no_russian_caption_or_credit():
    russian = {row[key] for row in demo.ARTICLES if row["language"] == "ru" for key in row if key.startswith("photo_")}
    kazakh = [row for row in demo.ARTICLES if row["language"] == "kk" and "photo" in row]
    assert len(kazakh) >= 2
    for row in kazakh:
        assert not {text for text in russian if text in row["photo_caption"] + row["photo_credit"]}, row["slug"]


def test_each_demo_photo_is_a_picture_of_its_own():
    """A library photo has one caption and credit: two articles in different languages sharing
    one would show one of them in the wrong language."""
    colours = [row["photo"] for row in demo.ARTICLES if "photo" in row]
    assert len(colours) == len(set(colours))


def english_photo() -> Photo:
    return Article.objects.get(slug="government-approves-plan-to-bring-inflation-down").photo


def kazakh_photos() -> list[Photo]:
    return [article.photo for article in Article.objects.filter(language="kk").exclude(photo=None).order_by("slug")]


def test_load_demo_corrects_the_russian_credits_an_earlier_demo_gave_english_and_kazakh_photos(client, capsys):
    call_command("load_demo")
    # The database of an earlier demo: Russian credits under English and Kazakh pictures.
    Photo.objects.filter(pk=english_photo().pk).update(credit="DKNews (демо)")
    library, brief = kazakh_photos()
    Photo.objects.filter(pk=library.pk).update(credit="Фото: DKNews (демо)")
    Photo.objects.filter(pk=brief.pk).update(credit="DKNews (демо)")
    russian = Article.objects.get(slug="pravitelstvo-utverdilo-plan-po-snizheniyu-inflyatsii").photo
    capsys.readouterr()

    call_command("load_demo")

    assert "3 demo photos corrected" in capsys.readouterr().out
    assert english_photo().credit == "DKNews (demo)"
    assert [photo.credit for photo in kazakh_photos()] == [
        "Фото: DKNews (демонстрациялық сурет)",
        "DKNews (демонстрациялық сурет)",
    ]
    russian.refresh_from_db()
    assert russian.credit == "DKNews (демо)"  # Russian under a Russian article's picture
    page = client.get("/en/news/government-approves-plan-to-bring-inflation-down/").content.decode()
    assert '<span class="image-credit">DKNews (demo)</span>' in page and "демо" not in page

    snapshot = list(Photo.objects.order_by("pk").values())
    call_command("load_demo")
    assert list(Photo.objects.order_by("pk").values()) == snapshot
    assert "corrected" not in capsys.readouterr().out


def test_load_demo_keeps_what_an_editor_wrote_on_a_demo_photo():
    call_command("load_demo")
    photo = english_photo()
    photo.credit, photo.caption = "Photo: Aigerim Saparova", "Ministers at the meeting"
    photo.save()
    library, brief = kazakh_photos()
    Photo.objects.filter(pk=library.pk).update(credit="")  # an editor removed the credit
    Photo.objects.filter(pk=brief.pk).update(credit="Фото: Ақорда")

    call_command("load_demo")

    photo.refresh_from_db()
    assert (photo.credit, photo.caption) == ("Photo: Aigerim Saparova", "Ministers at the meeting")
    assert [photo.credit for photo in kazakh_photos()] == ["", "Фото: Ақорда"]


def test_the_demo_has_a_live_blog_with_its_entries_once():
    from live.models import Entry

    call_command("load_demo")
    blog = Article.objects.get(slug=demo.LIVE_BLOG["slug"])
    assert blog.live_state == Article.LiveState.LIVE
    entries = Entry.objects.filter(article=blog)
    assert entries.count() == len(demo.LIVE_BLOG["entries"])
    assert entries.filter(pinned=True).count() == 1 and entries.filter(key_event=True).count() == 2
    assert entries.filter(body__contains="қ").exists() and entries.exclude(headline="").exists()
    call_command("load_demo")
    assert Entry.objects.count() == len(demo.LIVE_BLOG["entries"])

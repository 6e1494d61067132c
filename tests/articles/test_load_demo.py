import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from agencies.models import Agency
from articles.models import Article

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    "agencies.Agency",
    "agencies.PromoBlock",
    "articles.Article",
    "articles.Section",
    "articles.Person",
    "articles.Tag",
    "articles.TaggedArticle",
    "auth.User",
]


def row_counts():
    return {label: apps.get_model(label).objects.count() for label in CONTENT_MODELS}


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = row_counts()
    snapshot = list(Article.objects.order_by("pk").values())
    call_command("load_demo")
    assert row_counts() == first
    assert list(Article.objects.order_by("pk").values()) == snapshot
    assert "editor / editor-demo-pass" in capsys.readouterr().out


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

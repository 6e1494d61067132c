"""The admin as production serves it: DEBUG off and the manifest static storage over a real
``collectstatic`` (tests/conftest.py). Every admin page answers 200 to whoever may enter it
and 403 (or a redirect to the login) to whoever may not, never 500; and every script,
stylesheet and import-map entry on those pages is a file that ``collectstatic`` wrote.

A widget naming a static file Django does not ship renders fine with DEBUG on and is a 500 in
production: this module is what stops that class of bug from reaching journalists again.
"""

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, PromoBlock
from articles.models import Article, Country, Person, Section, Tag
from distribution.models import ApiKey, TelegramChannel, TelegramFollowUp, TelegramPost
from incoming.formats import WireItem
from incoming.models import Item, RoutingRule, Source
from incoming.services import items_store
from jobs.models import BackgroundJob, PeriodicJob, WorkerHeartbeat
from live.models import Entry
from moving.models import LegacyRedirect
from newsletters.models import Delivery, Issue, Newsletter, Subscriber, Suppression
from photos.models import Photo
from planning.comments import comment_post
from planning.models import ArticleComment, Assignment, Budget, Event, Notification, NotificationRecipient
from tests.factories import (
    AgencyFactory,
    ArticleFactory,
    NewsletterFactory,
    PersonFactory,
    PhotoFactory,
    PromoBlockFactory,
    PublisherFactory,
    SectionFactory,
    SubscriberFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


class AssetParser(HTMLParser):
    """The addresses of a page's scripts, stylesheets and import-map entries."""

    def __init__(self):
        super().__init__()
        self.urls, self._in_importmap, self._importmap = [], False, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "script" and attrs.get("type") == "importmap":
            self._in_importmap = True
        elif tag == "link" and attrs.get("href") and attrs.get("rel") in {"stylesheet", "icon", "modulepreload"}:
            self.urls.append(attrs["href"])

    def handle_data(self, data):
        if self._in_importmap:
            self._importmap += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_importmap:
            self._in_importmap = False
            self.urls.extend(json.loads(self._importmap).get("imports", {}).values())
            self._importmap = ""


def collected_urls() -> set[str]:
    """The addresses of the hashed files ``collectstatic`` wrote (the manifest's values)."""
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    return {staticfiles_storage.base_url + name for name in manifest["paths"].values()}


def check_assets(client, html: str, page: str, collected: set[str]) -> None:
    parser = AssetParser()
    parser.feed(html)
    assert parser.urls, f"{page}: no scripts or stylesheets found"
    for url in parser.urls:
        if url.startswith(staticfiles_storage.base_url):
            assert url in collected, f"{page}: {url} is not a file collectstatic wrote"
            assert (settings.STATIC_ROOT / url.removeprefix(staticfiles_storage.base_url)).is_file(), url
        else:  # the admin's JavaScript catalogue and other views
            assert client.get(url).status_code == 200, f"{page}: {url}"


@pytest.fixture
def roles():
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    journalist = UserFactory(username="journalist")
    journalist.groups.add(Group.objects.get(name="Journalist"))
    return {
        "superuser": UserFactory(username="boss", is_superuser=True),
        "editor": editor,
        "journalist": journalist,
    }


@pytest.fixture
def objects(roles):
    """One object of every model the admin shows. A model registered later without a row here
    fails test_every_registered_model_is_covered."""
    photo = PhotoFactory(renditions=True)
    article = ArticleFactory(
        tags=["Экономика"],
        created_by=roles["journalist"],
        status=Article.Status.DRAFT,
        photo=photo,
        coverage_start_at=timezone.now() - dt.timedelta(hours=1),  # a live blog: its page shows the desk
    )
    article.title = "Черновик, исправленный"
    article.save()  # a second revision, for the revision page
    now = timezone.now()
    channel = TelegramChannel.objects.create(name="Канал", chat_id="@agency", bot_token="123456789:" + "A" * 35)
    post = TelegramPost.objects.create(article=article, channel=channel, state="unknown", last_error="Нет ответа")
    TelegramFollowUp.objects.create(post=post, action="edit")  # shown on the post's page
    source = Source.objects.create(
        name="Kazinform", address="https://kazinform.example/api/items", credentials="secret", agency=AgencyFactory()
    )
    RoutingRule.objects.create(source=source, words="экономика", notify=True)  # shown on the source's page
    wire = WireItem(guid="urn:1", version="1", headline="Новость «ленты»", body_html="<p>Текст</p>", urgency=2)
    items_store(source=source, wires=[wire])
    items_store(source=source, wires=[WireItem(guid="urn:1", version="2", headline="Новость, исправленная")])
    event = Event.objects.create(title="Брифинг министра", starts_at=now, repeat=Event.Repeat.WEEKLY)
    assignment = Assignment.objects.create(slug="брифинг", due_at=now + dt.timedelta(hours=2), event=event)
    assignment.assignees.add(roles["journalist"])
    # A comment that tells the draft's author; her copy's mail went astray (shown to editors).
    comment = comment_post(article=article, by=roles["editor"], text="Проверь фамилию посла.", quote="посол")
    NotificationRecipient.objects.update(email="unknown", email_error="No answer from the mail server")
    newsletter = NewsletterFactory()
    reader = SubscriberFactory(newsletters=[newsletter])
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное за день")
    return {
        Event: event,
        Assignment: assignment,
        Budget: Budget.objects.get(pk=assignment.pk),
        Article: article,
        Entry: Entry.objects.create(article=article, body="<p>Запись</p>", created_by=roles["journalist"]),
        Source: source,
        Item: Item.objects.get(),
        Section: SectionFactory(),
        Person: PersonFactory(),
        Country: country("KZ"),
        Tag: Tag.objects.get(name="Экономика"),
        Agency: PublisherFactory(),
        PromoBlock: PromoBlockFactory(),
        Photo: photo,
        ApiKey: ApiKey.issue("Партнёр", by=roles["superuser"])[0],
        TelegramChannel: channel,
        LegacyRedirect: LegacyRedirect.objects.create(old_path="/2013/01/11/old/", article=article),
        TelegramPost: post,
        BackgroundJob: BackgroundJob.objects.create(
            task_path="tests.jobs.tasks.write_mark",
            args_kwargs={"args": ["/tmp/x"], "kwargs": {}},
            backend_name="default",
            run_after=now,
        ),
        PeriodicJob: PeriodicJob.objects.create(name="readership.tasks.flush_view_counts", interval_seconds=5),
        WorkerHeartbeat: WorkerHeartbeat.objects.create(
            worker_id="host-1-abc", hostname="host", pid=1, started_at=now, seen_at=now
        ),
        Group: Group.objects.get(name="Editor"),
        roles["editor"].__class__: roles["editor"],
        AccessAttempt: AccessAttempt.objects.create(
            username="intruder", ip_address="10.0.0.1", user_agent="curl", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(username="editor", ip_address="10.0.0.2", user_agent="curl"),
        AccessFailureLog: AccessFailureLog.objects.create(
            username="intruder", ip_address="10.0.0.1", user_agent="curl", attempt_time=now, locked_out=False
        ),
        ArticleComment: comment,
        Notification: Notification.objects.get(),
        NotificationRecipient: NotificationRecipient.objects.get(),
        Newsletter: newsletter,
        Subscriber: reader,
        Suppression: Suppression.objects.create(email="bounced@example.kz", reason=Suppression.Reason.BOUNCE),
        Issue: issue,
        Delivery: Delivery.objects.create(issue=issue, subscriber=reader),
    }


def test_every_registered_model_is_covered(objects):
    assert set(admin.site._registry) == set(objects)


def admin_pages(objects) -> list[tuple[str, str, object]]:
    """(name, url, model admin or None) for every admin page."""
    pages = [("index", reverse("admin:index"), None)]
    for app_label in {model._meta.app_label for model in objects}:
        pages.append((f"app index {app_label}", reverse("admin:app_list", args=[app_label]), None))
    for model, obj in objects.items():
        model_admin = admin.site._registry[model]
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        pages += [
            (f"{info} changelist", reverse(f"admin:{info}_changelist"), model_admin),
            (f"{info} add", reverse(f"admin:{info}_add"), model_admin),
            (f"{info} change", reverse(f"admin:{info}_change", args=[obj.pk]), model_admin),
            (f"{info} history", reverse(f"admin:{info}_history", args=[obj.pk]), model_admin),
        ]
    article = objects[Article]
    revision = article.history.order_by("history_date").first()
    pages += [
        ("article revision", reverse("admin:articles_article_revision", args=[article.pk, revision.history_id]), None),
        ("article share", reverse("admin:articles_article_share", args=[article.pk]), None),
        ("article schedule", reverse("admin:articles_article_schedule"), None),
        ("password change", reverse("admin:password_change"), None),
    ]
    return pages


def may_enter(request_user, name: str, model_admin, objects, rf) -> bool:
    """What the admin's own permission rules promise this user (tested elsewhere in detail)."""
    from articles.services import user_can_edit, user_can_publish, user_can_share

    request = rf.get("/")
    request.user = request_user
    article = objects[Article]
    if name.startswith("app index "):
        return request_user.has_module_perms(name.removeprefix("app index "))
    if name == "article revision":
        return request_user.has_perm("articles.view_article")
    if name == "article share":
        return user_can_share(request_user, article)
    if name == "article schedule":
        return user_can_publish(request_user)
    if model_admin is None:
        return True
    obj = objects[model_admin.model]
    if name.endswith("add"):
        return model_admin.has_add_permission(request)
    if name.endswith(("change", "history")):
        if model_admin.model is Article and name.endswith("change"):
            return request_user.has_perm("articles.view_article") or user_can_edit(request_user, obj)
        return model_admin.has_view_or_change_permission(request, obj)
    return model_admin.has_view_or_change_permission(request)


@pytest.mark.parametrize("role", ["superuser", "editor", "journalist"])
def test_every_admin_page_renders_in_production_mode_with_collected_assets(client, rf, roles, objects, role):
    assert not settings.DEBUG
    assert staticfiles_storage.__class__.__name__ == "CompressedManifestStaticFilesStorage"
    collected = collected_urls()
    user = roles[role]
    client.force_login(user)
    entered = 0
    for name, url, model_admin in admin_pages(objects):
        response = client.get(url)
        if may_enter(user, name, model_admin, objects, rf):
            assert response.status_code == 200, f"{role}: {name} ({url}) answered {response.status_code}"
            check_assets(client, response.content.decode(), f"{role}: {name}", collected)
            entered += 1
        else:
            # An app index the user has no permission in is a 404 in Django's admin.
            closed = {302, 403, 404} if name.startswith("app index ") else {302, 403}
            assert response.status_code in closed, f"{role}: {name} ({url}) answered {response.status_code}"
    assert entered >= 10


def test_login_page_renders_in_production_mode_with_collected_assets(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    check_assets(client, response.content.decode(), "login", collected_urls())

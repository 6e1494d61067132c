"""The incoming desk in the admin, as production serves it (DEBUG off, collected static files):
the Incoming list, an item's page, Take, corrections and kills on a taken article's page, the
roles, and the sources' keys."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from incoming.formats import WireItem, WirePicture
from incoming.models import DeskLook, Item, RoutingRule, Source
from incoming.services import items_store
from tests.factories import AgencyFactory, ArticleFactory, SectionFactory, UserFactory, jpeg
from tests.incoming.fake_partner import KEY

pytestmark = pytest.mark.django_db

LIST = reverse("admin:incoming_item_changelist")


def user(role: str, name: str):
    person = UserFactory(username=name, first_name=name.capitalize())
    person.groups.add(Group.objects.get(name=role))
    return person


@pytest.fixture
def journalist():
    return user("Journalist", "aigerim")


@pytest.fixture
def editor():
    return user("Editor", "ruslan")


@pytest.fixture
def source(db):
    return Source.objects.create(
        name="Kazinform",
        kind=Source.Kind.NINJS,
        address="https://partner.example/api/items",
        credentials=KEY,
        agency=AgencyFactory(short_name="Kazinform"),
        language="ru",
    )


def wire(number: int, **fields) -> WireItem:
    values = {
        "guid": f"urn:kazinform:{number}",
        "version": "1",
        "headline": f"Новость {number}: «Қазақстан» <b>не тег</b> 🚀",
        "summary": f"Лид новости {number}.",
        "body_html": f"<p>Текст новости {number}.</p>",
        "language": "ru",
        "urgency": 5,
        "url": f"https://kazinform.example/news/{number}",
    }
    values.update(fields)
    return WireItem(**values)


def store(source, *wires, at=None) -> None:
    items_store(source=source, wires=list(wires), now=at)


def take(client, item):
    return client.post(reverse("admin:incoming_item_take", args=[item.pk]))


# -- The list ------------------------------------------------------------------------------------


def test_the_list_shows_items_newest_first_urgent_in_red_and_markup_as_text(client, journalist, source):
    store(source, wire(1), at=timezone.now() - dt.timedelta(minutes=5))
    store(source, wire(2, urgency=1))
    client.force_login(journalist)
    page = client.get(LIST).content.decode()
    first, second = page.index("Новость 2"), page.index("Новость 1")
    assert first < second
    assert re.search(r'class="wire-urgent">Новость 2', page)
    assert "&lt;b&gt;не тег&lt;/b&gt;" in page and "🚀" in page


def test_items_received_since_the_last_look_are_marked_new(client, journalist, source, time_machine):
    time_machine.move_to(timezone.now())
    store(source, wire(1))
    client.force_login(journalist)
    assert "wire-new" not in client.get(LIST).content.decode()  # the first look: nothing is "new" yet
    time_machine.shift(dt.timedelta(minutes=10))
    store(source, wire(2))
    time_machine.shift(dt.timedelta(minutes=10))
    page = client.get(LIST).content.decode()
    assert page.count('class="wire-new"') == 1
    assert re.search(r'class="wire-new">[^<]*</span> <span class="">Новость 2', page)
    assert client.get(LIST + "?taken=no").content.decode().count('class="wire-new"') == 1  # marks stay
    assert DeskLook.objects.get(user=journalist).previous_at is not None


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?urgency=urgent", "Новость 2", "Новость 1"),
        ("?taken=no", "Новость 1", "Новость 3"),
        ("?language=kk", "Новость 4", "Новость 1"),
        ("?q=жер+сілкінісі", "Новость 4", "Новость 1"),
        ("?q=урожай", "Новость 1", "Новость 2"),
    ],
)
def test_the_list_filters_and_searches(client, journalist, source, query, shown, hidden):
    store(
        source,
        wire(1, body_html="<p>Урожай зерна собран.</p>"),
        wire(2, urgency=2),
        wire(3),
        wire(4, language="kk", body_html="<p>Жер сілкінісі</p>"),
    )
    Item.objects.filter(guid="urn:kazinform:3").update(article=ArticleFactory(status="draft"), taken_by=journalist)
    client.force_login(journalist)
    page = client.get(LIST + query).content.decode()
    assert shown in page and hidden not in page


def test_the_list_costs_the_same_queries_for_5_and_50_items(client, journalist, source, django_assert_max_num_queries):
    store(source, *(wire(n) for n in range(5)))
    client.force_login(journalist)
    client.get(LIST)
    with django_assert_max_num_queries(12) as five:
        assert client.get(LIST).status_code == 200
    store(source, *(wire(n) for n in range(5, 50)))
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert client.get(LIST).status_code == 200


# -- An item's page and Take ---------------------------------------------------------------------


def test_the_item_page_shows_the_text_metadata_and_the_take_button(client, journalist, source):
    store(source, wire(1, byline="Айгерім Сәрсенова", dateline="Астана", subjects=["экономика"]))
    item = Item.objects.get()
    client.force_login(journalist)
    page = client.get(item.get_absolute_url()).content.decode()
    for shown in ("Текст новости 1.", "Айгерім Сәрсенова", "Астана", "экономика", "https://kazinform.example/news/1"):
        assert shown in page
    assert reverse("admin:incoming_item_take", args=[item.pk]) in page


def test_take_makes_a_draft_prefilled_from_the_item(client, journalist, source):
    section = SectionFactory(name="Экономика")
    RoutingRule.objects.create(source=source, words="нефть, экономика", section=section)
    embargo = timezone.now() + dt.timedelta(hours=3)
    store(source, wire(1, subjects=["Экономика"], embargoed=embargo, language="kk"))
    item = Item.objects.get()
    client.force_login(journalist)
    response = take(client, item)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert article.status == Article.Status.DRAFT and article.created_by == journalist
    assert article.title == "Новость 1: «Қазақстан» <b>не тег</b> 🚀"
    assert article.lead == "Лид новости 1." and "Текст новости 1." in article.body
    assert article.language == "kk" and article.section == section and article.source == source.agency
    assert article.source_url == "https://kazinform.example/news/1"
    assert article.embargo_until == embargo
    item.refresh_from_db()
    assert item.article == article and item.taken_by == journalist
    page = client.get(response["Location"]).content.decode()
    assert "Новость 1" in page


def test_a_second_journalist_is_told_who_has_the_item_and_can_open_the_draft_link(client, journalist, source):
    store(source, wire(1))
    item = Item.objects.get()
    client.force_login(journalist)
    take(client, item)
    other = user("Journalist", "dana")
    client.force_login(other)
    response = take(client, item)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Aigerim" in page
    assert reverse("admin:articles_article_change", args=[Article.objects.get().pk]) in page
    assert Article.objects.count() == 1


def test_a_canceled_item_cannot_be_taken(client, journalist, source):
    store(source, wire(1, pubstatus="canceled"))
    item = Item.objects.get()
    client.force_login(journalist)
    response = take(client, item)
    assert response.status_code == 302 and not Article.objects.exists()
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'class="error"' in page  # the refusal, as a red message
    assert reverse("admin:incoming_item_take", args=[item.pk]) not in page  # and no Take button


def test_take_downloads_each_picture_once(client, journalist, source, partner, settings):
    settings.INCOMING_PICTURES_FROM_PRIVATE_ADDRESSES = True  # the fake partner is on 127.0.0.1
    partner.files["/pictures/1.jpg"] = jpeg()
    picture = WirePicture(
        url=f"{partner.base}/pictures/1.jpg", credit="Фото: Kazinform", description="Астана, «Бәйтерек»"
    )
    store(source, wire(1, pictures=[picture]), wire(2, pictures=[picture]))
    client.force_login(journalist)
    first, second = Item.objects.order_by("guid")
    take(client, first)
    take(client, second)
    assert len(partner.asked("/pictures/1.jpg")) == 1
    photos = {article.photo for article in Article.objects.select_related("photo")}
    assert len(photos) == 1
    photo = photos.pop()
    assert photo.credit == "Фото: Kazinform" and photo.caption == "Астана, «Бәйтерек»"


# -- Corrections and kills after a take ------------------------------------------------------------


def test_a_correction_after_the_take_is_shown_on_the_article_with_what_changed(client, journalist, source):
    store(source, wire(1))
    item = Item.objects.get()
    client.force_login(journalist)
    article_url = take(client, item)["Location"]
    assert "notice-warning" not in client.get(article_url).content.decode()
    store(source, wire(1, version="2", body_html="<p>Текст новости 1, исправленный.</p>"))
    page = client.get(article_url).content.decode()
    assert "notice-warning" in page
    assert "<ins>" in page and "исправленный" in page


def test_a_kill_after_the_take_shows_a_red_notice_and_withdraws_nothing(client, editor, source):
    store(source, wire(1))
    item = Item.objects.get()
    client.force_login(editor)
    article_url = take(client, item)["Location"]
    Article.objects.update(status=Article.Status.PUBLISHED, publish_at=timezone.now())
    store(source, wire(1, version="2", pubstatus="canceled"))
    page = client.get(article_url).content.decode()
    assert 'class="notice-danger"' in page
    assert Article.objects.get().status == Article.Status.PUBLISHED


# -- Routing to the editors' desk ----------------------------------------------------------------


def test_a_rule_that_notifies_lists_matching_items_on_the_editors_desk(client, editor, journalist, source):
    RoutingRule.objects.create(source=source, words="землетрясение", notify=True)
    store(source, wire(1, headline="Землетрясение в Алматы"), wire(2))
    client.force_login(editor)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Землетрясение в Алматы" in desk and "Новость 2" not in desk
    client.force_login(journalist)
    assert "Землетрясение в Алматы" not in client.get(reverse("admin:index")).content.decode()


def test_a_failing_source_is_shown_on_the_editors_desk(client, editor, source):
    Source.objects.filter(pk=source.pk).update(failures=2, last_error="04.12.2026 10:00: the partner answered 500")
    client.force_login(editor)
    assert "the partner answered 500" in client.get(reverse("admin:index")).content.decode()


# -- Roles and keys ------------------------------------------------------------------------------


def test_journalists_read_and_take_but_only_editors_manage_sources(client, journalist, editor, source):
    store(source, wire(1))
    client.force_login(journalist)
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("admin:incoming_source_add")).status_code == 403
    assert client.get(reverse("admin:incoming_source_change", args=[source.pk])).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("admin:incoming_source_add")).status_code == 200
    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403
    assert take(client, Item.objects.get()).status_code == 403
    assert not Article.objects.exists()


def source_form(source, **changes) -> dict:
    data = {
        "name": source.name,
        "kind": source.kind,
        "address": source.address,
        "credentials": "",
        "agency": source.agency_id,
        "language": source.language,
        "section": "",
        "poll_seconds": source.poll_seconds,
        "idle_alert_minutes": "",
        "active": "on",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_sources_key_is_never_shown_back_and_an_empty_field_keeps_it(client, editor, source):
    client.force_login(editor)
    url = reverse("admin:incoming_source_change", args=[source.pk])
    assert KEY not in client.get(url).content.decode()
    response = client.post(url, source_form(source, name="Kazinform (новый)"))
    assert response.status_code == 302
    assert Source.objects.get().credentials == KEY
    client.post(url, source_form(source, clear_credentials="on"))
    assert Source.objects.get().credentials == ""


def test_a_bad_source_address_gets_a_clear_error_and_keeps_what_was_typed(client, editor, source):
    client.force_login(editor)
    response = client.post(
        reverse("admin:incoming_source_add"),
        source_form(source, name="Новый «источник» ӘҒ", address="not an address", credentials="typed-key"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "https://" in page and "Новый «источник» ӘҒ" in page
    assert "typed-key" not in page
    response = client.post(
        reverse("admin:incoming_source_add"), source_form(source, kind="newsml", address="../../etc")
    )
    assert response.status_code == 200 and Source.objects.count() == 1


def test_a_quiet_source_turns_red_after_its_idle_alert_and_not_before(client, editor, source, time_machine):
    time_machine.move_to(timezone.now())
    Source.objects.filter(pk=source.pk).update(
        idle_alert_minutes=30, item_at=timezone.now(), succeeded_at=timezone.now()
    )
    client.force_login(editor)
    sources = reverse("admin:incoming_source_changelist")
    assert "state-withdrawn" not in client.get(sources).content.decode()
    time_machine.shift(dt.timedelta(minutes=31))
    assert "state-withdrawn" in client.get(sources).content.decode()
    assert "Kazinform" in client.get(reverse("admin:index")).content.decode()


def test_a_source_without_an_idle_alert_never_turns_red(client, editor, source):
    Source.objects.filter(pk=source.pk).update(
        item_at=timezone.now() - dt.timedelta(days=30), succeeded_at=timezone.now()
    )
    client.force_login(editor)
    assert "state-withdrawn" not in client.get(reverse("admin:incoming_source_changelist")).content.decode()


def test_by_default_a_picture_on_a_private_address_is_never_fetched(client, journalist, source, partner):
    partner.files["/pictures/1.jpg"] = jpeg()
    store(source, wire(1, pictures=[WirePicture(url=f"{partner.base}/pictures/1.jpg", credit="Фото")]))
    client.force_login(journalist)
    take(client, Item.objects.get())
    assert partner.asked("/pictures/1.jpg") == []
    assert Article.objects.get().photo is None  # the draft is made without it


def test_a_new_version_after_the_take_keeps_who_took_it(client, journalist, source):
    store(source, wire(1))
    client.force_login(journalist)
    take(client, Item.objects.get())
    store(source, wire(1, version="2", headline="Новость 1, исправленная"))
    item = Item.objects.get()
    assert item.headline == "Новость 1, исправленная"
    assert item.article == Article.objects.get() and item.taken_by == journalist


def test_a_later_embargo_from_the_source_reaches_the_draft(client, journalist, source):
    first = timezone.now() + dt.timedelta(hours=1)
    store(source, wire(1, embargoed=first))
    client.force_login(journalist)
    take(client, Item.objects.get())
    later = first + dt.timedelta(hours=2)
    store(source, wire(1, version="2", embargoed=later))
    assert Article.objects.get().embargo_until == later


@pytest.mark.parametrize("query", ["?after=²", "?after=99999999999999999999999", "?after=abc", "?q=%00", "?p=x"])
def test_odd_list_addresses_show_the_list_never_a_500(client, journalist, source, query):
    store(source, wire(1))
    client.force_login(journalist)
    response = client.get(LIST + query)
    assert response.status_code in (200, 302)


def test_a_missing_or_odd_item_address_is_not_a_500(client, journalist, source):
    client.force_login(journalist)
    for object_id in ("abc", "999999", "²"):
        response = client.get(f"{LIST}{object_id}/change/")
        assert response.status_code == 302  # Django's own: back to the list, "does not exist"


def test_an_item_page_costs_the_same_queries_with_one_or_five_versions(
    client, journalist, source, django_assert_max_num_queries
):
    store(source, wire(1))
    client.force_login(journalist)
    url = Item.objects.get().get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).status_code == 200
    for version in range(2, 7):
        store(source, wire(1, version=str(version), headline=f"Новость, версия {version}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_sources_pages_have_a_fixed_query_budget(client, editor, source, django_assert_max_num_queries):
    for number in range(5):
        RoutingRule.objects.create(source=source, words=f"слово {number}")
        Source.objects.create(name=f"Источник {number}", address="https://p.example/", agency=source.agency)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:incoming_source_changelist")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:incoming_source_change", args=[source.pk])).status_code == 200


def test_a_user_who_may_only_view_sources_is_told_a_key_is_saved_not_the_key(client, source):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    page = client.get(reverse("admin:incoming_source_change", args=[source.pk])).content.decode()
    assert page.count("Kazinform") >= 1 and KEY not in page


def test_a_key_is_asked_again_when_the_address_moves_to_another_host(client, editor, source):
    client.force_login(editor)
    url = reverse("admin:incoming_source_change", args=[source.pk])
    response = client.post(url, source_form(source, address="https://elsewhere.example/api/items"))
    assert response.status_code == 200  # the form again, with the error beside the key
    assert Source.objects.get().address == source.address
    response = client.post(url, source_form(source, address="https://elsewhere.example/api/items", credentials="new"))
    assert response.status_code == 302 and Source.objects.get().credentials == "new"

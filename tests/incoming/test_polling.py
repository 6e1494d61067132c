"""Polling partners' sources (incoming/services.py, incoming/kinds.py) against a local fake
partner: what is stored, what is not stored twice, and how a failing source is treated."""

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from incoming import tasks
from incoming.models import Item, ItemVersion, Source
from incoming.services import source_poll
from tests.factories import AgencyFactory
from tests.incoming.fake_partner import KEY, Answer, ninjs_item

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Лента</title><link>https://partner.example/</link>
<description>Новости</description><language>ru</language>
{items}
</channel></rss>"""


def rss_item(number: int, *, guid: bool = True, date: bool = True, title: str = "") -> str:
    return (
        f"<item><title>{title or f'Новость {number}: «Ақмола»'}</title>"
        f"<link>https://partner.example/news/{number}</link>"
        f"<description>&lt;p&gt;Текст новости {number}.&lt;/p&gt;</description>"
        + (f"<guid isPermaLink='false'>news-{number}</guid>" if guid else "")
        + ("<pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate>" if date else "")
        + "</item>"
    )


def poll(source: Source) -> str:
    return source_poll(source_id=source.pk)


# -- ninjs API -----------------------------------------------------------------------------------


def test_a_ninjs_source_stores_each_item_once_and_polls_on_from_its_cursor(partner, ninjs_source):
    partner.ninjs_items = [ninjs_item(n) for n in range(1, 121)]  # three pages of 50
    assert poll(ninjs_source).startswith("120 new")
    assert Item.objects.filter(source=ninjs_source).count() == 120
    item = Item.objects.get(guid="urn:partner:item:7")
    assert item.headline == "Сообщение 7: «Қазақстан» и Әлем"
    assert item.language == "ru" and item.urgency == 5 and item.dateline == "Астана"
    assert item.subjects == ["экономика"]
    assert "Текст сообщения 7" in item.body
    asked = partner.asked("/api/items")
    assert [request.query.get("since") for request in asked] == [None, ["50"], ["100"]]
    assert all(request.headers["Authorization"] == f"Bearer {KEY}" for request in asked)

    partner.ninjs_items.append(ninjs_item(121))
    assert poll(ninjs_source).startswith("1 new")
    assert partner.asked("/api/items")[-1].query["since"] == ["120"]
    assert Item.objects.filter(source=ninjs_source).count() == 121
    source = Source.objects.get(pk=ninjs_source.pk)
    assert source.failures == 0 and source.last_error == "" and source.item_at is not None


def test_the_same_guid_and_version_sent_again_changes_nothing(partner, ninjs_source):
    partner.ninjs_items = [ninjs_item(1)]
    poll(ninjs_source)
    received = Item.objects.get().updated_at
    Source.objects.filter(pk=ninjs_source.pk).update(cursor="")  # the partner sends it all again
    partner.ninjs_items = [ninjs_item(1, body_html="<p>Другой текст, та же версия.</p>")]
    assert "1 unchanged" in poll(ninjs_source)
    item = Item.objects.get()
    assert item.updated_at == received and "Текст сообщения 1" in item.body
    assert not ItemVersion.objects.exists()


def test_a_newer_version_replaces_the_item_and_keeps_the_earlier_one(partner, ninjs_source):
    partner.ninjs_items = [ninjs_item(1)]
    poll(ninjs_source)
    partner.ninjs_items.append(ninjs_item(1, version=2, headline="Сообщение 1 (исправлено)"))
    assert "1 updated" in poll(ninjs_source)
    item = Item.objects.get()
    assert item.version == "2" and item.headline == "Сообщение 1 (исправлено)"
    assert list(item.versions.values_list("version", "headline")) == [("1", "Сообщение 1: «Қазақстан» и Әлем")]
    # An older version arriving late changes nothing.
    partner.ninjs_items.append(ninjs_item(1, version=1, headline="Старое"))
    assert "1 unchanged" in poll(ninjs_source)
    assert Item.objects.get().headline == "Сообщение 1 (исправлено)"


def test_a_canceled_item_is_marked(partner, ninjs_source):
    partner.ninjs_items = [ninjs_item(1), ninjs_item(1, version=2, pubstatus="canceled")]
    poll(ninjs_source)
    assert Item.objects.get().pubstatus == Item.Status.CANCELED


def test_item_html_is_sanitised_before_it_reaches_the_desk(partner, ninjs_source):
    hostile = (
        '<p onclick="alert(1)">Текст<script>alert(2)</script><style>p{}</style> <a href="javascript:x">ссылка</a></p>'
    )
    partner.ninjs_items = [ninjs_item(1, body_html=hostile)]
    poll(ninjs_source)
    body = Item.objects.get().body
    assert "Текст" in body and "ссылка" in body
    for bad in ("<script", "onclick", "<style", "javascript:"):
        assert bad not in body


def test_a_wrong_key_is_a_failed_poll_that_never_shows_the_key(partner, ninjs_source, caplog):
    Source.objects.filter(pk=ninjs_source.pk).update(credentials="wrong-" + KEY)
    with caplog.at_level(logging.DEBUG):
        poll(ninjs_source)
    source = Source.objects.get(pk=ninjs_source.pk)
    assert source.failures == 1 and "401" in source.last_error
    assert KEY not in source.last_error and KEY not in caplog.text


def test_a_source_without_a_key_sends_no_authorization(partner, ninjs_source):
    Source.objects.filter(pk=ninjs_source.pk).update(credentials="")
    poll(ninjs_source)
    assert "Authorization" not in partner.asked("/api/items")[0].headers


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(500, b"Internal Server Error"), "answered 500"),
        (Answer(200, b"{not json", {"Content-Type": "application/json"}), "JSON"),
        (Answer(200, b'{"items": [{"headline": 5}]}', {"Content-Type": "application/json"}), "not ninjs"),
    ],
    ids=["500", "invalid-json", "invalid-ninjs"],
)
def test_a_broken_answer_fails_the_poll_with_its_reason_and_keeps_what_came_before(
    partner, ninjs_source, answer, reason
):
    partner.ninjs_items = [ninjs_item(1)]
    poll(ninjs_source)
    partner.then("/api/items", answer)
    before = timezone.now()
    poll(ninjs_source)
    source = Source.objects.get(pk=ninjs_source.pk)
    assert source.failures == 1 and source.last_error
    assert reason in source.last_error
    assert source.next_poll_at >= before + dt.timedelta(seconds=source.poll_seconds * 2)  # backs off
    assert Item.objects.count() == 1
    poll(ninjs_source)  # the partner is well again
    assert Source.objects.get(pk=ninjs_source.pk).failures == 0


def test_a_429_with_retry_after_is_honoured(partner, ninjs_source):
    partner.then("/api/items", Answer(429, b"", {"Retry-After": "900"}))
    before = timezone.now()
    poll(ninjs_source)
    source = Source.objects.get(pk=ninjs_source.pk)
    assert source.next_poll_at >= before + dt.timedelta(seconds=900)
    assert "429" in source.last_error


def test_a_slow_source_times_out_and_the_others_are_still_polled(partner, ninjs_source, feed_source, settings):
    settings.INCOMING_TIMEOUT_SECONDS = 0.5
    partner.ninjs_items = [ninjs_item(1)]
    partner.then("/api/items", Answer(200, b"{}", {}, delay=3))
    partner.feed = RSS.format(items=rss_item(1)).encode()
    assert tasks.poll_sources() == "2 sources queued"  # the immediate backend runs both tasks now
    slow, fast = Source.objects.get(pk=ninjs_source.pk), Source.objects.get(pk=feed_source.pk)
    assert "no answer within 0.5 s" in slow.last_error and slow.failures == 1
    assert fast.failures == 0 and Item.objects.filter(source=fast).count() == 1
    assert tasks.poll_sources() == "0 sources queued"  # neither is due again yet


# -- RSS and Atom --------------------------------------------------------------------------------


def test_a_feed_is_asked_again_with_its_etag_and_a_304_stores_nothing(partner, feed_source):
    partner.feed = RSS.format(items=rss_item(1) + rss_item(2)).encode()
    assert poll(feed_source).startswith("2 new")
    assert poll(feed_source).startswith("0 new")
    second = partner.asked("/feed.xml")[1]
    assert second.headers.get("If-None-Match")
    assert Item.objects.count() == 2
    item = Item.objects.get(guid="news-1")
    assert item.url == "https://partner.example/news/1" and item.language == "ru"


def test_feed_items_without_guid_or_date_keep_one_identity_across_polls(partner, feed_source):
    partner.feed = RSS.format(items=rss_item(1, guid=False, date=False) + rss_item(2, guid=False)).encode()
    poll(feed_source)
    partner.feed = partner.feed.replace(b"</channel>", b"<!-- changed --></channel>")  # a new ETag, same items
    poll(feed_source)
    poll(feed_source)
    assert Item.objects.count() == 2
    assert all(guid.startswith("derived:") for guid in Item.objects.values_list("guid", flat=True))


def test_a_feed_item_whose_text_changes_without_a_version_is_a_new_version(partner, feed_source):
    partner.feed = RSS.format(items=rss_item(1)).encode()
    poll(feed_source)
    partner.feed = RSS.format(items=rss_item(1, title="Новость 1: уточнено")).encode()
    assert "1 updated" in poll(feed_source)
    assert Item.objects.get().headline == "Новость 1: уточнено"
    assert ItemVersion.objects.count() == 1


def test_a_feed_over_the_size_limit_is_refused(partner, feed_source, monkeypatch):
    monkeypatch.setattr("incoming.kinds.MAX_PAYLOAD_BYTES", 1000)
    partner.feed = RSS.format(items="".join(rss_item(n) for n in range(50))).encode()
    poll(feed_source)
    assert "refused" in Source.objects.get(pk=feed_source.pk).last_error
    assert not Item.objects.exists()


def test_an_inactive_source_is_never_polled(partner, feed_source):
    Source.objects.filter(pk=feed_source.pk).update(active=False)
    assert tasks.poll_sources() == "0 sources queued"
    assert partner.requests == []


# -- NewsML-G2 drop folder -----------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "incoming"
MESSAGE_ITEMS = 4  # the items of newsml_message.xml: its stories and its package (pictures ride with them)


@pytest.fixture
def drop_source(settings, tmp_path, db):
    settings.INCOMING_DROP_ROOT = tmp_path / "drop"
    (tmp_path / "drop" / "kazinform").mkdir(parents=True)
    return Source.objects.create(
        name="Kazinform, файлы", kind=Source.Kind.NEWSML, address="kazinform", agency=AgencyFactory()
    )


def test_a_drop_folder_file_is_read_once_then_moved_to_done(drop_source, settings, django_capture_on_commit_callbacks):
    folder = settings.INCOMING_DROP_ROOT / "kazinform"
    shutil.copy(DATA / "newsml_item.xml", folder / "budget.xml")
    shutil.copy(DATA / "newsml_message.xml", folder / "message.xml")
    with django_capture_on_commit_callbacks(execute=True):  # a file moves once its items are committed
        assert poll(drop_source).startswith(f"{1 + MESSAGE_ITEMS} new")
    assert sorted(path.name for path in (folder / "done").iterdir()) == ["budget.xml", "message.xml"]
    assert not list(folder.glob("*.xml"))
    item = Item.objects.get(guid="urn:newsml:kazinform.example:20260412:senate-budget")
    assert item.version == "4" and item.embargoed is not None and item.language == "ru"
    # A worker killed after storing a file and before moving it reads it again: nothing changes.
    shutil.copy(folder / "done" / "budget.xml", folder / "budget.xml")
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 new, 0 updated, 1 unchanged" in poll(drop_source)
    assert Item.objects.count() == 1 + MESSAGE_ITEMS


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_a_hostile_file_is_refused_moved_to_failed_and_logged(
    drop_source, settings, name, caplog, django_capture_on_commit_callbacks
):
    folder = settings.INCOMING_DROP_ROOT / "kazinform"
    shutil.copy(DATA / name, folder / name)
    shutil.copy(DATA / "newsml_item.xml", folder / "good.xml")
    with caplog.at_level(logging.WARNING, logger="incoming"), django_capture_on_commit_callbacks(execute=True):
        poll(drop_source)
    assert (folder / "failed" / name).exists() and (folder / "done" / "good.xml").exists()
    assert "refused" in (folder / "failed" / f"{name}.reason.txt").read_text()
    source = Source.objects.get(pk=drop_source.pk)
    assert name in source.last_error and "refused" in source.last_error
    assert "refused" in caplog.text
    assert Item.objects.count() == 1  # the good file's item


def test_a_drop_folder_outside_the_drop_root_is_never_read(drop_source):
    Source.objects.filter(pk=drop_source.pk).update(address="../../etc")
    poll(drop_source)
    assert "INCOMING_DROP_ROOT" in Source.objects.get(pk=drop_source.pk).last_error


def test_one_bad_item_is_named_on_the_source_and_the_rest_of_the_stream_still_comes(partner, ninjs_source):
    partner.ninjs_items = [ninjs_item(1), {"headline": "без идентификатора"}, ninjs_item(3, version="²")]
    poll(ninjs_source)
    source = Source.objects.get(pk=ninjs_source.pk)
    assert "item 1" in source.last_error and "uri" in source.last_error
    assert source.cursor == "3"  # past the bad item: the next poll asks for what is new
    assert set(Item.objects.values_list("guid", flat=True)) == {"urn:partner:item:1", "urn:partner:item:3"}
    partner.ninjs_items.append(ninjs_item(4))
    poll(ninjs_source)
    assert Item.objects.count() == 3 and Source.objects.get(pk=ninjs_source.pk).failures == 0


def test_a_retry_after_of_ages_waits_at_most_the_longest_backoff(partner, ninjs_source, settings):
    partner.then("/api/items", Answer(429, b"", {"Retry-After": "1000000000000"}))
    poll(ninjs_source)
    source = Source.objects.get(pk=ninjs_source.pk)
    assert source.next_poll_at <= timezone.now() + dt.timedelta(seconds=settings.INCOMING_MAX_BACKOFF_SECONDS)
    assert source.failures == 1 and "429" in source.last_error


def test_a_partner_dripping_its_answer_is_cut_off_at_the_timeout(partner, ninjs_source, settings):
    settings.INCOMING_TIMEOUT_SECONDS = 1
    partner.drip = 0.4  # each chunk of the answer 0.4 s after the last: no single read times out
    partner.ninjs_items = [ninjs_item(n) for n in range(1, 6)]
    poll(ninjs_source)
    assert "no answer within 1 s" in Source.objects.get(pk=ninjs_source.pk).last_error

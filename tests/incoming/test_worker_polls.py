"""Partners' sources polled by the real ``manage.py worker`` process (the periodic job queues a
poll task per due source) against the local fake partner: a worker killed in the middle of a
poll loses nothing the partner had answered and stores nothing twice."""

import signal

import pytest

from incoming.models import Item, Source
from tests.conftest import wait_for
from tests.incoming.fake_partner import ninjs_item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_worker_killed_mid_poll_loses_no_item_and_stores_none_twice(queue, partner, ninjs_source, workers):
    partner.ninjs_items = [ninjs_item(n) for n in range(1, 151)]  # three pages of 50
    partner.slow_pages["100"] = 60  # the third page does not come while the first worker lives
    env = {"INCOMING_POLL_SECONDS": "1", "WORKER_STALE_SECONDS": "4"}
    first = workers("first", **env)
    wait_for(lambda: len(partner.asked("/api/items")) == 3, what="the third page's request")
    assert Item.objects.count() == 100  # the two pages answered are stored, with their cursor
    first.stop(signal.SIGKILL)

    partner.slow_pages.clear()
    Source.objects.filter(pk=ninjs_source.pk).update(next_poll_at=ninjs_source.created_at)  # due now
    second = workers("second", **env)
    wait_for(lambda: Item.objects.count() == 150, what="the rest of the items")
    assert partner.asked("/api/items")[3].query["since"] == ["100"]  # went on from the committed cursor
    wait_for(lambda: "poll_source" in second.text() and "done in" in second.text(), what="the poll to finish")
    assert Item.objects.count() == 150
    assert sorted(Item.objects.values_list("guid", flat=True)) == sorted(f"urn:partner:item:{n}" for n in range(1, 151))
    assert second.stop() == 0

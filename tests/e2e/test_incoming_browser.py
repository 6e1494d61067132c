"""The incoming desk in Chromium, on production static files (gunicorn, DEBUG=0): a journalist
opens the Incoming list, opens an item and presses Take, and lands on the draft made from it;
the item's page fits a phone's width."""

import pytest

from articles.models import Article
from incoming.models import Item, Source
from incoming.services import source_poll
from tests.e2e.conftest import log_in, open_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SENATE = "Сенат вернул в Мажилис «бюджетные» поправки"


@pytest.fixture
def drop_root(settings, tmp_path):
    settings.INCOMING_DROP_ROOT = tmp_path / "drop"  # where load_demo puts the demo's files


@pytest.fixture
def wire(drop_root, demo_site):
    """The demo's drop folder, read once (what `make run`'s worker does within seconds)."""
    source = Source.objects.get(kind=Source.Kind.NEWSML)
    source_poll(source_id=source.pk)
    return Item.objects.get(headline=SENATE)


def test_a_journalist_takes_a_wire_item_with_one_click(page, site_server, wire):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.goto(f"{site_server.url}/admin/incoming/item/")
    page.click(f"text={SENATE}")
    page.wait_for_selector(".wire-body")
    screenshot(page, "incoming-item-1280")
    page.click(".wire-take input[type=submit]")
    page.wait_for_selector("#id_title")
    article = Article.objects.get(wire_items=wire)
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert page.input_value("#id_title") == SENATE
    assert article.created_by.username == "journalist" and article.status == Article.Status.DRAFT
    screenshot(page, "incoming-draft-1280")


@pytest.fixture
def phone(browser):
    yield from open_page(browser, viewport={"width": 375, "height": 800})


def test_the_item_page_fits_a_phone(phone, site_server, wire):
    page = phone
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.goto(f"{site_server.url}/admin/incoming/item/{wire.pk}/change/")
    page.wait_for_selector(".wire-body")
    screenshot(page, "incoming-item-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.is_visible(".wire-take input[type=submit]")

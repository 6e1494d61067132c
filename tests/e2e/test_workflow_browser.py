"""The editorial path end to end: a journalist submits, an editor schedules, readers see it on time.

No worker, cron job or command runs during this test: the article appears because visibility
is decided when the page is asked for.
"""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import wait_for
from tests.e2e.conftest import log_in, screenshot, watch_csp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_journalist_submits_editor_schedules_reader_sees_it_on_time(browser, site_server, demo_site):
    journalist = browser.new_context(locale="ru-RU")
    page = journalist.new_page()
    violations = watch_csp(page)
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.goto(f"{site_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "Жаңалық: в Туркестане открылся музей каллиграфии")
    page.fill("#id_lead", "Экспозиция собрана из частных коллекций, передает DKNews.kz")
    page.select_option("#id_status", "review")
    assert page.locator("#id_publish_at_0").count() == 0  # journalists get no time fields
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title__startswith="Жаңалық")
    assert (article.status, article.created_by.username) == ("review", "journalist")
    journalist.close()

    editor = browser.new_context(locale="ru-RU")
    page = editor.new_page()
    violations += watch_csp(page)
    log_in(page, site_server, "editor", "editor-demo-pass")
    page.goto(f"{site_server.url}/admin/articles/article/{article.pk}/change/")
    publish_at = timezone.localtime() + dt.timedelta(seconds=6)
    page.select_option("#id_status", "published")
    page.fill("#id_publish_at_0", publish_at.strftime("%d.%m.%Y"))
    page.fill("#id_publish_at_1", publish_at.strftime("%H:%M:%S"))
    screenshot(page, "admin-editor-schedules")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".state-scheduled").first.is_visible()
    screenshot(page, "admin-changelist-badges")
    editor.close()

    reader = browser.new_context(locale="ru-RU")
    page = reader.new_page()
    url = f"{site_server.url}/news/{Article.objects.get(pk=article.pk).slug}/"
    assert page.goto(url).status == 404
    assert "музей каллиграфии" not in page.content()

    # No job: the article appears at its time, not before.
    wait_for(lambda: page.goto(url).status == 200, timeout=60, what="the scheduled article to appear")
    assert timezone.now() >= Article.objects.get(pk=article.pk).publish_at  # as the editor typed it
    assert page.locator("h1").inner_text() == "Жаңалық: в Туркестане открылся музей каллиграфии"
    screenshot(page, "reader-sees-scheduled-article")
    reader.close()
    assert violations == [], violations  # the admin works under the Content-Security-Policy

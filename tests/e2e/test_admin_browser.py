"""A journalist's first steps in the admin, in a real browser."""

import pytest

from articles.models import Article
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_journalist_writes_an_article_with_a_kazakh_headline_and_new_topic(page, site_server, demo_site):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.goto(f"{site_server.url}/admin/articles/article/add/")

    page.fill("#id_title", "Қазақстан мен Әзірбайжан ынтымақтастығы")
    # The slug is filled as one types, with the server's spelling of every Kazakh letter.
    assert page.input_value("#id_slug") == "qazaqstan-men-azirbayzhan-yntymaqtastyghy"
    page.fill("#id_lead", "Екі ел мәдени алмасуды кеңейтеді, хабарлайды DKNews.kz")

    # Topics: an existing one through autocomplete, and a new one typed in place.
    topics = page.locator(".field-tags .select2-search__field")
    topics.click()
    page.keyboard.type("Дипл", delay=30)
    page.locator(".select2-results__option", has_text="Дипломатия").first.click()
    topics.click()
    page.keyboard.type("Мәдени алмасу", delay=30)
    page.locator(".select2-results__option--highlighted", has_text="Мәдени алмасу").wait_for()
    page.keyboard.press("Enter")
    screenshot(page, "admin-article-add")

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "admin-article-changelist")

    article = Article.objects.get(slug="qazaqstan-men-azirbayzhan-yntymaqtastyghy")
    assert sorted(article.tags.names()) == ["Дипломатия", "Мәдени алмасу"]
    assert [author.name for author in article.authors.all()] == ["Дина Ахметова"]
    assert page.locator("#result_list", has_text="Қазақстан мен Әзірбайжан ынтымақтастығы").is_visible()

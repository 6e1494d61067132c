"""The newsletter mails as readers' mail programs get them: the issue's HTML (a 600 px table,
styles inlined and the dark-mode and phone rules kept, the lead picture's size and text), its
plain-text twin, the escaping of odd titles, the RFC 8058 headers, the site's own links (with
UTM only when asked), and the confirmation mail."""

import re

import pytest
from django.utils import translation

from articles.models import Article
from newsletters.mail import confirmation_message, issue_message, reader_links, render_issue
from newsletters.models import Issue, Newsletter, Subscriber, Subscription
from newsletters.services import set_articles
from tests.factories import ArticleFactory, PhotoFactory, PublisherFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(db):
    return PublisherFactory()


@pytest.fixture
def newsletter(db):
    return Newsletter.objects.create(name="Утренний дайджест", slug="morning", language="ru")


def make_issue(newsletter, articles, **fields) -> Issue:
    fields.setdefault("subject", "Главное за день")
    fields.setdefault("preheader", "Нацбанк сохранил ставку")
    issue = Issue.objects.create(newsletter=newsletter, **fields)
    set_articles(issue, articles)
    return issue


def reader(**fields) -> Subscriber:
    fields.setdefault("email", "reader@example.kz")
    return Subscriber.objects.create(**fields)


@pytest.fixture
def issue(publisher, newsletter):
    photo = PhotoFactory(renditions=True, alt_text="Министр «за столом» & посол")
    first = ArticleFactory(title="Нацбанк сохранил ставку", photo=photo, section=SectionFactory(name="Экономика"))
    second = ArticleFactory(title="Вторая новость", lead="Лид второй новости")
    return make_issue(newsletter, [first, second])


def test_the_issue_is_a_600_px_table_with_the_styles_inlined_and_the_media_queries_kept(issue):
    html = render_issue(issue).html
    assert re.search(r'<table[^>]*class="column"[^>]*width="600"', html)
    assert re.search(r'<td class="masthead" style="[^"]*font-size: ?22px', html)  # inlined from <style>
    assert "@media (prefers-color-scheme: dark)" in html and "max-width: 620px" in html  # kept in <style>
    assert '<meta name="color-scheme" content="light dark">' in html
    assert '<meta name="supported-color-schemes" content="light dark">' in html
    assert '<html lang="ru"' in html


def test_the_issue_starts_with_its_hidden_preheader_and_names_the_agency_and_the_articles(issue, publisher):
    html = render_issue(issue).html
    body = html.split("<body", 1)[1]
    assert re.match(r'[^>]*>\s*<div class="preheader" style="[^"]*display: ?none', body)
    assert "Нацбанк сохранил ставку" in body.split("</div>", 1)[0]
    assert "МИА «DKNews»" in html and "Международное информационное агентство «DKNews»" in html
    assert "10484-АА" in html  # the registration line
    assert "Вторая новость" in html and "Лид второй новости" in html and "Экономика" in html


def test_only_the_first_article_has_its_picture_with_width_height_and_alt(issue):
    html = render_issue(issue).html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    assert 'width="560"' in images[0] and 'height="373"' in images[0]
    assert 'alt="Министр «за столом» &amp; посол"' in images[0]


def test_a_reader_copy_has_their_links_in_html_and_text_and_the_one_click_headers(issue):
    subscriber = reader()
    message = issue_message(render_issue(issue), subscriber)
    html = message.alternatives[0].content
    links = reader_links(subscriber, issue.newsletter, "https://dknews.kz")
    assert message.extra_headers["List-Unsubscribe"] == f"<{links['unsubscribe']}>"
    assert links["unsubscribe"].startswith("https://dknews.kz/") and subscriber.token in links["unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for link in links.values():
        assert f'href="{link}"' in html and link in message.body
    assert "%%" not in html and "%%" not in message.body


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://dknews.kz"


def test_the_text_twin_has_the_same_articles_and_links(issue):
    rendered = render_issue(issue)
    article = Article.objects.get(title="Вторая новость")
    assert f"https://dknews.kz{article.get_absolute_url()}" in rendered.text
    assert "Вторая новость" in rendered.text and "Лид второй новости" in rendered.text
    assert "%%UNSUBSCRIBE%%" in rendered.text and "%%PREFERENCES%%" in rendered.text
    assert "<" not in rendered.text


@pytest.mark.parametrize(
    "title",
    ["«Кавычки» & <b>теги</b> и <script>alert(1)</script>", "Қазақстан экспорты өсті 🚀🇰🇿", "Очень длинный " * 21],
)
def test_odd_titles_are_escaped_in_html_and_kept_as_typed_in_text(publisher, newsletter, title):
    issue = make_issue(newsletter, [ArticleFactory(title=title.strip())], subject=title[:200])
    rendered = render_issue(issue)
    assert title.strip() in rendered.text
    assert "<script>" not in rendered.html and "<b>теги" not in rendered.html
    if "<" in title:
        assert "&lt;b&gt;теги&lt;/b&gt;" in rendered.html and "&amp;" in rendered.html
    else:
        assert title.strip() in rendered.html


def test_links_use_the_site_address_not_the_admin_host(issue, settings):
    settings.SITE_URL = "https://news.example.kz"
    rendered = render_issue(issue)
    links = re.findall(r'href="([^"]+)"', rendered.html)
    assert links and all(link.startswith(("https://news.example.kz", "%%")) for link in links)


def test_links_carry_utm_only_when_the_newsletter_has_a_campaign(issue):
    assert "utm_" not in render_issue(issue).html
    issue.newsletter.utm_campaign = "morning-2026"
    issue.newsletter.save()
    html = render_issue(issue).html
    assert "utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=morning-2026" in html


def test_a_withdrawn_article_drops_out_of_the_issue(issue):
    Article.objects.filter(title="Вторая новость").update(status=Article.Status.WITHDRAWN)
    rendered = render_issue(issue)
    assert "Вторая новость" not in rendered.html and "Вторая новость" not in rendered.text
    assert "Нацбанк сохранил ставку" in rendered.text


def test_an_issue_in_kazakh_is_marked_kazakh(publisher):
    newsletter = Newsletter.objects.create(name="Таңғы жаңалықтар", slug="tangy", language="kk")
    issue = make_issue(newsletter, [ArticleFactory(title="Жаңалық", language="kk")])
    assert '<html lang="kk"' in render_issue(issue).html


def test_the_confirmation_mail_names_the_newsletters_the_link_and_its_days(publisher, newsletter, settings):
    subscriber = reader(language="en")
    Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
    message = confirmation_message(subscriber)
    html = message.alternatives[0].content
    with translation.override("en"):
        for body in (message.body, html):
            assert "Утренний дайджест" in body
            assert f"works for {settings.NEWSLETTER_CONFIRM_DAYS} days" in body
            assert "nothing will be sent" in body
    link = re.search(r"https://dknews\.kz/\S*/confirm/\S+", message.body).group(0)
    assert f'href="{link}"' in html
    assert message.subject and "\n" not in message.subject
    assert '<meta name="color-scheme" content="light dark">' in html and 'lang="en"' in html

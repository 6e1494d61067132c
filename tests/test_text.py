"""Text as the site stores it (newsroom/text.py): whatever saves a model, the characters that
HTML and XML cannot carry are gone, and Word's line and page breaks are spaces."""

import pytest

from articles.forms import TagNamesField
from articles.models import Article, Person
from newsroom.text import plain
from tests.factories import ArticleFactory, PhotoFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("Қазақстан «DKNews» — 😀 &amp; <b>", "Қазақстан «DKNews» — 😀 &amp; <b>"),
        ("Первая строка\x0bвторая", "Первая строка вторая"),
        ("Страница\x0cдве", "Страница две"),
        ("a\x01b\x08c\x1fd\x7fe\x85f", "abcdef"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
        ("no\ufffechar\uffff\U0001fffe", "nochar"),
    ],
)
def test_plain_keeps_text_and_drops_what_html_and_xml_cannot_carry(value, expected):
    assert plain(value) == expected


@pytest.mark.django_db
def test_every_text_field_is_saved_plain_whatever_saves_it():
    photo = PhotoFactory(caption="Подпись\x0bиз Word", credit="Фото\x01")
    article = ArticleFactory(title="Заголовок\x0bиз Word", lead="Лид\x08", photo=photo)
    article.people.set([Person.objects.create(name="Айдос\x1f", position="министр\x0c")])
    article.refresh_from_db()
    photo.refresh_from_db()
    assert (article.title, article.lead) == ("Заголовок из Word", "Лид")
    assert (photo.caption, photo.credit) == ("Подпись из Word", "Фото")
    person = article.people.get()
    assert (person.name, person.position) == ("Айдос", "министр ")
    assert Article.objects.filter(title__contains="\x0b").count() == 0


def test_a_topic_typed_with_control_characters_is_the_topic_without_them():
    field = TagNamesField(url="/admin/articles/article/topics/")
    assert field.clean(["Экономика\x0b", "экономика", "Нефть\x00", "\x01"]) == ["Экономика", "Нефть"]


@pytest.mark.django_db
def test_a_one_line_field_keeps_no_line_break_and_a_text_keeps_its_lines():
    article = ArticleFactory(title="Заголовок\rв\r\nтри\nстроки", lead="Первый абзац\nвторой")
    article.refresh_from_db()
    assert article.title == "Заголовок в три строки"  # as the page's <h1> shows it
    assert article.lead == "Первый абзац\nвторой"

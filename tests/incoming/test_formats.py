"""The partners' wire formats as the desk will see them: ninjs 1.x/2.x/3.x (this project's own
API included), NewsML-G2 and RSS/Atom read from the payloads in tests/data/incoming/ into
headlines, bodies, urgency, embargo times, status and pictures' credits; and what is refused
(hostile XML, oversize, undecodable or unreadable payloads) with the reason an editor reads.

No database and no clock: every time asserted is the payload's own, converted to UTC."""

import datetime as dt
import json
import logging
from pathlib import Path

import defusedxml.ElementTree
import pytest
from hypothesis import given
from hypothesis import strategies as st

from incoming.formats import MAX_PAYLOAD_BYTES, FormatError, feeds, newsml, ninjs, plain_text

DATA = Path(__file__).resolve().parents[1] / "data" / "incoming"
KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІ"


def payload(name: str) -> bytes:
    return (DATA / name).read_bytes()


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def one_ninjs(name: str):
    items, _, _ = ninjs.parse_page(payload(name))
    assert len(items) == 1
    return items[0]


# -- ninjs 1.x ----------------------------------------------------------------------------------


def test_ninjs_1_item_shows_its_headline_summary_byline_and_dateline():
    item = one_ninjs("ninjs1_item.json")

    assert item.guid == "urn:newsml:kaznews.example:2026:ru:budget-0412"
    assert item.version == "2"
    assert item.headline == "Мажилис одобрил «антикризисные» поправки в бюджет"
    assert item.summary == "Депутаты поддержали поправки в первом чтении."
    assert item.byline == "Айгерим Сейткали"
    assert item.dateline == "Астана"
    assert item.language == "ru"
    assert item.subjects == ["Экономика", "Политика"]


def test_ninjs_1_plain_text_body_becomes_escaped_paragraphs():
    item = one_ninjs("ninjs1_item.json")

    assert item.body_html == (
        "<p>Мажилис одобрил поправки в республиканский бюджет на текущий год.</p>"
        "<p>Министр финансов назвал их «вынужденными» &amp; временными.</p>"
        "<p>Расходы на &lt;социальные&gt; программы сохранены.</p>"
    )


def test_ninjs_1_urgency_status_and_times_with_an_offset_are_read_in_utc():
    item = one_ninjs("ninjs1_item.json")

    assert item.urgency == 2
    assert item.pubstatus == "usable"
    assert item.embargoed == utc("2026-04-12T12:00:00+06:00")
    assert item.embargoed.tzinfo == dt.UTC
    assert item.firstcreated == utc("2026-04-12T08:55:00+06:00")
    assert item.versioncreated == utc("2026-04-12T09:30:00+06:00")


def test_ninjs_1_picture_is_its_widest_rendition_credited_to_its_photographer():
    (picture,) = one_ninjs("ninjs1_item.json").pictures

    assert picture.url == "https://photo.kaznews.example/88121/1400.jpg"
    assert picture.credit == "Ерлан Омаров"
    assert picture.description == "Депутаты во время пленарного заседания 12 апреля"
    assert picture.guid == "urn:newsml:kaznews.example:2026:photo:88121"


# -- ninjs 2.x ----------------------------------------------------------------------------------


def test_ninjs_2_item_shows_its_main_headline_and_html_body_in_kazakh():
    item = one_ninjs("ninjs2_item.json")

    assert item.headline == "Ұлттық қордан «кепілдендірілген» трансферт азаяды"
    assert item.body_html.startswith("<p>Қаржы министрлігі Ұлттық қордан берілетін <b>кепілдендірілген</b>")
    assert KAZAKH_LETTERS in item.body_html
    assert item.summary == "Үкімет келесі жылға арналған жоспарды Мәжіліске ұсынды."
    assert item.language == "kk"
    assert item.byline == "Мөлдір Әбенова"


def test_ninjs_2_withheld_item_says_withheld_with_its_urgency():
    item = one_ninjs("ninjs2_item.json")

    assert item.pubstatus == "withheld"
    assert item.urgency == 4
    assert item.embargoed is None


def test_ninjs_2_only_associations_of_type_picture_are_pictures():
    (picture,) = one_ninjs("ninjs2_item.json").pictures

    assert picture.url == "https://kaztag.example/photo/5501.jpg"
    assert picture.credit == "Нұрлан Қасымов"
    assert picture.description == "Ұлттық банк ғимараты"


# -- ninjs 3.x ----------------------------------------------------------------------------------


def test_ninjs_3_item_reads_its_camel_case_fields():
    item = one_ninjs("ninjs3_item.json")

    assert item.headline == "Нацбанк повысил базовую ставку до 16,75%"
    assert item.version == "5"
    assert item.urgency == 1
    assert item.pubstatus == "usable"
    assert item.embargoed == utc("2026-04-12T13:00:00+05:00")
    assert item.versioncreated == utc("2026-04-12T10:45:30.250+05:00")
    assert item.firstcreated == utc("2026-04-12T04:00:00+00:00")
    assert item.language == "ru-KZ"
    assert item.url == "https://agency.example/ru/news/natsbank-stavka"


def test_ninjs_3_subjects_fall_back_on_their_code_and_keywords_are_kept():
    item = one_ninjs("ninjs3_item.json")

    assert item.subjects == ["Финансы", "monetary-policy"]
    assert item.keywords == ["ставка", "Нацбанк", "инфляция"]


def test_ninjs_3_plain_text_body_is_escaped_not_taken_for_markup():
    item = one_ninjs("ninjs3_item.json")

    assert item.body_html == (
        "<p>Национальный банк Казахстана повысил базовую ставку.</p>"
        "<p>Председатель назвал решение «необходимым»: инфляция &lt; 10% &amp; ожидания растут.</p>"
    )


def test_ninjs_3_picture_has_its_caption_credit_and_largest_rendition():
    (picture,) = one_ninjs("ninjs3_item.json").pictures

    assert picture.url == "https://agency.example/media/77/hires.jpg"
    assert picture.credit == "Данияр Ахметов"
    assert picture.description == "Здание Национального банка в Алматы"


# -- This project's own API, and the shapes of a page --------------------------------------------


def test_our_api_sample_page_holds_valid_ninjs_3_1_items(ninjs_validator):
    for item in json.loads(payload("ninjs_envelope.json"))["items"]:
        ninjs_validator.validate(item)


def test_our_api_page_gives_its_items_cursor_and_more_flag():
    items, cursor, more = ninjs.parse_page(payload("ninjs_envelope.json"))

    assert [item.guid for item in items] == [
        "https://partner-news.example/api/v1/items/4521",
        "https://partner-news.example/api/v1/items/4377",
    ]
    assert cursor == "MTc3NTk3OTY2NTAwMDAwMC40Mzc3OjFzVGhQaw"
    assert more is True


def test_our_api_item_shows_headline_body_and_address_on_the_site():
    story = ninjs.parse_page(payload("ninjs_envelope.json"))[0][0]

    assert story.headline == "Астанада «Жаңа Қазақстан» форумы өтті"
    assert KAZAKH_LETTERS in story.body_html
    assert story.url == "https://partner-news.example/kk/news/2026/04/12/forum/"
    assert story.subjects == ["Саясат", "Форум"]
    assert story.dateline == ""  # its places are countries it mentions, not where it was written


def test_our_api_photo_is_captioned_by_its_headline_not_its_alt_text():
    (picture,) = ninjs.parse_page(payload("ninjs_envelope.json"))[0][0].pictures

    assert picture.description == "Форумға қатысушылар"
    assert picture.credit == "Серік Жұмабаев"
    assert picture.url == "https://partner-news.example/media/photos/2026/04/forum.jpg"


def test_our_api_withdrawn_item_comes_as_canceled_with_no_text():
    withdrawn = ninjs.parse_page(payload("ninjs_envelope.json"))[0][1]

    assert withdrawn.pubstatus == "canceled"
    assert withdrawn.version == "7"
    assert withdrawn.headline == ""
    assert withdrawn.body_html == ""


def test_a_bare_list_of_items_has_no_cursor_and_nothing_more():
    page = json.dumps([json.loads(payload("ninjs1_item.json")), json.loads(payload("ninjs3_item.json"))])

    items, cursor, more = ninjs.parse_page(page.encode())

    assert [item.version for item in items] == ["2", "5"]
    assert (cursor, more) == (None, False)


def test_an_item_raw_is_its_json_text_with_cyrillic_unescaped():
    item = one_ninjs("ninjs2_item.json")

    assert json.loads(item.raw) == json.loads(payload("ninjs2_item.json"))
    assert "Ұлттық қор" in item.raw


def test_a_time_without_an_offset_is_read_as_utc():
    item = ninjs.parse_item({"uri": "urn:x:1", "versionCreated": "2026-04-12T08:00:00"})

    assert item.versioncreated == utc("2026-04-12T08:00:00+00:00")


def test_a_superdesk_item_is_identified_by_its_guid():
    item = ninjs.parse_item({"guid": "urn:superdesk:1", "headline": "Жаңалық", "body_html": "<p>Мәтін</p>"})

    assert (item.guid, item.headline, item.body_html) == ("urn:superdesk:1", "Жаңалық", "<p>Мәтін</p>")


@given(st.text())
def test_any_plain_text_body_reads_back_as_the_same_words(text):
    item = ninjs.parse_item({"uri": "urn:x:1", "body_text": text})

    assert plain_text(item.body_html) == " ".join(text.split())


# -- ninjs refused ------------------------------------------------------------------------------


def test_invalid_json_is_refused_saying_where():
    with pytest.raises(FormatError, match=r"^not JSON: Unterminated string starting at: line 1"):
        ninjs.parse_page(payload("ninjs_invalid.json"))


def test_json_that_is_not_ninjs_is_refused():
    with pytest.raises(FormatError, match=r"^not ninjs: the item has no «uri» \(nor «guid»\)$"):
        ninjs.parse_page(payload("ninjs_not_ninjs.json"))


def test_a_page_with_one_unreadable_item_is_refused_naming_the_item():
    with pytest.raises(
        FormatError,
        match=r"^item 1: https://agency.example/items/102: unreadable «versioncreated» time: '12.04.2026 08:05'$",
    ):
        ninjs.parse_page(payload("ninjs_bad_item.json"))


def test_a_field_of_the_wrong_type_is_refused_naming_it():
    with pytest.raises(FormatError, match="«headline» is not text"):
        ninjs.parse_item({"uri": "urn:x:1", "headline": 42})


def test_an_urgency_outside_one_to_nine_is_refused():
    with pytest.raises(FormatError, match="«urgency» is not a number from 1 to 9: 12"):
        ninjs.parse_item({"uri": "urn:x:1", "urgency": 12})


def test_a_json_scalar_is_refused():
    with pytest.raises(FormatError, match="^not ninjs: the JSON is a str"):
        ninjs.parse_page(b'"items"')


def test_json_that_is_not_utf8_is_refused():
    with pytest.raises(FormatError, match="^not JSON: the bytes are not UTF-8 text$"):
        ninjs.parse_page('{"uri": "urn:x:1", "headline": "Новость"}'.encode("cp1251"))


def test_an_oversize_ninjs_answer_is_refused_unread_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="incoming"):
        with pytest.raises(FormatError, match=r"^refused: 20,971,521 bytes, over the limit of 20,971,520$"):
            ninjs.parse_page(b"[" + b" " * (MAX_PAYLOAD_BYTES - 1) + b"]")

    assert [(record.name, record.levelname) for record in caplog.records] == [("incoming", "WARNING")]


# -- NewsML-G2: a newsItem ----------------------------------------------------------------------


def test_newsml_item_shows_headline_summary_byline_and_dateline():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    assert item.guid == "urn:newsml:kazinform.example:20260412:senate-budget"
    assert item.version == "4"
    assert item.headline == "Сенат вернул в Мажилис «бюджетные» поправки"
    assert item.summary == "Сенаторы не согласились с уменьшением трансфертов регионам."
    assert item.byline == "Данияр Сапаров"
    assert item.dateline == "Астана"
    assert item.language == "ru"


def test_newsml_item_urgency_status_and_embargo_are_read_in_utc():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    assert item.urgency == 3
    assert item.pubstatus == "usable"
    assert item.embargoed == utc("2026-04-12T14:00:00+06:00")
    assert item.versioncreated == utc("2026-04-12T10:20:00+06:00")
    assert item.firstcreated == utc("2026-04-12T09:05:00+06:00")


def test_newsml_xhtml_body_is_html_without_namespace_prefixes():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    assert item.body_html.startswith("<p>Сенат вернул в Мажилис <strong>«бюджетные»</strong> поправки.</p>")
    assert f'<p lang="kk">Сенаторлар түзетулерді қайтарды: {KAZAKH_LETTERS}.</p>' in item.body_html
    assert '<a href="https://kazinform.example/ru/budget">таблица</a><br>обновлена.</p>' in item.body_html
    assert "&amp; расходы" in item.body_html
    assert "xmlns" not in item.body_html and "html:" not in item.body_html and "<title>" not in item.body_html


def test_newsml_subjects_are_named_in_the_items_language_or_by_code():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    assert item.subjects == ["политика", "medtop:20000344"]
    assert item.keywords == ["Сенат", "бюджет"]


def test_newsml_linked_picture_is_taken_from_its_href_with_its_title():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    (picture,) = item.pictures  # the other link is a page, not a picture
    assert picture.url == "https://photo.kazinform.example/20260412/senate-1600.jpg"
    assert picture.description == "Сенаторы голосуют за поправки"
    assert picture.guid == "urn:newsml:kazinform.example:20260412:senate-photo"


def test_newsml_lone_item_raw_is_the_file_as_sent():
    (item,) = newsml.parse_file(payload("newsml_item.xml"))

    assert item.raw == payload("newsml_item.xml").decode()


# -- NewsML-G2: a packageItem and a newsMessage ---------------------------------------------------


def test_newsml_package_lists_its_stories_by_title_and_takes_its_captioned_picture():
    (package,) = newsml.parse_file(payload("newsml_package.xml"))

    assert package.headline == "Главное за 12 апреля: бюджет, ставка, погода"
    assert package.version == "12"
    assert package.body_html == (
        '<ul><li><a href="https://kazinform.example/ru/news/senate-budget">'
        "Сенат вернул в Мажилис «бюджетные» поправки</a></li>"
        "<li>Нацбанк повысил базовую ставку</li></ul>"
    )
    (picture,) = package.pictures
    assert picture.url == "https://photo.kazinform.example/20260412/astana-snow.jpg"
    assert picture.description == "Снегопад на проспекте Мангилик Ел"


def test_newsml_message_gives_the_package_its_stories_and_only_the_picture_nobody_uses():
    items = newsml.parse_file(payload("newsml_message.xml"))

    assert [item.guid for item in items] == [
        "tag:kaztag.example,2026:pkg:ekonomika-0412",
        "tag:kaztag.example,2026:text:tenge-0412",
        "tag:kaztag.example,2026:text:oil-0412",
        "tag:kaztag.example,2026:photo:astana-skyline",
    ]


def test_newsml_message_story_takes_its_picture_newsitem_with_its_creditline():
    story = newsml.parse_file(payload("newsml_message.xml"))[1]

    (picture,) = story.pictures
    assert picture.url == "https://photo.kaztag.example/exchange.jpg"
    assert picture.credit == "Асхат Бейсенов / ҚазТАГ"
    assert picture.description == "Алматыдағы валюта айырбастау пункті"
    assert picture.guid == "tag:kaztag.example,2026:photo:exchange"


def test_newsml_message_package_picture_credited_to_its_copyright_holder_and_titled_by_the_package():
    package = newsml.parse_file(payload("newsml_message.xml"))[0]

    assert package.headline == "Экономика: главное"  # its title: it has no headline
    (picture,) = package.pictures
    assert (picture.credit, picture.description) == ("ҚазТАГ", "Теңізде мұнай өндіру")


def test_newsml_inline_text_becomes_escaped_paragraphs():
    story = newsml.parse_file(payload("newsml_message.xml"))[1]

    assert story.headline == "Теңге нығайды"
    assert story.urgency == 5
    assert story.byline == "Ғалым Ұлықбек"
    assert story.body_html == (
        "<p>Теңге бағамы доллар алдында 1,2 пайызға нығайды.</p>"
        "<p>Сарапшылар мұны мұнай бағасымен байланыстырады &lt;алдын ала&gt;.</p>"
    )


def test_newsml_canceled_item_says_canceled_and_keeps_its_nitf_body():
    canceled = newsml.parse_file(payload("newsml_message.xml"))[2]

    assert canceled.pubstatus == "canceled"
    assert canceled.body_html == "<p>Brent маркалы мұнай бағасы баррель үшін 84 долларға жетті.</p>"


def test_newsml_lone_picture_is_an_item_with_itself_as_its_picture():
    lone = newsml.parse_file(payload("newsml_message.xml"))[3]

    assert lone.headline == "Астана таңертең"
    (picture,) = lone.pictures
    assert (picture.url, picture.credit) == ("https://photo.kaztag.example/astana-skyline.jpg", "Дина Серікқызы")


def test_newsml_message_item_raw_is_that_items_xml():
    story = newsml.parse_file(payload("newsml_message.xml"))[1]

    root = defusedxml.ElementTree.fromstring(story.raw)
    assert root.tag == "{http://iptc.org/std/nar/2006-10-01/}newsItem"
    assert root.get("guid") == "tag:kaztag.example,2026:text:tenge-0412"
    assert story.raw.startswith("<newsItem ")


# -- NewsML-G2 refused, and read in spite of its encoding ----------------------------------------


def test_billion_laughs_is_refused_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="incoming"):
        with pytest.raises(FormatError, match="^refused: the file declares entities$"):
            newsml.parse_file(payload("billion_laughs.xml"))

    assert [(record.name, record.levelname) for record in caplog.records] == [("incoming", "WARNING")]
    assert "declares entities" in caplog.records[0].getMessage()


def test_an_external_entity_is_refused_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="incoming"):
        with pytest.raises(FormatError, match="^refused: the file declares entities$"):
            newsml.parse_file(payload("xxe.xml"))

    assert [(record.name, record.levelname) for record in caplog.records] == [("incoming", "WARNING")]


def test_windows_1251_declared_as_utf8_is_read_as_windows_1251():
    (item,) = newsml.parse_file(payload("newsml_cp1251_declared_utf8.xml"))

    assert item.headline == "Паводок в Актюбинской области: «режим ЧС» продлён"
    assert item.body_html == "<p>Спасатели эвакуировали жителей трёх сёл.</p><p>Уровень воды в реке Илек снижается.</p>"


def test_windows_1251_declared_as_such_is_read():
    (item,) = newsml.parse_file(payload("newsml_cp1251.xml"))

    assert item.headline == "Паводок в Актюбинской области: «режим ЧС» продлён"
    assert item.raw.startswith('<?xml version="1.0" encoding="windows-1251"?>')


def test_utf8_declared_as_windows_1251_is_read_as_utf8():
    (item,) = newsml.parse_file(payload("newsml_utf8_declared_cp1251.xml"))

    assert item.headline == "Паводок в Актюбинской области: «режим ЧС» продлён"


def test_bytes_no_encoding_tried_can_decode_are_refused():
    data = payload("newsml_cp1251_declared_utf8.xml").replace("Паводок".encode("cp1251"), b"\x98")

    with pytest.raises(FormatError, match=r"^cannot decode the file \(tried utf-8, cp1251\)$"):
        newsml.parse_file(data)


def test_malformed_xml_is_refused_with_the_parsers_reason():
    cut_short = payload("newsml_item.xml").partition(b"<contentSet>")[0]

    with pytest.raises(FormatError, match=r"^not well-formed XML: no element found: line \d+, column \d+$"):
        newsml.parse_file(cut_short)


def test_xml_that_is_not_newsml_g2_is_refused_naming_its_root():
    newsml_1 = b'<?xml version="1.0"?><NewsML Version="1.2"><NewsItem><Identification/></NewsItem></NewsML>'

    with pytest.raises(FormatError, match="^not NewsML-G2: the file is a <NewsML>"):
        newsml.parse_file(newsml_1)


def test_a_newsitem_without_guid_is_refused():
    data = payload("newsml_item.xml").replace(b'guid="urn:newsml:kazinform.example:20260412:senate-budget"', b"")

    with pytest.raises(FormatError, match="^not NewsML-G2: a <newsItem> has no guid$"):
        newsml.parse_file(data)


def test_an_unreadable_time_is_refused_naming_the_item():
    data = payload("newsml_item.xml").replace(b"2026-04-12T14:00:00+06:00", b"12/04/2026 14:00")

    with pytest.raises(
        FormatError,
        match=r"^urn:newsml:kazinform.example:20260412:senate-budget: unreadable «embargoed» time: '12/04/2026 14:00'$",
    ):
        newsml.parse_file(data)


def test_a_body_nested_too_deep_is_refused():
    data = payload("newsml_item.xml").replace(b"<body>", b"<body>" + b"<div>" * 100_000)
    data = data.replace(b"</body>", b"</div>" * 100_000 + b"</body>")

    with pytest.raises(FormatError, match="^not readable: elements nested too deep$"):
        newsml.parse_file(data)


def test_an_oversize_newsml_file_is_refused_unread():
    with pytest.raises(FormatError, match="^refused: .* over the limit"):
        newsml.parse_file(payload("newsml_item.xml") + b" " * MAX_PAYLOAD_BYTES)


# -- RSS and Atom ---------------------------------------------------------------------------------


def test_rss_entry_shows_headline_body_summary_and_date():
    entry = feeds.parse_feed(payload("rss_with_guids.xml"))[0]

    assert entry.guid == "region-inform-5521"
    assert entry.version == ""
    assert entry.headline == "В Шымкенте открыли «умную» остановку"
    assert entry.body_html == (
        "<p>В Шымкенте открыли первую «умную» остановку.</p>"
        "<p>Она оборудована обогревом &amp; зарядкой для телефонов.</p>"
    )
    assert entry.summary == "Остановка с обогревом и зарядкой для телефонов."
    assert entry.firstcreated == entry.versioncreated == utc("2026-04-12T09:15:00+05:00")
    assert entry.pubstatus == "usable"


def test_rss_entry_takes_its_channels_language_categories_author_and_link():
    entry = feeds.parse_feed(payload("rss_with_guids.xml"))[0]

    assert entry.language == "ru"
    assert entry.subjects == ["Общество", "Шымкент"]
    assert entry.byline == "Жанна Ермекова"
    assert entry.url == "https://region-inform.example/ru/news/shymkent-stop-5521/"


def test_rss_pictures_are_image_enclosures_and_media_content_with_the_media_credit():
    first, second = feeds.parse_feed(payload("rss_with_guids.xml"))

    assert [(picture.url, picture.credit) for picture in first.pictures] == [
        ("https://region-inform.example/media/5521/stop.jpg", "Фото: Асель Нурланова"),
        ("https://region-inform.example/media/5521/stop-wide.jpg", "Фото: Асель Нурланова"),
    ]
    assert second.pictures == []  # its enclosure is a sound


def test_rss_entry_with_only_a_description_has_it_as_body():
    second = feeds.parse_feed(payload("rss_with_guids.xml"))[1]

    assert second.body_html == "Доллар подешевел на 2 тенге."
    assert second.summary == ""


def test_rss_entry_without_guid_or_date_has_an_empty_guid_and_no_times():
    entries = feeds.parse_feed(payload("rss_without_guids.xml"))

    assert [entry.guid for entry in entries] == ["", ""]
    assert [entry.url for entry in entries] == ["https://audan.example/news/mektep", "https://audan.example/news/egis"]
    assert entries[0].headline == "Ауылда жаңа мектеп ашылды"
    assert entries[0].body_html == f"<p>Мектеп 300 оқушыға арналған: {KAZAKH_LETTERS}.</p>"
    assert (entries[0].firstcreated, entries[0].versioncreated) == (None, None)


def test_atom_entry_reads_its_id_dates_language_and_html_title_as_text():
    (entry,) = feeds.parse_feed(payload("atom_with_ids.xml"))

    assert entry.guid == "tag:akparat.example,2026:entry-901"
    assert entry.headline == "Астанада көктем мерекесі"
    assert entry.firstcreated == utc("2026-04-12T08:30:00+05:00")
    assert entry.versioncreated == utc("2026-04-12T09:10:00+05:00")
    assert entry.language == "kk"
    assert entry.body_html == "<p>Мерекеге мыңдаған адам жиналды &amp; концерт өтті.</p>"
    assert entry.summary == "Мерекеге мыңдаған адам жиналды."
    assert [picture.url for picture in entry.pictures] == ["https://akparat.example/media/901.jpg"]


def test_atom_entry_without_id_or_dates_keeps_its_text_content_as_paragraphs():
    (entry,) = feeds.parse_feed(payload("atom_without_ids.xml"))

    assert entry.guid == ""
    assert (entry.firstcreated, entry.versioncreated) == (None, None)
    assert entry.body_html == "<p>Акимат построит 12 км велодорожек.</p><p>Работы начнутся в мае.</p>"


def test_a_feed_with_a_stray_ampersand_is_still_read():
    (entry,) = feeds.parse_feed(payload("rss_malformed.xml"))

    assert entry.guid == "events-5"
    assert entry.headline == "Концерт в филармонии"
    assert entry.url == "https://events.example/koncert?id=5&lang=ru"


def test_a_feed_in_windows_1251_declared_as_utf8_is_read():
    data = payload("rss_with_guids.xml").decode().encode("cp1251")

    entry = feeds.parse_feed(data)[0]

    assert entry.headline == "В Шымкенте открыли «умную» остановку"


def test_an_entry_raw_is_json_of_its_main_fields():
    entry = feeds.parse_feed(payload("rss_with_guids.xml"))[0]

    raw = json.loads(entry.raw)
    assert raw["id"] == "region-inform-5521"
    assert raw["title"] == "В Шымкенте открыли «умную» остановку"
    assert "«умную»" in entry.raw


def test_a_page_that_is_not_a_feed_is_refused():
    with pytest.raises(FormatError, match="^not an RSS or Atom feed"):
        feeds.parse_feed(payload("not_a_feed.html"))


def test_a_newsml_file_is_not_a_feed():
    with pytest.raises(FormatError, match="^not an RSS or Atom feed"):
        feeds.parse_feed(payload("newsml_item.xml"))


def test_a_path_given_as_the_payload_is_never_opened():
    # feedparser opens a file whose name it is given as bytes: the payload goes in a stream.
    with pytest.raises(FormatError, match="^not an RSS or Atom feed"):
        feeds.parse_feed(str(DATA / "rss_with_guids.xml").encode())


def test_a_feed_declaring_entities_is_refused_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="incoming"):
        with pytest.raises(FormatError, match="^refused: the file declares entities$"):
            feeds.parse_feed(payload("rss_entities.xml"))

    assert [(record.name, record.levelname) for record in caplog.records] == [("incoming", "WARNING")]


def test_entities_behind_a_malformation_are_never_expanded():
    # expat stops at the malformed comment before the DTD; feedparser's lenient reader reads on.
    (entry,) = feeds.parse_feed(payload("rss_malformed_with_entities.xml"))

    assert entry.headline == "[&secret;] [&lol1;]"


def test_billion_laughs_is_refused_as_a_feed_too():
    with pytest.raises(FormatError, match="^refused: the file declares entities$"):
        feeds.parse_feed(payload("billion_laughs.xml"))


def test_an_oversize_feed_is_refused_unread():
    with pytest.raises(FormatError, match="^refused: .* over the limit"):
        feeds.parse_feed(payload("rss_with_guids.xml") + b" " * MAX_PAYLOAD_BYTES)

"""The journalist's desk in Chromium, on production static files (gunicorn, DEBUG=0): the
rich-text editor, the photo library, paste from Office and the web, no lost text.

Every page fails its test on a Content-Security-Policy violation in the console (conftest).
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.sessions.models import Session

from articles.models import Article
from photos.models import Photo
from tests.e2e.conftest import log_in, open_page, screenshot
from tests.test_html_validity import JAVA, VNU, vnu_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = ".field-body [contenteditable=true]"
CLIPBOARD = Path(__file__).parent / "clipboard"
AXE = Axe()


def serious_axe_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def toolbar(page, title: str):
    return page.locator(f".field-body .prose-menubar__button[title^='{title}']")


def body_html(page) -> str:
    return page.input_value("#id_body")


def paste(page, html: str, text: str = "") -> None:
    """What the browser does when one presses Ctrl+V with this on the clipboard."""
    page.locator(EDITOR).focus()
    page.evaluate(
        """([html, text]) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", text)
            const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
            document.querySelector(".field-body [contenteditable=true]").dispatchEvent(event)
        }""",
        [html, text],
    )


def new_article(page, server, title="Министр культуры встретился с послом Азербайджана"):
    page.goto(f"{server.url}/admin/articles/article/add/")
    page.locator(EDITOR).wait_for()
    page.fill("#id_title", title)
    page.fill("#id_lead", "Стороны обсудили Дни культуры, передает DKNews.kz")


def test_journalist_writes_with_the_editor_and_readers_get_every_part(browser, page, site_server, demo_site, tmp_path):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server)
    editor, keys = page.locator(EDITOR), page.keyboard
    editor.click()
    keys.type("Встреча прошла в министерстве. ")
    keys.press("Control+b")
    keys.type("Главное")
    keys.press("Control+b")
    keys.type(": дни культуры пройдут в октябре.")
    keys.press("Enter")
    page.locator(".field-body .prose-menubar__selected").click()
    page.locator(".field-body .prose-menubar__option", has_text="Заголовок 2").click()
    keys.type("Что сказал министр")
    keys.press("Enter")
    toolbar(page, "Цитата").click()
    keys.type("«Культура сближает народы»")
    keys.press("Enter")
    toolbar(page, "Автор цитаты").click()
    keys.type("— Айдос Сарсенбаев, министр культуры и спорта")
    keys.press("Enter")
    keys.press("Enter")
    toolbar(page, "Маркированный список").click()
    keys.type("выставка ковроткачества")
    keys.press("Enter")
    keys.type("вечер мугама")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("Программа на сайте министерства")
    keys.press("Shift+Home")
    toolbar(page, "Ссылка").click()
    dialog = page.locator(".prose-editor-dialog")
    dialog.locator("input[name=href]").fill("javascript:alert(document.cookie)")
    dialog.locator("button[type=submit]").click()
    assert "Ссылкой может быть только веб-адрес" in page.locator(".prose-editor-dialog").inner_text()
    page.locator(".prose-editor-dialog input[name=href]").fill("https://www.gov.kz/memleket/entities/mam")
    page.locator(".prose-editor-dialog input[name=openInNewWindow]").check()
    page.locator(".prose-editor-dialog button[type=submit]").click()
    page.locator(f"{EDITOR} a[href='https://www.gov.kz/memleket/entities/mam']").wait_for()
    keys.press("End")
    keys.press("Enter")
    keys.type("https://t.me/dknews_kz/1234")
    keys.press("Enter")
    assert page.locator(".field-body p.embed-hint").count() == 1  # the journalist sees it will be an embed
    toolbar(page, "Фото из библиотеки").click()
    picker = page.locator("dialog.photo-picker")
    picker.locator("#photo-picker-search").fill("Встреча")
    picker.locator(".photo-picker__choice", has_text="Встреча в министерстве").click()
    assert page.locator(".field-body figure[data-photo-id] img").count() == 1
    counters = page.locator(".desk-counter").all_inner_texts()
    assert counters[0].endswith("знаков") and "слов" in counters[2] and "чтения" in counters[2]
    screenshot(page, "desk-article-form")
    assert serious_axe_violations(page) == []
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(title="Министр культуры встретился с послом Азербайджана")
    photo = Photo.objects.get(caption="Встреча в министерстве культуры и спорта")
    assert article.status == "review"
    assert "<p>Встреча прошла в министерстве. <strong>Главное</strong>: дни культуры" in article.body
    assert "<h2>Что сказал министр</h2>" in article.body
    assert "<blockquote><p>«Культура сближает народы»</p><p><cite>— Айдос Сарсенбаев" in article.body
    assert "<ul><li><p>выставка ковроткачества</p></li><li><p>вечер мугама</p></li></ul>" in article.body
    assert 'href="https://www.gov.kz/memleket/entities/mam"' in article.body, article.body
    assert "javascript" not in article.body
    assert f'<figure data-photo-id="{photo.pk}">' in article.body

    editor_page = open_page(browser, viewport={"width": 1280, "height": 900})
    desk = next(editor_page)
    log_in(desk, site_server, "editor", "editor-demo-pass")
    desk.goto(f"{site_server.url}/admin/articles/article/{article.pk}/change/")
    desk.select_option("#id_status", "published")
    desk.click("input[name=_save]")
    desk.wait_for_selector(".messagelist .success")
    next(editor_page, None)

    reader = open_page(browser, viewport={"width": 375, "height": 800})
    phone = next(reader)
    response = phone.goto(f"{site_server.url}{Article.objects.get(pk=article.pk).get_absolute_url()}")
    assert response.status == 200
    body = phone.locator(".article .body")
    assert body.locator("h2", has_text="Что сказал министр").count() == 1
    assert body.locator("strong", has_text="Главное").count() == 1
    assert body.locator("blockquote cite", has_text="Айдос Сарсенбаев").count() == 1
    assert body.locator("ul li").count() == 2
    link = body.locator("a", has_text="Программа на сайте министерства")
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener")
    figure = body.locator("figure.body-photo")
    assert figure.locator("figcaption").inner_text().startswith("Встреча в министерстве культуры и спорта")
    figure.locator("img").scroll_into_view_if_needed()
    phone.wait_for_function("document.querySelector('figure.body-photo img').complete")
    assert figure.locator("img").evaluate("img => img.naturalWidth") > 0
    card = body.locator("figure.embed-telegram")
    assert card.locator(".embed-card").get_attribute("href") == "https://t.me/dknews_kz/1234"
    assert card.locator("iframe").count() == 0 and card.locator("button.embed-load").is_visible()
    assert "frame-src https://t.me" in response.headers["content-security-policy"]
    assert serious_axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "desk-article-public-phone")
    if JAVA and VNU.exists():
        served = tmp_path / "article.html"
        served.write_text(phone.request.get(phone.url).text())
        assert vnu_errors([served]) == []
    next(reader, None)


def test_the_article_form_on_a_phone(browser, site_server, demo_site):
    pages = open_page(browser, viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page = next(pages)
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server)
    page.locator(EDITOR).click()
    page.keyboard.type("Текст с телефона.")
    assert toolbar(page, "Жирный").is_visible()
    screenshot(page, "desk-article-form-phone")
    assert serious_axe_violations(page) == []
    next(pages, None)


EXPECTED_PASTES = {
    "word-windows.html": [
        "<h2>Итоги переговоров</h2>",
        "<strong>Айдос Сарсенбаев</strong>",
        "<em>послом Азербайджана</em>",
        "<ul><li><p>дни культуры пройдут в октябре;</p></li><li><p>выставка ковроткачества;</p></li>"
        "<li><p>вечер мугама.</p></li></ul>",
        '<ol data-type="decimal"><li><p>Рабочая группа соберётся в декабре.</p><ol data-type="decimal"><li>'
        "<p>Список постановок утвердят до конца года.</p>",
        "<blockquote><p>«Культура — это мост между народами», — подчеркнул министр.</p></blockquote>",
        '<a href="https://www.gov.kz/memleket/entities/mam">Сайт министерства</a>',
        "<p>Конец сообщения.</p>",
    ],
    "word-mac.html": [
        "<h3>Қазақстан мен Әзірбайжан</h3>",
        "<p><strong>Астана.</strong> Екі ел мәдени алмасуды кеңейтеді.</p>",
        "<ul><li><p>театр</p></li><li><p>кино</p></li></ul>",
        "<blockquote><p>«Біз достық көпірін саламыз»</p></blockquote>",
        "<em>Курсив</em> и <u>подчёркнутое</u>",
    ],
    "google-docs.html": [
        "<h2>Новости из Google Docs</h2>",
        "<p><strong>Жирное начало</strong>, обычный текст и <em>курсив</em>.</p>",
        "<ul><li><p>пункт один</p></li><li><p>пункт два</p></li></ul>",
        "<blockquote><p>«Отступом в Документах набрана цитата»</p></blockquote>",
        '<a href="https://www.gov.kz/">портал gov.kz</a>',
    ],
    "libreoffice.html": [
        "<h2>Заголовок из LibreOffice</h2>",
        "<p><strong>Жирный</strong> и <em>курсив</em> текст.</p>",
        "<ul><li><p>первый пункт</p></li><li><p>второй пункт</p></li></ul>",
        '<ol data-type="decimal"><li><p>шаг один</p></li></ol>',
        "<blockquote><p>«Цитата стилем Quotations»</p></blockquote>",
        '<a href="https://dknews.kz/">сайт агентства</a> и выделение.',
    ],
    "website.html": [
        "<h3>Подзаголовок с сайта</h3>",
        "<p>Текст <strong>сайта</strong> и опасная ссылка и ",
        '<a href="https://example.kz/a">обычная</a>',
        "<blockquote><p>Цитата с сайта</p></blockquote>",
        "<th",
    ],
}


def test_paste_from_word_google_docs_libreoffice_and_websites_keeps_structure_only(page, site_server, demo_site):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server)
    for name, expected in EXPECTED_PASTES.items():
        page.locator(EDITOR).click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        paste(page, (CLIPBOARD / name).read_text())
        html = body_html(page)
        for part in expected:
            assert part in html, f"{name}: {part} not in {html}"
        for junk in [
            "style=",
            "class=",
            "mso-",
            "<span",
            "<font",
            "<o:p",
            "onclick",
            "onerror",
            "script",
            "<img",
            "<!--",
        ]:
            assert junk not in html, f"{name}: {junk} in {html}"
    # No CSP violation was reported while pasting (the page fixture fails the test otherwise).


def test_a_huge_paste_is_refused_with_a_message_and_nothing_typed_is_lost(page, site_server, demo_site):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server)
    page.locator(EDITOR).click()
    page.keyboard.type("Текст, который нельзя потерять.")
    paragraph = "<p class=MsoNormal><span style='font-size:12.0pt;font-family:\"Times New Roman\"'>{}</span></p>"
    # Word's usual weight of styling around each run of text.
    styling = "mso-ascii-font-family:Calibri;mso-hansi-font-family:Calibri;mso-bidi-font-family:Arial;" * 5
    heavy = f"<p class=MsoNormal style='margin:0cm;{styling}'><span lang=RU style='{styling}'>{{}}</span></p>"
    # A 5 MB Word document whose text alone is over the limit: refused, with the reason.
    huge = "".join(paragraph.format(f"Абзац {n}: " + "слово " * 60) for n in range(12_000))
    assert len(huge.encode()) > 5_000_000
    paste(page, huge)
    notice = page.locator(".editor-notice")
    assert "Ничего не вставлено: текст слишком длинный" in notice.inner_text()
    assert body_html(page) == "<p>Текст, который нельзя потерять.</p>"
    # A 5 MB Word document that is mostly styling: its text fits, so it goes in.
    styled = "".join(heavy.format(f"Абзац {n}.") for n in range(5_500))
    assert len(styled.encode()) > 5_000_000
    paste(page, styled)
    html = body_html(page)
    assert html.startswith("<p>Текст, который нельзя потерять.") and "Абзац 5499." in html
    assert "font-size" not in html and not notice.count()


def test_autosave_offers_the_text_back_after_the_tab_was_closed(browser, site_server, demo_site):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server, title="Несохранённая новость")
    page.locator(EDITOR).click()
    page.keyboard.type("Абзац, набранный до того, как вкладку закрыли.")
    page.wait_for_timeout(3500)  # the desk keeps a copy every three seconds
    page.close()

    page = context.new_page()
    page.goto(f"{site_server.url}/admin/articles/article/add/")
    banner = page.locator(".autosave-banner")
    assert "Несохранённая новость" in banner.inner_text()
    banner.locator("button", has_text="Восстановить").click()
    assert page.input_value("#id_title") == "Несохранённая новость"
    assert "Абзац, набранный до того, как вкладку закрыли." in page.locator(EDITOR).inner_text()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.filter(title="Несохранённая новость", body__contains="вкладку закрыли").exists()
    page.goto(f"{site_server.url}/admin/articles/article/add/")
    page.locator(EDITOR).wait_for()
    assert page.locator(".autosave-banner").count() == 0  # saved: the copy is gone

    page.locator(EDITOR).click()
    page.keyboard.type("Черновик перед выходом.")
    page.wait_for_timeout(3500)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:autosave:')).length") == 1
    page.click("#logout-form button")
    page.wait_for_load_state()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:autosave:')).length") == 0
    context.close()


def test_an_expired_session_never_loses_the_text(browser, site_server, demo_site):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server, title="Новость при истёкшей сессии")
    page.locator(EDITOR).click()
    page.keyboard.type("Текст, набранный до конца сессии.")
    Session.objects.all().delete()  # the login expires while the journalist writes

    page.click("input[name=_save]")
    dialog = page.locator("dialog.session-dialog")
    assert "Вы вышли из системы" in dialog.inner_text()
    assert page.url.endswith("/admin/articles/article/add/")  # nothing was sent, nothing lost
    with context.expect_page() as new_tab:
        dialog.locator("a", has_text="Войти в новой вкладке").click()
    login = new_tab.value
    login.fill("#id_username", "journalist")
    login.fill("#id_password", "journalist-demo-pass")
    login.click("input[type=submit]")
    login.wait_for_selector("#user-tools")
    login.close()

    dialog.locator("button", has_text="Сохранить сейчас").click()
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title="Новость при истёкшей сессии")
    assert "Текст, набранный до конца сессии." in article.body
    context.close()


def test_lead_photo_is_picked_from_the_library_with_thumbnails(page, site_server, demo_site):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server, title="Новость с главным фото")
    page.locator(".field-photo .select2-selection").click()
    page.keyboard.type("завод", delay=30)
    option = page.locator(".select2-results__option .photo-option", has_text="Нефтеперерабатывающий завод")
    assert option.locator("img").get_attribute("src").endswith("-t320.webp")
    option.click()
    preview = page.locator("#id_photo_preview img")
    preview.wait_for()
    assert preview.get_attribute("src").endswith("-640.webp")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(title="Новость с главным фото").photo.caption == "Нефтеперерабатывающий завод"


def test_a_photo_uploaded_from_the_editor_joins_the_library(page, site_server, demo_site, tmp_path):
    import io

    from PIL import Image

    picture = tmp_path / "forum.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 120, 200)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    new_article(page, site_server, title="Новость с новым фото")
    page.locator(EDITOR).click()
    toolbar(page, "Фото из библиотеки").click()
    picker = page.locator("dialog.photo-picker")
    picker.locator("#photo-picker-file").set_input_files(str(picture))
    picker.locator("#photo-picker-caption").fill("Участники форума")
    picker.locator("button[type=submit]").click()
    assert picker.locator("#photo-picker-alt:invalid").count() == 1  # the description is required
    picker.locator("#photo-picker-alt").fill("Участники форума в зале")
    picker.locator("button[type=submit]").click()
    page.locator(".field-body figure[data-photo-id] img").wait_for()
    photo = Photo.objects.get(caption="Участники форума")
    assert (photo.width, photo.height, photo.uploaded_by.username) == (1600, 900, "journalist")
    assert re.search(rf'data-photo-id="{photo.pk}"', body_html(page))


def test_a_kazakh_journalist_gets_the_admin_and_the_editor_in_kazakh(page, site_server, demo_site):
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.click(".admin-languages button[lang=kk]")
    page.wait_for_selector("html[lang=kk]")
    page.goto(f"{site_server.url}/admin/articles/article/add/")
    page.locator(EDITOR).wait_for()
    assert page.locator("h1").inner_text() == "Мақала қосу"
    assert toolbar(page, "Қалың").count() == 1 and toolbar(page, "Кітапханадағы фото").count() == 1
    page.locator(EDITOR).click()
    page.keyboard.type("Қазақша мәтін: Ә Ғ Қ Ң Ө Ұ Ү Һ І.")
    assert "сөз" in page.locator(".desk-counter").nth(2).inner_text()
    screenshot(page, "desk-article-form-kazakh")
    page.goto(f"{site_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ru"  # the public site follows its addresses


def test_two_people_saving_one_article_the_second_keeps_their_text(browser, site_server, demo_site):
    article = Article.objects.get(slug="ministr-kultury-i-sporta-vstretilsya-s-poslom-azerbaydzhana")
    first_pages, second_pages = open_page(browser), open_page(browser)
    first, second = next(first_pages), next(second_pages)
    for page in (first, second):
        log_in(page, site_server, "editor", "editor-demo-pass")
        page.goto(f"{site_server.url}/admin/articles/article/{article.pk}/change/")
        page.locator(EDITOR).wait_for()
    first.locator(EDITOR).click()
    first.keyboard.press("Control+End")
    first.keyboard.type(" Первая правка.")
    first.click("input[name=_continue]")
    first.wait_for_selector(".messagelist .success")
    saved = Article.objects.get(pk=article.pk).body
    # A body written as HTML before the editor existed opens and saves without losing markup.
    assert "<cite>— Айдос Сарсенбаев, министр культуры и спорта</cite>" in saved and "Первая правка." in saved
    assert "<h2>Что дальше</h2><ul><li><p>рабочая группа" in saved
    second.locator(EDITOR).click()
    second.keyboard.press("Control+End")
    second.keyboard.type(" Вторая правка, которую нельзя потерять.")
    second.click("input[name=_continue]")
    second.wait_for_selector(".errornote")
    assert "изменил(а) эту статью" in second.locator(".errorlist.nonfield").inner_text()
    second.locator(EDITOR).wait_for()
    assert "Вторая правка, которую нельзя потерять." in second.locator(EDITOR).inner_text()
    assert "Вторая правка" not in Article.objects.get(pk=article.pk).body
    next(first_pages, None)
    next(second_pages, None)

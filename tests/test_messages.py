"""The translation catalogues (locale/<lang>/LC_MESSAGES/django.po) and the readers' Jinja2
templates agree: every message a template uses, extracted as ``make messages`` extracts it
(Babel's Jinja2 extractor, babel.cfg), is in each catalogue and translated into Russian and
Kazakh; each translation formats as new-style gettext formats it; the committed .mo files are
the catalogues compiled; and a message's own markup is kept while its values are escaped."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.utils.translation import override
from markupsafe import Markup

from tests.factories import AgencyFactory, ArticleFactory, PublisherFactory

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def template_messages() -> dict:
    """(context, msgid) -> where a template uses it; a plural message's msgid is the pair
    (singular, plural)."""
    with open(ROOT / "babel.cfg") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    messages = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT / "templates" / "jinja2", method_map, options_map
    ):
        messages.setdefault((context, message), f"templates/jinja2/{filename}:{lineno}")
    return messages


TEMPLATE_MESSAGES = template_messages()


def catalogue(language: str):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


def translations(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def entry(message) -> tuple:
    """A message as comparable data, read from a .po or a .mo (which gives lists for plurals)."""
    msgid = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
    context = message.context.decode() if isinstance(message.context, bytes) else message.context
    return (context, msgid), translations(message)


def test_the_extractor_finds_plain_messages_trans_blocks_and_plurals():
    # A guard for the tests below: an extractor that found nothing would let them all pass.
    assert (None, "Skip to content") in TEMPLATE_MESSAGES  # _("...")
    assert (None, "Search: «%(query)s»") in TEMPLATE_MESSAGES  # {% trans %}
    assert (None, ("%(counter)s view", "%(counter)s views")) in TEMPLATE_MESSAGES  # {% pluralize %}
    assert (None, "Post in Telegram: @%(channel)s") in TEMPLATE_MESSAGES  # inside a macro
    trimmed = (
        "%(name)s is registered by: %(authority)s. Mass media registration certificate No. %(number)s issued %(date)s."
    )
    assert (None, trimmed) in TEMPLATE_MESSAGES  # a block over several lines, trimmed


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_message_of_the_readers_pages_is_in_the_catalogue_and_translated(language):
    """Russian and Kazakh need a translation; English is the messages' own language, so its
    translation may be empty (the message itself is shown), but the message is there."""
    messages = catalogue(language)
    problems = []
    for (context, msgid), where in TEMPLATE_MESSAGES.items():
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        message = messages.get(singular, context=context)
        if message is None or message.id != msgid:
            problems.append(f"{where}: {msgid!r} is not in the catalogue")
        elif message.fuzzy:
            problems.append(f"{where}: {msgid!r} is fuzzy")
        elif language != "en" and not all(translations(message)):
            problems.append(f"{where}: {msgid!r} has no translation")
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_each_translation_formats_as_the_templates_format_it(language):
    """New-style gettext formats every message, placeholders or not: a translation that names
    a placeholder the template does not pass, or holds a lone "%", would fail the page."""
    messages = catalogue(language)
    for (context, msgid), where in TEMPLATE_MESSAGES.items():
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        message = messages.get(singular, context=context)
        values = dict.fromkeys(PLACEHOLDER.findall(" ".join(msgid) if isinstance(msgid, tuple) else msgid), "x")
        for text in filter(None, translations(message) if message else ()):
            assert set(PLACEHOLDER.findall(text)) <= values.keys(), f"{where}: {text!r} names another placeholder"
            try:
                Markup(text) % values
            except (KeyError, ValueError, TypeError) as error:
                pytest.fail(f"{where}: {text!r} does not format ({error}); a literal % is written %%")


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_committed_mo_files_are_the_catalogues_compiled(language):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = dict(entry(message) for message in read_mo(mo) if message.id)
    written = dict(
        entry(message)
        for message in catalogue(language)
        if message.id and not message.fuzzy and any(translations(message))  # what msgfmt compiles
    )
    assert compiled == written, "run `make messages` (or compilemessages) and commit the .mo files"


@pytest.mark.django_db
def test_a_messages_own_markup_is_kept_and_its_values_escaped(client):
    PublisherFactory()
    source = AgencyFactory(domain="", short_name="ИА <b>«Жаңа»</b> & Co")
    article = ArticleFactory(lead="Лид новости", source=source)
    html = client.get(article.get_absolute_url()).content.decode()
    credit = f'передает <a href="/source/{source.slug}/">ИА &lt;b&gt;«Жаңа»&lt;/b&gt; &amp; Co</a>'
    assert f'<span class="credit">— {credit}</span>' in html
    html = client.get("/search/", {"q": '<script>"Жаңа"'}).content.decode()
    assert "<h1>Поиск: «&lt;script&gt;&#34;Жаңа&#34;»</h1>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "language", "expected"),
    [("", "ru", "Найдено 3 статьи"), ("/kk", "kk", "3 мақала табылды"), ("/en", "en", "3 articles found")],
)
def test_a_plural_in_a_template_takes_the_languages_form(client, prefix, language, expected):
    PublisherFactory()
    for number in range(3):
        ArticleFactory(title=f"Сайгаки {number}", language=language)
    with override(language):
        html = client.get(f"{prefix}/search/", {"q": "Сайгаки"}).content.decode()
    assert f'<p class="description">{expected}</p>' in html

import pytest

from newsroom.slugs import slugify, transliterate


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Министр культуры и спорта встретился с послом", "ministr-kultury-i-sporta-vstretilsya-s-poslom"),
        ("Щедрый подъезд: ёлка, объём, Цюрих", "shchedryy-podezd-yolka-obyom-tsyurikh"),
        ("Қазақстан", "qazaqstan"),
        ("Әзірбайжан", "azirbayzhan"),
        ("Ғылым және Өнер", "ghylym-zhane-oner"),
        ("Ұлттық Үміт", "ulttyq-umit"),
        ("Жаңа Һәм", "zhanga-ham"),
        ("«Кітапхана» — ашылды!", "kitapkhana-ashyldy"),
        ("Kazakhstan 2026: LNG", "kazakhstan-2026-lng"),
        ("Zürich Straße", "zurich-strasse"),
    ],
)
def test_russian_and_kazakh_are_transliterated(text, slug):
    assert slugify(text) == slug


def test_every_kazakh_letter_has_its_own_spelling():
    for letter in "ӘҒҚҢӨҰҮҺІәғқңөұүһі":
        assert transliterate(letter).isascii() and transliterate(letter), letter


@pytest.mark.parametrize("text", ["!!!", "«—»", "🔥🔥🔥", "   ", ""])
def test_punctuation_or_emoji_only_falls_back(text):
    assert slugify(text, fallback="article") == "article"


def test_long_text_is_cut_at_a_word_boundary_within_the_limit():
    slug = slugify("очень длинный заголовок " * 30, max_length=120)
    assert len(slug.encode()) <= 120
    assert not slug.endswith("-")
    assert slug.split("-")[-1] in {"ochen", "dlinnyy", "zagolovok"}

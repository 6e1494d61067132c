"""Counts as readers and editors read them (newsroom/numbers.py): one format for the article
page, teasers, most read, the desk and the admin's list, in each language."""

import pytest
from django.utils.translation import override

from newsroom.numbers import grouped, views

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("ru", 1, "1 просмотр"),
        ("ru", 2, "2 просмотра"),
        ("ru", 5, "5 просмотров"),
        ("ru", 21, "21 просмотр"),
        ("ru", 1234, f"1{NBSP}234 просмотра"),
        ("ru", 1_234_567, f"1{NBSP}234{NBSP}567 просмотров"),
        ("kk", 1, "1 қаралым"),
        ("kk", 2, "2 қаралым"),
        ("kk", 5, "5 қаралым"),
        ("kk", 21, "21 қаралым"),
        ("kk", 1234, f"1{NBSP}234 қаралым"),
        ("en", 1, "1 view"),
        ("en", 2, "2 views"),
        ("en", 5, "5 views"),
        ("en", 21, "21 views"),
        ("en", 1234, "1,234 views"),
        ("en", 0, "0 views"),
    ],
)
def test_a_view_count_reads_right_in_each_language(language, count, expected):
    with override(language):
        assert views(count) == expected


@pytest.mark.parametrize(("language", "expected"), [("ru", f"12{NBSP}345"), ("kk", f"12{NBSP}345"), ("en", "12,345")])
def test_numbers_group_thousands_as_the_language_writes_them(language, expected):
    with override(language):
        assert grouped(12345) == expected
        assert grouped(999) == "999"

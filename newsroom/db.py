"""Database tweaks.

SQLite folds case for ASCII letters only, so on the local database "атырау" would not find
"Атырау" and "экономика" would not match the topic "Экономика" (PostgreSQL, the production
database, has no such gap). Replacing SQLite's LIKE with a Unicode-aware one closes it for
every ``icontains``/``iexact`` lookup, the admin search and taggit's case-insensitive tags.
"""

import functools
import re


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern:
    parts, chars = [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return _like_regex(str(pattern), escape).fullmatch(str(value)) is not None


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def sqlite_unicode_case_folding(sender, connection, **kwargs):
    """On each new SQLite connection: LIKE, UPPER and LOWER that know Cyrillic case."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, _like, deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)
    raw.create_function("upper", 1, _upper, deterministic=True)
    raw.create_function("lower", 1, _lower, deterministic=True)

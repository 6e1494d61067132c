"""The newest published articles of every section in one query, in hand-written SQL: the front
page's section blocks.

PostgreSQL walks each section's (section, publish_at) index with a LATERAL join and stops after
``per_section`` rows, so the query reads about sections x per_section rows however large the
archive. SQLite has no LATERAL: it numbers the rows of each section (fine at a development
database's size). Both return article ids for ``Article.objects.published().filter(pk__in=...)``;
the outer queryset is what decides publication for readers, the inner condition only keeps
unpublished rows from taking a section's places.
"""

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from website.pages import published_sql


def latest_by_section(language: str, *, per_section: int, exclude=()) -> RawSQL:
    """Ids of the ``per_section`` newest published articles in ``language`` of each section,
    leaving out the ids in ``exclude`` (articles the page already shows)."""
    now = timezone.now()
    exclude = [int(pk) for pk in exclude]
    skip = f" AND a.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
    where = f"a.language = %s AND {published_sql('a')}{skip}"
    params = [language, now, now, *exclude]
    if connection.vendor == "postgresql":
        sql = (
            "SELECT b.id FROM articles_section s CROSS JOIN LATERAL (SELECT a.id FROM articles_article a"
            f" WHERE a.section_id = s.id AND {where} ORDER BY a.publish_at DESC, a.id DESC LIMIT %s) b"
        )
    else:
        sql = (
            "SELECT n.id FROM (SELECT a.id, ROW_NUMBER() OVER (PARTITION BY a.section_id"
            " ORDER BY a.publish_at DESC, a.id DESC) AS place FROM articles_article a"
            f" WHERE a.section_id IS NOT NULL AND {where}) n WHERE n.place <= %s"
        )
    return RawSQL(sql, [*params, per_section])

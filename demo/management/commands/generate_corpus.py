"""Fill the database with a realistic corpus for benchmarks: sections, topics, people, and
N published articles with their topics, people, authors and countries.

    manage.py generate_corpus --articles 1000000

On PostgreSQL the rows go in with COPY from two worker processes (``--workers``); elsewhere
with bulk inserts. Rows are written directly, so the admin's history is not written for them.
Ends with ANALYZE, so the planner knows the tables' sizes before the first page is served.
Running it again adds only the missing rows.
"""

import multiprocessing
import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction
from django.utils import timezone

from agencies.models import Agency
from articles.models import Article, Country, Person, Section, Tag, TaggedArticle
from newsroom.pagecache import pages_changed
from photos.models import Photo

WORDS = (
    "министр правительство экономика нефть газ бюджет регион город область школа больница дорога "
    "строительство инвестиции экспорт импорт культура театр музей фестиваль спорт турнир чемпионат "
    "сборная медаль посол визит соглашение сотрудничество парламент закон реформа цифровой проект "
    "программа развитие энергетика урожай зерно транспорт аэропорт железная вокзал маршрут экология "
    "вода климат наука университет студенты выставка конференция форум саммит переговоры делегация"
).split()
KAZAKH = "жаңа қала білім ғылым мәдениет өнер үкімет елорда жол құрылыс спорт жарыс".split()
BATCH = 10_000
TOPICS = 3_000
PEOPLE = 5_000
YEARS_OF_NEWS = 5

ARTICLE_COLUMNS = (
    "id title slug lead body language photo_id photo_caption status publish_at created_at updated_at version "
    "version_at source_id section_id"
).split()


_generator = None


def _copy_batch(batch):
    return _generator.copy_batch(batch)


# The long tail of a newsroom's vocabulary (names, places, terms): 20,000 made-up words, drawn
# with a Zipf-like (log-uniform) law, one in six words. Without it every word of the corpus
# would be in nearly every article, and PostgreSQL's statistics would call a rare word common.
SYLLABLES = "ка ро ми ста ль ен ов ар ти но ве за ра ск ло бе ду ны та ги мо ле су кр пе".split()
ENDINGS = ["", "ов", "ский", "ения", "ова", "ин", "ск", "ия"]


def lexicon(size=20_000, seed=7) -> list[str]:
    rng = random.Random(seed)
    words = set()
    while len(words) < size:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.add(stem + rng.choice(ENDINGS))
    return sorted(words)


LONG_TAIL = lexicon()


def sentence(rng, words, length):
    picked = rng.choices(words, k=length)
    # Each word is from the long tail with probability 1/6: a binomial count of them, at random
    # places (the same law as a draw per word, in a few calls instead of two per word).
    for place in rng.sample(range(length), rng.binomialvariate(length, 1 / 6)):
        picked[place] = LONG_TAIL[int(len(LONG_TAIL) ** rng.random()) - 1]
    text = " ".join(picked)
    return text[0].upper() + text[1:]


class Command(BaseCommand):
    help = "Generate a benchmark corpus of published articles with topics, people and countries."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--workers", type=int, default=2, help="PostgreSQL: processes writing at once")

    def handle(self, *args, articles, seed, workers, **options):
        self.rng = random.Random(seed)
        self.seed = seed
        self.total = articles
        started = time.monotonic()
        call_command("load_demo", stdout=self.stdout)  # the publisher, accounts and a lead image
        self.prepare()
        done = Article.objects.filter(slug__startswith="corpus-").count()
        batches = [(first, min(first + BATCH, articles)) for first in range(done, articles, BATCH)]
        if connection.vendor == "postgresql":
            # The search vectors (computed by the trigger) cost most of the time: two
            # connections writing at once use both cores of a small machine.
            self.first_id = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1 - done
            if workers > 1:
                connections.close_all()  # each worker process opens its own
                global _generator
                _generator = self  # inherited by the forked workers
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    written = pool.imap(_copy_batch, batches)
                    for first, last in written:
                        self.stdout.write(f"{first}-{last} written, {time.monotonic() - started:.0f} s")
            else:
                for batch in batches:
                    self.copy_batch(batch, in_worker=False)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), "
                    "(SELECT max(id) FROM articles_article))"
                )
        else:
            for first, last in batches:
                with transaction.atomic():
                    self.bulk_create([self.article(n, self.rng) for n in range(first, last)])
                self.stdout.write(f"{last} articles, {time.monotonic() - started:.0f} s")
        if connection.vendor == "postgresql":
            self.readers()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        pages_changed()
        self.stdout.write(
            self.style.SUCCESS(f"Corpus ready: {articles} articles in {time.monotonic() - started:.0f} s")
        )

    def readers(self) -> None:
        """PostgreSQL: readers' views per hour (and their sums per day) for the last
        MOST_READ_KEEP_DAYS days, as the most-read lists find them: each hour, the articles of
        the three days before it (most of what people read) and 500 from the whole archive
        (search, old links), 1 to about 500 views each, skewed to few. Hours an article already
        has (the demo's views, a benchmark's) are kept."""
        hours = settings.MOST_READ_KEEP_DAYS * 24
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_article_views_by_hour (article_id, hour, language, count) "
                "SELECT a.id, h.hour, a.language, 1 + floor(random() ^ 4 * 500)::int "
                "FROM generate_series(date_trunc('hour', now()) - %s * interval '1 hour', date_trunc('hour', now()),"
                " interval '1 hour') AS h(hour) "
                "CROSS JOIN LATERAL (SELECT id, language FROM articles_article WHERE status = 'published'"
                " AND publish_at <= h.hour AND publish_at > h.hour - interval '3 days'"
                " UNION SELECT id, language FROM articles_article WHERE id IN"
                " (SELECT (random() * (SELECT max(id) FROM articles_article))::int FROM generate_series(1, 500))) a "
                "ON CONFLICT DO NOTHING",
                [hours - 1],
            )
            self.stdout.write(f"{cursor.rowcount} hourly view counts written")
            cursor.execute(
                "INSERT INTO articles_article_views_by_day (article_id, day, language, count) "
                "SELECT article_id, date_trunc('day', hour, 'UTC'), language, sum(count) "
                "FROM articles_article_views_by_hour GROUP BY 1, 2, 3 "
                "ON CONFLICT (day, article_id) DO UPDATE SET count = excluded.count"
            )
            self.stdout.write(f"{cursor.rowcount} daily view counts written")

    def copy_batch(self, batch: tuple[int, int], *, in_worker: bool = True) -> tuple[int, int]:
        """One batch of articles, with its own random stream (in a worker process, or here)."""
        first, last = batch
        rng = random.Random(f"{self.seed}-{first}")
        rows = [self.article(n, rng) | {"id": self.first_id + n} for n in range(first, last)]
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A bulk load: no flush to disk per batch (a crash means running it again), and
                # room for the GIN index's pending entries, merged in fewer, larger steps.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                cursor.execute("SET LOCAL work_mem = '128MB'")
            self.copy(rows)
        if in_worker:
            connection.close()
        return batch

    def prepare(self):
        rng = self.rng
        self.publisher = Agency.objects.publisher()
        self.photo = Photo.objects.values_list("pk", flat=True).first()  # the demo's lead photo
        self.sections = list(Section.objects.values_list("pk", flat=True))
        Tag.objects.bulk_create(
            [Tag(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-topic-{n}") for n in range(TOPICS)],
            ignore_conflicts=True,
        )
        self.tags = list(Tag.objects.filter(slug__startswith="corpus-topic-").values_list("pk", flat=True))
        Person.objects.bulk_create(
            [
                Person(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-person-{n}", position="эксперт")
                for n in range(PEOPLE)
            ],
            ignore_conflicts=True,
        )
        self.people = list(Person.objects.filter(slug__startswith="corpus-person-").values_list("pk", flat=True))
        self.countries = list(Country.objects.values_list("pk", flat=True))
        self.skip_link_checks = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                self.skip_link_checks = cursor.fetchone()[0]  # only a superuser may skip them
        self.now = timezone.now()

    def article(self, n: int, rng: random.Random) -> dict:
        language = rng.choices(["ru", "kk", "en"], weights=[90, 8, 2])[0]
        words = KAZAKH if language == "kk" else WORDS
        with_photo = self.photo is not None and rng.random() < 0.3
        # Published in the order written, as in a newsroom (ids rise with time), over five years,
        # with minutes of jitter: a list's newest rows then lie together on disk, as in a real
        # archive, not scattered over the whole table.
        age = (self.total - n) / self.total * YEARS_OF_NEWS * 365 * 24 * 3600
        publish_at = self.now - timedelta(seconds=60 + age + rng.uniform(0, 600))
        return {
            "title": sentence(rng, words, rng.randint(6, 12)),
            "slug": f"corpus-{n}",
            "lead": sentence(rng, words, 25) + ", передает DKNews.kz",
            "body": "".join(f"<p>{sentence(rng, words, 60)}.</p>" for _ in range(4)),
            "language": language,
            "photo_id": self.photo if with_photo else None,
            "photo_caption": "",
            "status": Article.Status.PUBLISHED,
            "publish_at": publish_at,
            "created_at": publish_at,
            "updated_at": publish_at,
            "version": 1,
            "version_at": publish_at,
            "source_id": self.publisher.pk if self.publisher else None,
            "section_id": rng.choice(self.sections),
            "tags": rng.sample(self.tags, 3),
            "people": rng.sample(self.people, 2),
            "authors": [rng.choice(self.people)],
            "countries": [rng.choice(self.countries)],
        }

    def copy(self, rows: list[dict]) -> None:
        """PostgreSQL: COPY the articles (ids given) and their four link tables."""
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY articles_article ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[column] for column in ARTICLE_COLUMNS])
            links = [
                ("articles_taggedarticle", "content_object_id", "tag_id", "tags"),
                ("articles_article_people", "article_id", "person_id", "people"),
                ("articles_article_authors", "article_id", "person_id", "authors"),
                ("articles_article_countries", "article_id", "country_id", "countries"),
            ]
            if self.skip_link_checks:
                # The ids were just read from the tables, so every link is valid; the foreign-key
                # check PostgreSQL would run for each of the seven links of an article (and the
                # row lock it takes) is skipped, as pg_restore --disable-triggers does. Links
                # only: the articles' own trigger (their search vector) must run.
                raw.execute("SET LOCAL session_replication_role = replica")
            for table, left, right, key in links:
                with raw.copy(f"COPY {table} ({left}, {right}) FROM STDIN") as copy:
                    for row in rows:
                        for other in row[key]:
                            copy.write_row((row["id"], other))
            if self.skip_link_checks:
                raw.execute("SET LOCAL session_replication_role = DEFAULT")

    def bulk_create(self, rows: list[dict]) -> None:
        """Any database: bulk inserts (slower; for small corpora on SQLite)."""
        fields = [column for column in ARTICLE_COLUMNS if column != "id"]
        created = Article.objects.bulk_create([Article(**{field: row[field] for field in fields}) for row in rows])
        TaggedArticle.objects.bulk_create(
            [
                TaggedArticle(content_object=a, tag_id=t)
                for a, row in zip(created, rows, strict=True)
                for t in row["tags"]
            ]
        )
        for name, right in (("people", "person_id"), ("authors", "person_id"), ("countries", "country_id")):
            through = getattr(Article, name).through
            through.objects.bulk_create(
                [
                    through(article_id=a.pk, **{right: other})
                    for a, row in zip(created, rows, strict=True)
                    for other in row[name]
                ]
            )

"""Fill the database with a realistic corpus for benchmarks: sections, topics, people, and
N published articles with their topics, people, authors and countries; for the admin's
benchmark (bench/admin.py), more topics and people, a photo library, and the articles still in
the newsroom's hands (drafts, in review, scheduled, withdrawn) by several journalists.

    manage.py generate_corpus --articles 1000000
    manage.py generate_corpus --articles 1000000 --topics 100000 --people 50000 --photos 500000 \
        --unpublished 30000

On PostgreSQL the rows go in with COPY from two worker processes (``--workers``); elsewhere
with bulk inserts. Rows are written directly, so the admin's history is not written for them.
Ends with ANALYZE, so the planner knows the tables' sizes before the first page is served.
Running it again adds only the missing rows: each option is a total, not an increment.
"""

import multiprocessing
import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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
# The articles in the newsroom's hands (--unpublished) also have an author account and the
# time their status changed (the desk's review queue waits by it).
DESK_COLUMNS = [*ARTICLE_COLUMNS, "created_by_id", "status_changed_at"]
DESK_SLUG = "desk-corpus-"  # not "corpus-": that prefix counts the published corpus
# Their share of each status, and how many journalists write them (the demo's one among them).
DESK_STATUSES = {"draft": 70, "review": 5, "scheduled": 5, "withdrawn": 20}
JOURNALISTS = 8
FIRST_NAMES = (
    "Айгерим Асель Дана Жанар Мадина Гульнара Алия Сауле Ерлан Нурлан Данияр Асхат Арман Серик Тимур Ержан "
    "Ольга Елена Наталья Ирина Сергей Андрей Дмитрий Алексей"
).split()
SURNAME_ENDINGS = ["ов", "ев", "ова", "ева", "ин", "ина", "улы", "кызы", "ский", "бекова"]
POSITIONS = (
    "министр|заместитель министра|аким области|аким города|депутат мажилиса|сенатор|посол|председатель правления|"
    "директор департамента|эксперт|экономист|политолог|спортсмен|тренер|ректор университета|главный врач"
).split("|")
CREDITS = (
    "Фото: пресс-служба акимата|Фото: пресс-служба министерства|Фото: DKNews|Фото: Kazinform|Фото: Акорда|"
    "Фото: из открытых источников|Фото: Reuters|Фото: AP"
).split("|")


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
        parser.add_argument("--topics", type=int, default=TOPICS, help="corpus topics in all (at least 3,000)")
        parser.add_argument("--people", type=int, default=PEOPLE, help="corpus people in all (at least 5,000)")
        parser.add_argument(
            "--photos", type=int, default=0, help="photos in the library in all (rows sharing the demo's image)"
        )
        parser.add_argument(
            "--unpublished",
            type=int,
            default=0,
            help="articles in the newsroom's hands in all: drafts, in review, scheduled, withdrawn",
        )

    def handle(self, *args, articles, seed, workers, topics, people, photos, unpublished, **options):
        self.rng = random.Random(seed)
        self.seed = seed
        self.total = articles
        started = time.monotonic()
        call_command("load_demo", stdout=self.stdout)  # the publisher, accounts and a lead image
        self.prepare(topics=topics, people=people)
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
        self.add_photos(photos)
        self.add_unpublished(unpublished)
        if connection.vendor == "postgresql":
            self.readers()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        pages_changed()
        self.stdout.write(
            self.style.SUCCESS(f"Corpus ready: {articles} articles in {time.monotonic() - started:.0f} s")
        )

    # -- What the admin's benchmark needs beside the published corpus (each a total) --

    def copy_rows(self, model, columns: list[str], rows) -> None:
        """Rows of ``model`` (dicts of ``columns``, ids from the table's own sequence): COPY on
        PostgreSQL, bulk inserts elsewhere."""
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[column] for column in columns])
        else:
            model.objects.bulk_create((model(**row) for row in rows), batch_size=BATCH)

    def add_topics(self, total: int) -> None:
        """Topics past the first ``TOPICS``, up to ``total``: two words of the newsroom's vocabulary
        and one of its long tail, a third of them with a Kazakh name."""
        done = max(TOPICS, Tag.objects.filter(slug__startswith="corpus-topic-").count())
        if total <= done:
            return

        def rows():
            for n in range(done, total):
                rng = random.Random(f"{self.seed}-topic-{n}")
                name = f"{sentence(rng, WORDS, 2)} {rng.choice(LONG_TAIL)} {n}"
                kazakh = f"{sentence(rng, KAZAKH, 2)} {n}" if rng.random() < 1 / 3 else ""
                yield {"name": name, "slug": f"corpus-topic-{n}", "name_kk": kazakh, "name_en": "", "description": ""}

        self.copy_rows(Tag, ["name", "slug", "name_kk", "name_en", "description"], rows())
        self.stdout.write(f"{total - done} topics added")

    def add_people(self, total: int) -> None:
        """People past the first ``PEOPLE``, up to ``total``: a first name and a surname, a
        position, some with an organisation."""
        done = max(PEOPLE, Person.objects.filter(slug__startswith="corpus-person-").count())
        if total <= done:
            return

        def rows():
            for n in range(done, total):
                rng = random.Random(f"{self.seed}-person-{n}")
                surname = rng.choice(LONG_TAIL).capitalize() + rng.choice(SURNAME_ENDINGS)
                yield {
                    "name": f"{rng.choice(FIRST_NAMES)} {surname}",
                    "slug": f"corpus-person-{n}",
                    "position": rng.choice(POSITIONS),
                    "organisation": sentence(rng, WORDS, 2) if rng.random() < 0.5 else "",
                    "bio": "",
                    "photo": "",
                }

        self.copy_rows(Person, ["name", "slug", "position", "organisation", "bio", "photo"], rows())
        self.stdout.write(f"{total - done} people added")

    def journalists(self) -> list[int]:
        """The accounts that write the articles in the newsroom's hands: the demo's journalist
        and a few more (no password: nobody logs in as them)."""
        users = [get_user_model().objects.get(username="journalist")]
        group = Group.objects.get(name="Journalist")
        for n in range(1, JOURNALISTS):
            user, created = get_user_model().objects.get_or_create(
                username=f"corpus-journalist-{n}", defaults={"first_name": FIRST_NAMES[n], "is_staff": True}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            users.append(user)
        return [user.pk for user in users]

    def add_photos(self, total: int) -> None:
        """Library photos up to ``total`` in all: rows that share the demo's image file (the
        admin's list shows the renditions already made for it), uploaded over the years by the
        newsroom's accounts, with a caption, a description and a credit."""
        demo = Photo.objects.exclude(image="").order_by("pk").first()
        done = Photo.objects.count()
        if total <= done or demo is None:
            return
        uploaders = [*self.journalists(), get_user_model().objects.get(username="editor").pk]
        count = total - done

        def rows():
            for n in range(count):
                rng = random.Random(f"{self.seed}-photo-{done + n}")
                age = (count - n) / count * YEARS_OF_NEWS * 365 * 24 * 3600  # uploaded in id order
                yield {
                    "image": demo.image.name,
                    "alt_text": sentence(rng, WORDS, 6),
                    "caption": sentence(rng, WORDS, 8) if rng.random() < 0.8 else "",
                    "credit": rng.choice(CREDITS),
                    "focal_x": 50,
                    "focal_y": 50,
                    "width": demo.width,
                    "height": demo.height,
                    "sha256": "",  # the unique constraint holds only for real uploads
                    "uploaded_by_id": rng.choice(uploaders),
                    "created_at": self.now - timedelta(seconds=age),
                }

        columns = ["image", "alt_text", "caption", "credit", "focal_x", "focal_y", "width", "height", "sha256"]
        self.copy_rows(Photo, [*columns, "uploaded_by_id", "created_at"], rows())
        self.stdout.write(f"{count} photos added")

    def add_unpublished(self, total: int) -> None:
        """Articles in the newsroom's hands, up to ``total``: drafts (most written in the last
        two weeks, the rest left behind over the years), articles in review (sent in the last
        three days), scheduled ones (the next two weeks) and withdrawn ones (over the years), by
        ``JOURNALISTS`` accounts, the demo's journalist among them."""
        done = Article.objects.filter(slug__startswith=DESK_SLUG).count()
        if total <= done:
            return
        authors = self.journalists()
        first_id = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        day = 24 * 3600
        rows = []
        for n in range(done, total):
            rng = random.Random(f"{self.seed}-desk-{n}")
            row = self.article(n, rng)
            state = rng.choices(list(DESK_STATUSES), weights=list(DESK_STATUSES.values()))[0]
            if state == "draft":
                age = rng.uniform(0, 14 * day) if rng.random() < 0.6 else rng.uniform(0, YEARS_OF_NEWS * 365 * day)
                created = self.now - timedelta(seconds=age)
                publish_at, changed, version_at = None, created, created
            elif state == "review":
                created = self.now - timedelta(seconds=rng.uniform(3600, 3 * day))
                changed = created + (self.now - created) * rng.random()
                publish_at, version_at = None, changed
            elif state == "scheduled":
                created = self.now - timedelta(seconds=rng.uniform(0, 2 * day))
                publish_at = self.now + timedelta(seconds=rng.uniform(3600, 14 * day))
                changed, version_at = created, publish_at
            else:
                publish_at = self.now - timedelta(seconds=rng.uniform(day, YEARS_OF_NEWS * 365 * day))
                created = publish_at
                changed = version_at = publish_at + timedelta(seconds=rng.uniform(600, 3 * day))
            row |= {
                "id": first_id + n - done,
                "slug": f"{DESK_SLUG}{n}",
                "status": Article.Status.PUBLISHED if state == "scheduled" else state,
                "publish_at": publish_at,
                "created_at": created,
                "updated_at": changed,
                "version_at": version_at,
                "status_changed_at": changed,
                "created_by_id": rng.choice(authors),
            }
            rows.append(row)
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if connection.vendor == "postgresql":
                with transaction.atomic():
                    self.copy(batch, DESK_COLUMNS)
            else:
                with transaction.atomic():
                    self.bulk_create(batch, DESK_COLUMNS)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), "
                    "(SELECT max(id) FROM articles_article))"
                )
        self.stdout.write(f"{total - done} articles in the newsroom's hands added")

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

    def prepare(self, *, topics: int = TOPICS, people: int = PEOPLE):
        rng = self.rng
        self.publisher = Agency.objects.publisher()
        self.photo = Photo.objects.values_list("pk", flat=True).first()  # the demo's lead photo
        self.sections = list(Section.objects.values_list("pk", flat=True))
        Tag.objects.bulk_create(
            [Tag(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-topic-{n}") for n in range(TOPICS)],
            ignore_conflicts=True,
        )
        self.add_topics(topics)
        self.tags = list(Tag.objects.filter(slug__startswith="corpus-topic-").values_list("pk", flat=True))
        Person.objects.bulk_create(
            [
                Person(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-person-{n}", position="эксперт")
                for n in range(PEOPLE)
            ],
            ignore_conflicts=True,
        )
        self.add_people(people)
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

    def copy(self, rows: list[dict], columns: list[str] = ARTICLE_COLUMNS) -> None:
        """PostgreSQL: COPY the articles (ids given) and their four link tables."""
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY articles_article ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
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

    def bulk_create(self, rows: list[dict], columns: list[str] = ARTICLE_COLUMNS) -> None:
        """Any database: bulk inserts (slower; for small corpora on SQLite)."""
        fields = [column for column in columns if column != "id"]
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

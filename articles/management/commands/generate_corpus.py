"""Fill the database with a realistic corpus for benchmarks: sections, topics, people, and
N published articles (bulk inserts; the admin's history is not written for these rows).

    manage.py generate_corpus --articles 100000
"""

import random
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from articles.models import Article, Country, Person, Section, Tag, TaggedArticle

WORDS = (
    "министр правительство экономика нефть газ бюджет регион город область школа больница дорога "
    "строительство инвестиции экспорт импорт культура театр музей фестиваль спорт турнир чемпионат "
    "сборная медаль посол визит соглашение сотрудничество парламент закон реформа цифровой проект "
    "программа развитие энергетика урожай зерно транспорт аэропорт железная вокзал маршрут экология "
    "вода климат наука университет студенты выставка конференция форум саммит переговоры делегация"
).split()
KAZAKH = "жаңа қала білім ғылым мәдениет өнер үкімет елорда жол құрылыс спорт жарыс".split()
BATCH = 5_000


def sentence(rng, words, length):
    text = " ".join(rng.choice(words) for _ in range(length))
    return text[0].upper() + text[1:]


class Command(BaseCommand):
    help = "Generate a benchmark corpus of published articles with topics, people and countries."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, articles, seed, **options):
        rng = random.Random(seed)
        started = time.monotonic()
        call_command("load_demo", stdout=self.stdout)  # the publisher, accounts and a lead image
        publisher = Agency.objects.publisher()
        image = Article.objects.exclude(image="").values_list("image", "image_width", "image_height").first()
        sections = list(Section.objects.all())
        tags = Tag.objects.bulk_create(
            [Tag(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-topic-{n}") for n in range(3_000)],
            ignore_conflicts=True,
        )
        tags = list(Tag.objects.filter(slug__startswith="corpus-topic-"))
        Person.objects.bulk_create(
            [
                Person(name=f"{sentence(rng, WORDS, 2)} {n}", slug=f"corpus-person-{n}", position="эксперт")
                for n in range(5_000)
            ],
            ignore_conflicts=True,
        )
        people = list(Person.objects.filter(slug__startswith="corpus-person-").values_list("pk", flat=True))
        countries = list(Country.objects.values_list("pk", flat=True))
        start_index = Article.objects.filter(slug__startswith="corpus-").count()
        now = timezone.now()
        for first in range(start_index, articles, BATCH):
            batch = []
            for n in range(first, min(first + BATCH, articles)):
                language = rng.choices(["ru", "kk", "en"], weights=[90, 8, 2])[0]
                words = KAZAKH if language == "kk" else WORDS
                with_image = image is not None and rng.random() < 0.3
                batch.append(
                    Article(
                        title=sentence(rng, words, rng.randint(6, 12)),
                        slug=f"corpus-{n}",
                        lead=sentence(rng, words, 25) + ", передает DKNews.kz",
                        body="".join(f"<p>{sentence(rng, words, 60)}.</p>" for _ in range(4)),
                        language=language,
                        section=rng.choice(sections),
                        source=publisher,
                        status=Article.Status.PUBLISHED,
                        publish_at=now - timedelta(seconds=rng.randint(60, 5 * 365 * 24 * 3600)),
                        image=image[0] if with_image else "",
                        image_width=image[1] if with_image else None,
                        image_height=image[2] if with_image else None,
                        image_alt="Иллюстрация" if with_image else "",
                    )
                )
            with transaction.atomic():
                created = Article.objects.bulk_create(batch)
                TaggedArticle.objects.bulk_create(
                    [TaggedArticle(content_object=a, tag=t) for a in created for t in rng.sample(tags, 3)]
                )
                Article.people.through.objects.bulk_create(
                    [
                        Article.people.through(article_id=a.pk, person_id=p)
                        for a in created
                        for p in rng.sample(people, 2)
                    ]
                )
                Article.authors.through.objects.bulk_create(
                    [Article.authors.through(article_id=a.pk, person_id=rng.choice(people)) for a in created]
                )
                Article.countries.through.objects.bulk_create(
                    [Article.countries.through(article_id=a.pk, country_id=rng.choice(countries)) for a in created]
                )
            self.stdout.write(f"{first + len(batch)} articles, {time.monotonic() - started:.0f} s")
        self.stdout.write(
            self.style.SUCCESS(f"Corpus ready: {articles} articles in {time.monotonic() - started:.0f} s")
        )

import datetime as dt
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from agencies.models import Agency, PromoBlock
from articles.models import Article, Country, Person, Section
from newsletters.models import Newsletter, Subscriber, Subscription
from photos.models import Photo
from photos.services import photo_make_renditions


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("test-pass-123")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Информационное агентство «Источник {n}»")
    short_name = factory.Sequence(lambda n: f"ИА «Источник {n}»")
    domain = factory.Sequence(lambda n: f"source{n}.example")
    founded_year = 2001


class PublisherFactory(AgencyFactory):
    name = "Международное информационное агентство «DKNews»"
    short_name = "МИА «DKNews»"
    domain = "DKNews.kz"
    founded_year = 2006
    is_publisher = True
    registration_authority = "Министерство культуры и информации Республики Казахстан"
    registration_number = "10484-АА"
    registration_date = dt.date(2010, 1, 20)


class PromoBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoBlock

    title = "Telegram-канал агентства"
    url = "https://t.me/s/example"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Раздел {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Персона {n}")
    position = "министр культуры и спорта"


def country(code: str) -> Country:
    """Countries come from the data migration; tests look them up, never create them."""
    return Country.objects.get(code=code)


def jpeg(width=1200, height=800, color="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


class PhotoFactory(factory.django.DjangoModelFactory):
    """A library photo with a real 1200 x 800 JPEG (renditions: ``renditions=True``)."""

    class Meta:
        model = Photo
        skip_postgeneration_save = True

    image = factory.LazyFunction(lambda: ContentFile(jpeg(), name="photo.jpg"))
    alt_text = "Министр и посол за столом переговоров"
    caption = "Встреча в министерстве"
    credit = "Фото: пресс-служба"

    @factory.post_generation
    def renditions(self, create, extracted, **kwargs):
        if create and extracted:
            photo_make_renditions(photo=self)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Новость номер {n}")
    lead = "Лид новости, передает DKNews.kz"
    body = "<p>Текст новости.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter

    name = factory.Sequence(lambda n: f"Утренний выпуск {n}")
    slug = factory.Sequence(lambda n: f"newsletter-{n}")
    description = "Главное за день"


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A reader; confirmed (``confirmed=False``: waiting for the confirmation link), taking
    ``newsletters`` (confirmed with them)."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    class Params:
        confirmed = True

    email = factory.Sequence(lambda n: f"reader{n}@example.kz")
    confirmed_at = factory.Maybe("confirmed", factory.LazyFunction(timezone.now), None)

    @factory.post_generation
    def newsletters(self, create, extracted, **kwargs):
        for newsletter in extracted or []:
            Subscription.objects.create(subscriber=self, newsletter=newsletter, confirmed_at=self.confirmed_at)

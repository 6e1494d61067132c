"""Load the demo content and the demo accounts. Safe to run again: it adds what is missing, and
corrects what an earlier demo wrote wrongly where nobody has edited it since."""

import io
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image

from agencies.models import Agency, PromoBlock
from articles.models import Article, Correction, Country, Person, Section, Tag
from articles.services import article_note_significant_update
from demo import content as demo
from incoming.models import RoutingRule, Source
from live.services import coverage_start, entry_post
from newsletters.models import Newsletter
from newsroom.pagecache import pages_changed
from photos.models import Photo
from photos.services import content_hash, photo_save
from planning.models import Assignment, Event
from readership import buffer as views_buffer

DEMO_WIRE = Path(__file__).resolve().parents[2] / "wire"
DEMO_WIRE_NAME = "Kazinform (демо: папка NewsML-G2)"


def gradient_jpeg(top: str, bottom: str, size=(1200, 675)) -> bytes:
    """A plain two-colour gradient: a stand-in lead image that nobody owns."""
    width, height = size
    start, end = Image.new("RGB", (1, 1), top).getpixel((0, 0)), Image.new("RGB", (1, 1), bottom).getpixel((0, 0))
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True)))
    buffer = io.BytesIO()
    column.resize(size).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def demo_photo(colors: tuple[str, str], *, alt: str, caption: str, credit: str, by) -> Photo:
    """The library's photo of this gradient: uploaded once, found by its bytes after that."""
    upload = ContentFile(gradient_jpeg(*colors))
    digest = content_hash(upload)
    existing = Photo.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    # A named file: Django reads the photo's dimensions from it (an unnamed one leaves them empty).
    upload.name = f"{digest[:20]}.jpg"
    photo = Photo(image=upload, alt_text=alt, caption=caption, credit=credit)
    return photo_save(photo=photo, by=by, changed={"image"})


# A demo article's row names its photo's texts with these keys.
PHOTO_TEXTS = {"alt_text": "photo_alt", "caption": "photo_caption", "credit": "photo_credit"}


def correct_demo_photo(row: dict) -> bool:
    """Give the demo article's own photo (the library's photo with the gradient's bytes) the
    texts of ``row`` where it still has a text an earlier demo wrote and this one corrects
    (``demo.SUPERSEDED_PHOTO_TEXTS``). Any other text is an editor's and stays; a photo that is
    not there is not added back. True if the photo changed."""
    superseded = demo.SUPERSEDED_PHOTO_TEXTS.get(row["language"], {})
    if "photo" not in row or not superseded:
        return False
    photo = Photo.objects.filter(sha256=content_hash(ContentFile(gradient_jpeg(*row["photo"])))).first()
    if photo is None:
        return False
    changed = set()
    for field, old_texts in superseded.items():
        text = row[PHOTO_TEXTS[field]]
        if getattr(photo, field) in old_texts and getattr(photo, field) != text:
            setattr(photo, field, text)
            changed.add(field)
    if changed:
        photo_save(photo=photo, by=None, changed=changed)
    return bool(changed)


def add_missing_translations(obj, row: dict) -> None:
    """Kazakh and English texts of the demo that an existing row (from an older demo) lacks."""
    missing = [key for key in row if key.endswith(("_kk", "_en")) and not getattr(obj, key)]
    for key in missing:
        setattr(obj, key, row[key])
    if missing:
        obj.save(update_fields=missing)


class Command(BaseCommand):
    help = "Load demo articles, people, sections, agencies and the demo accounts (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = self.load()
            corrected = sum(correct_demo_photo(row) for row in demo.ARTICLES)
        pages_changed()
        summary = f"{created} new rows" + (f", {corrected} demo photos corrected" if corrected else "")
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded ({summary})."))
        self.stdout.write("Demo logins (admin at /admin/):")
        for account in demo.USERS:
            self.stdout.write(f"  {account['username']} / {account['password']}")

    def load_wire(self, agency: Agency, sections: dict) -> int:
        """A partner's NewsML-G2 drop folder with two files in it (demo/wire/): the worker that
        ``make run`` starts reads them into the Incoming list within a few seconds."""
        source, is_new = Source.objects.get_or_create(
            name=DEMO_WIRE_NAME,
            defaults={"kind": Source.Kind.NEWSML, "address": "demo", "agency": agency, "language": "ru"},
        )
        if is_new:
            RoutingRule.objects.create(
                source=source, words="бюджет, экономика", section=sections.get("ekonomika"), notify=True
            )
            folder = source.drop_folder()
            folder.mkdir(parents=True, exist_ok=True)
            for path in sorted(DEMO_WIRE.glob("*.xml")):
                shutil.copy(path, folder / path.name)
        return int(is_new)

    def load_live_blog(self, now, users: dict, people: dict) -> int:
        """The demo's live blog: its coverage started and its entries posted through the
        services, once (a blog that has entries, or whose coverage an editor changed, is left
        as it is)."""
        article = Article.objects.filter(slug=demo.LIVE_BLOG["slug"]).first()
        if article is None or article.coverage_start_at is not None:
            return 0
        start = now - timedelta(hours=demo.LIVE_BLOG["coverage_hours_ago"])
        coverage_start(article=article, by=users["editor"], at=start)
        for row in demo.LIVE_BLOG["entries"]:
            entry_post(
                article=article,
                by=users[row["by"]],
                body=row["body"],
                headline=row["headline"],
                published_at=now - timedelta(minutes=row["minutes_ago"]),
                key_event=row.get("key_event", False),
                pinned=row.get("pinned", False),
                authors=[people[row["author"]]],
            )
        return len(demo.LIVE_BLOG["entries"])

    def load_plan(self, users: dict, sections: dict) -> int:
        """Today's plan (newsroom time): the demo's events and assignments, once a day."""
        zone = timezone.get_default_timezone()
        today = timezone.localdate()
        start = datetime.combine(today, time.min, tzinfo=zone)
        end = start + timedelta(days=1)
        day = {"starts_at__gte": start, "starts_at__lt": end}

        def at(clock: str) -> datetime:
            return datetime.combine(today, time.fromisoformat(clock), tzinfo=zone)

        created, events = 0, {}
        for row in demo.PLAN["events"]:
            event = Event.objects.filter(title=row["title"], **day).first()
            if event is None:
                event = Event.objects.create(
                    title=row["title"],
                    starts_at=at(row["time"]),
                    ends_at=at(row["end"]),
                    place=row["place"],
                    description=row["description"],
                    contacts=row["contacts"],
                    url=row["url"],
                    repeat=row.get("repeat", ""),
                    created_by=users["editor"],
                )
                created += 1
            events[row["title"]] = event
        for row in demo.PLAN["assignments"]:
            due_at = at(row["time"])
            if Assignment.objects.filter(slug=row["slug"], due_at__gte=start, due_at__lt=end).exists():
                continue
            assignment = Assignment.objects.create(
                slug=row["slug"],
                section=sections.get(row["section"]),
                language=row.get("language", "ru"),
                kind=row["kind"],
                due_at=due_at,
                notes=row["notes"],
                event=events.get(row.get("event")),
                created_by=users["editor"],
            )
            assignment.assignees.set([users[name] for name in row["assignees"]])
            created += 1
        return created

    def load(self) -> int:
        created = 0
        now = timezone.now()

        users = {}
        for account in demo.USERS:
            user, is_new = get_user_model().objects.get_or_create(
                username=account["username"],
                defaults={
                    "first_name": account["first_name"],
                    "is_staff": True,
                    "is_superuser": account["superuser"],
                },
            )
            if is_new:
                user.set_password(account["password"])
                user.save(update_fields=["password"])
                created += 1
            if account["group"]:
                user.groups.add(Group.objects.get(name=account["group"]))
            users[account["username"]] = user

        agencies = {}
        for row in [demo.PUBLISHER, *demo.SOURCES]:
            agency, is_new = Agency.objects.get_or_create(slug=row["slug"], defaults=row)
            add_missing_translations(agency, row)
            if is_new and agency.is_publisher:
                agency.logo.save("dknews-logo.jpg", ContentFile(gradient_jpeg("#0b5cad", "#083d73", size=(600, 120))))
            agencies[row["slug"]] = agency
            created += is_new

        for row in demo.PROMO_BLOCKS:
            promo, is_new = PromoBlock.objects.get_or_create(url=row["url"], defaults=row)
            add_missing_translations(promo, row)
            created += is_new

        sections = {}
        for row in demo.SECTIONS:
            sections[row["slug"]], is_new = Section.objects.get_or_create(slug=row["slug"], defaults=row)
            add_missing_translations(sections[row["slug"]], row)
            created += is_new

        countries = {country.code: country for country in Country.objects.all()}
        people = {}
        for row in demo.PEOPLE:
            fields = {key: value for key, value in row.items() if key not in {"country", "user"}}
            fields["country"] = countries[row["country"]]
            if "user" in row:
                fields["user"] = users[row["user"]]
            people[row["slug"]], is_new = Person.objects.get_or_create(slug=row["slug"], defaults=fields)
            add_missing_translations(people[row["slug"]], row)
            created += is_new

        for row in demo.ARTICLES:
            if Article.objects.filter(slug=row["slug"]).exists():
                continue
            offset = row["publish_offset"]
            article = Article(
                slug=row["slug"],
                title=row["title"],
                lead=row["lead"],
                body=row["body"],
                language=row["language"],
                section=sections[row["section"]],
                source=agencies[row["source"]],
                status=row["status"],
                publish_at=None if offset is None else now + timedelta(hours=offset),
                translation_of=Article.objects.filter(slug=row.get("translation_of", "")).first(),
                importance=row.get("importance", Article.Importance.NORMAL),
            )
            authors = [people[slug] for slug in row["authors"]]
            article.created_by = next((author.user for author in authors if author.user), None)
            if "photo" in row:
                article.photo = demo_photo(
                    row["photo"],
                    alt=row["photo_alt"],
                    caption=row["photo_caption"],
                    credit=row["photo_credit"],
                    by=article.created_by,
                )
            article.save()
            article.tags.set(row["tags"])
            article.people.set([people[slug] for slug in row["people"]])
            article.countries.set([countries[code] for code in row["countries"]])
            article.authors.set(authors)
            for note in row.get("notes", []):
                at = now - timedelta(hours=note["hours_ago"])
                Correction.objects.create(article=article, created_at=at, **note["fields"])
                article_note_significant_update(article=article, at=at)
            if row.get("views") and article.state == "published":  # readers so far: the most-read lists
                views_buffer.write({article.pk: row["views"]})
            created += 1
        created += self.load_wire(agencies[demo.SOURCES[0]["slug"]], sections)
        created += self.load_live_blog(now, users, people)
        created += self.load_plan(users, sections)
        for row in demo.NEWSLETTERS:
            fields = {**row, "send_time": time.fromisoformat(row["send_time"])}
            created += Newsletter.objects.get_or_create(slug=row["slug"], defaults=fields)[1]
        for tag in Tag.objects.filter(name__in=demo.TOPICS, name_kk="", name_en=""):
            tag.name_kk, tag.name_en = demo.TOPICS[tag.name]
            tag.save(update_fields=["name_kk", "name_en"])
        return created

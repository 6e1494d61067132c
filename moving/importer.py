"""Writing a WordPress archive into the CMS: posts as articles (with sections, topics, authors,
photos), their old addresses as redirects, and a report that accounts for every item.

Idempotent: each article remembers its post (``ImportedArticle``: the post id, the guid, a hash
of what was imported and the article's version after the import). A second run updates what
changed in WordPress, creates nothing twice, and leaves alone (and names) an article an editor
changed here since.

Titles and names arrive as text (``wxr``). An earlier version of this importer kept WordPress's
entities in them («Бизнес &amp; финансы»). Such a post now reads differently from what was
imported, so the next run updates its article (not an editor's change: no save here moved the
article's version), and renames in place the section, topic or person that version named.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import Article, Person, Section, Tag
from moving import wpbody
from moving.models import ImportedArticle, LegacyRedirect
from moving.wxr import Item, WXRError, WXRReader
from photos.images import clean_image, max_upload_bytes
from photos.models import Photo
from photos.services import content_hash, photo_make_renditions

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # with its publication time ahead: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.DRAFT,
    "inherit": Article.Status.DRAFT,
}
NO_DATE = "0000-00-00 00:00:00"
LANGUAGES = {"ru", "kk", "en"}
BATCH = 200  # posts per transaction


class DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclasses.dataclass
class Report:
    counts: Counter = dataclasses.field(default_factory=Counter)
    skipped_types: Counter = dataclasses.field(default_factory=Counter)
    lines: list[str] = dataclasses.field(default_factory=list)
    fatal: str = ""

    def problem(self, item: Item | None, text: str) -> None:
        where = f"post {item.post_id} «{Truncator(item.title or '').chars(60)}»: " if item else ""
        self.lines.append(where + text)

    @property
    def imported(self) -> int:
        return self.counts["created"] + self.counts["updated"] + self.counts["unchanged"]

    def text(self) -> str:
        c = self.counts
        out = [
            f"items read: {c['items']}",
            f"  posts: {c['posts']} (created {c['created']}, updated {c['updated']}, unchanged {c['unchanged']}, "
            f"edited here since the last import and left alone {c['edited_here']}, failed {c['failed']})",
            f"  trashed posts skipped: {c['trash']}",
            f"  attachments: {c['attachments']} (used as photos when a post shows them)",
        ]
        for post_type, count in sorted(self.skipped_types.items()):
            out.append(f"  skipped, type {post_type}: {count}")
        out.append(f"sections created: {c['sections']}, topics created: {c['topics']}, people created: {c['people']}")
        out.append(f"photos: {c['photos']} added to the library, {c['photos_missing']} not found")
        out.append(f"old addresses redirected: {c['redirects']}")
        if c["renamed"]:
            out.append(f"names an earlier import kept with HTML entities, corrected: {c['renamed']}")
        if self.fatal:
            out.append(f"ERROR: {self.fatal}")
        if self.lines:
            out.append(f"problems ({len(self.lines)}):")
            out.extend(f"  {line}" for line in self.lines)
        return "\n".join(out)


def parse_time(value: str) -> dt.datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


class WordPressImport:
    def __init__(self, path: Path, *, uploads: Path | None = None, section_map: dict | None = None,
                 language: str = "ru", dry_run: bool = False, fetch_media: bool = False):  # fmt: skip
        self.path = path
        self.uploads = uploads
        self.section_map = section_map or {}
        self.language = language
        self.dry_run = dry_run
        self.fetch_media = fetch_media
        self.report = Report()
        self.attachments: dict[str, str] = {}  # attachment post id -> its file's URL
        self.sections: dict[str, Section] = {}
        self.people: dict[str, Person] = {}
        self.photos: dict[str, tuple[int, str] | None] = {}
        self.tag_ids: dict[str, int] = {}
        # Written together every BATCH posts (one statement each instead of several per post).
        self.pending_redirects: dict[str, int] = {}  # old path -> article id
        self.pending_tags: list = []
        self.pending_authors: list = []
        self.pending_sources: list[ImportedArticle] = []
        self.pending_history: list[tuple[Article, bool]] = []  # (article, updated rather than new)
        self.slugs: set[str] = set()

    # -- The run ------------------------------------------------------------------------------

    def run(self, progress=None) -> Report:
        """Read the file twice (attachments first), write in one transaction per post; a dry
        run writes nothing (no photo files either: it only looks for them)."""
        self.collect_attachments()
        if self.report.fatal:
            return self.report
        self.tag_ids = dict(Tag.objects.values_list("name", "pk"))
        # Topics an earlier version of this importer named with WordPress's entities, by their text.
        self.entity_tags = {wpbody.plain(name): pk for name, pk in self.tag_ids.items() if "&" in name}
        self.slugs = set(Article.objects.values_list("slug", flat=True))
        # What earlier runs imported, and each article's version now: one read for the file.
        self.imported = {
            row.source_id: row
            for row in ImportedArticle.objects.filter(source="wordpress").only(
                "pk", "source_id", "article_id", "version", "content_hash"
            )
        }
        self.versions = dict(Article.objects.filter(imported_from__source="wordpress").values_list("pk", "version"))
        try:
            with transaction.atomic():
                self.import_items(progress)
                self.flush()
                if self.dry_run:
                    raise DryRun
        except DryRun:
            pass
        return self.report

    def collect_attachments(self) -> None:
        """First pass: the attachments (featured images and galleries name them by id, often
        before they appear in the file)."""
        try:
            with self.path.open("rb") as file:
                for item in WXRReader(file).items():
                    if item.post_type == "attachment" and item.attachment_url:
                        self.attachments[item.post_id] = item.attachment_url
        except WXRError as error:
            if not self.attachments:
                self.report.fatal = str(error)

    def import_items(self, progress) -> None:
        with self.path.open("rb") as file:
            reader = WXRReader(progress(file) if progress else file)
            # The site's authors (login -> display name), read from the header before the items.
            self.authors = reader.site.authors
            try:
                for item in reader.items():
                    if not self.report.counts["items"]:
                        self.correct_people()  # the header, with the authors, has been read
                    self.report.counts["items"] += 1
                    self.item(item)
                    if self.report.counts["items"] % BATCH == 0:
                        self.flush()
            except WXRError as error:
                self.report.fatal = str(error)

    def flush(self) -> None:
        """Write what the last posts collected: their topics, authors, sources and old addresses."""
        TaggedArticle = Article.tags.through
        Authors = Article.authors.through
        TaggedArticle.objects.bulk_create(self.pending_tags, ignore_conflicts=True)
        Authors.objects.bulk_create(self.pending_authors, ignore_conflicts=True)
        ImportedArticle.objects.bulk_create(self.pending_sources)
        for update in (False, True):
            Article.history.bulk_history_create(
                [article for article, updated in self.pending_history if updated == update],
                update=update,
                default_change_reason="Imported from WordPress",
                default_date=timezone.now(),
            )
        redirects = [
            LegacyRedirect(old_path=path, article_id=article_id, url="")
            for path, article_id in self.pending_redirects.items()
        ]
        LegacyRedirect.objects.bulk_create(
            redirects, update_conflicts=True, unique_fields=["old_path"], update_fields=["article", "url"]
        )
        self.report.counts["redirects"] += len(redirects)
        self.pending_tags, self.pending_authors, self.pending_sources, self.pending_history = [], [], [], []
        self.pending_redirects = {}

    def item(self, item: Item) -> None:
        if item.post_type == "attachment":
            self.report.counts["attachments"] += 1
            return
        if item.post_type != "post":
            self.report.skipped_types[item.post_type] += 1
            return
        if item.status == "trash":
            self.report.counts["trash"] += 1
            return
        self.report.counts["posts"] += 1
        try:
            with transaction.atomic():
                self.post(item)
        except Exception as error:  # one bad post never stops the import
            self.report.counts["failed"] += 1
            self.report.problem(item, f"not imported: {type(error).__name__}: {Truncator(str(error)).chars(200)}")

    # -- One post -----------------------------------------------------------------------------

    def post(self, item: Item) -> None:
        report = self.report
        fields = dataclasses.asdict(item)
        if not fields["protected"]:  # as imports before it was read: their posts stay unchanged
            del fields["protected"]
        serialised = json.dumps(fields, sort_keys=True)
        digest = hashlib.sha256(serialised.encode()).hexdigest()
        imported = self.imported.get(item.post_id)
        if imported is not None:
            if self.versions.get(imported.article_id) != imported.version:
                report.counts["edited_here"] += 1
                report.problem(item, "changed in this CMS since the last import: left as it is")
                return
            unchanged = {digest}
            if self.uploads is None and not self.fetch_media:
                # Imported without some images for want of --uploads, and still without: the same.
                unchanged.add(hashlib.sha256((serialised + "|images missing").encode()).hexdigest())
            if imported.content_hash in unchanged:
                report.counts["unchanged"] += 1  # its old addresses were written the first time
                return
            article = Article.objects.get(pk=imported.article_id)
        else:
            article = Article()

        if item.status not in STATUSES:
            report.problem(item, f"unknown status «{item.status}»: imported as a draft")
        article.status = STATUSES.get(item.status, Article.Status.DRAFT)
        if item.status == "private":
            report.problem(item, "private in WordPress: imported as a draft")
        elif item.protected and article.status != Article.Status.DRAFT:
            # Only readers with the password saw it there; here every reader would.
            article.status = Article.Status.DRAFT
            report.problem(item, "password-protected in WordPress: imported as a draft")

        missing_before = report.counts["photos_missing"] + report.counts["missing_uses"]
        converted = wpbody.convert(
            item.content, item.excerpt, photo_for_url=self.photo_for_url, photo_for_attachment=self.photo_for_attachment
        )
        for problem in converted.problems:
            report.problem(item, problem)
        title = " ".join(item.title.split())
        if not title:
            title = Truncator(converted.lead or wpbody.plain(converted.body)).words(8, truncate="…") or (
                f"Post {item.post_id}"
            )
            report.problem(item, f"no title: titled «{title}» from its first words")
        if len(title) > 300:
            title = Truncator(title).chars(300)
            report.problem(item, "title longer than 300 characters: cut")
        article.title = title
        article.lead = converted.lead
        article.body = converted.body
        article.language = self.language_of(item)

        published = parse_time(item.date_gmt) or parse_time(item.date)
        if article.status == Article.Status.PUBLISHED and published is None:
            published = timezone.now()
            report.problem(item, f"no valid date ({item.date_gmt or 'empty'}): published now")
        elif published is None and item.date_gmt and not item.date_gmt.startswith("0000"):
            report.problem(item, f"invalid date «{item.date_gmt}»: left empty")
        article.publish_at = published
        article.section = self.section_of(item)
        if item.meta.get("_thumbnail_id"):
            photo = self.photo_for_attachment(item.meta["_thumbnail_id"])
            if photo is None:
                report.problem(item, f"featured image {item.meta['_thumbnail_id']} not found")
            article.photo_id = photo[0] if photo else None

        created = article.pk is None
        no_image_source = self.uploads is None and not self.fetch_media
        if no_image_source and report.counts["photos_missing"] + report.counts["missing_uses"] != missing_before:
            # Images missing because this run had nowhere to take them from: the next run (with
            # --uploads or --fetch-media) tries this post again instead of finding it unchanged.
            digest = hashlib.sha256((serialised + "|images missing").encode()).hexdigest()
        if created:
            article.slug = self.free_slug(item)
        article.skip_history_when_saving = True  # one revision per batch of posts: see flush()
        article.save()
        del article.skip_history_when_saving
        self.slugs.add(article.slug)
        self.pending_history.append((article, not created))
        report.counts["created" if created else "updated"] += 1
        if not created:
            article.tags.through.objects.filter(content_object=article).delete()
            article.authors.clear()
        self.pending_tags.extend(
            article.tags.through(content_object_id=article.pk, tag_id=tag_id) for tag_id in self.topics(item)
        )
        author = self.person(item.creator)
        if author is not None:
            self.pending_authors.append(article.authors.through(article_id=article.pk, person_id=author.pk))
        source = {"article": article, "guid": item.guid[:1000], "content_hash": digest, "version": article.version}
        if created:
            self.pending_sources.append(ImportedArticle(source="wordpress", source_id=item.post_id, **source))
        else:
            ImportedArticle.objects.filter(pk=imported.pk).update(**source, imported_at=timezone.now())
        self.redirects(item, article)

    def language_of(self, item: Item) -> str:
        for nicename, _name in item.categories:
            if nicename in LANGUAGES:
                return nicename
        return self.language

    def free_slug(self, item: Item) -> str:
        """The post's own slug when it is free here; else empty (the model makes a free one)."""
        slug = item.slug[:120]
        if slug and slug not in self.slugs:
            return slug
        if slug:
            self.report.problem(item, f"the address «{slug}» is taken here: a new one is made from the title")
        return ""

    def section_of(self, item: Item) -> Section | None:
        categories = [pair for pair in item.categories if pair[0] not in LANGUAGES]
        if not categories:
            return None
        nicename, name = categories[0]
        if nicename in self.sections:
            return self.sections[nicename]
        mapped = self.section_map.get(nicename)
        full = " ".join((name or nicename).split())
        short = Truncator(full).chars(100)
        section = Section.objects.filter(slug=mapped or nicename[:120]).first()
        if section is None and mapped:
            self.report.problem(item, f"--section-map names «{mapped}», which does not exist: a section is created")
        if section is not None and not mapped:
            self.correct_name(section, short)
        if section is None:
            if short != full:
                self.report.problem(item, f"category name of {len(full)} characters cut to 100: «{short}»")
            section = Section.objects.filter(name=short).first()
            if section is None:
                # After the sections editors made: the menu they arranged keeps its order.
                last = Section.objects.aggregate(last=Max("position"))["last"] or 0
                section = Section(name=short, slug=nicename[:120] if nicename else "", position=min(last + 1, 32767))
                section.save()
                self.report.counts["sections"] += 1
        self.sections[nicename] = section
        return section

    def topics(self, item: Item) -> list[int]:
        ids = []
        for _nicename, name in item.tags:
            name = Truncator(" ".join(name.split())).chars(100)
            if not name:
                continue
            if name not in self.tag_ids and name in self.entity_tags:
                tag = Tag.objects.get(pk=self.entity_tags.pop(name))
                self.correct_name(tag, name)
                self.tag_ids[name] = tag.pk
            if name not in self.tag_ids:
                tag = Tag(name=name)
                tag.save()
                self.tag_ids[name] = tag.pk
                self.report.counts["topics"] += 1
            ids.append(self.tag_ids[name])
        return list(dict.fromkeys(ids))

    def person(self, login: str) -> Person | None:
        if not login:
            return None
        if login not in self.people:
            name = Truncator(self.authors.get(login) or login).chars(200)
            person = Person.objects.filter(name=name).first()
            if person is None:
                person = Person(name=name)
                person.save()
                self.report.counts["people"] += 1
            self.people[login] = person
        return self.people[login]

    def correct_people(self) -> None:
        """The authors an earlier version of this importer named with WordPress's entities get
        their names' text, whether or not this run updates one of their posts."""
        older = {wpbody.plain(person.name): person for person in Person.objects.filter(name__contains="&")}
        for name in {Truncator(name).chars(200) for name in self.authors.values()}:
            if name in older:
                self.correct_name(older[name], name)

    def correct_name(self, named, text: str) -> None:
        """``named`` (a section, topic or person) gets the name ``text`` when its name is that
        text with WordPress's entities still in it («Бизнес &amp; финансы»): an earlier import
        kept them. A name an editor gave is left alone, and so is one another object has."""
        if named.name == text or wpbody.plain(named.name) != text:
            return
        if type(named).objects.filter(name=text).exists():
            return
        self.report.lines.append(f"«{named.name}» renamed «{text}»: an earlier import kept the HTML entities")
        self.report.counts["renamed"] += 1
        named.name = text
        named.save(update_fields=["name"])

    def redirects(self, item: Item, article: Article) -> None:
        paths = [f"/?p={item.post_id}"]
        link_path = urlsplit(item.link).path if item.link else ""
        if link_path and link_path != "/" and link_path != article.get_absolute_url():
            paths.append(link_path)
        for path in paths:
            self.pending_redirects[path[:500]] = article.pk

    # -- Photos -------------------------------------------------------------------------------

    def photo_for_attachment(self, attachment_id: str) -> tuple[int, str] | None:
        url = self.attachments.get(attachment_id)
        if url is None:
            self.report.counts["missing_uses"] += 1
            return None
        return self.photo_for_url(url)

    def photo_for_url(self, url: str) -> tuple[int, str] | None:
        if url in self.photos:
            if self.photos[url] is None:
                self.report.counts["missing_uses"] += 1
            return self.photos[url]
        self.photos[url] = photo = self._photo(url)
        return photo

    def image_bytes(self, url: str) -> bytes | None:
        """The file under --uploads; with --fetch-media, else from its address. Nothing else
        reaches the network."""
        path = urlsplit(url).path
        marker = "/wp-content/uploads/"
        if self.uploads is not None and marker in path:
            file = (self.uploads / path.split(marker, 1)[1]).resolve()
            if file.is_relative_to(self.uploads.resolve()) and file.is_file():
                return file.read_bytes()
        if self.fetch_media and url.startswith(("http://", "https://")):
            try:
                response = httpx.get(url, timeout=30, follow_redirects=True)
            except httpx.HTTPError as error:
                self.report.lines.append(f"image {url}: could not be fetched ({type(error).__name__})")
                return None
            if response.status_code == 200 and len(response.content) <= max_upload_bytes():
                return response.content
            self.report.lines.append(f"image {url}: the site answered {response.status_code}")
        return None

    def _photo(self, url: str) -> tuple[int, str] | None:
        data = self.image_bytes(url)
        if data is None:
            self.report.counts["photos_missing"] += 1
            return None
        try:
            cleaned = clean_image(data)
        except Exception as error:
            self.report.lines.append(f"image {url}: not a usable picture ({Truncator(str(error)).chars(120)})")
            self.report.counts["photos_missing"] += 1
            return None
        upload = ContentFile(
            cleaned.content, name=f"{hashlib.sha256(cleaned.content).hexdigest()[:20]}.{cleaned.extension}"
        )
        digest = content_hash(upload)
        existing = Photo.objects.filter(sha256=digest).first()
        if existing is None and self.dry_run:
            self.report.counts["photos"] += 1
            return 0, ""  # found and usable; a dry run writes no file
        if existing is None:
            existing = Photo(image=upload, sha256=digest, width=cleaned.width, height=cleaned.height)
            existing.save()
            if not self.dry_run:
                photo_make_renditions(photo=existing)
            self.report.counts["photos"] += 1
        return existing.pk, existing.image.url

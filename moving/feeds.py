"""Importing an RSS 2.0 or Atom feed (feedparser): each entry an article, published at its date,
credited to a source agency; idempotent by the entry's id (its guid), like the WordPress import;
an entry's link on the site's own domain becomes a redirect to the new address."""

import calendar
import datetime as dt
import hashlib
import html
import json
from urllib.parse import urlsplit

import feedparser
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from agencies.models import Agency
from articles.models import Article
from moving import wpbody
from moving.importer import DryRun, Report
from moving.models import ImportedArticle, LegacyRedirect


def entry_time(entry) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    return None


def own_domains() -> set[str]:
    """The hosts whose links are this site's old addresses: SITE_URL's and the publisher's."""
    hosts = set()
    if settings.SITE_URL:
        hosts.add(urlsplit(settings.SITE_URL).hostname or "")
    publisher = Agency.objects.publisher()
    if publisher and publisher.domain:
        hosts.add(publisher.domain.lower())
    return {host.removeprefix("www.") for host in hosts if host}


class FeedImport:
    def __init__(self, source: str, *, agency: Agency | None = None, language: str = "ru", dry_run: bool = False):
        self.source = source
        self.agency = agency
        self.language = language
        self.dry_run = dry_run
        self.report = Report()

    def run(self) -> Report:
        parsed = feedparser.parse(self.source)
        if not parsed.entries:
            reason = str(parsed.get("bozo_exception") or "no entries")
            self.report.fatal = f"not a feed, or an empty one: {Truncator(reason).chars(200)}"
            return self.report
        if parsed.bozo:
            self.report.lines.append(f"the feed is not quite well-formed ({parsed.bozo_exception}); read what could be")
        self.domains = own_domains()
        try:
            with transaction.atomic():
                for entry in parsed.entries:
                    self.report.counts["items"] += 1
                    self.report.counts["posts"] += 1
                    try:
                        with transaction.atomic():
                            self.entry(entry)
                    except Exception as error:  # one bad entry never stops the import
                        self.report.counts["failed"] += 1
                        self.report.lines.append(f"entry {entry.get('id') or entry.get('link')}: not imported: {error}")
                if self.dry_run:
                    raise DryRun
        except DryRun:
            pass
        return self.report

    def entry(self, entry) -> None:
        report = self.report
        key = (entry.get("id") or entry.get("link") or "").strip()
        title = " ".join(html.unescape(entry.get("title", "")).split())
        if not key:
            key = hashlib.sha256((title + entry.get("summary", "")).encode()).hexdigest()
            report.lines.append(f"entry «{Truncator(title).chars(60)}» has no id or link: identified by its text")
        content = entry.get("content", [{}])[0].get("value", "") if entry.get("content") else ""
        summary = entry.get("summary", "")
        digest = hashlib.sha256(json.dumps([title, content, summary, entry.get("link", "")]).encode()).hexdigest()
        imported = ImportedArticle.objects.filter(source="feed", source_id=key[:300]).select_related("article").first()
        if imported is not None:
            if imported.article.version != imported.version:
                report.counts["edited_here"] += 1
                report.lines.append(f"entry {key}: changed in this CMS since the last import: left as it is")
                return
            if imported.content_hash == digest:
                report.counts["unchanged"] += 1
                return
            article = imported.article
        else:
            article = Article(status=Article.Status.PUBLISHED, language=self.language)

        converted = wpbody.convert(
            content or summary,
            summary if content else "",
            photo_for_url=lambda url: None,
            photo_for_attachment=lambda i: None,
        )
        if not title:
            title = Truncator(converted.lead).words(8, truncate="…") or "—"
            report.lines.append(f"entry {key}: no title: titled «{title}» from its first words")
        article.title = Truncator(title).chars(300)
        article.lead = converted.lead
        article.body = converted.body
        published = entry_time(entry)
        if published is None:
            published = timezone.now()
            report.lines.append(f"entry {key}: no date: published now")
        article.publish_at = published
        if self.agency is not None:
            article.source = self.agency
        created = article.pk is None
        article.save()
        report.counts["created" if created else "updated"] += 1
        ImportedArticle.objects.update_or_create(
            source="feed",
            source_id=key[:300],
            defaults={"article": article, "guid": key[:1000], "content_hash": digest, "version": article.version},
        )
        link = urlsplit(entry.get("link", ""))
        if (link.hostname or "").removeprefix("www.") in self.domains and link.path not in ("", "/"):
            old = link.path + (f"?{link.query}" if link.query else "")
            if old != article.get_absolute_url():
                _row, new = LegacyRedirect.objects.update_or_create(
                    old_path=old[:500], defaults={"article": article, "url": ""}
                )
                report.counts["redirects"] += new

"""Public pages. Readers' querysets start from ``Article.objects.published()``.

The only other ways to an article are the staff preview (logged-in staff, limited to what the
admin lets them open) and a valid preview link; both answer ``noindex`` and are never cached.
Lists show the articles of the active language (the URL prefix: none for Russian, /kk/, /en/).
"""

import datetime as dt
import re

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.csp import build_policy
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from agencies.models import Agency
from agencies.services import publisher_get
from articles.models import Article, Country, Person, Section, Tag
from articles.services import articles_for, preview_link_article_id, sections_menu
from newsroom.html import sanitize_rich_text
from readership.most_read import DEFAULT_PERIOD, most_read, period_or_default
from website import search, seo
from website.body import reading_minutes, render_body
from website.frontpage import MOST_READ_SIZE, front_page
from website.liveblog import SINCE_STEP, LiveBlog, live_blog, poll_answer
from website.pages import ArticlePage, article_page, reader_article_page

NEWS_FEED_PAGE = 30


class LookaheadPage(Page):
    def has_next(self):
        return self.more


class LookaheadPaginator(Paginator):
    """Pages without ``COUNT(*)``: a page reads one row more than it shows to know whether an
    older page exists, so a list costs the same on page 1 of a hundred articles as on page 100
    of a million (an index walk of page x size rows). Pages past ``max_pages`` are a 404:
    readers reach older news by the archive by day and the sitemaps."""

    max_pages = 500

    @property
    def num_pages(self):
        return self.max_pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        page = LookaheadPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class ArticleListView(ListView):
    """A paginated list of published articles in the active language, newest first.

    Subclasses narrow it (``narrow``) and name it (``heading``/``description``).
    """

    template_engine = "jinja2"
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = LookaheadPaginator
    heading = None
    subject = None  # the section, topic, person... the list is about
    # The feeds advertised in the page head: the language's, or the subject's own (by slug).
    subject_feed_names = None

    def get_queryset(self):
        articles = Article.objects.published().filter(language=get_language()).for_list()
        return self.narrow(articles)

    def narrow(self, articles):
        return articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.get_heading()
        context["description"] = self.get_description()
        context["subject"] = self.subject
        context["feeds"] = self.get_feeds()
        context["most_read"] = most_read(get_language())[:MOST_READ_SIZE]
        context["meta_description"] = self.get_meta_description(context)
        return context

    def get_meta_description(self, context) -> str:
        """The description search engines show: the subject's own, else a sentence naming it."""
        if context["description"]:
            return strip_tags(context["description"]).strip()
        heading = context["heading"] or _("Latest news")
        return _("%(heading)s: the latest news of %(name)s.") % {"heading": heading, "name": publisher_name()}

    def get_heading(self):
        return self.heading

    def get_description(self):
        """The subject's description (a section's, a topic's) or bio (a person's), in the page's
        language where translated; rich text, kept to the short-text editor's markup (also when
        it was written around the admin)."""
        translated = getattr(self.subject, "i18n", self.subject)
        for field in ("description", "bio"):
            if getattr(self.subject, field, ""):
                return mark_safe(sanitize_rich_text(getattr(translated, field)))  # noqa: S308 (sanitised)
        return ""

    def get_feeds(self):
        if self.subject_feed_names:
            return [reverse(name, kwargs={"slug": self.subject.slug}) for name in self.subject_feed_names]
        return [reverse("articles:feed_rss"), reverse("articles:feed_atom")]


class SectionView(ArticleListView):
    subject_feed_names = ("articles:section_feed_rss", "articles:section_feed_atom")

    def narrow(self, articles):
        self.subject = get_object_or_404(Section, slug=self.kwargs["slug"])
        return articles.filter(section=self.subject)

    def get_heading(self):
        return self.subject.i18n.name


class TagView(ArticleListView):
    subject_feed_names = ("articles:tag_feed_rss", "articles:tag_feed_atom")

    def narrow(self, articles):
        self.subject = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return articles.filter(tagged_items__tag=self.subject)

    def get_heading(self):
        return _("Topic: %(name)s") % {"name": self.subject.i18n.name}


class PersonView(ArticleListView):
    """Articles that mention a person."""

    template_name = "articles/person_articles.html"

    def narrow(self, articles):
        self.subject = get_object_or_404(Person.objects.select_related("country"), slug=self.kwargs["slug"])
        return articles.filter(people=self.subject)

    def get_heading(self):
        return self.subject.i18n.name


class AuthorView(PersonView):
    """Articles a person wrote."""

    subject_feed_names = ("articles:author_feed_rss", "articles:author_feed_atom")

    def narrow(self, articles):
        self.subject = get_object_or_404(Person.objects.select_related("country"), slug=self.kwargs["slug"])
        return articles.filter(authors=self.subject)

    def get_heading(self):
        return _("Articles by %(name)s") % {"name": self.subject.i18n.name}


class CountryView(ArticleListView):
    def narrow(self, articles):
        self.subject = get_object_or_404(Country, slug=self.kwargs["slug"])
        return articles.filter(countries=self.subject)

    def get_heading(self):
        return self.subject.name  # countries: Country.name is already in the active language


class SourceView(ArticleListView):
    def narrow(self, articles):
        self.subject = get_object_or_404(Agency, slug=self.kwargs["slug"])
        return articles.filter(source=self.subject)

    def get_heading(self):
        return _("News from %(source)s") % {"source": self.subject.i18n.short_name}


class ArchiveDayView(ArticleListView):
    """/YYYY/MM/DD/: the day's articles, the day taken in the newsroom's time zone."""

    def narrow(self, articles):
        try:
            self.day = dt.date(int(self.kwargs["year"]), int(self.kwargs["month"]), int(self.kwargs["day"]))
        except ValueError:
            raise Http404 from None
        start = timezone.make_aware(dt.datetime.combine(self.day, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.day + dt.timedelta(days=1), dt.time.min))
        return articles.filter(publish_at__gte=start, publish_at__lt=end)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["archive_day"] = self.day
        return context

    def get_heading(self):
        return _("News of %(day)s") % {"day": date_format(self.day, "j E Y")}


class SearchView(ArticleListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q"))
        return search.search_queryset(self.query, get_language())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        articles = list(context["articles"])
        context["found"] = articles[0].found if articles else 0
        context["found_more"] = context["found"] >= search.SEARCH_CANDIDATES
        found = search.snippets(articles, self.query)
        for article in articles:
            article.snippet = found.get(article.pk)
        context["articles"] = articles
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"  # result pages are not for search engines
        return response


class FrontPageView(TemplateView):
    """The front page: the main story, the top block, the news feed, the most read and the
    sections' latest (``website.frontpage``). ``/?page=N`` (the old paginated front page)
    moves to the news feed."""

    template_engine = "jinja2"
    template_name = "articles/front.html"

    def get(self, request, *args, **kwargs):
        if "page" in request.GET:
            return redirect("articles:news", permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        menu = sections_menu()
        context["front"] = front_page(get_language(), menu)
        context["feeds"] = [reverse("articles:feed_rss"), reverse("articles:feed_atom")]
        publisher = publisher_get()
        context["structured_data"] = seo.organization_ld(publisher, self.request)
        context["meta_description"] = seo.front_page_description(publisher, menu)
        return context


# /news/?before=<publish_at in microseconds since 1970>-<id>: the article the previous page ended with.
CURSOR = re.compile(r"([0-9]{1,17})-([0-9]{1,12})")


def cursor_of(article: Article) -> str:
    return f"{int(article.publish_at.timestamp() * 1_000_000)}-{article.pk}"


def parse_cursor(value: str) -> tuple[dt.datetime, int]:
    """The position a ``?before=`` value names; a malformed one is a 404, never a 500."""
    match = CURSOR.fullmatch(value)
    if match is None:
        raise Http404
    micros, pk = int(match[1]), int(match[2])
    try:
        moment = dt.datetime.fromtimestamp(micros // 1_000_000, tz=dt.UTC).replace(microsecond=micros % 1_000_000)
    except (OverflowError, OSError, ValueError):
        raise Http404 from None
    return moment, pk


class NewsFeedView(TemplateView):
    """«Лента новостей»: every published article in the page's language, newest first, 30 at a
    time. Keyset pagination (``?before=``): each page is an index walk of 31 rows, whatever its
    depth. «Ещё новости» is a link; static/js/news-feed.js turns it into «append here»."""

    template_engine = "jinja2"
    template_name = "articles/news_feed.html"
    per_page = NEWS_FEED_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = Article.objects.published().filter(language=get_language()).for_list()
        before = self.request.GET.get("before")
        if before is not None:
            moment, pk = parse_cursor(before)
            articles = articles.filter(Q(publish_at__lt=moment) | Q(publish_at=moment, pk__lt=pk))
        rows = list(articles[: self.per_page + 1])
        if before is not None and not rows:
            raise Http404
        context["articles"] = rows[: self.per_page]
        context["cursor"] = before
        context["canonical_query"] = urlencode({"before": before}) if before else ""
        context["meta_description"] = _("All the news of %(name)s, newest first.") % {"name": publisher_name()}
        context["next_cursor"] = cursor_of(rows[self.per_page - 1]) if len(rows) > self.per_page else None
        context["feeds"] = [reverse("articles:feed_rss"), reverse("articles:feed_atom")]
        context["most_read"] = most_read(get_language())[:MOST_READ_SIZE]
        return context


class PopularView(TemplateView):
    """The most read articles of the last 24 hours (``?period=7d``: 7 days). Any other period
    value shows the 24-hour list."""

    template_engine = "jinja2"
    template_name = "articles/popular.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = period_or_default(self.request.GET.get("period"))
        context["period"] = period
        context["canonical_query"] = "" if period == DEFAULT_PERIOD else urlencode({"period": period})
        context["meta_description"] = (
            _("The most read news of %(name)s in the last 24 hours.")
            if period == DEFAULT_PERIOD
            else _("The most read news of %(name)s in the last 7 days.")
        ) % {"name": publisher_name()}
        context["articles"] = most_read(get_language(), period)
        context["periods"] = [("24h", _("Last 24 hours")), ("7d", _("Last 7 days"))]
        return context


def publisher_name() -> str:
    publisher = publisher_get()
    return publisher.i18n.short_name if publisher else str(_("Newsroom"))


def gone(request) -> TemplateResponse:
    """410 Gone: the article existed and was withdrawn by the editors."""
    return TemplateResponse(request, "410.html", status=410, using="jinja2")


def preview_response(response):
    """Previews are for the people who asked for them: never cached, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


class ArticleDetailView(TemplateView):
    """An article's page (``pages.reader_article_page``: one query); an unpublished one only for staff
    who may open it in the admin (a preview), and 410 Gone once it is withdrawn."""

    template_engine = "jinja2"
    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        page = reader_article_page(kwargs["slug"])
        if page is None:
            if is_staff(request.user):
                page = article_page(articles_for(request.user), slug=kwargs["slug"])
                if page is not None:
                    return preview_response(self.render_page(page, preview=True))
            if Article.objects.filter(slug=kwargs["slug"], status=Article.Status.WITHDRAWN).exists():
                return gone(request)
            raise Http404
        if page.article.language != get_language():
            return redirect(page.article, permanent=True)  # one address per article: its language's
        return self.render_page(page, preview=False)

    def render_page(self, page: ArticlePage, *, preview: bool):
        body = render_body(page.article.body, page.body_photos)
        # A live blog's page of entries: the newest, or the older page ?from= names (a bad one
        # is a 404). Other articles ignore the parameter and cost no query more.
        live = live_blog(page.article, start=self.request.GET.get("from")) if page.article.is_live_blog else None
        response = self.render_to_response(self.get_context_data(page=page, preview=preview, body=body, live=live))
        frames = sorted({*body.frame_origins, *(live.frame_origins if live else ())})
        if frames:
            # Embeds load from their sites only when the reader asks; only such pages allow it
            # (Django's CSP middleware leaves a policy the view set alone).
            response["Content-Security-Policy"] = build_policy({**settings.SECURE_CSP, "frame-src": frames})
        return response

    def get_context_data(self, *, page: ArticlePage, preview: bool, live: LiveBlog | None = None, **kwargs):
        context = super().get_context_data(preview=preview, live=live, **kwargs)
        article = page.article
        context.update(
            article=article,
            related=page.related,
            translations=page.versions,
            tags=page.tags,
            authors=page.authors,
            people=page.people,
            countries=page.countries,
            top_notes=[note for note in page.corrections if note.shown_on_top],
            bottom_notes=[note for note in page.corrections if not note.shown_on_top],
        )
        context["site_url"] = f"{self.request.scheme}://{self.request.get_host()}"
        context["page_url"] = context["site_url"] + article.get_absolute_url()
        context["beacon_url"] = reverse("count_view", args=[article.pk])
        context["feeds"] = [reverse("articles:feed_rss"), reverse("articles:feed_atom")]
        if not preview and live is not None:
            context["structured_data"] = seo.live_blog_ld(page, live, publisher_get(), self.request)
        elif not preview:
            context["structured_data"] = seo.news_article_ld(page, publisher_get(), self.request)
        context["og_locale"] = seo.OG_LOCALES.get(article.language)
        # Readers' page loads are counted by the beacon; staff's and previews are not.
        context["count_views"] = not preview and not is_staff(self.request.user)
        context["reading_minutes"] = reading_minutes(article.body)
        context["most_read"] = [other for other in most_read(article.language) if other.pk != article.pk][
            :MOST_READ_SIZE
        ]
        return context


# A poll's ?since=: Unix seconds, a multiple of website.liveblog.SINCE_STEP (so readers share it).
SINCE = re.compile(r"[0-9]{1,11}")


@require_safe
def live_poll(request, slug):
    """What a live blog's page asks every ``LIVE_POLL_SECONDS`` (static/js/live-blog.js):
    ``?since=`` a Unix time in tens of seconds; the answer (JSON, ``website.liveblog.poll_answer``)
    is the entries published or edited since then, rendered, the ids of those deleted and the
    blog's state. Readers whose pages are up to date ask the same address, so the page cache
    answers all of them with one render, and nginx keeps an answer for half the interval at most
    (``cache_max_age``): a new entry is on every open page within twice the interval. A bad
    ``since`` is a 400; an article that is not a published live blog, a 404."""
    since = request.GET.get("since", "")
    if not SINCE.fullmatch(since) or int(since) % SINCE_STEP:
        return JsonResponse({"error": "since: Unix seconds, a multiple of 10"}, status=400)
    article = (
        Article.objects.published()
        .filter(slug=slug, language=get_language(), coverage_start_at__isnull=False)
        .only("slug", "language", "coverage_start_at", "coverage_end_at")
        .first()
    )
    if article is None:
        raise Http404
    response = JsonResponse(poll_answer(article, int(since)), json_dumps_params={"ensure_ascii": False})
    response.cache_max_age = max(1, settings.LIVE_POLL_SECONDS // 2)
    response["X-Robots-Tag"] = "noindex"
    return response


class PreviewLinkView(ArticleDetailView):
    """An unpublished article through a signed, expiring, revocable link."""

    def get(self, request, *args, **kwargs):
        pk = preview_link_article_id(kwargs["signed_token"])
        page = article_page(Article.objects.all(), pk=pk) if pk is not None else None
        if page is None:
            raise Http404
        return preview_response(self.render_page(page, preview=True))

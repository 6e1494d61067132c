from django.urls import path, register_converter

from newsroom.pagecache import public_page
from website import feeds, views
from website.feeds import atom


class FixedDigits:
    """/2026/11/26/: a year of four digits, a month and a day of two."""

    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class Year(FixedDigits):
    regex = r"[0-9]{4}"

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(FixedDigits, "dd")
register_converter(Year, "yyyy")

app_name = "articles"

# Every page here but the preview is the same for all anonymous readers: cached whole for them
# (newsroom/pagecache.py) and by proxies. An article's readers are counted by its view beacon.
urlpatterns = [
    path("", public_page(views.FrontPageView.as_view()), name="list"),
    path("news/", public_page(views.NewsFeedView.as_view()), name="news"),
    path("popular/", public_page(views.PopularView.as_view()), name="popular"),
    path("news/<slug:slug>/", public_page(views.ArticleDetailView.as_view()), name="detail"),
    # A live blog's poll (JSON, the same address for every up-to-date reader) and its entries' feeds.
    path("news/<slug:slug>/live/", public_page(views.live_poll), name="live_poll"),
    path("news/<slug:slug>/live.rss", public_page(feeds.LiveBlogFeed()), name="live_feed_rss"),
    path("news/<slug:slug>/live.atom", public_page(atom(feeds.LiveBlogFeed)()), name="live_feed_atom"),
    path("section/<slug:slug>/", public_page(views.SectionView.as_view()), name="section"),
    path("topic/<slug:slug>/", public_page(views.TagView.as_view()), name="tag"),
    path("person/<slug:slug>/", public_page(views.PersonView.as_view()), name="person"),
    path("author/<slug:slug>/", public_page(views.AuthorView.as_view()), name="author"),
    path("country/<slug:slug>/", public_page(views.CountryView.as_view()), name="country"),
    path("source/<slug:slug>/", public_page(views.SourceView.as_view()), name="source"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", public_page(views.ArchiveDayView.as_view()), name="archive_day"),
    path("search/", public_page(views.SearchView.as_view()), name="search"),
    # Feeds: each list's address + feed.rss / feed.atom, in the active language.
    path("feed.rss", public_page(feeds.ArticleFeed()), name="feed_rss"),
    path("feed.atom", public_page(atom(feeds.ArticleFeed)()), name="feed_atom"),
    path("section/<slug:slug>/feed.rss", public_page(feeds.SectionFeed()), name="section_feed_rss"),
    path("section/<slug:slug>/feed.atom", public_page(atom(feeds.SectionFeed)()), name="section_feed_atom"),
    path("topic/<slug:slug>/feed.rss", public_page(feeds.TagFeed()), name="tag_feed_rss"),
    path("topic/<slug:slug>/feed.atom", public_page(atom(feeds.TagFeed)()), name="tag_feed_atom"),
    path("author/<slug:slug>/feed.rss", public_page(feeds.AuthorFeed()), name="author_feed_rss"),
    path("author/<slug:slug>/feed.atom", public_page(atom(feeds.AuthorFeed)()), name="author_feed_atom"),
    path("preview/<str:signed_token>/", views.PreviewLinkView.as_view(), name="preview"),
]

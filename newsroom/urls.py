from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from distribution.api import api as partner_api
from distribution.api import staff_docs
from jobs.views import worker_health
from newsroom.pagecache import public_page
from newsroom.views import healthz, readyz, robots_txt
from readership.views import count_view
from website.feeds import AllArticlesFeed, atom
from website.sitemaps import SITEMAPS, NewsSitemap

handler400 = "newsroom.views.bad_request"
handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")

urlpatterns = [
    # First: the most requested address (every article page load sends it), found at once.
    path("views/<int:article_id>", count_view, name="count_view"),
    # The admin's language buttons (newsroom.middleware.LanguageMiddleware reads the cookie); POST only.
    path("admin/language/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("healthz/worker", worker_health, name="healthz_worker"),
    path("sitemap.xml", public_page(sitemap_views.index), {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-news.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # The partner API (ninjs): for partners with a key; its docs for staff.
    path("api/v1/docs", staff_docs, name="api_docs"),
    path("api/v1/", partner_api.urls),
    # Every language's articles together; each language has its own feed under its prefix.
    path("feeds/all.rss", public_page(AllArticlesFeed()), name="feed_all_rss"),
    path("feeds/all.atom", public_page(atom(AllArticlesFeed)()), name="feed_all_atom"),
]

# The mail provider's webhooks: bounces and complaints (newsletters/tracking.py). Only a caller
# with ANYMAIL_WEBHOOK_SECRET gets in.
urlpatterns.append(path("anymail/", include("anymail.urls")))

# The public site in Russian at /, in Kazakh at /kk/ and in English at /en/.
urlpatterns += i18n_patterns(
    path("newsletters/", include("newsletters.urls")),
    path("", include("website.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

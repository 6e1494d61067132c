from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Paths search engines should not crawl: the admin, search results and preview links, in
# every language (they also answer noindex).
DISALLOWED = ["/admin/", "/search/", "/kk/search/", "/en/search/", "/preview/", "/kk/preview/", "/en/preview/"]


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    for name in ("sitemap_index", "sitemap_news"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

"""Public pages. Readers' querysets start from ``Article.objects.published()``.

The only other ways to an article are the staff preview (logged-in staff, limited to what the
admin lets them open) and a valid preview link; both answer ``noindex`` and are never cached.
"""

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView, ListView

from agencies.models import PromoBlock
from articles.models import Article
from articles.services import articles_for, preview_link_article


class ArticleListView(ListView):
    """The front page: the latest published articles, newest first."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_list()


def gone(request) -> TemplateResponse:
    """410 Gone: the article existed and was withdrawn by the editors."""
    return TemplateResponse(request, "410.html", status=410)


def preview_response(response):
    """Previews are for the people who asked for them: never cached, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            article = self.staff_preview()
            if article is not None:
                return preview_response(self.render_article(article, preview=True))
            if Article.objects.filter(slug=kwargs["slug"], status=Article.Status.WITHDRAWN).exists():
                return gone(request)
            raise

    def staff_preview(self) -> Article | None:
        user = self.request.user
        if not user.is_authenticated or not user.is_staff:
            return None
        return articles_for(user).for_detail().filter(slug=self.kwargs["slug"]).first()

    def render_article(self, article, *, preview):
        self.object = article
        return self.render_to_response(self.get_context_data(object=article, preview=preview))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["promo_blocks"] = PromoBlock.objects.filter(is_active=True)
        return context


class PreviewLinkView(ArticleDetailView):
    """An unpublished article through a signed, expiring, revocable link."""

    def get(self, request, *args, **kwargs):
        article = preview_link_article(kwargs["signed_token"])
        if article is None:
            raise Http404
        return preview_response(self.render_article(article, preview=True))

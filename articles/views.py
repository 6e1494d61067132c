"""Public pages. Every queryset starts from ``Article.objects.published()``."""

from django.conf import settings
from django.views.generic import DetailView, ListView

from agencies.models import PromoBlock
from articles.models import Article


class ArticleListView(ListView):
    """The front page: the latest published articles, newest first."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_list()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["promo_blocks"] = PromoBlock.objects.filter(is_active=True)
        return context

from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("preview/<str:signed_token>/", views.PreviewLinkView.as_view(), name="preview"),
]

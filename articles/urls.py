from django.urls import path, register_converter

from articles import views


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

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("topic/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("person/<slug:slug>/", views.PersonView.as_view(), name="person"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("country/<slug:slug>/", views.CountryView.as_view(), name="country"),
    path("source/<slug:slug>/", views.SourceView.as_view(), name="source"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.ArchiveDayView.as_view(), name="archive_day"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:signed_token>/", views.PreviewLinkView.as_view(), name="preview"),
]

"""The readers' newsletter addresses, under each language's prefix (/newsletters/, /kk/newsletters/):
signing up, confirming, one-click unsubscribe (RFC 8058) and the preferences page. None is cached:
each answers one reader."""

from django.urls import path

from newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:code>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/<int:newsletter_id>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]

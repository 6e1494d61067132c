"""A URLconf that serves the public site under /moved/ (tests/test_addresses.py)."""

from django.urls import include, path

urlpatterns = [path("moved/", include("website.urls"))]

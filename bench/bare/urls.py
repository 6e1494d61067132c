"""The bare project's one address: the constant page."""

from django.http import HttpResponse
from django.urls import path

from bench.floor import FLOOR_PAGE


def page(request):
    return HttpResponse(FLOOR_PAGE)


urlpatterns = [path("bench/floor/", page)]

"""The project's addresses, and first the constant page: as the bare project's only address is
(bench/bare), so the floor measures the middleware, not how far down the patterns it is found."""

from django.http import HttpResponse
from django.urls import path

from bench.floor import FLOOR_PAGE
from newsroom.urls import urlpatterns as project


def floor(request):
    return HttpResponse(FLOOR_PAGE)


urlpatterns = [path("bench/floor/", floor), *project]
handler400 = "newsroom.views.bad_request"
handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"

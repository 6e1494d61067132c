"""The readers' newsletter pages (newsletters/urls.py)."""

from django.http import HttpResponse


def subscribe(request):
    return HttpResponse("to do")


def confirm(request, code):
    return HttpResponse("to do")


def unsubscribe(request, token, newsletter_id):
    return HttpResponse("to do")


def preferences(request, token):
    return HttpResponse("to do")

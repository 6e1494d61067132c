"""The view beacon: a reader's page load of an article, counted (``count_view``)."""

import base64
import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from readership.readers import is_reader
from readership.services import view_record

# A transparent 1×1 GIF: the <noscript> pixel's answer.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
BEACON_TOKEN = re.compile(r"t=([0-9a-f]{16,64})")
LARGEST_ID = 2**63 - 1


@csrf_exempt
@require_http_methods(["GET", "POST"])
def count_view(request, article_id):
    """A reader's page load of an article: the page's beacon (``static/js/view-beacon.js``, a
    POST with the page load's token) or, without JavaScript, the ``<noscript>`` pixel (a GET).
    One Redis script or one upsert (``view_record``), no session and nothing else, so the page
    itself can be served by any cache. Crawlers and prefetches are not counted, nor a token
    seen before."""
    token = ""
    if request.method == "POST":  # the script sends exactly ?t=<token>: read without parsing a form
        found = BEACON_TOKEN.fullmatch(request.META.get("QUERY_STRING", ""))
        if found is None:
            return HttpResponseBadRequest("The beacon needs ?t=, the page load's token: 16 to 64 hexadecimal digits.\n")
        token = found[1]
    if article_id <= LARGEST_ID and is_reader(request):
        view_record(article_id=article_id, token=token)
    response = HttpResponse(PIXEL, content_type="image/gif") if request.method == "GET" else HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response

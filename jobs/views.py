"""``/healthz/worker``: whether a background worker has been seen lately (for monitoring; the
site itself never waits for the worker)."""

import datetime as dt

from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jobs.models import WorkerHeartbeat
from newsroom.middleware import RETRY_AFTER_SECONDS

SEEN_WITHIN = dt.timedelta(minutes=1)


@never_cache
def worker_health(request):
    """200 with the number of workers seen in the last minute, else 503."""
    try:
        seen = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - SEEN_WITHIN).count()
    except DatabaseError:
        response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if not seen:
        return HttpResponse("no worker seen in the last minute\n", content_type="text/plain", status=503)
    return HttpResponse(f"ok: {seen} worker(s) seen in the last minute\n", content_type="text/plain")

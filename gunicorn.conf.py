"""gunicorn settings for the newsroom (gunicorn -c gunicorn.conf.py newsroom.wsgi).

Every value can be overridden with an environment variable of the same name in capitals
(GUNICORN_WORKERS, GUNICORN_BIND, ...). Sync workers: each request has a process of its own,
and the database connection is kept between requests (CONN_MAX_AGE with health checks).
"""

import gc
import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
# A request that takes longer than this is killed and logged; readers never wait forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
# Request limits: a request line of 4 KB, 100 headers of 8 KB at most. Body size is limited by
# the reverse proxy (client_max_body_size) and by Django (IMAGE_MAX_UPLOAD_MB, DATA_UPLOAD_MAX_*).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Access log to stdout: remote address, request line, status, bytes, duration in microseconds.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = True


def when_ready(server):
    """Before the workers are forked: load what each would otherwise load on its first request
    (URL patterns, templates, the three languages' catalogues; nothing that opens a database
    connection), then move everything loaded so far out of the garbage collector's sight.

    A worker's full (oldest-generation) collection scanned all of Django's objects and took
    about 100 ms, which was the p99 of the list pages at a million articles (topic page, one
    request at a time: 122 ms; see docs/performance.md). Frozen objects are never scanned and,
    shared with the workers after the fork, their memory pages are not written by the
    collector either (https://docs.python.org/3/library/gc.html#gc.freeze).
    """
    if not server.cfg.preload_app:  # the application is loaded by each worker instead
        return
    from django.apps import apps
    from django.conf import settings

    if not apps.is_installed("articles"):  # the benchmark's bare Django project (bench/bare)
        gc.collect()
        gc.freeze()
        return
    from django.template.loader import get_template
    from django.urls import resolve, reverse
    from django.utils import translation

    resolve("/")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("articles:list")
            translation.gettext("Newsroom")
    for name in ("base.html", "articles/article_detail.html", "articles/article_list.html", "articles/search.html"):
        get_template(name)
    gc.collect()
    gc.freeze()

"""gunicorn settings for the newsroom (gunicorn -c gunicorn.conf.py newsroom.wsgi).

Every value can be overridden with an environment variable of the same name in capitals
(GUNICORN_WORKERS, GUNICORN_BIND, ...). Sync workers: each request has a process of its own,
and the database connection is kept between requests (CONN_MAX_AGE with health checks).
"""

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

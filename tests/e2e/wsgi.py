"""The application the browser tests' gunicorn serves: the project's own WSGI application, with
the uploaded media served beside it, as the reverse proxy serves MEDIA_ROOT in production
(docs/deploy.md). Static files come from the application itself (WhiteNoise), as in production.
Each answer names its server (``X-Test-Server``), so a test knows the page came from its own
gunicorn and not from another test's that took the same port first."""

import os

from django.conf import settings
from whitenoise import WhiteNoise

from newsroom.wsgi import application as newsroom

# autorefresh: files uploaded while the test runs are found (the proxy's behaviour, not a cache).
site = WhiteNoise(newsroom, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True)
SERVER_NAME = os.environ.get("E2E_SERVER_TOKEN", "")


def application(environ, start_response):
    def named(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Test-Server", SERVER_NAME)], exc_info)

    return site(environ, named)

"""The application the browser tests' gunicorn serves: the project's own WSGI application, with
the uploaded media served beside it, as the reverse proxy serves MEDIA_ROOT in production
(docs/deploy.md). Static files come from the application itself (WhiteNoise), as in production."""

from django.conf import settings
from whitenoise import WhiteNoise

from newsroom.wsgi import application as newsroom

# autorefresh: files uploaded while the test runs are found (the proxy's behaviour, not a cache).
application = WhiteNoise(newsroom, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True)

"""Public reads on a replica: when DATABASE_REPLICA_URL is set, the ``replica`` alias exists
and this router sends the reads of anonymous readers' pages there.

Only those: a view marked ``@public_page`` runs inside ``public_reads()`` for a reader without
a session. The admin, staff previews, preview links and every write (the view count included)
use the primary, so an editor always reads what they just saved. A replica that lags shows
readers a page a moment old, as a cached page would.
"""

import contextlib
import contextvars

from django.conf import settings

_public = contextvars.ContextVar("public_reads", default=False)

REPLICA = "replica"


@contextlib.contextmanager
def public_reads():
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


class PublicReadsRouter:
    def db_for_read(self, model, **hints):
        if _public.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"

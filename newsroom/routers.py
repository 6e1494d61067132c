"""Public reads on a replica: when DATABASE_REPLICA_URL is set, the ``replica`` alias exists
and this router sends the reads of anonymous readers' pages there.

Only those: a view marked ``@public_page`` runs inside ``public_reads()`` for a reader without
a session. The admin, staff previews, preview links and every write (the view count included)
use the primary, so an editor always reads what they just saved.

A replica that lags must not undo a change: a withdrawn article rendered from the replica after
the page cache forgot it would be stored and served again. So each change readers must see
(``newsroom.pagecache.pages_changed``, once committed) records the primary's WAL position
(``note_primary_position``), and readers' pages read the primary until the replica has replayed
up to it (``replica_has_replayed``: one cache read, and one small query on the replica until it
has caught up; a replica that cannot answer is not used).
"""

import contextlib
import contextvars

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

_public = contextvars.ContextVar("public_reads", default=False)

REPLICA = "replica"
POSITION_KEY = "replica:wait-for"  # the primary's WAL position after the latest change readers must see
_replayed: str | None = None  # the latest position this process saw the replica reach


def note_primary_position() -> None:
    """Record where the primary's WAL is now (after a committed change readers must see)."""
    if REPLICA not in settings.DATABASES or connections["default"].vendor != "postgresql":
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        cache.set(POSITION_KEY, cursor.fetchone()[0], None)


def replica_has_replayed() -> bool:
    """Whether the replica has replayed the latest change readers must see."""
    global _replayed
    if connections[REPLICA].vendor != "postgresql":
        return True
    position = cache.get(POSITION_KEY)
    if position is None or position == _replayed:
        return True
    try:
        with connections[REPLICA].cursor() as cursor:
            # On a server that is not a standby (a test's mirror) there is no replay to wait for.
            cursor.execute(
                "SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, NOT pg_is_in_recovery())", [position]
            )
            reached = bool(cursor.fetchone()[0])
    except DatabaseError:
        return False
    if reached:
        _replayed = position
    return reached


@contextlib.contextmanager
def public_reads():
    """Readers' reads on the replica, when there is one and it has caught up."""
    token = _public.set(REPLICA in settings.DATABASES and replica_has_replayed())
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

"""The incoming desk's background work: the periodic job that finds the sources due a poll, and
the queued task that polls one.

``poll_sources`` (settings.PERIODIC_JOBS, every INCOMING_POLL_SECONDS) claims each active source
whose ``next_poll_at`` has come (moving it an interval ahead, one UPDATE only one worker wins)
and queues ``poll_source`` for it in the same transaction. The task polls and records the outcome
on the source: a failure never raises into the worker (no retry of the worker's own: the source's
backoff is the one schedule), so one broken source only ever costs its own poll, which a timeout
bounds (INCOMING_TIMEOUT_SECONDS). A worker killed mid-poll leaves its task "running"; the worker
puts it back in the queue once that worker is seen dead, and the poll starts again from the last
committed cursor.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from incoming import services


def poll_sources() -> str:
    now = timezone.now()
    with transaction.atomic():
        claimed = services.sources_due(now=now)
        for source_id in claimed:
            poll_source.enqueue(source_id)
    return f"{len(claimed)} sources queued"


@task
def poll_source(source_id: int) -> str:
    return services.source_poll(source_id=source_id)

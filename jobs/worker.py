"""The background worker (``manage.py worker``): queued tasks and periodic jobs in one process.

Tasks are Django's (``django.tasks``: ``@task``, ``.enqueue()``), stored in the database by
django-tasks-db, so a task commits or rolls back with the rows it serves. Today's tasks send
Telegram posts and their edits and deletions (``distribution.tasks.send_telegram_post``,
``send_telegram_follow_up``), queued by the periodic job that plans them; a task that must wait
(a retry, Telegram's ``retry_after``) is queued again with ``run_after``, so the queue is the one
schedule. django-tasks-db's own ``db_worker`` runs tasks but has no retries, does not notice a
worker that died in the middle of a task, stops at the first database error and has no periodic
jobs; this worker adds those, on the same table:

- A task is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; on SQLite the
  claim is an exclusive transaction and one worker runs), so several workers never run one
  task twice.
- A task that raises is tried again later, after 10, 20, 40... seconds (``TASK_RETRY_SECONDS``,
  doubling), up to ``TASK_MAX_ATTEMPTS``; then it stays failed, with its error, in the admin's
  "Background jobs" list, where an editor can retry it. So a task must be safe to run again
  (a Telegram task only sends for a row still pending: a second run finds it sent or in doubt).
- Each worker beats in ``WorkerHeartbeat`` from a thread, also while a long task runs. A task
  left "running" by a worker not seen for ``WORKER_STALE_SECONDS`` (killed with SIGKILL, its
  machine gone) goes back to the queue; a live worker's task is never taken from it.
- Periodic jobs (``settings.PERIODIC_JOBS``: dotted path -> seconds) run in the worker itself:
  the worker that locks a due job's row runs it, so several workers never run one twice. One
  of them (``jobs.tasks.prune_task_results``) deletes finished tasks after ``TASK_KEEP_DAYS``,
  failed ones after ``TASK_KEEP_FAILED_DAYS``.
- SIGTERM or Ctrl+C: the task in hand is finished, then the worker stops; a second signal
  puts the task back in the queue and stops at once.
- While the database is away the worker says so once, waits and tries again; an outcome it
  could not record is recorded when the database is back.
"""

import datetime as dt
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import Min
from django.tasks.base import TaskContext, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jobs.models import PeriodicJob, WorkerHeartbeat

log = logging.getLogger("jobs")

DATABASE_ERRORS = (OperationalError, InterfaceError)
HEARTBEAT_SECONDS = 5


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt of a task that failed ``attempts`` times: 10, 20, 40..."""
    return settings.TASK_RETRY_SECONDS * 2 ** (attempts - 1)


class Stop(BaseException):
    """Raised inside the task in hand by a second SIGTERM: put it back and stop now. (Not an
    ``Exception``, so a task's own ``except Exception`` does not swallow it.)"""


class Worker:
    def __init__(self, *, worker_id: str | None = None, queues=("default",), backend: str = "default", interval=1.0):
        self.worker_id = worker_id or f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        self.queues = list(queues)
        self.backend = backend
        self.interval = interval
        self.running = True
        self.in_task = False
        self.unrecorded: list[Callable[[], None]] = []  # outcomes waiting for the database
        self.database_down = False
        self.last_stale_check = 0.0
        self.periodic_due_at: dt.datetime | None = None  # no periodic job is due before then
        self._beat = threading.Event()

    # -- Life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Register the periodic jobs and this worker; while the database is away (a restart
        as the worker starts), wait for it like the main loop does rather than exit."""
        waiting = False
        while self.running:
            try:
                self.sync_periodic_jobs()
                now = timezone.now()
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=self.worker_id,
                    defaults={
                        "hostname": socket.gethostname()[:255],
                        "pid": os.getpid(),
                        "started_at": now,
                        "seen_at": now,
                    },
                )
                break
            except DATABASE_ERRORS as error:
                if not waiting:
                    log.warning(
                        "database unavailable at start (%s); the worker waits and retries", type(error).__name__
                    )
                    waiting = True
                connection.close()
                self.sleep(1)
        threading.Thread(target=self.heartbeat, name="heartbeat", daemon=True).start()
        log.info(
            "worker %s started: tasks from queue %s (a failing task tried %d times in all); periodic jobs: %s",
            self.worker_id,
            ", ".join(self.queues),
            settings.TASK_MAX_ATTEMPTS,
            ", ".join(f"{name} every {seconds} s" for name, seconds in self.periodic_jobs().items()),
        )

    def run(self) -> None:
        """Until stopped: periodic jobs when due, the queue's tasks one at a time."""
        self.start()
        backoff = 1
        try:
            while self.running:
                try:
                    busy = self.run_once()
                    if self.database_down:
                        log.warning("database is back; the worker carries on")
                        self.database_down = False
                    backoff = 1
                except DATABASE_ERRORS as error:
                    if not self.database_down:
                        log.warning("database unavailable (%s); the worker waits and retries", type(error).__name__)
                        self.database_down = True
                    connection.close()
                    self.sleep(backoff)
                    backoff = min(backoff * 2, 5)
                    continue
                if not busy:
                    self.sleep(self.interval)
        finally:
            self._beat.set()
            self.forget_heartbeat()
            log.info("worker %s stopped", self.worker_id)

    def run_once(self) -> bool:
        """One pass; True when it ran a task (then there may be more, so no pause)."""
        if not connection.in_atomic_block:  # (a test's transaction is kept open)
            close_old_connections()  # connections past CONN_MAX_AGE or broken: a fresh one
        self.record_outcomes()
        self.run_due_periodic_jobs()
        if time.monotonic() - self.last_stale_check >= settings.WORKER_STALE_SECONDS / 4:
            self.requeue_abandoned()
            self.last_stale_check = time.monotonic()
        row = self.claim() if self.running else None
        if row is None:
            return False
        self.run_task(row)
        return True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.1, deadline - time.monotonic()))

    def stop(self, signum, frame) -> None:
        if self.in_task and not self.running:
            log.warning("%s again: putting the task in hand back in the queue and stopping", signal.strsignal(signum))
            raise Stop
        self.running = False
        if self.in_task:
            log.warning("%s: finishing the task in hand, then stopping", signal.strsignal(signum))

    def handle_signals(self) -> None:
        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), self.stop)

    def heartbeat(self) -> None:
        """Thread: tell the others this worker is alive, every few seconds (own connection)."""
        while not self._beat.wait(HEARTBEAT_SECONDS):
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=timezone.now())
            except DATABASE_ERRORS:
                connection.close()  # this thread's connection; the main loop reports the outage
        connection.close()

    def forget_heartbeat(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_ERRORS:
            pass  # it will look dead after WORKER_STALE_SECONDS anyway

    # -- Queued tasks -------------------------------------------------------------------------

    def claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend, queue_name__in=self.queues)
        try:
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):  # SQLite: another writer; try again later
                return None
            raise
        return row

    def run_task(self, row: DBTaskResult) -> None:
        started = time.monotonic()
        self.in_task = True
        try:
            task = row.task
            result = row.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
            value = (
                task.call(TaskContext(task_result=result), *args, **kwargs)
                if task.takes_context
                else task.call(*args, **kwargs)
            )
        except Stop:
            self.record(lambda: release(row), row)
            self.running = False
            return
        except Exception as error:
            # The outcome may be written later (the database away): bind the error now.
            self.record(lambda failure=error: self.failed(row, failure), row)
            return
        finally:
            self.in_task = False
        milliseconds = (time.monotonic() - started) * 1000
        self.record(lambda: row.set_successful(value), row)  # noqa: B023 (value is set once)
        log.info("task %s %s done in %.0f ms (attempt %d)", row.task_name, row.id, milliseconds, len(row.worker_ids))
        try:
            task_finished.send(sender=type(task.get_backend()), task_result=row.task_result)
        except Exception:
            log.exception("a task_finished receiver failed")

    def failed(self, row: DBTaskResult, error: Exception) -> None:
        """Try again later, or, after the last attempt, keep it failed with its error."""
        attempts = len(row.worker_ids)
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            row.set_failed(error)
            log.error("task %s %s failed for good after %d attempts: %r", row.task_name, row.id, attempts, error)
            return
        delay = retry_delay(attempts)
        row.status = TaskResultStatus.READY
        row.run_after = timezone.now() + dt.timedelta(seconds=delay)
        row.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
        row.traceback = "".join(traceback.format_exception(error))
        row.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])
        log.warning(
            "task %s %s failed (attempt %d of %d): %r; next attempt in %d s",
            row.task_name,
            row.id,
            attempts,
            settings.TASK_MAX_ATTEMPTS,
            error,
            delay,
        )

    def record(self, write: Callable[[], None], row: DBTaskResult) -> None:
        """Write a task's outcome; if the database is away, keep it until it is back."""
        try:
            write()
        except DATABASE_ERRORS:
            log.warning("could not record the outcome of task %s yet; will retry", row.id)
            connection.close()
            self.unrecorded.append(write)

    def record_outcomes(self) -> None:
        while self.unrecorded:
            self.unrecorded[0]()
            self.unrecorded.pop(0)

    def requeue_abandoned(self) -> int:
        """Tasks "running" on a worker not seen for ``WORKER_STALE_SECONDS`` (it died): back to
        the queue, or failed if that was their last attempt."""
        cutoff = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
        alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
        requeued = 0
        with transaction.atomic():
            for row in DBTaskResult.objects.running().select_for_update(skip_locked=True):
                owner = row.worker_ids[-1] if row.worker_ids else None
                if owner in alive:
                    continue
                if len(row.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                    row.set_failed(RuntimeError(f"worker {owner} stopped answering while running it"))
                    log.error("task %s %s failed for good: its worker %s died", row.task_name, row.id, owner)
                    continue
                release(row)
                requeued += 1
                log.warning(
                    "task %s %s: its worker %s is not seen since %s; back in the queue",
                    row.task_name,
                    row.id,
                    owner,
                    cutoff,
                )
        WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
        return requeued

    # -- Periodic jobs ------------------------------------------------------------------------

    def periodic_jobs(self) -> dict[str, int]:
        return {name: seconds for name, seconds in settings.PERIODIC_JOBS.items() if seconds}

    def sync_periodic_jobs(self) -> None:
        jobs = self.periodic_jobs()
        for name, seconds in jobs.items():
            PeriodicJob.objects.get_or_create(name=name, defaults={"interval_seconds": seconds})
            PeriodicJob.objects.filter(name=name).exclude(interval_seconds=seconds).update(interval_seconds=seconds)

    def run_due_periodic_jobs(self) -> None:
        """Run the jobs that are due. Between tasks this is asked every time, so it looks in the
        database only once the soonest job it knows of is due (another worker running a job
        only moves it later); a Telegram burst's tasks ran 24 ms slower each when it looked
        every time (bench/telegram_delivery.py)."""
        jobs = self.periodic_jobs()
        if self.periodic_due_at is not None and timezone.now() < self.periodic_due_at:
            return
        for name, seconds in jobs.items():
            now = timezone.now()
            with transaction.atomic():
                job = (
                    PeriodicJob.objects.select_for_update(skip_locked=True)
                    .filter(name=name, next_run_at__lte=now)
                    .first()
                )
                if job is None:
                    continue
                PeriodicJob.objects.filter(name=name).update(next_run_at=now + dt.timedelta(seconds=seconds))
            self.run_periodic_job(name, now)
        self.periodic_due_at = PeriodicJob.objects.filter(name__in=jobs).aggregate(due=Min("next_run_at"))["due"]

    def run_periodic_job(self, name: str, now: dt.datetime) -> None:
        started = time.monotonic()
        result, error = "", ""
        try:
            result = str(import_string(name)())[:200]
        except DATABASE_ERRORS:
            raise  # the loop waits for the database; the job runs again when due
        except Exception as failure:
            error = "".join(traceback.format_exception(failure))[-4000:]
        milliseconds = round((time.monotonic() - started) * 1000)
        PeriodicJob.objects.filter(name=name).update(
            last_run_at=now,
            last_duration_ms=milliseconds,
            last_result=result,
            last_error=error,
            last_worker=self.worker_id,
        )
        if error:
            log.error("periodic %s failed in %d ms: %s", name, milliseconds, error.strip().splitlines()[-1])
        else:
            log.info("periodic %s: %s in %d ms", name, result, milliseconds)


def release(row: DBTaskResult) -> None:
    """Put a claimed task back in the queue, now (its attempt stays counted)."""
    row.status = TaskResultStatus.READY
    row.run_after = timezone.now()
    row.save(update_fields=["status", "run_after"])


def run_worker(**options) -> None:
    worker = Worker(**options)
    worker.handle_signals()
    worker.run()
    sys.exit(0)

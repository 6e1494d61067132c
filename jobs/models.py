"""What the background worker keeps in the database: who is alive, the periodic jobs' schedule
and last outcome, and (a proxy of django-tasks-db's table) the queued tasks for the admin."""

import datetime as dt

from django.db import models
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet


class WorkerHeartbeat(models.Model):
    """A running worker process. A thread of the worker updates ``seen_at`` every few seconds,
    also while a long task runs; a worker not seen for ``WORKER_STALE_SECONDS`` is dead, and
    the task it was running goes back to the queue."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.hostname}:{self.pid}"


class PeriodicJob(models.Model):
    """A job the worker runs every ``interval_seconds`` (``settings.PERIODIC_JOBS``). Whichever
    worker locks the row when it is due runs it, so several workers never run it twice."""

    name = models.CharField(_("job"), max_length=200, primary_key=True, help_text=_("The function's dotted path."))
    interval_seconds = models.PositiveIntegerField(_("every (seconds)"))
    next_run_at = models.DateTimeField(_("next run"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_worker = models.CharField(_("last worker"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BackgroundJobQuerySet(DBTaskResultQuerySet):
    def recent(self):
        """What an editor needs to see: everything not finished, and what finished in the last day."""
        day_ago = timezone.now() - dt.timedelta(days=1)
        finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        return self.exclude(status__in=finished) | self.filter(status__in=finished, finished_at__gte=day_ago)


class BackgroundJob(DBTaskResult):
    """A queued task (django-tasks-db's row), as the admin's "Background jobs" list shows it."""

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        permissions = [("retry_backgroundjob", _("Can retry failed background jobs"))]

    def __str__(self):
        # From the stored path: resolving the task (``task_name``) needs its backend configured.
        return f"{self.task_path.rsplit('.', 1)[-1]} ({self.id})"

    @property
    def attempts(self) -> int:
        return len(self.worker_ids)

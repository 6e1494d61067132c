"""The worker's own periodic job (settings.PERIODIC_JOBS): old rows of the task queue deleted."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def prune_task_results() -> str:
    """Delete tasks that finished well more than TASK_KEEP_DAYS ago, and failed ones more than
    TASK_KEEP_FAILED_DAYS ago (kept longer: someone may still look at why). Queued and running
    tasks are never touched."""
    now = timezone.now()
    done_days, failed_days = settings.TASK_KEEP_DAYS, settings.TASK_KEEP_FAILED_DAYS
    done, _ = DBTaskResult.objects.successful().filter(finished_at__lt=now - dt.timedelta(days=done_days)).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=now - dt.timedelta(days=failed_days)).delete()
    return f"deleted: {done} done over {done_days} days ago, {failed} failed over {failed_days} days ago"

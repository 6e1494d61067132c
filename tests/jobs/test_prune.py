"""Old rows of the task queue are deleted by the worker's periodic job (jobs/tasks.py): done
tasks after TASK_KEEP_DAYS, failed ones after TASK_KEEP_FAILED_DAYS; queued and running tasks
never."""

import datetime as dt

import pytest
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.tasks import prune_task_results
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db


def task_row(status: str, *, finished_days_ago: float | None) -> DBTaskResult:
    now = timezone.now()
    finished = now - dt.timedelta(days=finished_days_ago) if finished_days_ago is not None else None
    return DBTaskResult.objects.create(
        task_path="tests.jobs.tasks.write_mark",
        args_kwargs={"args": ["/dev/null"], "kwargs": {}},
        backend_name="default",
        status=status,
        run_after=now - dt.timedelta(days=60),
        finished_at=finished,
    )


def remaining() -> set:
    return set(DBTaskResult.objects.values_list("id", flat=True))


def test_done_tasks_go_after_a_week_and_failed_ones_after_a_month_by_default(settings):
    assert (settings.TASK_KEEP_DAYS, settings.TASK_KEEP_FAILED_DAYS) == (7, 30)  # the documented defaults
    kept = {
        task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=6.9).id,
        task_row(TaskResultStatus.FAILED, finished_days_ago=8).id,  # failed: kept longer
        task_row(TaskResultStatus.FAILED, finished_days_ago=29.9).id,
        task_row(TaskResultStatus.READY, finished_days_ago=None).id,  # queued 60 days ago, still waiting
        task_row(TaskResultStatus.RUNNING, finished_days_ago=None).id,
    }
    task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=7.1)
    task_row(TaskResultStatus.FAILED, finished_days_ago=30.1)

    assert prune_task_results() == "deleted: 1 done over 7 days ago, 1 failed over 30 days ago"
    assert remaining() == kept


def test_how_long_tasks_are_kept_is_set_in_days(settings):
    settings.TASK_KEEP_DAYS = 1
    settings.TASK_KEEP_FAILED_DAYS = 3
    kept = {task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=0.9).id}
    kept.add(task_row(TaskResultStatus.FAILED, finished_days_ago=2.9).id)
    task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=1.1)
    task_row(TaskResultStatus.FAILED, finished_days_ago=3.1)

    assert prune_task_results() == "deleted: 1 done over 1 days ago, 1 failed over 3 days ago"
    assert remaining() == kept


@pytest.mark.django_db(transaction=True)
def test_the_worker_prunes_on_its_schedule_with_the_days_from_its_environment(workers):
    kept = task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=1).id
    task_row(TaskResultStatus.SUCCESSFUL, finished_days_ago=3)
    worker = workers(TASK_KEEP_DAYS="2")
    wait_for(lambda: remaining() == {kept}, what="the prune")
    line = "periodic jobs.tasks.prune_task_results: deleted: 1 done over 2 days ago"
    wait_for(lambda: line in worker.text(), what="the log line")
    assert worker.stop() == 0

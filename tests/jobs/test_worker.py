"""The background worker (jobs/worker.py): the real ``manage.py worker`` process against the real
queue in the test database, and its failure behaviour: retries, a killed worker, SIGTERM,
several workers, a lost database connection, the periodic view-count flush."""

import datetime as dt
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection
from django.tasks.base import TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from jobs.models import BackgroundJob, PeriodicJob, WorkerHeartbeat
from jobs.worker import Worker
from readership import buffer as views_buffer
from tests.conftest import wait_for
from tests.factories import ArticleFactory, UserFactory
from tests.jobs.tasks import fail_first, slow, write_mark

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several workers at once need row locks (SKIP LOCKED): PostgreSQL"
)


@pytest.fixture
def queue(settings):
    """The real queue: tasks are rows in the test database, for a worker to take."""
    settings.TASKS = DATABASE_BACKEND


def marks(path: Path) -> list[tuple[str, int, float]]:
    if not path.exists():
        return []
    return [(what, int(pid), float(at)) for what, pid, at in (line.split() for line in path.read_text().splitlines())]


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_a_queued_task_and_stops_cleanly_on_sigterm(queue, workers, tmp_path):
    path = tmp_path / "marks.txt"
    result = write_mark.enqueue(str(path), "из-очереди")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    worker = workers()
    wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL, what="the task")
    assert marks(path)[0][0] == "из-очереди"  # the task ran in the worker's process, not in the test's
    assert marks(path)[0][1] == worker.process.pid
    wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="worker").exists(), what="the heartbeat")
    assert worker.stop() == 0
    log = worker.text()
    assert "task write_mark" in log and "done in" in log and "worker worker stopped" in log
    assert not WorkerHeartbeat.objects.filter(worker_id="worker").exists()


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_task_in_hand_finish(queue, workers, tmp_path):
    path = tmp_path / "marks.txt"
    result = slow.enqueue(str(path), 2)
    worker = workers()
    wait_for(lambda: marks(path), what="the task to start")
    assert worker.stop() == 0  # one SIGTERM: a second one would put the task back and stop at once
    assert [what for what, _pid, _at in marks(path)] == ["start", "end"]
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    assert "finishing the task in hand" in worker.text()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_it_to_another_and_it_never_runs_twice_at_once(queue, workers, tmp_path):
    path = tmp_path / "marks.txt"
    result = slow.enqueue(str(path), 3)
    first = workers("first", WORKER_STALE_SECONDS="3")
    wait_for(lambda: marks(path), what="the task to start")
    first.stop(signal.SIGKILL)
    killed_at = time.time()
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.RUNNING  # left behind

    second = workers("second", WORKER_STALE_SECONDS="3")
    wait_for(
        lambda: DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL,
        timeout=40,
        what="the second worker to run the task",
    )
    runs = marks(path)
    assert [(what, pid) for what, pid, _at in runs] == [
        ("start", first.process.pid),  # and never its end: it was killed
        ("start", second.process.pid),
        ("end", second.process.pid),
    ]
    assert runs[1][2] > killed_at  # taken over only after the first was gone
    assert DBTaskResult.objects.get(id=result.id).worker_ids == ["first", "second"]
    assert "back in the queue" in second.text()
    second.stop()


def test_a_failing_task_is_retried_with_backoff_then_kept_failed_and_an_editor_retries_it(
    queue, settings, tmp_path, time_machine, client, db
):
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 10
    path = tmp_path / "runs.txt"
    result = fail_first.enqueue(str(path), 3)
    worker = Worker(worker_id="in-test")
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), tick=False)

    def row():
        return DBTaskResult.objects.get(id=result.id)

    assert worker.run_once()
    assert (row().status, row().run_after) == ("READY", dt.datetime(2026, 11, 30, 12, 0, 10, tzinfo=dt.UTC))
    assert row().exception_class_path == "builtins.ConnectionError"  # the last error, shown while it waits
    assert not worker.run_once()  # not before its time
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, 11, tzinfo=dt.UTC), tick=False)
    assert worker.run_once()
    assert row().run_after == dt.datetime(2026, 11, 30, 12, 0, 31, tzinfo=dt.UTC)  # 20 s: the delay doubles
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, 32, tzinfo=dt.UTC), tick=False)
    assert worker.run_once()
    failed = row()
    assert failed.status == "FAILED" and len(failed.worker_ids) == 3
    assert "the partner's server refused (run 3)" in failed.traceback

    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    listing = client.get(reverse("admin:jobs_backgroundjob_changelist")).content.decode()
    assert "tests.jobs.tasks.fail_first" in listing and "Сбой" in listing and "ConnectionError" in listing
    detail = client.get(reverse("admin:jobs_backgroundjob_change", args=[result.id])).content.decode()
    assert "the partner&#x27;s server refused (run 3)" in detail
    response = client.post(
        reverse("admin:jobs_backgroundjob_changelist"),
        {"action": "retry", "_selected_action": [result.id]},
        follow=True,
    )
    assert "Снова в очереди: 1." in response.content.decode()
    assert worker.run_once()
    assert row().status == "SUCCESSFUL" and row().return_value == "finally"


def test_between_tasks_the_worker_looks_at_the_periodic_jobs_only_when_one_is_due(
    queue, settings, tmp_path, time_machine, db
):
    settings.PERIODIC_JOBS = {"jobs.tasks.prune_task_results": 3600}
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), tick=False)
    worker = Worker(worker_id="in-test")
    worker.sync_periodic_jobs()
    assert not worker.run_once()  # no task; the job was due: it ran
    assert PeriodicJob.objects.get().last_run_at == dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    for n in range(3):
        write_mark.enqueue(str(tmp_path / "marks.txt"), f"task-{n}")
    with CaptureQueriesContext(connection) as queries:
        while worker.run_once():
            pass
    assert len(marks(tmp_path / "marks.txt")) == 3
    assert not [query for query in queries if "jobs_periodicjob" in query["sql"]]  # an hour before it is due

    time_machine.move_to(dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC), tick=False)
    worker.run_once()
    assert PeriodicJob.objects.get().last_run_at == dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC)


def test_journalists_see_no_background_jobs_and_nobody_edits_them(client, db):
    journalist = UserFactory(username="journalist")
    journalist.groups.add(Group.objects.get(name="Journalist"))
    client.force_login(journalist)
    assert client.get(reverse("admin:jobs_backgroundjob_changelist")).status_code == 403
    client.force_login(UserFactory(username="boss", is_superuser=True))
    assert client.get(reverse("admin:jobs_backgroundjob_add")).status_code == 403


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_each_task_once(queue, workers, tmp_path):
    path = tmp_path / "marks.txt"
    first, second = workers("first"), workers("second")
    # Both alive before the tasks arrive: a worker that starts a second late on a busy machine
    # would otherwise find the queue already emptied by the other.
    wait_for(lambda: WorkerHeartbeat.objects.count() >= 2, what="both workers' heartbeats")
    results = [write_mark.enqueue(str(path), f"task-{n}") for n in range(40)]
    wait_for(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(results),
        what="all the tasks",
    )
    done = marks(path)
    assert sorted(what for what, _pid, _at in done) == sorted(f"task-{n}" for n in range(40))  # each once
    assert {pid for _what, pid, _at in done} == {first.process.pid, second.process.pid}  # both worked
    assert all(len(row.worker_ids) == 1 for row in DBTaskResult.objects.all())
    first.stop()
    second.stop()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_periodic_job_runs_once_per_interval_however_many_workers(queue, workers, tmp_path):
    env = {"VIEW_COUNT_FLUSH_SECONDS": "1"}
    first, second = workers("first", **env), workers("second", **env)

    def runs() -> list[dt.datetime]:
        """When either worker ran the job (its log lines' times), in order."""
        lines = (first.text() + second.text()).splitlines()
        found = [line[:23] for line in lines if "periodic readership.tasks.flush_view_counts" in line]
        # Both logs are in this machine's zone: only the gaps between the times matter.
        return sorted(dt.datetime.strptime(moment, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=dt.UTC) for moment in found)

    wait_for(lambda: len(runs()) >= 6, what="six runs of the job")
    first.stop()
    second.stop()
    times = runs()
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) > 0.8, gaps  # once an interval (1 s), never by both workers at once


@pytest.mark.django_db(transaction=True)
def test_a_worker_started_while_the_database_restarts_waits_for_it(monkeypatch, caplog):
    """The database is away for the worker's first two tries at registering its periodic
    jobs (a restart as it starts; this crashed the worker): it waits and starts."""
    tries = []
    real = Worker.sync_periodic_jobs

    def flaky(self):
        tries.append(1)
        if len(tries) <= 2:
            raise OperationalError("server closed the connection unexpectedly")
        real(self)

    monkeypatch.setattr(Worker, "sync_periodic_jobs", flaky)
    worker = Worker(worker_id="starting", interval=0.1)
    try:
        worker.start()
    finally:
        worker._beat.set()  # the heartbeat thread stops
    assert len(tries) == 3
    assert WorkerHeartbeat.objects.filter(worker_id="starting").exists()
    assert "database unavailable at start (OperationalError); the worker waits and retries" in caplog.text


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_carries_on_when_the_database_drops_its_connections(queue, workers, tmp_path):
    path = tmp_path / "marks.txt"
    worker = workers()
    wait_for(lambda: WorkerHeartbeat.objects.exists(), what="the worker")
    with connection.cursor() as cursor:  # what a database restart does to the worker's connections
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    result = write_mark.enqueue(str(path), "после-обрыва")
    wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL, what="the task")
    assert worker.process.poll() is None  # no restart by hand
    assert worker.stop() == 0


@pytest.mark.django_db(transaction=True)
def test_buffered_views_reach_the_database_when_readers_stop(workers, tmp_path, settings, client):
    """500 views wait in Redis; nobody reads any more; the worker writes them within the
    flush interval, and the admin shows them then."""
    prefix = f"test-{uuid.uuid4().hex}"
    redis_url = "redis://127.0.0.1:6379/14"
    settings.CACHES = {"default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    settings.VIEW_COUNT_FLUSH_SECONDS = 60  # readers in this process never flush
    article = ArticleFactory()
    redis = views_buffer.redis_client()
    for _ in range(500):
        views_buffer.record(redis, article.pk)
    assert Article.objects.get(pk=article.pk).view_count == 1  # the first reader's view was flushed
    worker = workers(REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix, VIEW_COUNT_FLUSH_SECONDS="1")
    # How soon is measured by bench/views_after_silence.py, not here.
    wait_for(lambda: Article.objects.get(pk=article.pk).view_count == 500, what="the worker's flush")
    assert views_buffer.pending([article.pk]) == {}
    client.force_login(UserFactory(username="boss", is_superuser=True))
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert '<td class="field-views">500</td>' in listing
    # The log line follows the commit the test just saw: wait for it too.
    wait_for(lambda: "periodic readership.tasks.flush_view_counts: 499 views written" in worker.text(), what="the log")
    worker.stop()
    redis.delete(*redis.keys(f"{prefix}:*") or ["none"])


def test_the_worker_health_check(client, db):
    assert client.get("/healthz/worker").status_code == 503
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="host", pid=1, started_at=dt.datetime.now(dt.UTC), seen_at=dt.datetime.now(dt.UTC)
    )
    response = client.get("/healthz/worker")
    assert response.status_code == 200 and "1 worker" in response.content.decode()
    WorkerHeartbeat.objects.update(seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    assert client.get("/healthz/worker").status_code == 503


def test_readers_never_wait_for_the_worker_a_scheduled_article_appears_on_time(queue, db, client, time_machine):
    """With no worker running at all, a scheduled article appears at its second: publication
    is decided when the page is asked for, never by a job."""
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), tick=False)
    article = ArticleFactory(publish_at=dt.datetime(2026, 11, 30, 12, 0, 30, tzinfo=dt.UTC))
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, 30, tzinfo=dt.UTC), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert not BackgroundJob.objects.exists() and not WorkerHeartbeat.objects.exists()

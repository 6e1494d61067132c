"""The admin's "Background jobs": queued, running, failed and recently done tasks (today: the
Telegram sends, each with its post's or follow-up's id and what came of it; read-only, with a
retry action for failed ones), the periodic jobs and the workers seen."""

import json

from django.contrib import admin, messages
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from jobs.models import BackgroundJob, PeriodicJob, WorkerHeartbeat
from newsroom.admin import AdminNames, AdminNamesMixin

# django-tasks-db's own admin shows the same rows with everything editable; ours replaces it.
admin.site.unregister(DBTaskResult)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the worker writes: people look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M:%S") if value else "—"


STATUS_LABELS = {
    TaskResultStatus.READY: _("Queued"),
    TaskResultStatus.RUNNING: _("Running"),
    TaskResultStatus.FAILED: _("Failed"),
    TaskResultStatus.SUCCESSFUL: _("Done"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() in STATUS_LABELS else queryset


@admin.register(BackgroundJob)
class BackgroundJobAdmin(AdminNamesMixin, ReadOnlyAdmin):
    names = AdminNames(
        add=_("Add background job"),
        change=_("Change background job"),
        view=_("View background job"),
        select=_("Select background job to change"),
        select_view=_("Select background job to view"),
        choose=_("Select background job"),
        added=_("The background job “{obj}” was added."),
        changed=_("The background job “{obj}” was changed."),
        deleted=_("The background job “{obj}” was deleted."),
    )
    list_display = ["task", "arguments", "state", "attempts", "queued", "run_after_time", "finished", "result", "error"]
    list_filter = [StatusFilter]
    search_fields = ["task_path", "exception_class_path"]
    ordering = ["-enqueued_at"]
    actions = ["retry"]
    fields = [
        "task",
        "state",
        "attempts",
        "queue_name",
        "queued",
        "run_after_time",
        "started",
        "finished",
        "arguments",
        "return_value",
        "exception_class_path",
        "traceback",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return BackgroundJob.objects.recent()

    @admin.display(ordering="task_path", description=_("task"))
    def task(self, job):
        return job.task_path

    @admin.display(ordering="status", description=_("status"))
    def state(self, job):
        return format_html('<span class="job-state job-{}">{}</span>', job.status.lower(), STATUS_LABELS[job.status])

    @admin.display(description=_("attempts"))
    def attempts(self, job):
        return job.attempts

    @admin.display(ordering="enqueued_at", description=_("queued at"))
    def queued(self, job):
        return local_time(job.enqueued_at)

    @admin.display(ordering="started_at", description=_("started at"))
    def started(self, job):
        return local_time(job.started_at)

    @admin.display(ordering="finished_at", description=_("finished at"))
    def finished(self, job):
        return local_time(job.finished_at)

    @admin.display(ordering="run_after", description=_("next attempt"))
    def run_after_time(self, job):
        if job.status != TaskResultStatus.READY or job.run_after.year >= 9999:
            return "—"
        return local_time(job.run_after)

    @admin.display(description=_("arguments"))
    def arguments(self, job):
        args = [json.dumps(value, ensure_ascii=False) for value in job.args_kwargs.get("args", [])]
        kwargs = [
            f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in job.args_kwargs.get("kwargs", {}).items()
        ]
        return ", ".join(args + kwargs) or "—"

    @admin.display(description=_("result"))
    def result(self, job):
        """What the task said it did (a Telegram task: "sent (message 123)", "waits until …")."""
        if job.return_value in (None, ""):
            return "—"
        value = job.return_value
        return Truncator(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).chars(120)

    @admin.display(ordering="exception_class_path", description=_("last error"))
    def error(self, job):
        return job.exception_class_path.rsplit(".", 1)[-1] or "—"

    def has_retry_permission(self, request):
        return request.user.has_perm("jobs.retry_backgroundjob")

    @admin.action(permissions=["retry"], description=_("Retry now"))
    def retry(self, request, queryset):
        """Failed jobs back in the queue, at once, with a fresh count of attempts."""
        retried = queryset.filter(status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now(),
            worker_ids=[],
            finished_at=None,
        )
        self.message_user(request, _("Back in the queue: %(count)d.") % {"count": retried}, messages.SUCCESS)


@admin.register(PeriodicJob)
class PeriodicJobAdmin(AdminNamesMixin, ReadOnlyAdmin):
    names = AdminNames(
        add=_("Add periodic job"),
        change=_("Change periodic job"),
        view=_("View periodic job"),
        select=_("Select periodic job to change"),
        select_view=_("Select periodic job to view"),
        choose=_("Select periodic job"),
        added=_("The periodic job “{obj}” was added."),
        changed=_("The periodic job “{obj}” was changed."),
        deleted=_("The periodic job “{obj}” was deleted."),
    )
    list_display = [
        "name",
        "interval_seconds",
        "last_run_at",
        "last_duration_ms",
        "last_result",
        "failed",
        "next_run_at",
    ]

    @admin.display(boolean=True, description=_("last run failed"))
    def failed(self, job):
        return bool(job.last_error)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AdminNamesMixin, ReadOnlyAdmin):
    names = AdminNames(
        add=_("Add worker"),
        change=_("Change worker"),
        view=_("View worker"),
        select=_("Select worker to change"),
        select_view=_("Select worker to view"),
        choose=_("Select worker"),
        added=_("The worker “{obj}” was added."),
        changed=_("The worker “{obj}” was changed."),
        deleted=_("The worker “{obj}” was deleted."),
    )
    list_display = ["worker_id", "hostname", "pid", "started_at", "seen_at"]

from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created


@checks.register(checks.Tags.caches, deploy=True)
def page_cache_needs_a_shared_cache(app_configs, **kwargs):
    """``check --deploy``: with the in-process cache, each gunicorn worker keeps its own pages,
    and an edit forgets them only in the worker that saved it."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PAGE_CACHE_SECONDS and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "Pages are cached in each worker's memory: with more than one worker, readers of "
                "other workers see an edit only after PAGE_CACHE_SECONDS.",
                hint="Set REDIS_URL (a shared cache), or PAGE_CACHE_SECONDS=0, or run one worker.",
                id="newsroom.W001",
            )
        ]
    return []


class NewsroomConfig(AppConfig):
    """The project package as an app: project-wide templates, static files and database tweaks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from newsroom.db import sqlite_unicode_case_folding

        connection_created.connect(sqlite_unicode_case_folding, dispatch_uid="newsroom.sqlite_unicode_case_folding")

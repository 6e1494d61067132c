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


@checks.register(checks.Tags.files, deploy=True)
def media_bucket_answers(app_configs, **kwargs):
    """``check --deploy``: with media on S3, the bucket exists and the keys may use it (one
    HeadBucket request with a short timeout; newsroom/media.py). The message names the bucket and
    the endpoint, never the keys."""
    from django.conf import settings

    from newsroom import media

    default = settings.STORAGES["default"]
    if default["BACKEND"] != media.S3_BACKEND:
        return []
    problem = media.bucket_problem(default.get("OPTIONS", {}))
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="Check AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME and the keys "
            "(docs/deploy.md, Media on S3-compatible storage).",
            id="newsroom.E001",
        )
    ]


class NewsroomConfig(AppConfig):
    """The project package as an app: project-wide templates, static files and database tweaks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from newsroom.db import sqlite_unicode_case_folding

        connection_created.connect(sqlite_unicode_case_folding, dispatch_uid="newsroom.sqlite_unicode_case_folding")

"""Fixtures every test gets: production static files, an empty cache, a media folder per test,
the default language, and a test database that other processes can open too; and fixtures some
tests ask for: IPTC's ninjs schema, background worker processes."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from tests.mailserver import smtp_server
from tests.s3server import s3_bucket, s3_server  # noqa: F401 (fixtures for every test)

ROOT = Path(__file__).resolve().parents[1]
# IPTC's ninjs 3.1 schema, vendored with its source and licence (tests/data/README.md).
NINJS_SCHEMA = ROOT / "tests" / "data" / "ninjs-schema_3.1.json"

# What production serves static files with (settings.py picks it when DEBUG is off).
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory):
    """The session's NEWSROOM_VAR_DIR: collected static files, and the SQLite test database."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session", autouse=True)
def production_static(var_dir):
    """Every test renders pages as production does: DEBUG off (pytest-django's default) and the
    hashed, compressed manifest storage over a real ``collectstatic``. A template or widget that
    names a static file Django cannot find then fails the test that renders it, instead of
    failing only in production (where a missing manifest entry is a 500)."""
    static_root = var_dir / "static"
    with override_settings(
        STATIC_ROOT=static_root,
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}},
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, var_dir):
    """SQLite's test database is a file rather than pytest-django's in-memory default, so that
    the browser tests' gunicorn (another process) opens the same database the test writes."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        suffix = os.environ.get("PYTEST_XDIST_WORKER", "")
        database.setdefault("TEST", {})["NAME"] = str(var_dir / f"test{suffix}.sqlite3")


@pytest.fixture(scope="session")
def ninjs_validator():
    """Validates a partner API item against IPTC's ninjs 3.1 schema."""
    schema = json.loads(NINJS_SCHEMA.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the publisher and other cached reads)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks run at once, in the test, unless a test asks for the real queue (the worker's
    tests set the database backend and start ``manage.py worker``)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (a request to /kk/ activates Kazakh)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def subprocess_env(**overrides) -> dict:
    """The environment for a Django process started by a test: this one, minus what only the
    test process needs (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) and what the test sets."""
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", *overrides}
    return {**{key: value for key, value in os.environ.items() if key not in drop}, **overrides}


class WorkerProcess:
    """``manage.py worker`` in its own process, on the test database, its log in a file."""

    def __init__(self, tmp_path: Path, name: str, **env):
        from tests.e2e.conftest import database_url

        self.log_path = tmp_path / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--worker-id", name],
            cwd=ROOT,
            env=subprocess_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=database_url(), **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.log.close()
        return code


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(name="worker", **env):
        process = WorkerProcess(tmp_path, name, **env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def wait_for(condition, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {timeout} s for {what}")


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port (tests/mailserver.py), the site's mail settings
    pointing at it and SITE_URL set; yields its ``Mailbox``."""
    yield from smtp_server(settings)

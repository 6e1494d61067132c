"""Browser tests: Debian's Chromium driven by Playwright against the site as production runs
it: gunicorn, DEBUG off, a strong secret key, the collected and hashed static files served by
WhiteNoise (tests/conftest.py collects them), on the test database.

Skipped only when Chromium is missing AND the CI variable is unset; in CI they always run.
Never run `playwright install`: the browser is Debian's (/usr/bin/chromium).
"""

import io
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import subprocess_env

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are still plain synchronous code. (Tests that start Django in a subprocess drop
# this variable: see tests/conftest.py, subprocess_env.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (install Debian's chromium); CI never skips")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
        )
        yield browser
        browser.close()


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints: a page that works only by
    breaking the policy (an inline script or style without the nonce) shows up here."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def open_page(browser, **context_options):
    """A page in a fresh Russian-language context; fails the test on any CSP violation."""
    context = browser.new_context(locale="ru-RU", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], violations


@pytest.fixture
def page(browser):
    yield from open_page(browser, viewport={"width": 1280, "height": 900})


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def demo_site(transactional_db):
    """The migrations' data (countries, groups) plus the demo content, in a live-server test.

    Live-server tests commit for real, and the database is flushed after each one, which also
    empties the rows that data migrations wrote. Their own code writes them again
    (``restore_migration_data``), as a fresh install does.
    """
    from django.core.management import call_command

    restore_migration_data()
    call_command("load_demo", stdout=io.StringIO())


DATA_MIGRATIONS = re.compile(r"roles|countries")  # the migrations that write rows (not schema)


def restore_migration_data() -> None:
    """Run again, in migration order, the data migrations' forward functions (the countries,
    the roles' groups and permissions) on the migrated project's models. Migrating back and
    forward did the same in 19 s a test; this takes under a second."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    order = []
    for leaf in loader.graph.leaf_nodes():
        order += [node for node in loader.graph.forwards_plan(leaf) if node not in order]
    apps = loader.project_state().apps
    for key in order:
        if DATA_MIGRATIONS.search(key[1]):
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    with connection.schema_editor() as editor:
                        operation.code(apps, editor)


@dataclass
class SiteServer:
    url: str
    process: subprocess.Popen
    secret_key: str = ""  # what it signs with (a test signing links for it uses the same)


def database_url() -> str:
    """The test database as a DATABASE_URL, for the server process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict) -> SiteServer | None:
    """gunicorn on a free port, once it answers as itself; None when another server answered
    (it took the port between the probe and gunicorn's bind)."""
    port = free_port()
    token = secrets.token_hex(8)
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "E2E_SERVER_TOKEN": token}
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tests.e2e.wsgi:application"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            return None  # most often: the port was taken
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.headers.get("X-Test-Server") == token:
                    return SiteServer(url=url, process=process)
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # not listening, or its worker still booting
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
    process.kill()
    process.wait()
    return None


@pytest.fixture
def site_server(transactional_db, var_dir, settings):
    """gunicorn with the production settings (DEBUG=0, manifest static files), one worker, on
    the test database; started for each test, so no page cache outlives the test's data."""
    env = subprocess_env(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url(),
        NEWSROOM_VAR_DIR=str(var_dir),  # STATIC_ROOT: the session's collectstatic output
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        GUNICORN_WORKERS="1",
        REQUEST_LOG_LEVEL="WARNING",
        GUNICORN_LOGLEVEL="warning",
    )
    env.pop("REDIS_URL", None)  # one worker's in-process cache: nothing shared with other tests
    for _attempt in range(3):
        if server := start_gunicorn(env):
            break
    else:
        pytest.fail("gunicorn did not start and answer on a free port in three attempts")
    server.secret_key = env["SECRET_KEY"]
    process = server.process
    yield server
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_in(page, server, username, password):
    page.goto(f"{server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

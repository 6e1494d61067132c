"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Skipped only when Chromium is missing AND the CI variable is unset; in CI they always run.
Never run `playwright install`: the browser is Debian's (/usr/bin/chromium).
"""

import io
import os
import shutil
from pathlib import Path

import pytest

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
    empties the rows that data migrations wrote. Running those migrations again (backwards
    and forwards) restores them through the same code a fresh install runs.
    """
    from django.core.management import call_command

    call_command("migrate", "articles", "0001", verbosity=0)
    call_command("migrate", "articles", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

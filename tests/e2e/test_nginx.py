"""deploy/nginx.conf in front of gunicorn, run as bench/nginx.sh runs it: readers' article pages
come from nginx's cache, staff always reach Django, static files come from disk, and every
reader's beacon passes through and counts once."""

import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from articles.models import Article
from tests.conftest import wait_for
from tests.e2e.conftest import free_port
from tests.reading import BEACON

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() and not os.environ.get("CI"),
    reason="nginx not found (apt-get install nginx); CI never skips",
)


def fetch(url, *, method="GET", headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def nginx(site_server, var_dir, tmp_path):
    """bench/nginx.sh on a free port in front of the test's gunicorn, its logs in tmp_path/nginx;
    its address."""
    port = free_port()
    upstream = site_server.url.removeprefix("http://")
    run_dir = tmp_path / "nginx"
    run_dir.mkdir()
    process = subprocess.Popen(
        ["bench/nginx.sh", str(port), upstream],
        cwd=ROOT,
        env={**os.environ, "NEWSROOM_VAR_DIR": str(var_dir), "NGINX_RUN_DIR": str(run_dir)},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        assert process.poll() is None, "nginx did not start (see its message above)"
        try:
            fetch(f"{url}/healthz")
            break
        except OSError:
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.1)
    yield url
    os.killpg(process.pid, 15)
    process.wait(timeout=20)


def test_readers_pages_come_from_nginx_and_every_beacon_counts_once(nginx, demo_site):
    article = Article.objects.published().filter(language="ru").order_by("-publish_at").first()
    url = nginx + article.get_absolute_url()
    status, first, page = fetch(url)
    assert status == 200 and first["X-Cache"] == "MISS" and "public" in first["Cache-Control"]
    status, again, _ = fetch(url)
    assert status == 200 and again["X-Cache"] == "HIT"
    beacon = BEACON.search(page.decode())[1]

    # Staff (a session cookie) always reach Django and are never stored.
    _, staff, _ = fetch(url, headers={"Cookie": "sessionid=whatever"})
    assert staff["X-Cache"] == "BYPASS" and "no-store" in staff["Cache-Control"]

    # Static files from disk, for a year.
    status, static, _ = fetch(f"{nginx}/static/css/site.css")
    assert status == 200 and "immutable" in static["Cache-Control"]

    # 40 readers at once: each loads the page (from nginx's cache) and sends its beacon.
    before = Article.objects.get(pk=article.pk).view_count

    def read(_n):
        assert fetch(url)[0] == 200
        return fetch(f"{nginx}{beacon}?t={secrets.token_hex(16)}", method="POST")[0]

    with ThreadPoolExecutor(max_workers=40) as pool:
        assert list(pool.map(read, range(40))) == [204] * 40
    # The same page load's beacon again, and one with no token: not counted.
    token = secrets.token_hex(16)
    assert fetch(f"{nginx}{beacon}?t={token}", method="POST")[0] == 204
    assert fetch(f"{nginx}{beacon}?t={token}", method="POST")[0] == 204
    assert fetch(f"{nginx}{beacon}", method="POST")[0] == 400
    assert Article.objects.get(pk=article.pk).view_count == before + 41


def test_the_access_log_hides_the_secret_part_of_readers_own_links(nginx, tmp_path):
    token = secrets.token_urlsafe(32)
    for path in (f"/newsletters/preferences/{token}/", f"/kk/newsletters/unsubscribe/{token}/7/"):
        fetch(nginx + path, headers={"Referer": f"https://dknews.kz/en/preview/{token}/"})
    log = tmp_path / "nginx" / "access.log"
    wait_for(lambda: log.exists() and "unsubscribe" in log.read_text(), timeout=15, what="nginx's log line")
    text = log.read_text()
    assert token not in text
    assert '"GET /kk/newsletters/unsubscribe/[hidden]/7/ HTTP/1.1"' in text
    assert '"https://dknews.kz/en/preview/[hidden]/"' in text

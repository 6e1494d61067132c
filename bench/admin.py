"""The admin's benchmark: every page a journalist and an editor use, on a PostgreSQL corpus,
through gunicorn from gunicorn.conf.py with production settings, one request at a time.

    .venv/bin/python bench/admin.py [--articles 1000000] [--database NAME] [--requests 20]
                                    [--budget 60] [--only NAME] [--explain 3]

Uses the database ``newsroom_bench_<articles>`` (``bench/run.py`` creates it; ``--database``
names another), migrates it, and adds what the admin's pages need beside the published corpus
when it is missing (``generate_corpus --topics 100000 --people 50000 --photos 500000
--unpublished 30000``: 3 % of the articles in the newsroom's hands). Starts gunicorn on
127.0.0.1:8769 (DEBUG=0, Redis as the cache, 2 workers), logs in through the admin's login form
as the demo editor and the demo journalist, and asks each page ``--requests`` times after two
warm-up requests, one request at a time (a page that takes seconds stops after ``--budget``
seconds, at least three requests: the "n" column says how many); prints the median, p95 and max
in milliseconds, the status, and the SQL queries per page (counted with Django's test client in the same
configuration). ``--explain N`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest query of
each of the N slowest pages.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PYTHON, REDIS_URL, run, start_gunicorn, stop  # noqa: E402

BIND = "127.0.0.1:8769"
PASSWORDS = {"editor": "editor-demo-pass", "journalist": "journalist-demo-pass"}
# What the admin's pages are measured at (the sizes): generate_corpus's totals.
EXTRAS = {"topics": 100_000, "people": 50_000, "photos": 500_000}
UNPUBLISHED_SHARE = 0.03

# Run inside the project (manage.py shell): the pages, with the ids and addresses they need,
# and their SQL queries per request (Django's test client, the same settings).
PAGES_SCRIPT = """
import json, os
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Section

users = {name: get_user_model().objects.get(username=name) for name in ("editor", "journalist")}
article = Article.objects.filter(slug__startswith="corpus-").order_by("pk")[Article.objects.count() // 2]
own_draft = Article.objects.filter(created_by=users["journalist"], status="draft").order_by("-pk").first()
section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
address = "https://dknews.kz" + article.get_absolute_url()
changelist = "/admin/articles/article/"
complete = "/admin/autocomplete/?app_label=articles&model_name=article&field_name="
pages = [
    # name, user, address
    ("desk", "editor", "/admin/"),
    ("article list", "editor", changelist),
    ("search «нефть» (common)", "editor", changelist + "?q=нефть"),
    ("search «модернизация» (rare)", "editor", changelist + "?q=модернизация"),
    ("search «білім» (Kazakh)", "editor", changelist + "?q=білім"),
    ("search «министр культуры»", "editor", changelist + "?q=министр+культуры"),
    ("search «модерниз» (part)", "editor", changelist + "?q=модерниз"),
    ("search by id", "editor", changelist + f"?q={article.pk}"),
    ("search by address", "editor", changelist + "?q=" + address),
    ("filter published", "editor", changelist + "?state=published"),
    ("filter in review", "editor", changelist + "?state=review"),
    ("page 2,000", "editor", changelist + "?p=2000"),
    ("section + language", "editor", changelist + f"?section__id__exact={section.pk}&language__exact=kk"),
    ("topics list", "editor", "/admin/articles/tag/"),
    ("topics search «нефть»", "editor", "/admin/articles/tag/?q=нефть"),
    ("people list", "editor", "/admin/articles/person/"),
    ("people search «ас»", "editor", "/admin/articles/person/?q=ас"),
    ("photos list", "editor", "/admin/photos/photo/"),
    ("photos search «нефть»", "editor", "/admin/photos/photo/?q=нефть"),
    ("add form", "editor", "/admin/articles/article/add/"),
    ("change form", "editor", f"/admin/articles/article/{article.pk}/change/"),
    ("autocomplete people, opened", "editor", complete + "people&term="),
    ("autocomplete people «ас»", "editor", complete + "people&term=ас"),
    ("autocomplete people «айгер»", "editor", complete + "people&term=айгер"),
    ("autocomplete authors «ерлан»", "editor", complete + "authors&term=ерлан"),
    ("autocomplete section", "editor", complete + "section&term="),
    ("autocomplete countries «каз»", "editor", complete + "countries&term=каз"),
    ("autocomplete source", "editor", complete + "source&term="),
    ("autocomplete topics «нефть»", "editor", "/admin/articles/article/tag-names/?term=нефть"),
    ("autocomplete topics «б»", "editor", "/admin/articles/article/tag-names/?term=б"),
    ("photo picker, opened", "editor", "/admin/photos/photo/choices/"),
    ("photo picker «нефть»", "editor", "/admin/photos/photo/choices/?term=нефть"),
    ("journalist: desk", "journalist", "/admin/"),
    ("journalist: article list", "journalist", changelist),
    ("journalist: search «нефть»", "journalist", changelist + "?q=нефть"),
    ("journalist: drafts", "journalist", changelist + "?state=draft"),
    ("journalist: add form", "journalist", "/admin/articles/article/add/"),
    ("journalist: change form", "journalist", f"/admin/articles/article/{own_draft.pk}/change/"),
]
only = os.environ.get("BENCH_ONLY", "")
pages = [page for page in pages if only in page[0]]
clients = {}
for name, user in users.items():
    clients[name] = Client()
    clients[name].force_login(user)
    clients[name].get("/admin/")  # the session and caches as after the first page of a day
rows = []
for name, user, url in pages:
    clients[user].get(url)
    with CaptureQueriesContext(connection) as queries:
        status = clients[user].get(url).status_code
    rows.append([name, user, url, status, len(queries)])
print(json.dumps(rows))
"""

# The slowest query of each named page, with EXPLAIN (ANALYZE, BUFFERS).
EXPLAIN_SCRIPT = """
import json, os
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

for name, user, url in json.loads(os.environ["BENCH_PAGES"]):
    client = Client()
    client.force_login(get_user_model().objects.get(username=user))
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\\n".join(row[0] for row in cursor.fetchall())
    print(f"### {name} ({url}): its slowest query of {len(queries)}, {float(slowest['time']) * 1000:.0f} ms\\n")
    print(slowest["sql"] + "\\n")
    print(plan + "\\n")
"""


class Session:
    """One logged-in browser: a keep-alive connection and the admin's cookies."""

    def __init__(self, host: str, port: int):
        self.connection = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        quoted = urllib.parse.quote(path, safe="/?&=:%+")
        self.connection.request(method, quoted, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, content

    def log_in(self, username: str) -> None:
        self.request("GET", "/admin/login/")
        page = self.request("GET", "/admin/login/")[1].decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORDS[username], "next": "/admin/"}
        )
        status, _ = self.request("POST", "/admin/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"could not log in as {username} (status {status})")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least ``share`` of the values reach."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--database", help="default: newsroom_bench_<articles>")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page, after two warm-ups")
    parser.add_argument("--budget", type=float, default=60, help="seconds per page at most (3 requests at least)")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest pages' slowest query")
    args = parser.parse_args()

    database = args.database or f"newsroom_bench_{args.articles}"
    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-admin-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "bench.floor.settings",  # start_gunicorn waits for /bench/floor/
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
        "GUNICORN_TIMEOUT": "300",  # a slow page is measured, not killed
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOGIN_FAILURE_LIMIT": "1000",
        "BENCH_ONLY": args.only,
    }
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    missing = run(
        PYTHON,
        "manage.py",
        "shell",
        "-v0",
        "-c",
        "from articles.models import Article, Person, Tag; from photos.models import Photo; "
        "print(Tag.objects.count() < 100_000 or Person.objects.count() < 50_000 or Photo.objects.count() < 500_000 "
        "or not Article.objects.filter(slug__startswith='desk-corpus-').exists())",
        env=env,
    ).stdout.strip()
    if missing == "True":
        started = time.monotonic()
        options = [f"--{name}={total}" for name, total in EXTRAS.items()]
        options.append(f"--unpublished={int(args.articles * UNPUBLISHED_SHARE)}")
        run(PYTHON, "manage.py", "generate_corpus", f"--articles={args.articles}", *options, env=env, timeout=7200)
        run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qc", "VACUUM (ANALYZE)", env=env)
        print(f"corpus: the admin's rows added in {time.monotonic() - started:.0f} s")
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    pages = json.loads(run(PYTHON, "manage.py", "shell", "-v0", "-c", PAGES_SCRIPT, env=env).stdout)

    server = start_gunicorn(env, BIND)
    results = []
    try:
        host, port = BIND.rsplit(":", 1)
        sessions = {}
        for user in PASSWORDS:
            sessions[user] = Session(host, int(port))
            sessions[user].log_in(user)
        for name, user, url, status, queries in pages:
            session = sessions[user]
            for _ in range(2):
                session.request("GET", url)
            times, deadline = [], time.monotonic() + args.budget
            while len(times) < args.requests and (len(times) < 3 or time.monotonic() < deadline):
                started = time.perf_counter()
                answered, _ = session.request("GET", url)
                times.append((time.perf_counter() - started) * 1000)
                if answered != status:
                    print(f"  {name}: answered {answered}, the test client got {status}", file=sys.stderr)
            results.append((name, user, url, answered, queries, times))
    finally:
        stop(server)

    print(f"\n{database}, gunicorn {env['GUNICORN_WORKERS']} sync workers, DEBUG=0;")
    print(f"n requests per page (at most {args.requests}) one at a time after 2 warm-ups; milliseconds\n")
    print(f"{'page':<40}{'status':>7}{'queries':>8}{'n':>4}{'median':>8}{'p95':>8}{'max':>8}")
    for name, _user, _url, status, queries, times in results:
        print(
            f"{name:<40}{status:>7}{queries:>8}{len(times):>4}{statistics.median(times):>8.0f}"
            f"{percentile(times, 0.95):>8.0f}{max(times):>8.0f}"
        )
    if args.explain:
        slowest = sorted(results, key=lambda row: -statistics.median(row[5]))[: args.explain]
        chosen = json.dumps([[name, user, url] for name, user, url, *_ in slowest])
        out = run(PYTHON, "manage.py", "shell", "-v0", "-c", EXPLAIN_SCRIPT, env={**env, "BENCH_PAGES": chosen})
        print("\n" + out.stdout)


if __name__ == "__main__":
    main()

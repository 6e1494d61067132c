"""The story budget's benchmark: a day with 300 assignments (and a few events), as the demo
editor and journalist see it, through gunicorn with production settings on PostgreSQL.

    .venv/bin/python bench/planning.py [--assignments 300] [--requests 30]

Uses ``newsroom_bench_planning`` (created, migrated and given the demo content when missing),
puts ``--assignments`` assignments on tomorrow (newsroom time: 8 sections, two thirds assigned to
one or two people, one in five with its article started, some tied to an event), starts
gunicorn on 127.0.0.1:8772 (DEBUG=0, Redis as the cache, 2 workers), logs in through the admin's
login form, and asks ``/admin/planning/budget/?date=<tomorrow>`` ``--requests`` times after two
warm-ups, one request at a time; prints the median, p95 and max in milliseconds and the SQL
queries per page (Django's test client in the same configuration). The target: under 200 ms.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.admin import Session, percentile  # noqa: E402
from bench.run import PYTHON, REDIS_URL, run, start_gunicorn, stop  # noqa: E402

BIND = "127.0.0.1:8772"
DATABASE = "newsroom_bench_planning"

# Run inside the project (manage.py shell): tomorrow's assignments, then the page's query count.
PLAN_SCRIPT = """
import datetime as dt, os, random
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from articles.models import Section
from planning import services
from planning.models import Assignment, Event

total = int(os.environ["BENCH_ASSIGNMENTS"])
rng = random.Random(7)
zone = timezone.get_default_timezone()
day = timezone.localdate() + dt.timedelta(days=1)
start = dt.datetime.combine(day, dt.time(7), tzinfo=zone)
users = {u.username: u for u in get_user_model().objects.filter(username__in=["editor", "journalist"])}
User = get_user_model()
staff = [users["journalist"]]
for n in range(6):
    user, _ = User.objects.get_or_create(username=f"bench-reporter-{n}", defaults={"is_staff": True,
        "first_name": f"Репортёр {n}"})
    user.groups.add(*users["journalist"].groups.all())
    staff.append(user)
sections = list(Section.objects.all()) or [None]
have = Assignment.objects.filter(due_at__gte=start - dt.timedelta(hours=7), due_at__lt=start + dt.timedelta(hours=17))
if have.count() < total:
    events = [Event.objects.create(title=f"Событие {n}", starts_at=start + dt.timedelta(hours=n)) for n in range(5)]
    for n in range(have.count(), total):
        a = Assignment.objects.create(
            slug=f"история-{n}", section=sections[n % len(sections)],
            kind=rng.choice(["text", "text", "photo", "video"]),
            due_at=start + dt.timedelta(minutes=rng.randint(0, 16 * 60)), notes="Заметки " * rng.randint(0, 20),
            event=rng.choice(events + [None] * 5),
        )
        a.assignees.set(rng.sample(staff, rng.choice([0, 1, 1, 2])))
        if n % 5 == 0:
            services.assignment_start_article(assignment=a, by=users["editor"])
print(day.isoformat())
for name in ("editor", "journalist"):
    client = Client()
    client.force_login(users[name])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/planning/budget/?date={day.isoformat()}", HTTP_HOST="127.0.0.1")
    print(name, response.status_code, len(queries), response.content.count(b'class="budget-row'))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignments", type=int, default=300)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-planning-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "GUNICORN_WORKERS": "2",
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE, env=env, check=False)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    out = run(
        PYTHON, "manage.py", "shell", "-v0", "-c", PLAN_SCRIPT, env={**env, "BENCH_ASSIGNMENTS": str(args.assignments)}
    ).stdout.split("\n")
    lines = [line for line in out if line.strip()]
    day, counts = lines[-3], {line.split()[0]: line.split()[1:] for line in lines[-2:]}
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc", "VACUUM (ANALYZE)", env=env)
    server = start_gunicorn(env, BIND)
    try:
        host, port = BIND.split(":")
        print(f"the story budget of {day}, {args.requests} requests after two warm-ups (ms)")
        print(f"{'who':<12}{'median':>8}{'p95':>8}{'max':>8}  status  queries  rows")
        for name in ("editor", "journalist"):
            session = Session(host, int(port))
            session.log_in(name)
            path = f"/admin/planning/budget/?date={day}"
            for _ in range(2):
                session.request("GET", path)
            times, statuses = [], set()
            for _ in range(args.requests):
                began = time.perf_counter()
                status, _body = session.request("GET", path)
                times.append((time.perf_counter() - began) * 1000)
                statuses.add(status)
            status, queries, rows = counts[name]
            print(
                f"{name:<12}{statistics.median(times):8.1f}{percentile(times, 0.95):8.1f}{max(times):8.1f}"
                f"  {','.join(map(str, sorted(statuses))):<6}  {queries:>7}  {rows}"
            )
    finally:
        stop(server)


if __name__ == "__main__":
    main()

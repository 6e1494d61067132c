"""The incoming desk's benchmark: the Incoming list at a million wire items, what polling costs
the worker when nothing is new, and how long a poll of 10,000 new items takes to store.

    .venv/bin/python bench/incoming.py [--items 1000000] [--requests 20] [--poll-seconds 120]

Production settings on PostgreSQL (``newsroom_bench_incoming``: migrated, the demo content, and
``--items`` wire items from 50 sources, added when missing), gunicorn from gunicorn.conf.py, and
the test suite's fake partner (tests/incoming/fake_partner.py) in place of the partners.

1. The Incoming list and an item's page, as the demo editor and journalist, one request at a
   time after two warm-ups: median, p95 and max in milliseconds (target: p95 under 150 ms).
2. 50 active sources (25 RSS feeds answering 304, 25 ninjs APIs with nothing new) polled every
   60 s by ``manage.py worker`` for ``--poll-seconds``: the worker's CPU time over that window,
   as a share of one core (target: under 10 %).
3. One poll whose answer holds 10,000 new ninjs items: seconds until they are stored (target:
   under 30 s).
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.admin import PASSWORDS, Session, percentile  # noqa: E402
from bench.run import PYTHON, REDIS_URL, run, start_gunicorn, stop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIND = "127.0.0.1:8771"
SOURCES = 50
DATABASE = "newsroom_bench_incoming"

# Run inside the project (manage.py shell): the wire items, written with COPY in batches.
CORPUS_SCRIPT = """
import datetime as dt, io, json, os, random, hashlib
from django.db import connection
from django.utils import timezone
from agencies.models import Agency
from incoming.models import Item, Source

total = int(os.environ["BENCH_ITEMS"])
rng = random.Random(31)
from demo.management.commands.generate_corpus import WORDS as words
kazakh = "жаңа қала білім ғылым мәдениет өнер үкімет елорда жол құрылыс спорт жарыс жер сілкінісі".split()
agency = Agency.objects.filter(is_publisher=False).first() or Agency.objects.first()
sources = list(Source.objects.filter(name__startswith="Корпус ").order_by("pk"))
for number in range(len(sources), 50):
    sources.append(Source.objects.create(
        name=f"Корпус {number + 1}", kind="ninjs", address=f"https://partner{number}.example/api/items",
        agency=agency, active=False))
have = Item.objects.count()
now = timezone.now()
columns = ("source_id guid version digest headline summary body language urgency subjects keywords byline "
           "dateline url pictures pubstatus received_at updated_at raw flagged taken_version taken_digest").split()
def sentence(n, pool=words):
    text = " ".join(rng.choices(pool, k=n))
    return text[0].upper() + text[1:]
batch = 20000
for start in range(have, total, batch):
    buffer = io.StringIO()
    with connection.cursor() as cursor, cursor.copy(
        f"COPY incoming_item ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for number in range(start, min(total, start + batch)):
            source = sources[number % len(sources)]
            language = rng.choices(["ru", "kk", "en"], weights=[75, 20, 5])[0]
            pool = kazakh + words if language == "kk" else words
            received = now - dt.timedelta(seconds=(total - number) * 30)
            paragraphs = "".join(f"<p>{sentence(rng.randint(15, 30), pool)}.</p>" for _ in range(3))
            urgency = rng.choice([1, 2, 3] + [4, 5, 5, 5, 6, 6, 7, 8] * 3)
            copy.write_row((
                source.pk, f"urn:bench:{number}", "1", hashlib.sha256(str(number).encode()).hexdigest(),
                sentence(rng.randint(6, 11), pool), sentence(20, pool), paragraphs, language, urgency,
                json.dumps(["экономика"]), "[]", "", "Астана", f"https://partner.example/{number}", "[]",
                "usable", received, received, "", number % 97 == 0, "", "",
            ))
    print(f"{min(total, start + batch)} items", flush=True)
"""

PAGES_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from incoming.models import Item, Source

source = Source.objects.filter(name__startswith="Корпус ").order_by("pk").first()
item = Item.objects.order_by("-received_at", "-id")[500]
old = Item.objects.order_by("received_at", "id")[5000]  # 99.5 % of the way back
changelist = "/admin/incoming/item/"
pages = [
    ("incoming list", "journalist", changelist),
    ("incoming list, editor", "editor", changelist),
    ("older page", "journalist", changelist + f"?after={item.pk}"),
    ("older page, far back", "journalist", changelist + f"?after={old.pk}"),
    ("one source", "journalist", changelist + f"?source__id__exact={source.pk}"),
    ("Kazakh", "journalist", changelist + "?language=kk"),
    ("urgent", "journalist", changelist + "?urgency=urgent"),
    ("matching the rules", "journalist", changelist + "?urgency=flagged"),
    ("withheld or canceled", "journalist", changelist + "?pubstatus__exact=canceled"),
    ("not taken", "journalist", changelist + "?taken=no"),
    ("taken", "journalist", changelist + "?taken=yes"),
    ("one source, Kazakh, not taken", "journalist",
     changelist + f"?source__id__exact={source.pk}&language__exact=kk&taken=no"),
    ("search «нефть» (common)", "journalist", changelist + "?q=нефть"),
    ("search «модернизация» (rare)", "journalist", changelist + "?q=модернизация"),
    ("search «сілкінісі» (Kazakh)", "journalist", changelist + "?q=сілкінісі"),
    ("search two words", "journalist", changelist + "?q=нефть+экспорт"),
    ("item page", "journalist", f"{changelist}{item.pk}/change/"),
    ("editor desk", "editor", "/admin/"),
]
users = {name: get_user_model().objects.get(username=name) for name in ("editor", "journalist")}
rows = []
for name, user, url in pages:
    client = Client()
    client.force_login(users[user])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    rows.append([name, user, url, status, len(queries)])
print(json.dumps(rows))
"""

POLLING_SOURCES_SCRIPT = """
import os
from agencies.models import Agency
from incoming.models import Source
from django.utils import timezone
base = os.environ["BENCH_PARTNER"]
agency = Agency.objects.first()
for number in range(int(os.environ["BENCH_SOURCES"])):
    kind = "feed" if number % 2 else "ninjs"
    Source.objects.update_or_create(name=f"Опрос {number}", defaults=dict(
        kind=kind, agency=agency, poll_seconds=60, credentials=os.environ["BENCH_KEY"], active=True,
        address=f"{base}/feed.xml" if kind == "feed" else f"{base}/api/items", next_poll_at=timezone.now(),
        cursor="", etag="", last_modified=""))
"""

STORE_SCRIPT = """
import datetime as dt, os, time
from django.utils import timezone
from agencies.models import Agency
from incoming.models import Source
from incoming.services import source_poll
source = Source.objects.create(  # a new source each run: all 10,000 items are new to it
    name=f"Десять тысяч {time.time():.0f}", kind="ninjs", agency=Agency.objects.first(),
    credentials=os.environ["BENCH_KEY"], address=os.environ["BENCH_PARTNER"] + "/api/items",
    next_poll_at=timezone.now() + dt.timedelta(days=1))
started = time.perf_counter()
print(source_poll(source_id=source.pk))
print(f"{time.perf_counter() - started:.1f}")
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--poll-seconds", type=int, default=120)
    parser.add_argument("--skip-list", action="store_true", help="skip the list's timings")
    parser.add_argument("--corpus-only", action="store_true", help="only add the missing wire items")
    args = parser.parse_args()

    from tests.incoming.fake_partner import KEY, FakePartner, ninjs_item

    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-incoming-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "bench.floor.settings",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_TIMEOUT": "300",
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE, env=env, check=False)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo", env=env)
    started = time.monotonic()
    out = (
        run(
            PYTHON,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            CORPUS_SCRIPT,
            env={**env, "BENCH_ITEMS": str(args.items)},
            timeout=7200,
        )
        .stdout.strip()
        .splitlines()
    )
    if out:
        run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc", "VACUUM (ANALYZE)", env=env)
        print(f"corpus: {out[-1]} in {time.monotonic() - started:.0f} s")
    if args.corpus_only:
        return
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)

    if not args.skip_list:
        pages = json.loads(run(PYTHON, "manage.py", "shell", "-v0", "-c", PAGES_SCRIPT, env=env).stdout)
        server = start_gunicorn(env, BIND)
        results = []
        try:
            host, port = BIND.rsplit(":", 1)
            sessions = {user: Session(host, int(port)) for user in PASSWORDS}
            for user, session in sessions.items():
                session.log_in(user)
            for name, user, url, _status, queries in pages:
                session = sessions[user]
                for _ in range(2):
                    session.request("GET", url)
                times = []
                for _ in range(args.requests):
                    began = time.perf_counter()
                    answered, _ = session.request("GET", url)
                    times.append((time.perf_counter() - began) * 1000)
                results.append((name, answered, queries, times))
        finally:
            stop(server)
        print(f"\n{DATABASE}: {args.items:,} wire items; gunicorn 2 sync workers, DEBUG=0; milliseconds\n")
        print(f"{'page':<40}{'status':>7}{'queries':>8}{'median':>8}{'p95':>8}{'max':>8}")
        for name, status, queries, times in results:
            ordered = sorted(times)
            print(
                f"{name:<40}{status:>7}{queries:>8}{ordered[len(ordered) // 2]:>8.0f}"
                f"{percentile(times, 0.95):>8.0f}{max(times):>8.0f}"
            )

    # -- Polling 50 sources with nothing new --
    partner = FakePartner().start()
    partner.feed = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><link>https://p.example/</link>"
    partner.feed += (
        b"<description>d</description>"
        + b"".join(
            f"<item><title>Новость {n}</title><link>https://p.example/{n}</link><guid>g{n}</guid></item>".encode()
            for n in range(30)
        )
        + b"</channel></rss>"
    )
    partner.ninjs_items = [ninjs_item(n) for n in range(30)]
    try:
        poll_env = {**env, "BENCH_PARTNER": partner.base, "BENCH_KEY": KEY, "BENCH_SOURCES": str(SOURCES)}
        run(PYTHON, "manage.py", "shell", "-v0", "-c", POLLING_SOURCES_SCRIPT, env=poll_env)
        log = (var / "worker.log").open("w")
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "worker"],
            cwd=ROOT,
            env={**env, "INCOMING_POLL_SECONDS": "10"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(75)  # the first polls bring the items; from the second on nothing is new
        requests_before, cpu_before, began = len(partner.requests), cpu_seconds(worker.pid), time.monotonic()
        time.sleep(args.poll_seconds)
        cpu, elapsed = cpu_seconds(worker.pid) - cpu_before, time.monotonic() - began
        polls = len(partner.requests) - requests_before
        worker.terminate()
        worker.wait(timeout=60)
        off = "from incoming.models import Source; Source.objects.filter(name__startswith='Опрос ').update(active=0)"
        run(PYTHON, "manage.py", "shell", "-v0", "-c", off, env=env)
        print(
            f"\npolling {SOURCES} sources every 60 s, nothing new: {polls} requests in {elapsed:.0f} s; "
            f"worker CPU {cpu:.2f} s = {cpu / elapsed * 100:.1f} % of one core"
        )

        partner.ninjs_items = [ninjs_item(n, headline=f"Сообщение {n} «{random.random()}»") for n in range(10_000)]
        partner.page_size = 10_000
        out = run(PYTHON, "manage.py", "shell", "-v0", "-c", STORE_SCRIPT, env=poll_env, timeout=600).stdout
        summary, seconds = out.strip().splitlines()[-2:]
        print(f"one poll of 10,000 new items: {summary}; stored in {seconds} s")
    finally:
        partner.stop()


if __name__ == "__main__":
    main()

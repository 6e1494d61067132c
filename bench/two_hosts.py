"""Two application hosts that share nothing on disk, on one machine: the scale-out path of
docs/deploy.md, run for real and measured.

    .venv/bin/python bench/two_hosts.py [--allow-replication] [--loads 500]

Takes about three minutes on the 2-core development machine (most of it migrate, load_demo,
two collectstatic runs and the base backup); run it by hand, never in CI (it starts a second
PostgreSQL server and kills processes). What it builds:

- PostgreSQL: a fresh database ``newsroom_two_hosts`` on the running cluster at 127.0.0.1:5432
  (the primary), migrated with the demo loaded; a streaming replica made with ``pg_basebackup
  -R`` in a temporary directory, started on 127.0.0.1:5433 with Debian's PostgreSQL 15 binaries
  as the postgres user. The primary must accept replication connections from 127.0.0.1: without
  a ``replication`` line in its pg_hba.conf the script says what to add and stops;
  ``--allow-replication`` adds ``host replication postgres 127.0.0.1/32 trust`` and reloads.
- Host A and host B: gunicorn from gunicorn.conf.py with DEBUG=0, one SECRET_KEY, each with its
  own NEWSROOM_VAR_DIR and MEDIA_ROOT (collectstatic into each), DATABASE_URL the primary,
  DATABASE_REPLICA_URL the replica, REDIS_URL with a CACHE_KEY_PREFIX of the run's own.
- The worker (``manage.py worker``) as a third process with the same environment.
- nginx from deploy/nginx.conf (bench/nginx.sh renders it) balancing the two hosts.
- Media on S3 when django-storages is installed: a moto server (``ThreadedMotoServer``) with a
  public-read bucket, and the MEDIA_STORAGE_BACKEND / AWS_* / MEDIA_PUBLIC_URL variables; without
  django-storages each host keeps media on its own disk and the photo check is skipped.

The scenarios, each PASS, FAIL or SKIP with its figures:

1. The demo editor logs in on host A (the admin's real forms, CSRF included), uploads a photo
   and publishes an article with it; a reader on host B gets the page at once, and the photo's
   addresses answer 200 (from the object store).
2. An edit saved on host B clears the page cache host A serves from (Redis is shared).
3. ``--loads`` browser-like loads through nginx (the page, then its view beacon, as
   static/js/view-beacon.js sends it) are counted exactly once the worker has flushed.
4. Replica lag never shows a reader a withdrawn article: replay paused on the replica, the
   article withdrawn on host A, a reader on host B must get 410 although the replica still
   holds it published. Replay is resumed afterwards.
5. Host A's gunicorn is killed (SIGKILL to its whole process group) under reading load through
   nginx while the editor keeps saving a draft through nginx: only requests in flight at the
   kill may fail; every save answered as saved is in the database, every other one answered
   with an error the journalist sees, and saves after the kill succeed on host B.

Everything is removed at the end, failure or not: the processes, the replica and its directory,
the database, the run's Redis keys and the temporary directories. Exit status 1 if a scenario
failed, 2 if the machine is not ready.
"""

import argparse
import contextlib
import io
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import lxml.html

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "newsroom_two_hosts"
PRIMARY = "postgres://postgres@127.0.0.1:5432/" + DATABASE
REPLICA_PORT = 5433
REPLICA = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DATABASE}"
HOSTS = {"A": "127.0.0.1:8781", "B": "127.0.0.1:8782"}
NGINX_PORT = 8783
S3_PORT = 8784
REDIS_URL = "redis://127.0.0.1:6379/12"
BUCKET = "newsroom-media"
EDITOR = ("editor", "editor-demo-pass")  # demo/content.py USERS: the Editor group may publish
BEACON = re.compile(r'<script src="[^"]*view-beacon[^"]*" data-url="([^"]+)" defer></script>')
HBA_LINE = "host replication postgres 127.0.0.1/32 trust"


def say(message: str) -> None:
    print(message, flush=True)


def sh(*command, env=None, check=True, user=None) -> str:
    if user:
        command = ("runuser", "-u", user, "--", *command)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def psql(sql: str, *, port: int = 5432, database: str = "postgres") -> str:
    return sh("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-XAtc", sql).strip()


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_until(check, *, seconds: float, what: str, step: float = 0.1):
    """``check()``'s first true value within ``seconds``, else an error naming ``what``."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(Exception):
            if value := check():
                return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {seconds:.0f} s")
        time.sleep(step)


@dataclass
class Result:
    name: str
    outcome: str  # PASS, FAIL, SKIP
    figures: list[str] = field(default_factory=list)


# -- Preflight --------------------------------------------------------------------------------


def preflight(allow_replication: bool) -> None:
    missing = [name for name in ("nginx", "redis-cli", "pg_basebackup", "runuser") if not shutil.which(name)]
    if not (PG_BIN / "pg_ctl").exists():
        missing.append(str(PG_BIN / "pg_ctl"))
    if missing:
        sys.exit(f"missing: {', '.join(missing)} (apt-get install nginx redis-tools postgresql-15)")
    if sh("redis-cli", "-u", REDIS_URL, "ping", check=False).strip() != "PONG":
        sys.exit(f"Redis does not answer at {REDIS_URL}")
    busy = [
        p
        for p in (REPLICA_PORT, NGINX_PORT, S3_PORT, *(int(b.split(":")[1]) for b in HOSTS.values()))
        if not port_free(p)
    ]
    if busy:
        sys.exit(f"ports in use: {busy} (an earlier run still going? stop it first)")
    if psql("SHOW wal_level") not in {"replica", "logical"} or int(psql("SHOW max_wal_senders")) < 1:
        sys.exit("the primary needs wal_level=replica and max_wal_senders >= 1 (postgresql.conf), then a restart")
    rules = psql("SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL")
    if int(rules) == 0:
        hba = psql("SHOW hba_file")
        if not allow_replication:
            sys.exit(
                f"The primary refuses replication connections: {hba} has no 'replication' line.\n"
                f"Add this line, then reload PostgreSQL (SELECT pg_reload_conf()):\n    {HBA_LINE}\n"
                "or run this script with --allow-replication to have it do exactly that."
            )
        with open(hba, "a") as file:
            file.write(f"\n# Added by bench/two_hosts.py --allow-replication (a streaming replica here)\n{HBA_LINE}\n")
        psql("SELECT pg_reload_conf()")
        say(f"Added to {hba} and reloaded PostgreSQL: {HBA_LINE}")


# -- The machine: database, replica, object store, hosts, worker, nginx --------------------------


class Machine:
    def __init__(self, stack: contextlib.ExitStack, run_dir: Path):
        self.stack = stack
        self.run_dir = run_dir
        self.run_id = secrets.token_hex(4)
        self.processes: dict[str, subprocess.Popen] = {}
        self.s3 = False
        self.s3_note = ""
        self.base_env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50)[:50],
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": PRIMARY,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"two-hosts-{self.run_id}",
            "GUNICORN_WORKERS": "3",
            "REQUEST_LOG_LEVEL": "WARNING",
            "WORKER_LOG_LEVEL": "WARNING",
            "LOGIN_FAILURE_LIMIT": "1000",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
        }
        self.env: dict[str, dict] = {}

    def database(self) -> None:
        say(f"Database {DATABASE} on the primary: migrate, load_demo")
        sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DATABASE)
        sh("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE)
        self.stack.callback(
            sh, "dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DATABASE, check=False
        )
        env = {**self.base_env, "NEWSROOM_VAR_DIR": str(self.run_dir / "setup")}
        sh(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
        sh(PYTHON, "manage.py", "load_demo", env=env)

    def replica(self) -> None:
        say(f"Streaming replica on 127.0.0.1:{REPLICA_PORT} (pg_basebackup -R)")
        data = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
        self.stack.callback(shutil.rmtree, data, ignore_errors=True)
        sh("pg_basebackup", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-D", str(data), "-R", "-X", "stream",
           "-c", "fast", user="postgres")  # fmt: skip
        # Debian keeps the configuration in /etc: the copy gets a small one of its own.
        for name, text in {
            "postgresql.conf": (
                f"port = {REPLICA_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{data}'\n"
                "hot_standby = on\nshared_buffers = 64MB\n"
                # A standby needs at least the primary's.
                f"max_connections = {psql('SHOW max_connections')}\n"
                # A throwaway copy: no fsync (its start would sync every file of the cluster).
                "fsync = off\n"
            ),
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }.items():
            (data / name).write_text(text)
            shutil.chown(data / name, "postgres", "postgres")
        pg_ctl = str(PG_BIN / "pg_ctl")
        try:
            sh(pg_ctl, "-D", str(data), "-l", str(data / "log"), "-w", "-t", "120", "start", user="postgres")
        except RuntimeError:
            say((data / "log").read_text(errors="replace")[-2000:])
            raise
        self.stack.callback(sh, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop", user="postgres", check=False)
        wait_until(lambda: psql("SELECT pg_is_in_recovery()", port=REPLICA_PORT) == "t", seconds=30, what="replica")
        wait_until(self.caught_up, seconds=30, what="replica catching up")

    def caught_up(self) -> bool:
        primary = psql("SELECT pg_current_wal_lsn()")
        return psql(f"SELECT pg_last_wal_replay_lsn() >= '{primary}'", port=REPLICA_PORT) == "t"

    def object_store(self) -> None:
        try:
            import storages  # noqa: F401
        except ImportError:
            self.s3_note = "skipped: S3 backend not installed (django-storages)"
            say(f"Media: each host's own disk ({self.s3_note})")
            return
        try:
            import boto3
            from moto.server import ThreadedMotoServer
        except ImportError:
            self.s3_note = 'skipped: moto not installed (pip install "moto[server]")'
            say(f"Media: each host's own disk ({self.s3_note})")
            return
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server: a line per request
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
        server.start()
        self.stack.callback(server.stop)
        endpoint = f"http://127.0.0.1:{S3_PORT}"
        keys = {"AWS_ACCESS_KEY_ID": "two-hosts", "AWS_SECRET_ACCESS_KEY": "two-hosts-secret"}
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"], aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )  # fmt: skip
        client.create_bucket(Bucket=BUCKET)
        # Readable by anyone, as docs/deploy.md's bucket policy makes it (objects carry no ACL).
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
            ],
        }
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
        self.base_env |= keys | {
            "MEDIA_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "MEDIA_PUBLIC_URL": f"{endpoint}/{BUCKET}/",
        }
        # django-storages may be installed before the settings read its variables.
        check = (
            "from django.conf import settings; "
            "print(settings.STORAGES['default'].get('OPTIONS', {}).get('bucket_name'))"
        )
        env = {**self.base_env, "NEWSROOM_VAR_DIR": str(self.run_dir / "setup")}
        if sh(PYTHON, "manage.py", "shell", "-v0", "-c", check, env=env).strip() != BUCKET:
            for name in ("MEDIA_STORAGE_BACKEND", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "MEDIA_PUBLIC_URL"):
                del self.base_env[name]
            self.s3_note = "skipped: the settings do not put media on S3 (django-storages' options)"
            say(f"Media: each host's own disk ({self.s3_note})")
            return
        self.s3 = True
        say(f"Media: S3 (moto) at {endpoint}, bucket {BUCKET}, readable by anyone (a bucket policy)")

    def hosts(self) -> None:
        for name, bind in HOSTS.items():
            var = self.run_dir / f"host-{name}"
            env = {
                **self.base_env,
                "DATABASE_REPLICA_URL": REPLICA,
                "NEWSROOM_VAR_DIR": str(var),
                "MEDIA_ROOT": str(var / "media"),
                "GUNICORN_BIND": bind,
            }
            self.env[name] = env
            say(f"Host {name} on {bind}: collectstatic into {var}")
            sh(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
            self.start(f"host {name}", [GUNICORN, "-c", "gunicorn.conf.py"], env)
        self.env["worker"] = {**self.env["A"], "NEWSROOM_VAR_DIR": str(self.run_dir / "worker")}
        self.env["worker"]["MEDIA_ROOT"] = str(self.run_dir / "worker" / "media")
        self.start("worker", [PYTHON, "manage.py", "worker"], self.env["worker"])
        for name, bind in HOSTS.items():
            wait_until(
                lambda b=bind: httpx.get(f"http://{b}/healthz").status_code == 200, seconds=60, what=f"host {name}"
            )
        nginx_env = {**self.base_env, "NEWSROOM_VAR_DIR": str(self.run_dir / "host-A")}
        self.start("nginx", ["bench/nginx.sh", str(NGINX_PORT), ",".join(HOSTS.values())], nginx_env)
        wait_until(lambda: httpx.get(f"{self.nginx}/healthz").status_code == 200, seconds=20, what="nginx")
        say(f"nginx on {self.nginx} balancing {', '.join(HOSTS.values())}")

    @property
    def nginx(self) -> str:
        return f"http://127.0.0.1:{NGINX_PORT}"

    def start(self, name: str, command: list[str], env: dict) -> None:
        log = open(self.run_dir / f"{name.replace(' ', '-')}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        self.stack.callback(self.stop, name)
        self.stack.callback(log.close)

    def stop(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def kill(self, name: str) -> None:
        """SIGKILL to the process and its children (gunicorn's master and workers): a host gone."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def django(self, code: str):
        """``code`` run in the project on the primary (manage.py shell); its printed JSON."""
        env = {**self.env["A"], "NEWSROOM_VAR_DIR": str(self.run_dir / "setup")}
        env.pop("DATABASE_REPLICA_URL")
        return json.loads(sh(PYTHON, "manage.py", "shell", "-v0", "-c", code, env=env).strip().splitlines()[-1])

    def log_lines(self, name: str, needle: str) -> int:
        return sum(needle in line for line in (self.run_dir / f"{name}.log").read_text(errors="replace").splitlines())

    def forget_redis_keys(self) -> None:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*two-hosts-{self.run_id}*", count=1000))
        if keys:
            client.delete(*keys)


# -- A browser in the admin -------------------------------------------------------------------


class Browser:
    """One signed-in journalist: cookies kept by hand, because with DEBUG=0 they are Secure and
    http.cookiejar would not send them over plain HTTP (nginx and the hosts speak HTTP here)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.client = httpx.Client(timeout=40, follow_redirects=False)

    def request(self, method: str, path: str, *, base: str | None = None, **kwargs) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **kwargs.pop("headers", {})}
        answer = self.client.request(method, (base or self.base) + path, headers=headers, **kwargs)
        for name, value in answer.cookies.items():
            self.cookies[name] = value
        self.client.cookies.clear()
        return answer

    def log_in(self, username: str, password: str) -> None:
        page = self.request("GET", "/admin/login/")
        form = form_values(page.text, "login-form")
        form |= {"username": username, "password": password, "next": "/admin/"}
        answer = self.request("POST", "/admin/login/", data=form)
        if answer.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"could not log in as {username}: {answer.status_code}")

    def submit(self, path: str, changes: dict, *, base: str | None = None, files=None, form_id=None) -> httpx.Response:
        """GET the admin form at ``path``, change some fields, POST it as the browser would."""
        page = self.request("GET", path, base=base)
        page.raise_for_status()
        data = form_values(page.text, form_id) | changes
        return self.request("POST", path, base=base, data=data, files=files)


def form_values(page: str, form_id: str | None = None) -> dict:
    """What a browser would send from the page's form (the one with ``form_id``, or the largest
    one holding a CSRF token): its fields' current values, a list for a repeated name."""
    document = lxml.html.fromstring(page)
    if form_id:
        form = next(f for f in document.forms if f.get("id") == form_id)
    else:  # the page's own form, not the header's logout form
        form = max((f for f in document.forms if "csrfmiddlewaretoken" in f.inputs), key=lambda f: len(f.inputs))
    values = {}
    for name, value in form.form_values():
        if isinstance(values.get(name), list):
            values[name].append(value)
        elif name in values:
            values[name] = [values[name], value]
        else:
            values[name] = value
    return values


def form_errors(page: str) -> str:
    document = lxml.html.fromstring(page)
    return " | ".join(
        e.text_content().strip()
        for e in document.xpath("//*[contains(@class, 'errornote') or contains(@class, 'errorlist')]")
    )[:400]


def test_jpeg() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (1600, 1000))
    pixels = image.load()
    seed = secrets.randbelow(255)
    for x in range(0, 1600, 4):
        for y in range(0, 1000, 4):
            pixels[x, y] = ((x + seed) % 256, (y * 2) % 256, (x + y) % 256)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def title_of(page: str) -> str:
    found = lxml.html.fromstring(page).xpath("//h1")
    return found[0].text_content().strip() if found else ""


# -- The scenarios ----------------------------------------------------------------------------


class Scenarios:
    def __init__(self, machine: Machine, loads: int):
        self.m = machine
        self.loads = loads
        self.a = f"http://{HOSTS['A']}"
        self.b = f"http://{HOSTS['B']}"
        self.editor = Browser(self.a)
        self.article: dict = {}
        self.photo: Result | None = None

    def publish_with_photo(self) -> Result:
        result = Result("1. publish on A with a photo, read on B", "PASS")
        self.editor.log_in(*EDITOR)
        answer = self.editor.submit(
            "/admin/photos/photo/add/",
            {
                "alt_text": "Два хоста",
                "caption": "Снимок для проверки двух хостов",
                "credit": "DKNews",
                "_continue": "1",
            },
            files={"image": ("two-hosts.jpg", test_jpeg(), "image/jpeg")},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"photo upload on A: {answer.status_code} {form_errors(answer.text)}")
        photo = int(re.search(r"/photo/(\d+)/change/", answer.headers["location"])[1])
        title = f"Два хоста, одна редакция {self.m.run_id}"
        slug = f"dva-khosta-{self.m.run_id}"
        page = self.editor.request("GET", "/admin/articles/article/add/")
        section = lxml.html.fromstring(page.text).xpath("//select[@name='section']/option[@value!='']")
        changes = {
            "title": title,
            "slug": slug,
            "lead": "Статью опубликовали на хосте A, а читатель получил её на хосте B.",
            "body": "<p>Проверка: два сервера приложений, одна база, один Redis, одно хранилище.</p>",
            "language": "ru",
            "status": "published",
            "photo": str(photo),
            "_save": "1",
        }
        if section:
            changes["section"] = section[0].get("value")
        else:  # an autocomplete: the demo's first section
            changes["section"] = str(
                self.m.django(
                    "from articles.models import Section; print(Section.objects.order_by('position', 'pk').first().pk)"
                )
            )
        started = time.monotonic()
        answer = self.editor.submit("/admin/articles/article/add/", changes)
        if answer.status_code != 302:
            raise RuntimeError(f"publishing on A: {answer.status_code} {form_errors(answer.text)}")
        saved_at = time.monotonic()
        self.article = self.m.django(
            "import json; from articles.models import Article; a = Article.objects.get(slug="
            f"{slug!r}); print(json.dumps({{'pk': a.pk, 'url': a.get_absolute_url(), 'status': a.status}}))"
        )
        self.article["title"] = title
        result.figures.append(
            f"photo #{photo} uploaded and article #{self.article['pk']} published on A in {saved_at - started:.2f} s"
        )
        reader = httpx.get(self.b + self.article["url"])
        ok = reader.status_code == 200 and title_of(reader.text) == title
        result.figures.append(
            f"reader on B, first request: {reader.status_code}, headline {'right' if ok else 'WRONG/absent'}"
        )
        if not ok:
            result.outcome = "FAIL"
            return result
        stem = (
            self.m.django(
                "import json; from photos.models import Photo; "
                f"print(json.dumps(Photo.objects.get(pk={photo}).image.name))"
            )
            .rsplit(".", 1)[0]
            .rsplit("/", 1)[-1]
        )
        document = lxml.html.fromstring(reader.text)
        candidates = [e.get("src") for e in document.xpath("//img[@src]")]
        for element in document.xpath("//img[@srcset] | //source[@srcset]"):
            candidates += [part.strip().split(" ")[0] for part in element.get("srcset").split(",")]
        urls = list(dict.fromkeys(u for u in candidates if u and stem in u))
        if not urls:
            result.outcome = "FAIL"
            result.figures.append("the page shows no photo")
            return result
        result.figures.append(f"photo addresses on the page: {len(urls)}, e.g. {urls[0]}")
        if not self.m.s3:
            self.photo = Result("1b. the photo from the object store on B", "SKIP", [self.m.s3_note])
            return result
        statuses = {url: httpx.get(urllib.parse.urljoin(self.b, url)).status_code for url in urls}
        public = self.m.base_env["MEDIA_PUBLIC_URL"]
        outside = [u for u in urls if not u.startswith(public)]
        result.figures.append(
            f"photo answers: {sorted(set(statuses.values()))}; not at MEDIA_PUBLIC_URL: {len(outside)}"
        )
        if outside or set(statuses.values()) != {200}:
            result.outcome = "FAIL"
        self.photo = Result("1b. the photo from the object store on B", result.outcome, result.figures[-1:])
        return result

    def edit_clears_other_hosts_cache(self) -> Result:
        result = Result("2. edit on B clears A's page cache", "PASS")
        url = self.a + self.article["url"]
        for _ in range(2):  # the second answer comes from the page cache
            httpx.get(url).raise_for_status()
        new_title = self.article["title"] + " (исправлено на B)"
        path = f"/admin/articles/article/{self.article['pk']}/change/"
        wait_until(self.m.caught_up, seconds=10, what="replica")
        answer = self.editor.submit(path, {"title": new_title, "_save": "1"}, base=self.b)
        if answer.status_code != 302:
            raise RuntimeError(f"edit on B: {answer.status_code} {form_errors(answer.text)}")
        saved = time.monotonic()
        first = title_of(httpx.get(url).text)
        result.figures.append(
            f"saved on B (the session from A's login); "
            f"A's next answer: {'new' if first == new_title else 'OLD'} headline"
        )
        if first != new_title:
            result.outcome = "FAIL"
            try:
                wait_until(lambda: title_of(httpx.get(url).text) == new_title, seconds=70, what="new title on A")
                result.figures.append(f"A showed the new headline {time.monotonic() - saved:.1f} s after the save")
            except RuntimeError:
                result.figures.append("A still showed the old headline 70 s after the save")
        self.article["title"] = new_title
        return result

    def views_counted_exactly(self) -> Result:
        result = Result(f"3. {self.loads} loads through nginx counted exactly", "PASS")
        code = (
            "import json; from articles.models import Article; "
            f"print(json.dumps(Article.objects.get(pk={self.article['pk']}).view_count))"
        )
        before = self.m.django(code)
        beacons_before = {name: self.m.log_lines(f"host-{name}", "/views/") for name in HOSTS}
        url = self.m.nginx + self.article["url"]
        tokens = set()

        def load(_n):
            with httpx.Client(timeout=20) as browser:
                page = browser.get(url)
                beacon = BEACON.search(page.text)
                if page.status_code != 200 or beacon is None:
                    return page.status_code, None
                token = secrets.token_hex(16)
                tokens.add(token)
                return page.status_code, browser.post(f"{self.m.nginx}{beacon[1]}?t={token}").status_code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=25) as pool:
            answers = list(pool.map(load, range(self.loads)))
        elapsed = time.monotonic() - started
        pages_ok = sum(page == 200 for page, _ in answers)
        beacons_ok = sum(beacon == 204 for _, beacon in answers)
        result.figures.append(
            f"{self.loads} loads in {elapsed:.1f} s: pages 200: {pages_ok}, beacons 204: {beacons_ok}"
        )
        time.sleep(1)  # gunicorn's access log lines
        spread = {name: self.m.log_lines(f"host-{name}", "/views/") - beacons_before[name] for name in HOSTS}
        result.figures.append(f"beacons answered by host A: {spread['A']}, host B: {spread['B']}")
        flushed_from = time.monotonic()
        reached = None
        with contextlib.suppress(RuntimeError):
            wait_until(
                lambda: self.m.django(code) >= before + self.loads, seconds=30, what="the worker's flush", step=1
            )
            reached = time.monotonic() - flushed_from
        # A count past the mark would show after one more flush.
        time.sleep(int(self.m.env["A"].get("VIEW_COUNT_FLUSH_SECONDS", "5")) + 1)
        after = self.m.django(code)
        result.figures.append(
            f"view count {before} -> {after} (+{after - before}, expected +{self.loads}); the worker's flush seen "
            + (f"{reached:.1f} s after the last beacon (each look is a manage.py shell, ~3 s)" if reached else "never")
        )
        if after - before != self.loads or pages_ok != self.loads or beacons_ok != self.loads or 0 in spread.values():
            result.outcome = "FAIL"
        return result

    def withdrawn_never_shown(self) -> Result:
        result = Result("4. replica lag never shows a withdrawn article", "PASS")
        pk = self.article["pk"]
        wait_until(self.m.caught_up, seconds=10, what="replica")
        psql("SELECT pg_wal_replay_pause()", port=REPLICA_PORT, database=DATABASE)
        try:
            wait_until(
                lambda: psql("SELECT pg_get_wal_replay_pause_state()", port=REPLICA_PORT) == "paused",
                seconds=10,
                what="replay paused",
            )
            page = self.editor.request("GET", "/admin/articles/article/")
            token = form_values(page.text, "changelist-form")["csrfmiddlewaretoken"]
            answer = self.editor.request(
                "POST",
                "/admin/articles/article/",
                data={
                    "csrfmiddlewaretoken": token,
                    "action": "withdraw",
                    "_selected_action": str(pk),
                    "index": "0",
                    "confirmed": "yes",
                },
            )  # fmt: skip
            primary = psql(f"SELECT status FROM articles_article WHERE id = {pk}", database=DATABASE)
            replica = psql(f"SELECT status FROM articles_article WHERE id = {pk}", port=REPLICA_PORT, database=DATABASE)
            result.figures.append(
                f"withdrawn on A ({answer.status_code}): primary says {primary}, paused replica says {replica}"
            )
            reader = httpx.get(self.b + self.article["url"])
            through_nginx = httpx.get(self.m.nginx + self.article["url"] + "?after-withdrawal")
            result.figures.append(
                f"reader on B: {reader.status_code}; through nginx: {through_nginx.status_code} (410 expected)"
            )
            if primary != "withdrawn" or replica != "published":
                result.figures.append("the setup did not hold (replica not behind): inconclusive")
                result.outcome = "FAIL"
            elif reader.status_code != 410 or through_nginx.status_code != 410:
                result.outcome = "FAIL"
                result.figures.append(
                    "a withdrawn article was shown from the lagging replica (needs the routers' guard)"
                )
        finally:
            psql("SELECT pg_wal_replay_resume()", port=REPLICA_PORT, database=DATABASE)
        wait_until(self.m.caught_up, seconds=30, what="replica catching up after the resume")
        return result

    def host_killed_under_load(self) -> Result:
        result = Result("5. host A killed under load", "PASS")
        info = self.m.django(
            "import json; from articles.models import Article; "
            "a = Article.objects.published().filter(language='ru').order_by('-publish_at').first(); "
            "d = Article.objects.filter(status='draft').order_by('pk').first(); "
            "print(json.dumps({'url': a.get_absolute_url(), 'draft': d.pk}))"
        )
        paths = [info["url"], "/"]
        requests_log = []  # (started, ended, status)  0: no HTTP answer
        saves = []  # (started, ended, status, title)
        lock, stop = threading.Lock(), threading.Event()
        origin = time.monotonic()

        def reader(number):
            with httpx.Client(timeout=40) as client:
                n = 0
                while not stop.is_set():
                    n += 1
                    # A query string of its own: past nginx's cache and the page cache, to a host.
                    path = f"{paths[number % 2]}?utm_source=two-hosts-{number}-{n}"
                    started = time.monotonic() - origin
                    try:
                        status = client.get(self.m.nginx + path).status_code
                    except httpx.HTTPError:
                        status = 0
                    with lock:
                        requests_log.append((started, time.monotonic() - origin, status))

        def journalist():
            draft = f"/admin/articles/article/{info['draft']}/change/"
            n = 0
            while not stop.is_set():
                n += 1
                title = f"Черновик: сохранение {n} ({self.m.run_id})"
                started = time.monotonic() - origin
                try:
                    page = self.editor.request("GET", draft, base=self.m.nginx)
                    data = form_values(page.text) | {"title": title, "_continue": "1"}
                    started = time.monotonic() - origin
                    status = self.editor.request("POST", draft, base=self.m.nginx, data=data).status_code
                except (httpx.HTTPError, IndexError):
                    status = 0
                saves.append((started, time.monotonic() - origin, status, title))
                time.sleep(0.05)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
        threads.append(threading.Thread(target=journalist))
        for thread in threads:
            thread.start()
        time.sleep(4)
        killed = time.monotonic() - origin
        self.m.kill("host A")
        time.sleep(8)
        stop.set()
        for thread in threads:
            thread.join()

        def in_flight(entry):
            return entry[0] <= killed <= entry[1]

        failed = [r for r in requests_log if r[2] != 200]
        failed_after = [r for r in failed if not in_flight(r) and r[0] > killed]
        failed_before = [r for r in failed if r[1] < killed]
        failed_in_flight = [r for r in failed if in_flight(r)]
        result.figures.append(
            f"reads through nginx: {len(requests_log)} in 12 s, killed at {killed:.1f} s; failed: {len(failed)} "
            f"(in flight at the kill: {len(failed_in_flight)}, after it: {len(failed_after)}, "
            f"before it: {len(failed_before)}); "
            f"in flight at the kill: {sum(map(in_flight, requests_log))}"
        )
        if failed_after or failed_before:
            result.outcome = "FAIL"
            result.figures.append(f"statuses of failures: {sorted({r[2] for r in failed})}")

        # The journalist's saves: each one answered as saved is in the database; each other one
        # was an error the journalist saw; after the kill they go to B.
        history = set(
            self.m.django(
                "import json; from articles.models import Article; "
                f"print(json.dumps(list(Article.history.filter(id={info['draft']}).values_list('title', flat=True))))"
            )
        )
        saved = [s for s in saves if s[2] == 302]
        lost = [s for s in saved if s[3] not in history]
        errors = [s for s in saves if s[2] != 302]
        errors_stored = [s for s in errors if s[3] in history]
        saves_after = [s for s in saves if s[0] > killed]
        saves_in_flight = [s for s in saves if in_flight(s)]
        result.figures.append(
            f"draft saves through nginx: {len(saves)}, answered saved: {len(saved)}, "
            f"of those missing from the database: {len(lost)}; answered with an error: {len(errors)} "
            f"{sorted({s[2] for s in errors})} (of which stored anyway: {len(errors_stored)})"
        )
        result.figures.append(
            f"saves in flight at the kill: {len(saves_in_flight)} "
            f"{[('saved' if s[2] == 302 else f'error {s[2]}') for s in saves_in_flight]}; "
            f"saves after the kill: {len(saves_after)}, saved: {sum(s[2] == 302 for s in saves_after)}"
        )
        # One more save after the load, through nginx: on B.
        final = self.editor.submit(
            f"/admin/articles/article/{info['draft']}/change/",
            {"title": f"Черновик: после отказа хоста A ({self.m.run_id})", "_continue": "1"},
            base=self.m.nginx,
        )
        result.figures.append(f"a save through nginx after the load: {final.status_code}")
        errors_not_shown = [s for s in errors if s[2] == 0 or (s[2] < 400 and s[2] != 302)]
        if (
            lost
            or errors_not_shown
            or final.status_code != 302
            or not saves_after
            or any(s[2] != 302 for s in saves_after if not in_flight(s))
        ):
            result.outcome = "FAIL"
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--allow-replication", action="store_true", help=f"add '{HBA_LINE}' to the primary's pg_hba.conf"
    )
    parser.add_argument("--loads", type=int, default=500, help="browser loads in scenario 3")
    args = parser.parse_args()
    preflight(args.allow_replication)
    started = time.monotonic()
    results: list[Result] = []
    with contextlib.ExitStack() as stack:
        run_dir = Path(tempfile.mkdtemp(prefix="newsroom-two-hosts-"))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        machine = Machine(stack, run_dir)
        stack.callback(machine.forget_redis_keys)
        machine.database()
        machine.replica()
        machine.object_store()
        machine.hosts()
        say(f"Ready after {time.monotonic() - started:.0f} s; logs in {run_dir} until the end\n")
        scenarios = Scenarios(machine, args.loads)
        for scenario in (
            scenarios.publish_with_photo,
            scenarios.edit_clears_other_hosts_cache,
            scenarios.views_counted_exactly,
            scenarios.withdrawn_never_shown,
            scenarios.host_killed_under_load,
        ):
            try:
                result = scenario()
            except Exception as error:  # a scenario that could not run is a failure, and the rest go on
                result = Result(scenario.__name__, "FAIL", [f"{type(error).__name__}: {error}"])
            for shown in (result, scenarios.photo) if scenario == scenarios.publish_with_photo else (result,):
                if shown is None:
                    continue
                results.append(shown)
                say(f"{shown.outcome}  {shown.name}")
                for figure in shown.figures:
                    say(f"      {figure}")
            if not scenarios.article and result.outcome == "FAIL":
                say("      (the next scenarios need its article: stopping)")
                break
        say("\nCleaning up: processes, replica, database, Redis keys, temporary directories")
    say(f"\n{'scenario':<52} result")
    for result in results:
        say(f"{result.name:<52} {result.outcome}")
    say(f"\ntotal time {time.monotonic() - started:.0f} s")
    return 1 if any(r.outcome == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

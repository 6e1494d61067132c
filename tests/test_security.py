"""Hardened settings, headers, the database-outage page, logins, CSRF, redirects, escaping."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from distribution.models import ApiKey
from newsletters.services import confirmation_code
from tests.conftest import subprocess_env
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    PublisherFactory,
    SubscriberFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF"
PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</script><svg onload=alert(2)>"]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=subprocess_env(**{"SECRET_KEY": "", **env}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_in_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=subprocess_env(
            DEBUG="0",
            SECRET_KEY=STRONG_KEY,
            ALLOWED_HOSTS="dknews.kz",
            DATABASE_URL="",
            REDIS_URL="redis://127.0.0.1:6379/14",  # production shares a cache between workers
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_without_a_shared_cache():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=subprocess_env(DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="dknews.kz", DATABASE_URL="", REDIS_URL=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "newsroom.W001" in result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/login/", "/sitemap.xml"])
def test_security_headers_on_public_and_admin_pages(client, url):
    PublisherFactory()
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    for directive in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "script-src 'self'"]:
        assert directive in csp, directive
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_scripts_carry_the_csp_nonce(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert all(f'nonce="{nonce}"' in attributes or "application/json" in attributes for attributes in inline_scripts)


@pytest.mark.django_db
def test_health_and_readiness(client):
    assert client.get("/healthz").content == b"ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and "no-store" in ready["Cache-Control"]


OUTAGE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
page = client.get("/")
ready = client.get("/readyz")
print(page.status_code, page.get("Retry-After"), ready.status_code)
print(page.content.decode())
"""

# Every kind of address, each with what it needs to reach the database: a partner's key of the
# right shape, a staff session cookie, a token for the view beacon.
EVERY_ADDRESS = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.test import Client
anonymous = Client(raise_request_exception=False)
staff = Client(raise_request_exception=False)
staff.cookies["sessionid"] = "a" * 32
for who, method, path in [
    *(("reader", "get", path) for path in os.environ["ADDRESSES"].split()),
    ("reader", "post", "/views/5?t=0123456789abcdef"),
    ("reader", "head", "/news/"),
    ("staff", "get", "/"),
    ("staff", "get", "/news/some-article/"),
    ("staff", "get", "/admin/"),
    ("staff", "get", "/admin/articles/article/"),
]:
    client = staff if who == "staff" else anonymous
    response = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer nrk_abcdefgh_not-a-real-secret")
    print(who, method, path, response.status_code, response.get("Retry-After"))
"""
# What needs the database: every public page, feed, sitemap, the beacon, the partner API, a page
# that does not exist (old addresses are looked up), the 404 of a preview link.
NEEDS_DATABASE = """
/ /news/ /news/some-article/ /kk/ /en/news/x/ /popular/ /popular/?period=7d /section/x/ /topic/x/ /person/x/
/author/x/ /country/kz/ /source/x/ /2026/11/26/ /search/?q=x /news/?before=1-1 /feed.rss /feed.atom
/kk/feed.atom /feeds/all.rss /feeds/all.atom /section/x/feed.rss /topic/x/feed.atom /author/x/feed.rss
/sitemap.xml /sitemap-news.xml /sitemap-articles.xml /sitemap-sections.xml /views/5 /api/v1/items
/api/v1/items?since=x /api/v1/items/5 /nothing-here/ /?p=5 /preview/abc/ /readyz /healthz/worker
""".split()


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/test", "sqlite:////nonexistent-directory/db.sqlite3"],
    ids=["postgresql-down", "sqlite-unopenable"],
)
def test_database_outage_is_a_503_with_the_sites_notice(database_url):
    result = run_python(OUTAGE, DEBUG="1", DATABASE_URL=database_url, ALLOWED_HOSTS="testserver")
    first_line, _, page = result.stdout.partition("\n")
    assert first_line == "503 5 503", result.stdout + result.stderr
    assert "Сайт ненадолго недоступен" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_while_the_database_is_away_every_address_answers_503_and_logs_no_traceback(production_static):
    """Production settings, PostgreSQL unreachable: whatever answers (a view, a middleware ahead of
    the others such as the view beacon's or the old addresses', Django's 404 handler) gives the
    notice with Retry-After; addresses that need no database still answer."""
    result = run_python(
        EVERY_ADDRESS,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
        NEWSROOM_VAR_DIR=str(production_static.parent),
        DATABASE_URL="postgres://postgres@127.0.0.1:1/test",
        ADDRESSES=" ".join(NEEDS_DATABASE),
    )
    answers = {tuple(line.split()[:3]): line.split()[3:] for line in result.stdout.splitlines()}
    assert len(answers) == len(NEEDS_DATABASE) + 6, result.stdout + result.stderr
    for (who, method, path), (status, retry_after) in answers.items():
        assert (status, retry_after) == ("503", "5"), (who, method, path, status)
    assert "Traceback" not in result.stderr and "Internal Server Error" not in result.stderr
    assert "database unavailable: POST /views/5: OperationalError" in result.stderr


# -- Logins ------------------------------------------------------------------------------------


def login(client, username, password, ip="203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_failed_logins_lock_the_account_then_even_the_right_password_fails(client):
    UserFactory(username="editor", password="right-pass-123")
    for attempt in range(4):
        assert login(client, "editor", f"wrong-{attempt}").status_code == 200
    assert login(client, "editor", "wrong-5").status_code == 429  # the fifth failure locks
    locked = login(client, "editor", "right-pass-123", ip="198.51.100.9")  # another IP: the account is locked
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.content.decode()


@pytest.mark.django_db
def test_unknown_and_known_accounts_get_the_same_answers(client):
    UserFactory(username="editor", password="right-pass-123")
    known = [login(client, "editor", "wrong", ip="192.0.2.1") for _ in range(6)]
    unknown = [login(client, "nobody", "wrong", ip="192.0.2.2") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 4 + [429] * 2

    def strip(response):
        """The page without what differs per request anyway: CSRF token, CSP nonce, the typed name."""
        return re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|value="(editor|nobody)"',
            "",
            response.content.decode(),
        )

    assert strip(known[0]) == strip(unknown[0])
    assert strip(known[-1]) == strip(unknown[-1])


@pytest.mark.django_db
def test_many_accounts_from_one_ip_lock_the_ip(client):
    for number in range(4):
        assert login(client, f"guess{number}", "wrong", ip="192.0.2.50").status_code == 200
    assert login(client, "someone-else", "wrong", ip="192.0.2.50").status_code == 429
    assert login(client, "someone-else", "wrong", ip="192.0.2.51").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example/"])
def test_login_never_redirects_off_site(client, target):
    UserFactory(username="editor", password="right-pass-123")
    response = client.post(f"/admin/login/?next={target}", {"username": "editor", "password": "right-pass-123"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# -- CSRF ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_state_changing_posts_need_a_csrf_token_and_our_origin():
    editor = UserFactory(username="timur")
    editor.groups.add(Group.objects.get(name="Editor"))
    article = ArticleFactory(status="review", publish_at=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    action = {"action": "publish_now", "_selected_action": [article.pk], "confirmed": "yes"}
    assert client.post(changelist, action).status_code == 403
    token = client.get(changelist).cookies["csrftoken"].value
    forged = client.post(changelist, {**action, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403
    article.refresh_from_db()
    assert article.status == "review"


# -- Escaping everywhere ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_titles_names_tags_and_captions_are_text_everywhere(admin_client, client, payload):
    PublisherFactory()
    person = PersonFactory(name=f"Персона {payload}")
    article = ArticleFactory(
        title=f"Заголовок {payload}",
        lead=f"Лид {payload}",
        tags=[f"Тема {payload}"],
        photo=PhotoFactory(caption=payload, credit=payload, alt_text=payload),
    )
    article.people.set([person])
    raw = payload.replace('"', "&quot;")
    pages = {
        "article": client.get(article.get_absolute_url()),
        "front": client.get("/"),
        "topic": client.get(article.tags.first().get_absolute_url()),
        "search": client.get("/search/", {"q": payload}),
        "person": client.get(person.get_absolute_url()),
        "changelist": admin_client.get(reverse("admin:articles_article_changelist")),
        "person changelist": admin_client.get(reverse("admin:articles_person_changelist")),
        "revisions": admin_client.get(reverse("admin:articles_article_history", args=[article.pk])),
        "diff": admin_client.get(
            reverse("admin:articles_article_revision", args=[article.pk, article.history.first().history_id])
        ),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert payload not in html, name
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "") or raw not in html, name
    feed = client.get("/feed.rss").content.decode()
    assert "<script>" not in feed and "<img src=x" not in feed and "<svg" not in feed

    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', pages["article"].content.decode(), re.S)
    assert json.loads(ld.group(1))["headline"] == f"Заголовок {payload}"

    tags = admin_client.get(reverse("admin:articles_article_tag_names"), {"term": "Тема"}).json()
    assert tags["results"][0]["text"] == f"Тема {payload}"  # JSON data: the widget inserts it as text
    people = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Персона", "app_label": "articles", "model_name": "article", "field_name": "people"},
    )
    # JSON, never sniffed as HTML; select2 inserts result text escaped.
    assert people["Content-Type"] == "application/json" and people["X-Content-Type-Options"] == "nosniff"
    assert people.json()["results"][0]["text"].startswith(f"Персона {payload}")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_an_admin_message_is_text(admin_client, payload):
    from tests.articles.test_workflow import form_data

    article = ArticleFactory(title="Обычный")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, form_data(admin_client, url, title=f"Заголовок {payload}"), follow=True)
    messages = re.search(r'<ul class="messagelist">.*?</ul>', response.content.decode(), re.S).group()
    assert payload not in messages and "Заголовок" in messages


@pytest.mark.django_db
def test_journalist_forged_list_editable_post_changes_nothing(client):
    from agencies.models import PromoBlock
    from tests.factories import PromoBlockFactory

    journalist = UserFactory(username="dina")
    journalist.groups.add(Group.objects.get(name="Journalist"))
    block = PromoBlockFactory(is_active=True, position=1)
    client.force_login(journalist)
    response = client.post(
        reverse("admin:agencies_promoblock_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": block.pk,
            "form-0-position": "9",
            "_save": "1",
        },
    )
    assert response.status_code == 403
    block.refresh_from_db()
    assert (block.is_active, block.position) == (True, 1)
    assert PromoBlock.objects.count() == 1


@pytest.mark.django_db
def test_one_log_line_per_request_without_cookies_or_query(client, caplog):
    PublisherFactory()
    client.cookies["sessionid"] = "secret-session-value"
    with caplog.at_level("INFO", logger="newsroom.requests"):
        client.get("/search/", {"q": "личный запрос"})
    lines = [record.getMessage() for record in caplog.records if record.name == "newsroom.requests"]
    assert len(lines) == 1 and re.fullmatch(r"GET /search/ 200 [\d.]+ms( queries=\d+)? user=-", lines[0]), lines
    assert "secret-session-value" not in caplog.text and "личный" not in caplog.text


@pytest.mark.django_db
def test_a_readers_newsletter_token_is_not_logged(client, caplog):
    subscriber = SubscriberFactory()
    with caplog.at_level("INFO", logger="newsroom.requests"):
        client.get(f"/en/newsletters/preferences/{subscriber.token}/")
        client.get(f"/en/newsletters/unsubscribe/{subscriber.token}/1/")
        client.get(f"/en/newsletters/confirm/{confirmation_code(subscriber)}/")
    lines = [record.getMessage() for record in caplog.records if record.name == "newsroom.requests"]
    assert lines[0].startswith("GET /en/newsletters/preferences/[hidden]/ 200 ")
    assert lines[1].startswith("GET /en/newsletters/unsubscribe/[hidden]/1/ 404 ")
    assert lines[2].startswith("GET /en/newsletters/confirm/[hidden]/ ")
    assert subscriber.token not in caplog.text


# -- Addresses a bot can type ------------------------------------------------------------------

# A NUL byte in each part of a request that reaches a query: the path of every kind of public
# address, its query parameters, a partner's Authorization header. PostgreSQL refuses a NUL in a
# text, so one that reached a query would be a 500; each must be a 4xx.
NUL_ADDRESSES = [
    *(
        f"{prefix}{path}"
        for prefix in ("", "/kk", "/en")
        for path in (
            "/news/%00/", "/news/a%00b/", "/section/%00/", "/topic/%00/", "/person/%00/", "/author/%00/",
            "/country/%00/", "/source/%00/", "/%00", "/preview/%00/", "/2026/11/%00/", "/section/%00/feed.rss",
            "/topic/%00/feed.atom", "/author/%00/feed.rss",
        )
    ),
    "/sitemap-%00.xml", "/views/%00", "/feeds/%00", "/search/?q=%00", "/search/?q=a%00b&page=%00", "/?p=%00",
    "/news/?before=%00", "/popular/?period=%00", "/section/x/?page=%00", "/feed.rss?x=%00",
    "/sitemap-articles.xml?p=%00", "/sitemap.xml?p=%00", "/api/v1/items?language=%00", "/api/v1/items?section=%00",
    "/api/v1/items?topic=%00", "/api/v1/items?topic=a%00", "/api/v1/items?since=%00", "/api/v1/items/%00",
    "/api/v1/items?limit=%00",
]  # fmt: skip


@pytest.mark.django_db
def test_a_nul_byte_anywhere_in_a_request_is_a_4xx_never_a_500():
    PublisherFactory()
    ArticleFactory()
    key = ApiKey.issue("Партнёр")[1]
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")
    answers = {address: client.get(address).status_code for address in NUL_ADDRESSES}
    assert {address: status for address, status in answers.items() if status >= 500} == {}
    # A path with a NUL names nothing; a parameter with one is refused, or cleaned (a search, an
    # unknown parameter a page ignores) and answered as without it.
    cleaned = {"/search/?q=%00", "/?p=%00", "/popular/?period=%00", "/feed.rss?x=%00", "/sitemap.xml?p=%00"}
    assert {address for address, status in answers.items() if status < 400} == cleaned
    for token in ("nrk_abc\x00efgh_secret", f"{key}\x00", "nrk_\x00"):
        assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/items").status_code == 401

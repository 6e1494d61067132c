"""Settings for the newsroom CMS: one module, configured from the environment.

Every variable has a default that is safe on a laptop (SQLite file, in-process cache).
Production sets DEBUG=0 and must then provide a strong SECRET_KEY, or nothing starts.
The table of variables is in README.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from newsroom import media
from newsroom.html import EDITOR_EXTENSIONS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Fail closed: DEBUG is off unless asked for (the Makefile asks for it locally).
DEBUG = env_bool("DEBUG", False)

# Only ever used with DEBUG on; never accepted in production (see the check below).
_LOCAL_ONLY_KEY = "django-insecure-local-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without one. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _LOCAL_ONLY_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # PostgreSQL's search lookups and index classes (trigram indexes on expressions: OpClass);
    # harmless on SQLite, where nothing uses them.
    "django.contrib.postgres",
    "django_prose_editor",
    "django_tasks_db",
    "taggit",
    "simple_history",
    "axes",
    # After the third-party apps: newsroom/admin.py re-registers their admins (auth, axes).
    "newsroom",
    "jobs",
    "photos",
    "agencies",
    "articles",
    "readership",
    "website",
    "distribution",
    "moving",
    "incoming",
    "live",
    "planning",
    "newsletters",
    "anymail",
    "demo",
    # django-ninja's own Swagger UI files for the partner API's docs (no CDN).
    "ninja",
]

# Django's own middleware, and five of the project's, each with the reason it exists.
MIDDLEWARE = [
    # The article view beacon, every reader's page load sends one: answered here, first, it
    # costs 0.8 of a bare Django view; through the stack below, about a third (docs/performance.md).
    "readership.middleware.ViewBeaconMiddleware",
    # A log line per request, and the 503 notice while the database is away (Django has neither).
    "newsroom.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The old site's addresses, for a 404 or /?p=<id>: contrib.redirects' fallback, but pointing
    # at articles (a redirect to one not yet published is not followed) and counting its use.
    "moving.middleware.LegacyRedirectMiddleware",
    # Readers' whole pages, forgotten on every edit and never kept past the next scheduled
    # publication: Django's cache middleware can do neither (newsroom/pagecache.py).
    "newsroom.pagecache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the address's prefix, and in the admin from the user's choice: Django's
    # LocaleMiddleware gives every unprefixed address, the admin's too, the default language.
    "newsroom.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the content and 304 for If-None-Match / If-Modified-Since (feeds set Last-Modified).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.publisher",  # the news sitemap's publication name
                "planning.context_processors.inbox",  # the admin header's bell, read only when shown
            ],
        },
    },
    {
        # The reader-facing pages (templates/jinja2/, website/templating.py): Jinja2 renders an
        # article page about three times faster than Django's templates (docs/performance.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "website.templating.environment",
            "context_processors": ["website.context_processors.public_page"],
        },
    },
]

# SQLite file under var/ when DATABASE_URL is unset; PostgreSQL (psycopg 3) for postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it adds tens to hundreds of milliseconds to the planner's "expensive"
    # queries, and a web page's queries are short.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Prepared statements: a query run a second time on a connection is not planned again. The
    # article page's one query spent half its time in the planner (docs/performance.md). Behind
    # a pooler in transaction mode (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS=0.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 2}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep file handles open.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A read replica for anonymous readers' pages (newsroom/routers.py); in tests it mirrors default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    ) | {"TEST": {"MIRROR": "default"}, "OPTIONS": DATABASES["default"].get("OPTIONS", {})}
DATABASE_ROUTERS = ["newsroom.routers.PublicReadsRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's RedisCache, reusing its redis-py client objects (newsroom/cache.py). If Redis
    # is down the site runs without it; short timeouts keep a Redis that hangs from hanging pages.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
            # Sites (or test runs) sharing one Redis keep apart by a prefix of their own.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous readers' pages are cached whole (newsroom/pagecache.py) for at most this many
# seconds (0 turns the page cache off); every edit forgets them at once, and none outlives the
# next scheduled publication or expiry. With VIEW_COUNT_FLUSH_SECONDS it bounds how far a
# shown view count can lag (under a minute).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "55"))
# What browsers and proxies (nginx, a CDN) are told: Cache-Control max-age of public lists,
# feeds and sitemaps, with as much stale-while-revalidate (never past the next scheduled change).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "30"))
# The functions that find the next moment a page changes by itself (newsroom/pagecache.py).
PAGE_CACHE_SCHEDULE = ["articles.services.next_scheduled_change", "live.services.next_scheduled_entry"]
# With REDIS_URL, view counts are buffered in Redis and written to the database at most this
# often, in one statement (readership/buffer.py); 0 writes every view at once.
VIEW_COUNT_FLUSH_SECONDS = int(os.environ.get("VIEW_COUNT_FLUSH_SECONDS", "5"))

# Background work (jobs/worker.py, `manage.py worker`): Django's tasks framework with the queue in
# the database (django-tasks-db: a task commits with the rows it serves), and the periodic jobs
# the worker runs (PERIODIC_JOBS below: dotted path: seconds).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Most-read lists (readership/most_read.py): ranked at most this often per language and period;
# readers' views per hour are kept this many days.
MOST_READ_CACHE_SECONDS = int(os.environ.get("MOST_READ_CACHE_SECONDS", "60"))
MOST_READ_KEEP_DAYS = 8

# The partner API (distribution/api.py): requests a minute per key, and how long after a version
# reaches readers it is listed (a save still being committed is not jumped over by a cursor).
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))
API_SETTLE_SECONDS = int(os.environ.get("API_SETTLE_SECONDS", "10"))

# Telegram channels (distribution/tasks.py): the Bot API's address (Telegram's own, a self-hosted
# Bot API server, or a test's fake), how long one request may take, how often the worker looks
# for articles to post and queues their sending (an article goes out within about this long
# after its publication second), how many certain failures before a post is given up, and how
# old an article may be to be posted (a worker that was down for a day does not flood the
# channel with yesterday's news).
TELEGRAM_API_BASE = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org")
TELEGRAM_TIMEOUT_SECONDS = float(os.environ.get("TELEGRAM_TIMEOUT_SECONDS", "20"))
TELEGRAM_POLL_SECONDS = int(os.environ.get("TELEGRAM_POLL_SECONDS", "5"))
TELEGRAM_MAX_ATTEMPTS = int(os.environ.get("TELEGRAM_MAX_ATTEMPTS", "10"))
TELEGRAM_MAX_AGE_HOURS = int(os.environ.get("TELEGRAM_MAX_AGE_HOURS", "24"))
# The public site's address for links that leave the site without a request to take it from
# (Telegram posts); empty: https:// and the publisher agency's domain.
SITE_URL = os.environ.get("SITE_URL", "")

# Partners' wires (incoming/): how often the worker looks for sources due a poll (each source has its
# own interval; a poll is a queued task), how long one request to a partner may take, and the
# longest a failing source waits between tries (its interval doubles with each failure).
INCOMING_POLL_SECONDS = int(os.environ.get("INCOMING_POLL_SECONDS", "10"))
INCOMING_TIMEOUT_SECONDS = float(os.environ.get("INCOMING_TIMEOUT_SECONDS", "15"))
INCOMING_MAX_BACKOFF_SECONDS = int(os.environ.get("INCOMING_MAX_BACKOFF_SECONDS", "3600"))
# NewsML-G2 drop folders live under this folder: a source names its own folder inside it.
# Pictures a wire item names are fetched only from public addresses (never the loopback or a
# private network: the item comes from outside); the tests' fake partner lives on 127.0.0.1.
INCOMING_PICTURES_FROM_PRIVATE_ADDRESSES = env_bool("INCOMING_PICTURES_FROM_PRIVATE_ADDRESSES", False)
INCOMING_DROP_ROOT = Path(os.environ.get("INCOMING_DROP_ROOT") or VAR_DIR / "drop")

# Notification emails (planning/tasks.py), through Django's SMTP backend, configured as Django
# 6.1's MAILERS from the EMAIL_* variables (the EMAIL_* settings are deprecated in 6.1). No
# EMAIL_HOST: the site sends no mail at all (the dummy backend; nobody's notifications wait for
# mail). The password is read from the environment only, never shown or logged.
EMAIL_ENABLED = bool(os.environ.get("EMAIL_HOST", ""))
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", ""),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": float(os.environ.get("EMAIL_TIMEOUT", "30")),
        },
    }
    if EMAIL_ENABLED
    else {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# Without EMAIL_HOST sending no mail is the documented choice, not a mistake the deploy check
# should stop a production start for (mail.E001: "a development-only email backend").
SILENCED_SYSTEM_CHECKS = [] if EMAIL_ENABLED else ["mail.E001"]
# How often the worker sends the due notification emails, and how many certain failures
# (refused, no connection) before one is given up.
NOTIFICATION_EMAIL_SECONDS = int(os.environ.get("NOTIFICATION_EMAIL_SECONDS", "30"))
NOTIFICATION_EMAIL_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_EMAIL_MAX_ATTEMPTS", "6"))

# Newsletters (newsletters/tasks.py, docs/newsletters.md): how often the worker looks for mail to
# send, how long one run sends (the worker's other jobs wait meanwhile), at most how many mails a
# minute, and how many certain failures before a mail is given up. A scheduled issue more than
# NEWSLETTER_LATE_HOURS late is not sent.
NEWSLETTER_POLL_SECONDS = int(os.environ.get("NEWSLETTER_POLL_SECONDS", "10"))
NEWSLETTER_SEND_SECONDS = int(os.environ.get("NEWSLETTER_SEND_SECONDS", "20"))
NEWSLETTER_RATE_PER_MINUTE = int(os.environ.get("NEWSLETTER_RATE_PER_MINUTE", "20000"))
NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("NEWSLETTER_MAX_ATTEMPTS", "5"))
NEWSLETTER_LATE_HOURS = int(os.environ.get("NEWSLETTER_LATE_HOURS", "6"))
# A batch of mails claimed longer ago than NEWSLETTER_SEND_SECONDS, ten answers of the mail server
# (EMAIL_TIMEOUT each) and this margin belongs to a worker that died: its mail in flight becomes
# "unknown", the rest are sent by another worker (newsletters/tasks.py, stale_before).
NEWSLETTER_STALE_MARGIN_SECONDS = int(os.environ.get("NEWSLETTER_STALE_MARGIN_SECONDS", "60"))
# Signing up: a confirmation link works this many days; an address never confirmed is forgotten
# after NEWSLETTER_UNCONFIRMED_DAYS; one address gets at most one confirmation mail in
# NEWSLETTER_CONFIRM_INTERVAL_SECONDS, one IP address at most NEWSLETTER_SIGNUPS_PER_IP_HOUR
# signups an hour. The signup's IP address and browser (the proof of consent) are cleared
# NEWSLETTER_CONSENT_KEEP_DAYS after the reader left every newsletter.
# The mail provider's webhooks (django-anymail: /anymail/<provider>/tracking/) put its hard bounces,
# complaints and unsubscribes on the suppression list. The provider calls them with
# ANYMAIL_WEBHOOK_SECRET ("user:password") as basic auth; never shown or logged. Unset, nobody can
# call them: the secret is then one made up at start and known to no one.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "") or f"off:{secrets.token_urlsafe(32)}"}
NEWSLETTER_CONFIRM_DAYS = 3
NEWSLETTER_UNCONFIRMED_DAYS = 7
NEWSLETTER_CONFIRM_INTERVAL_SECONDS = int(os.environ.get("NEWSLETTER_CONFIRM_INTERVAL_SECONDS", "600"))
NEWSLETTER_SIGNUPS_PER_IP_HOUR = int(os.environ.get("NEWSLETTER_SIGNUPS_PER_IP_HOUR", "10"))
NEWSLETTER_CONSENT_KEEP_DAYS = 3 * 365

PERIODIC_JOBS = {
    # Buffered view counts reach the database even when no reader comes (with REDIS_URL).
    "readership.tasks.flush_view_counts": VIEW_COUNT_FLUSH_SECONDS,
    # Views per hour older than 2 days and per day older than MOST_READ_KEEP_DAYS are deleted.
    "readership.tasks.prune_views_by_hour": 3600,
    # Published articles to the agency's Telegram channels, edits and deletions after them:
    # planned here, sent by the queued tasks distribution.tasks.send_telegram_post/_follow_up.
    "distribution.tasks.deliver_telegram": TELEGRAM_POLL_SECONDS,
    # Finished tasks older than TASK_KEEP_DAYS (failed: TASK_KEEP_FAILED_DAYS) are deleted.
    "jobs.tasks.prune_task_results": 3600,
    # Partners' sources due a poll: each queued as the task incoming.tasks.poll_source.
    "incoming.tasks.poll_sources": INCOMING_POLL_SECONDS,
    # Notification emails due (at once, or the hourly digests): claimed, then sent.
    "planning.tasks.send_notification_emails": NOTIFICATION_EMAIL_SECONDS,
    # Newsletters: confirmation mails, scheduled issues built and started, deliveries sent.
    "newsletters.tasks.send_newsletters": NEWSLETTER_POLL_SECONDS,
}
# Lists other apps add to the admin's desk (articles/desk.py): functions of the user.
DESK_LISTS = [
    "planning.desk.todays_budget",
    "planning.desk.my_assignments",
    "readership.desk.most_read_now",
    "incoming.desk.flagged_items",
    "incoming.desk.sources_in_trouble",
]
# Notices other apps add above an article's admin form (functions of the article returning a
# list of ``articles.admin.Notice``): a wire item corrected or killed after it was taken, the
# assignment the article fulfils.
ARTICLE_NOTICES = ["incoming.notices.wire_notices", "planning.notices.assignment_notices"]
# Boxes other apps put above an article's admin form, outside it (functions of the request and
# the article returning an ``articles.desk.Panel`` or None): live coverage's desk.
ARTICLE_PANELS = ["live.admin.live_panel", "planning.admin_talk.talk_panel"]
# Columns other apps add to the articles' admin list (``articles.desk.ListColumn``, one subquery
# each, no query per row): open comments on drafts.
ARTICLE_LIST_COLUMNS = ["planning.admin_talk.OPEN_COMMENTS_COLUMN"]
# Functions called with article, by, old and new status after each state change of
# articles.services (publish, withdraw, return to draft), in its transaction: notifications.
ARTICLE_STATE_LISTENERS = ["planning.notifications.article_state_changed"]
# Functions called with the item (as taken) and the new version's fields when a partner corrects
# a wire item that was taken (incoming.services.item_new_version): notifications.
INCOMING_CORRECTION_LISTENERS = ["planning.notifications.wire_item_corrected"]
# Live coverage (live/): an entry holds at most this many characters of text; readers' pages ask
# for new entries this often (seconds), and that answer is kept by proxies half as long.
LIVE_ENTRY_MAX_CHARS = int(os.environ.get("LIVE_ENTRY_MAX_CHARS", "5000"))
LIVE_POLL_SECONDS = int(os.environ.get("LIVE_POLL_SECONDS", "10"))
# The plan (planning/): an organiser's calendar file may have at most this many bytes, and its
# events are imported from today this many days ahead (a rule without end stops there), at most
# this many; the agency's own events are exported with UIDs in this domain.
PLANNING_ICS_MAX_BYTES = int(os.environ.get("PLANNING_ICS_MAX_BYTES", str(2 * 1024 * 1024)))
PLANNING_ICS_DAYS = int(os.environ.get("PLANNING_ICS_DAYS", "90"))
PLANNING_ICS_MAX_EVENTS = int(os.environ.get("PLANNING_ICS_MAX_EVENTS", "5000"))
PLANNING_ICS_DOMAIN = os.environ.get("PLANNING_ICS_DOMAIN", "newsroom.invalid")
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))
TASK_RETRY_SECONDS = int(os.environ.get("TASK_RETRY_SECONDS", "10"))  # doubles with each attempt
TASK_KEEP_DAYS = int(os.environ.get("TASK_KEEP_DAYS", "7"))
TASK_KEEP_FAILED_DAYS = int(os.environ.get("TASK_KEEP_FAILED_DAYS", "30"))
# A worker not seen for this long is dead: the task it was running goes back to the queue.
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Russian first, then Kazakh and English.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Kazakh number formats, which Django does not ship (newsroom/formats/kk/formats.py).
FORMAT_MODULE_PATH = ["newsroom.formats"]
# Stored in UTC, shown in the newsroom's zone (Asia/Almaty is UTC+5 since 2024-03-01).
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_TZ = True

# Uploaded images: size and pixel limits (see photos/images.py).
IMAGE_MAX_UPLOAD_BYTES = int(float(os.environ.get("IMAGE_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields other than files

AUTHENTICATION_BACKENDS = [
    # django-axes: failed logins are counted per account and per IP address in the cache; after
    # AXES_FAILURE_LIMIT either one is locked out for AXES_COOLOFF_TIME. The answer is the same
    # whether the account exists or not.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Counted in the shared cache (Redis) when there is one, else in the database: an in-process
# cache would count per worker and let an attacker spread attempts across workers.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))  # reverse proxies in front of gunicorn
AXES_VERBOSE = False

# Security headers. SecurityMiddleware sends nosniff, Referrer-Policy and COOP; the CSP comes
# from Django's own middleware: scripts only from this site or with the request's nonce,
# nothing may frame the site.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The nonce only for the rich-text editor's one empty <style> element (newsroom/widgets.py).
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Files go through Django's storage API: the default keeps media on the local disk (MEDIA_ROOT,
# served at /media/). MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage puts them in an
# S3-compatible bucket instead (newsroom/media.py; its variables in README.md), linked at
# MEDIA_PUBLIC_URL. MEDIA_PUBLIC_URL alone puts a CDN in front of local media.
MEDIA_STORAGE_BACKEND = os.environ.get("MEDIA_STORAGE_BACKEND", "").strip() or (
    "django.core.files.storage.FileSystemStorage"
)
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL", "").strip()
if MEDIA_PUBLIC_URL and not MEDIA_PUBLIC_URL.endswith("/"):
    MEDIA_PUBLIC_URL += "/"
_media = {"BACKEND": MEDIA_STORAGE_BACKEND}
if MEDIA_STORAGE_BACKEND == media.S3_BACKEND:
    _media["OPTIONS"] = media.s3_options(os.environ)
STORAGES = {
    "default": _media,
    # Hashed, compressed static files served by WhiteNoise in production (after collectstatic);
    # plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = MEDIA_PUBLIC_URL or "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
if MEDIA_PUBLIC_URL:
    # Readers' browsers load photos from there: the CSP lets them.
    SECURE_CSP["img-src"].append(media.public_origin(MEDIA_PUBLIC_URL))

# The article editor's own extensions (newsroom/html.py holds the editor's schema and sanitiser).
DJANGO_PROSE_EDITOR_EXTENSIONS = EDITOR_EXTENSIONS

# Tags are matched case-insensitively: "Экономика" and "экономика" are one topic.
TAGGIT_CASE_INSENSITIVE = True

# How many articles a public list shows per page.
ARTICLES_PER_PAGE = 20
STATICFILES_DIRS = [BASE_DIR / "static"]

# Logging: one line per request (newsroom.middleware.RequestLogMiddleware) and errors with
# their traceback, to stderr. No request headers, cookies or POST data are ever logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "newsroom.requests": {
            "handlers": ["stderr"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # The worker: one line per task and per periodic job run.
        "jobs": {"handlers": ["stderr"], "level": os.environ.get("WORKER_LOG_LEVEL", "INFO"), "propagate": False},
        # The worker logs each task itself; Django's tasks framework would say it twice more.
        "django.tasks": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # Telegram posts: a line per post sent, retried or failed (never a token).
        "distribution": {
            "handlers": ["stderr"],
            "level": os.environ.get("WORKER_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # httpx logs each request's address at INFO, and a Bot API address holds the bot's token.
        "httpx": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "httpcore": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

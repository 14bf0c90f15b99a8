"""casedesk settings: one module, every knob from the environment (12-factor).

Documented in README.md ("Configuration").  Business settings (SLA targets, calendars,
escalation matrix) are data in the database, not here.
"""

import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.conf import global_settings

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CASEDESK_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("CASEDESK_DEBUG")
ALLOWED_HOSTS = os.environ.get("CASEDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CASEDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "casedesk.web.apps.DeskAdminConfig",  # django.contrib.admin, for administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "casedesk.ops.apps.TasksDatabaseConfig",  # django_tasks_db, its name translated
    "casedesk.core",
    "casedesk.accounts",
    "casedesk.cases",
    "casedesk.roster",  # the duty roster: who is on duty when (alerts, board, routing)
    "casedesk.web",
    "casedesk.portal",
    "casedesk.ops",
    "casedesk.sla",
    "casedesk.notify",
    "casedesk.routing",
    "casedesk.reports",
    "casedesk.search",
    "casedesk.webhooks",
    "casedesk.mailgate",
    "casedesk.caselist",  # the CASE list and queues: a read model over cases, sla and search
    "casedesk.contracts",
    "casedesk.parts",
    "casedesk.field",
    "casedesk.labour",
    "casedesk.knowledge",
    "casedesk.complaints",
    "casedesk.surveys",
    "casedesk.replies",
    "casedesk.vendors",
    "casedesk.partners",
    "casedesk.cmdb",  # configuration items, their relations, impact and services
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casedesk.core.context.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "casedesk.web.middleware.UserPreferencesMiddleware",
    "casedesk.api.language.ApiLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "casedesk.urls"
WSGI_APPLICATION = "casedesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite under ./var/ unless DATABASE_URL is set (postgres://user@host:port/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'casedesk.sqlite3'}",
        conn_max_age=int(os.environ.get("CASEDESK_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many writers at once: WAL, a busy timeout, and IMMEDIATE transactions so a writer
    # takes the write lock up front instead of failing to upgrade a read lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file too (not shared-cache memory), so concurrent-writer tests are real.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

else:
    # One test database per test process, so several test runs on one machine never clash.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Time and language ----------------------------------------------------------------
USE_TZ = True
TIME_ZONE = os.environ.get("CASEDESK_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
LANGUAGE_CODE = os.environ.get("CASEDESK_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here after collectstatic
WHITENOISE_USE_FINDERS = True

# --- E-mail ---------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes out over SMTP; without it (``make run``), into var/mail/.
EMAIL_BACKEND = os.environ.get(
    "CASEDESK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casedesk@localhost")
EMAIL_TIMEOUT = float(os.environ.get("CASEDESK_EMAIL_TIMEOUT", "10"))
# The files one outgoing message carries, at most (bytes before encoding; base64 adds a
# third): past it a file stays out and the message gives its link only.
CASEDESK_MAIL_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("CASEDESK_MAIL_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

# --- Background tasks (DEP 14 via django-tasks) ---------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CASEDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Outboxes (notify/, webhooks/) ---------------------------------------------------
# A sender's claim on the rows it is delivering lapses after this many seconds of real time
# (at least four times the send timeout), then another sender takes them over.
CASEDESK_CLAIM_TIMEOUT = float(os.environ.get("CASEDESK_CLAIM_TIMEOUT", "300"))
# Seconds between the worker's sweeps of the outboxes (a lost kick, a dead sender's rows).
CASEDESK_OUTBOX_SWEEP = float(os.environ.get("CASEDESK_OUTBOX_SWEEP", "60"))

# --- Webhooks -------------------------------------------------------------------------
# CASEDESK_BASE_URL: the desk's address as people open it, for links in webhook messages.
CASEDESK_BASE_URL = os.environ.get("CASEDESK_BASE_URL", "http://127.0.0.1:8000")
CASEDESK_WEBHOOK_TIMEOUT = float(os.environ.get("CASEDESK_WEBHOOK_TIMEOUT", "10"))
CASEDESK_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("CASEDESK_WEBHOOK_MAX_ATTEMPTS", "8"))

# --- API ------------------------------------------------------------------------------
CASEDESK_API_PAGE_MAX = 200
CASEDESK_TITLE_MAX = 200
# Threads per process that run the dashboard's independent queries side by side (0: none).
CASEDESK_REPORT_THREADS = int(os.environ.get("CASEDESK_REPORT_THREADS", "3"))
CASEDESK_TEXT_MAX = 50_000
# How long a satisfaction survey link stays open (days).
CASEDESK_SURVEY_DAYS = int(os.environ.get("CASEDESK_SURVEY_DAYS", "30"))
# The VAT a renewal quote adds to its subtotal (6 %: Chinese IT and technical services).
CASEDESK_QUOTE_TAX_RATE = Decimal(os.environ.get("CASEDESK_QUOTE_TAX_RATE", "0.06"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Attachments (cases/attachments.py): stored under MEDIA_ROOT, never served directly --
MEDIA_ROOT = Path(os.environ.get("CASEDESK_MEDIA_ROOT", VAR_DIR / "media")).resolve()
CASEDESK_MAX_ATTACHMENT_MB = int(os.environ.get("CASEDESK_MAX_ATTACHMENT_MB", "25"))
FILE_UPLOAD_HANDLERS = ["casedesk.cases.attachments.SizeLimitUploadHandler", *global_settings.FILE_UPLOAD_HANDLERS]  # fmt: skip

# --- Mail gateway (mailgate/): `casedesk mailgate` on stdin, or --imap ------------------
# An unknown sender's mail opens an unverified CASE in the triage organization, or is
# answered with a polite refusal ("reject").  A whole message above CASEDESK_MAIL_MAX_MB is
# stored and quarantined unread (a 25 MB attachment is about 34 MB once base64-encoded).
CASEDESK_MAIL_UNKNOWN_SENDER = os.environ.get("CASEDESK_MAIL_UNKNOWN_SENDER", "triage")
CASEDESK_MAIL_TRIAGE_ORG = os.environ.get("CASEDESK_MAIL_TRIAGE_ORG", "UNVERIFIED")
CASEDESK_MAIL_PRIORITY = os.environ.get("CASEDESK_MAIL_PRIORITY", "P3")
CASEDESK_MAIL_MAX_MB = int(os.environ.get("CASEDESK_MAIL_MAX_MB", "40"))
# Past this many mails from one address in an hour it gets no more answers (mail loops).
CASEDESK_MAIL_ANSWERS_PER_HOUR = int(os.environ.get("CASEDESK_MAIL_ANSWERS_PER_HOUR", "10"))
# Where `python -m casedesk.mailgate.spool` leaves messages for `casedesk mailgate --spool`.
CASEDESK_MAIL_SPOOL = Path(os.environ.get("CASEDESK_MAIL_SPOOL", VAR_DIR / "mail-spool")).resolve()
CASEDESK_IMAP_HOST = os.environ.get("CASEDESK_IMAP_HOST", "")
CASEDESK_IMAP_PORT = int(os.environ.get("CASEDESK_IMAP_PORT", "993"))
CASEDESK_IMAP_SSL = _env_bool("CASEDESK_IMAP_SSL", True)
CASEDESK_IMAP_USER = os.environ.get("CASEDESK_IMAP_USER", "")
CASEDESK_IMAP_PASSWORD = os.environ.get("CASEDESK_IMAP_PASSWORD", "")
CASEDESK_IMAP_FOLDER = os.environ.get("CASEDESK_IMAP_FOLDER", "INBOX")
CASEDESK_IMAP_DONE_FOLDER = os.environ.get("CASEDESK_IMAP_DONE_FOLDER", "")

# --- Security -------------------------------------------------------------------------
# CASEDESK_HTTPS=1 behind TLS (a proxy sending X-Forwarded-Proto): secure cookies, HSTS.
# ``make run`` is plain http on localhost and leaves it off.
CASEDESK_HTTPS = _env_bool("CASEDESK_HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CASEDESK_HTTPS or _env_bool("CASEDESK_SECURE_COOKIES")
SESSION_COOKIE_AGE = int(os.environ.get("CASEDESK_SESSION_HOURS", "12")) * 3600  # one shift
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if CASEDESK_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("CASEDESK_HSTS_SECONDS", "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Login throttle (database-backed, so it holds across every web worker): after
# CASEDESK_LOGIN_MAX_PER_USER failures for one username, or CASEDESK_LOGIN_MAX_PER_IP from
# one address, within CASEDESK_LOGIN_WINDOW_MINUTES refuse every login attempt until the
# oldest counted failure leaves the window.
CASEDESK_LOGIN_MAX_PER_USER = int(os.environ.get("CASEDESK_LOGIN_MAX_PER_USER", "5"))
CASEDESK_LOGIN_MAX_PER_IP = int(os.environ.get("CASEDESK_LOGIN_MAX_PER_IP", "20"))
CASEDESK_LOGIN_WINDOW_MINUTES = int(os.environ.get("CASEDESK_LOGIN_WINDOW_MINUTES", "15"))
# How many reverse proxies (nginx, a load balancer) add to X-Forwarded-For in front of the
# app; 0 = clients connect directly and the peer address is the client's.
CASEDESK_PROXY_COUNT = int(os.environ.get("CASEDESK_PROXY_COUNT", "0"))
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "casedesk.web.errors.csrf_failure"  # the desk's 403 page, not Django's

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CASEDESK_LOG_LEVEL", "WARNING")},
}

# Covering indexes (``include=``) are PostgreSQL's; SQLite builds them as plain indexes.
# One general rate card per tier (``nulls_distinct=False``) is PostgreSQL's constraint; on
# SQLite (the demo) the operation's own check keeps it.
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

"""Django settings for Treem.

Everything a deployment changes comes from the environment:
TREEM_DATA_DIR (where the SQLite database and the secret key live),
DATABASE_URL (PostgreSQL in production), TREEM_DEBUG, TREEM_ALLOWED_HOSTS,
TREEM_SECRET_KEY.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import platformdirs

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(os.environ.get("TREEM_DATA_DIR") or platformdirs.user_data_dir("treem"))


def _secret_key():
    if os.environ.get("TREEM_SECRET_KEY"):
        return os.environ["TREEM_SECRET_KEY"]
    # A per-installation key kept beside the database, readable by its owner only.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TREEM_DEBUG", "") in ("1", "true", "yes")
ALLOWED_HOSTS = os.environ.get("TREEM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "treem.core",
    "treem.accounts",
    "treem.units",
    "treem.agencies",
    "treem.plans",
    "treem.reporting",
    "treem.workbooks",
    "treem.analytics",
    "treem.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "treem.core.middleware.LanguageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "treem.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "treem.urls"
WSGI_APPLICATION = "treem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'treem.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Django's, with a process's writers queueing rather than polling the file.
    DATABASES["default"]["ENGINE"] = "treem.core.sqlite"
    # WAL lets readers work while a report is being saved.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections are kept as on PostgreSQL: opening one (with its PRAGMAs
    # and Django's functions) costs a couple of milliseconds of CPU, a tenth
    # of what a submission costs, on every request.

# `treem serve` runs several processes. What each keeps for itself (figures
# summed below a unit, public pages) is in its own memory; what they must agree
# on (the versions that drop those at once everywhere, sign-in failure
# counters) is in files under DATA_DIR, which all processes of one machine share.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 3000}},
    "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": DATA_DIR / "shared-cache",
               "OPTIONS": {"MAX_ENTRIES": 5000}},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["treem.accounts.backends.UserWithUnitBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own "vi" formats lack input date formats; ours add them, and keep
# dd/mm/yyyy and 1.234,5 in English too, so figures read the same in both.
FORMAT_MODULE_PATH = ["treem.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"  # `treem collectstatic` for a front server
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("TREEM_HTTPS", "") in ("1", "true", "yes"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A coordinator uploads one workbook per district or commune at once.
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
# Background work (bulk workbook imports) runs in a thread; the tests run it inline.
TREEM_TASKS_INLINE = os.environ.get("TREEM_TASKS_INLINE", "") in ("1", "true", "yes")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_client_errors": {"()": "treem.core.logs.NoTracebackForClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_traceback_for_client_errors"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Figures are formatted by treem.core.numbers (1.234,5); grouping every
# integer would also turn the year 2025 into "2.025".
USE_THOUSAND_SEPARATOR = False
CSRF_FAILURE_VIEW = "treem.core.views.csrf_failure"

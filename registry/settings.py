"""Settings for the trial registry browser, read from the environment.

Development defaults are safe to run locally; production sets DJANGO_DEBUG=false,
DJANGO_ALLOWED_HOSTS and (for more than one host) DJANGO_SECRET_KEY. Bad values fail at start-up,
not at first use.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """A boolean environment variable; anything but a clear yes or no is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def generated_secret_key(path: Path) -> str:
    """The key in ``path``, written there (readable by its owner alone) on first use.

    For one host that serves without DJANGO_SECRET_KEY (``make run``): sessions survive a
    restart. Several hosts behind a balancer must share one DJANGO_SECRET_KEY instead.
    """
    import secrets

    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.write_text(key + "\n")
    return key


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = (
        "django-insecure-development-only-key-do-not-use-in-production"
        if DEBUG
        else generated_secret_key(BASE_DIR / ".secret_key")
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "axes",
    "trials",
]

# Streaming replicas of the primary that page and API reads may go to (registry/replicas.py).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", "")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and views: a NUL or an absurd length never reaches a query.
    "registry.middleware.RefuseUnusableInput",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (a signed-in user reads the primary; the session is read from it
    # before any read may go to a replica), inside sessions (it sees a session being saved).
    *(["registry.middleware.ReadFromReplicas"] if DATABASE_REPLICA_URLS else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it needs the authenticated user and answers lockouts itself.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

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
                "trials.context_processors.freshness",
            ],
        },
    },
]

# PostgreSQL only: search, trigram matching and arrays depend on it. Without DATABASE_URL the
# project runs its own embedded server with its data in .pgdata/ of the checkout.
_database_url = os.environ.get("DATABASE_URL", "")
if not _database_url:
    from registry.embedded import database_url

    _database_url = database_url(os.environ.get("EMBEDDED_DATABASE_NAME", "registry"))
# Persistent connections: a study page is ~5x faster with them (docs/engineering.md).
_conn_max_age = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
DATABASES = {
    "default": dj_database_url.parse(
        _database_url, conn_max_age=_conn_max_age, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at a PostgreSQL server")
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=_conn_max_age, conn_health_checks=True)
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: replica {_number} must point at a PostgreSQL server"
        )
    # A replica that does not answer is passed over for the primary: soon, not after the
    # operating system's minutes-long TCP timeout.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Tests run unchanged with replicas configured: each reads the test database itself.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["registry.replicas.ReplicaRouter"]
# How long a client that wrote reads the primary: longer than the replicas usually lag.
DATABASE_REPLICA_LAG_SECONDS = int(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Search counts are exact up to this many studies; past it the page shows labelled estimates
# counted on a sample (trials.search.facets).
SEARCH_EXACT_COUNTS = int(os.environ.get("SEARCH_EXACT_COUNTS", "10000"))
# PostgreSQL's work_mem within a search's transaction (SET LOCAL): ranking a common word's first
# tier sorts tens of thousands of rows, which the server's default 4MB sends to disk.
SEARCH_WORK_MEM = os.environ.get("SEARCH_WORK_MEM", "64MB")

# The ClinicalTrials.gov API v2 that `manage.py sync_trials` keeps the copy up to date from.

CTGOV_API_URL = os.environ.get("CTGOV_API_URL", "https://clinicaltrials.gov/api/v2").rstrip("/")
if not CTGOV_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"CTGOV_API_URL must be an http(s) URL, not {CTGOV_API_URL!r}")

# The admin lives under a configurable path so it is not where every scanner looks first.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

# django-axes: five wrong passwords lock that username (from any address) for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# axes.W006 asks for the client address among the lockout keys, against attackers who rotate
# user agents or cookies; neither is a key here, and a username key holds whatever the address.
# An address key would lock out every curator behind one office NAT after five typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Pages carry no inline script or style; the policy says so.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Served over HTTPS (behind a proxy that says so in X-Forwarded-Proto) unless DJANGO_HTTPS=false,
# as for `make run` on loopback.
if not DEBUG and env_bool("DJANGO_HTTPS", True):
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

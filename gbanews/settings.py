"""Settings for gbanews, read from the environment with safe local defaults.

Every deploy-time value is an environment variable; README.md lists them all.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-gbanews-local-development-key-never-use-in-production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, got {value!r}."
        ) from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The test runner imports the settings with DEBUG off; it may use the development key.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
# So may makemigrations, which only writes code and never serves a request.
OFFLINE = TESTING or sys.argv[1:2] == ["makemigrations"]

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not (DEBUG or OFFLINE):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(or set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = DEV_SECRET_KEY
elif SECRET_KEY == DEV_SECRET_KEY and not (DEBUG or OFFLINE):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the development key; production needs its own."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not (DEBUG or OFFLINE):
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Give the site's host names, "
            "comma-separated (e.g. news.example.com)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "GBA Tech News")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "reversion",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gbanews.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache, whose keys name the language (gbanews/languages.py).
    # It reads the URL prefix (readers) or the browser's language (the admin),
    # never the session, so it needs no SessionMiddleware before it.
    "gbanews.languages.LanguageMiddleware",
    # Old WordPress URLs: before the page cache, so that /?p=<id> is never
    # answered with the cached home page.
    "articles.permalinks.OldPermalinkMiddleware",
    "articles.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers locked-out login attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gbanews.urls"

TEMPLATES = [
    # Readers' pages: Jinja2 (articles/templating.py); the admin: Django templates.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.templating.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "articles.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "gbanews.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Anonymous readers' pages read from this copy of the database when it has caught
# up with the primary; everything else uses the primary (gbanews/replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASE_ROUTERS = ["gbanews.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("articles.middleware.PageCacheMiddleware") + 1,
        "gbanews.replica.ReplicaReadsMiddleware",
    )
# Readers get 503 with this Retry-After (seconds) while the database is unreachable.
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; the timeout waits out
    # short write locks instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# A cache call that takes longer than this fails, and the process then skips the
# cache for CACHE_RETRY_SECONDS (articles/shared_cache.py): a hung Redis costs
# readers speed, not pages.
CACHE_SOCKET_TIMEOUT = env_float("CACHE_SOCKET_TIMEOUT", 0.25)
CACHE_RETRY_SECONDS = env_float("CACHE_RETRY_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one client per process; Django's own backend makes a
            # client for every call, 0.1-0.3 ms each with redis-py 8
            # (docs/performance.md).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gbanews",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            },
        },
        # Stands in, per process, while Redis fails (articles/shared_cache.py).
        "local": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gbanews-local",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gbanews",
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Readers' interface languages: English without a URL prefix, Chinese under
# /zh-hans/ and /zh-hant/ (docs/i18n.md). Names in their own script, for the switcher.
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
]
# The message catalogues; `make run` and `make test` compile them
# (manage.py compile_catalogues).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Hong_Kong")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    # Uploaded files: the file system under MEDIA_ROOT unless DJANGO_STORAGE_BACKEND
    # names another storage (e.g. an object-storage backend).
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
    },
    # Hashed, compressed names with far-future caching in production; plain files
    # for development and tests, which run without collectstatic.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Development and tests serve static files straight from the finders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_MAX_AGE = 31_536_000 if not DEBUG else 0
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

MEDIA_S3_VARIABLES = (
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_ACCESS_KEY_ID",
    "MEDIA_S3_SECRET_ACCESS_KEY",
    "MEDIA_S3_REGION",
    "MEDIA_S3_DEFAULT_ACL",
    "MEDIA_S3_CACHE_CONTROL",
    "MEDIA_PUBLIC_URL",
)


def s3_media_storage(env: dict) -> tuple[dict, str]:
    """Return the S3 storage of uploads and their public base URL from env.

    Objects are read at MEDIA_PUBLIC_URL (a CDN) or else at the bucket's own URL,
    path-style on the endpoint (AWS's virtual-hosted name without an endpoint).
    """
    bucket = env["MEDIA_S3_BUCKET"]
    missing = [
        name
        for name in ("MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY")
        if not env[name]
    ]
    if missing:
        names = " and ".join(missing)
        verb = "are" if len(missing) > 1 else "is"
        raise ImproperlyConfigured(
            f"MEDIA_S3_BUCKET is set but {names} {verb} not: media in a bucket "
            "needs its access key ID and secret access key."
        )
    for name in ("MEDIA_S3_ENDPOINT_URL", "MEDIA_PUBLIC_URL"):
        value = env[name]
        if value and not value.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"{name} must be an http:// or https:// URL, got {value!r}."
            )
    endpoint = env["MEDIA_S3_ENDPOINT_URL"].rstrip("/")
    public = env["MEDIA_PUBLIC_URL"].rstrip("/") or (
        f"{endpoint}/{bucket}" if endpoint else f"https://{bucket}.s3.amazonaws.com"
    )
    scheme, _, host_and_path = public.partition("//")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "access_key": env["MEDIA_S3_ACCESS_KEY_ID"],
        "secret_key": env["MEDIA_S3_SECRET_ACCESS_KEY"],
        "region_name": env["MEDIA_S3_REGION"] or None,
        "addressing_style": "path",
        # Plain public URLs, built without asking the store: no signed query
        # strings, which would differ on every render of a page.
        "custom_domain": host_and_path,
        "url_protocol": scheme,
        "querystring_auth": False,
        # A name in use is never overwritten: the new upload gets another name.
        "file_overwrite": False,
        "default_acl": env["MEDIA_S3_DEFAULT_ACL"] or None,
        # An upload's name stays its own while its object exists, and the
        # renditions of one name are remade identical: caches may keep them.
        "object_parameters": {
            "CacheControl": env["MEDIA_S3_CACHE_CONTROL"]
            or "public, max-age=31536000, immutable"
        },
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, (
        public + "/"
    )


# Uploads go to an S3-compatible bucket (django-storages) when MEDIA_S3_BUCKET is
# set; see docs/deploy.md "Media in object storage".
_media_s3 = {name: os.environ.get(name, "").strip() for name in MEDIA_S3_VARIABLES}
if _media_s3["MEDIA_S3_BUCKET"]:
    if os.environ.get("DJANGO_STORAGE_BACKEND", "").strip():
        raise ImproperlyConfigured(
            "Set either MEDIA_S3_BUCKET or DJANGO_STORAGE_BACKEND, not both."
        )
    STORAGES["default"], MEDIA_URL = s3_media_storage(_media_s3)
elif any(_media_s3.values()):
    _set = ", ".join(name for name, value in _media_s3.items() if value)
    raise ImproperlyConfigured(
        f"{_set} set without MEDIA_S3_BUCKET: set the bucket too, or unset them "
        "to keep media on the file system."
    )

# Featured images: upload limits and the widths of the renditions made on upload.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
try:
    IMAGE_RENDITION_WIDTHS = sorted(
        {int(w) for w in env_list("IMAGE_RENDITION_WIDTHS", "320,640,960,1280")}
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        "IMAGE_RENDITION_WIDTHS must be comma-separated whole numbers."
    ) from exc
if not IMAGE_RENDITION_WIDTHS or min(IMAGE_RENDITION_WIDTHS) < 1:
    raise ImproperlyConfigured("IMAGE_RENDITION_WIDTHS needs positive widths.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "AI" and "ai" are one tag; Chinese tag names keep a Unicode slug.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 10)
# Ranking scores every match; a search matching more articles lists them newest first.
SEARCH_RANKED_MAX = env_int("SEARCH_RANKED_MAX", 1000)
FEED_ITEMS = env_int("FEED_ITEMS", 20)
# Google News: the publication's name in the news sitemap.
NEWS_PUBLICATION_NAME = os.environ.get("NEWS_PUBLICATION_NAME", SITE_NAME)

# --- Security ---------------------------------------------------------------
# Secure by default whenever debug is off; each switch can be turned off for a
# deployment that terminates TLS elsewhere or serves plain HTTP on purpose. The
# test suite's clients and live server speak plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Only staff have sessions; they expire after a working day.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_SECONDS", 8 * 60 * 60)

# Requests larger than this are refused with 413 before any view runs; form
# fields alone are limited by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_REQUEST_BYTES = env_int("DJANGO_MAX_REQUEST_BYTES", 12 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Login throttling (django-axes): a username or an address is locked out after
# AXES_FAILURE_LIMIT failures, until the cool-off passes or an admin unlocks it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

# Whole pages for anonymous readers are cached this long (0 turns the page cache
# off); browsers and proxies may keep them PAGE_MAX_AGE seconds. Both are cut to
# the time left before the next scheduled article appears.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)
# How long the shared cache may hold a stamp version (articles/models/stamps.py)
# before it is read from the database again. Only a cache every process shares can
# hold them, so the default is 0 (read the database) without Redis.
STAMP_CACHE_SECONDS = env_int("STAMP_CACHE_SECONDS", 2 if REDIS_URL else 0)
if STAMP_CACHE_SECONDS > 0 and not REDIS_URL:
    raise ImproperlyConfigured(
        "STAMP_CACHE_SECONDS needs REDIS_URL: a cache of each process's own would "
        "keep versions that other processes' writes replace."
    )

# Source links: see docs/source-links.md.
SOURCE_LINKS_SHOW_BROKEN = env_bool("SOURCE_LINKS_SHOW_BROKEN", False)
SOURCE_LINK_BROKEN_AFTER = env_int("SOURCE_LINK_BROKEN_AFTER", 3)
SOURCE_LINK_CHECK_INTERVAL_HOURS = env_float("SOURCE_LINK_CHECK_INTERVAL_HOURS", 20)
SOURCE_LINK_CHECK_TIMEOUT = env_float("SOURCE_LINK_CHECK_TIMEOUT", 10)
SOURCE_LINK_CHECK_WORKERS = env_int("SOURCE_LINK_CHECK_WORKERS", 4)
SOURCE_LINK_CHECK_HOST_INTERVAL = env_float("SOURCE_LINK_CHECK_HOST_INTERVAL", 1)
SOURCE_LINK_CHECK_MAX_REDIRECTS = env_int("SOURCE_LINK_CHECK_MAX_REDIRECTS", 5)
SOURCE_LINK_CHECK_USER_AGENT = os.environ.get(
    "SOURCE_LINK_CHECK_USER_AGENT",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
# Networks the checker may contact although they are not public (CIDR, comma-separated).
SOURCE_LINK_CHECK_ALLOWED_NETWORKS = env_list("SOURCE_LINK_CHECK_ALLOWED_NETWORKS")
ARCHIVER_ENDPOINT = os.environ.get("ARCHIVER_ENDPOINT", "").strip()
ARCHIVER_TIMEOUT = env_float("ARCHIVER_TIMEOUT", 30)
# An approved link's archive is requested this many times before it is recorded
# as failed (docs/source-links.md).
ARCHIVER_ATTEMPTS = env_int("ARCHIVER_ATTEMPTS", 5)

# --- Task queue (docs/deploy.md "Task queue") ---------------------------------
# With a broker, tasks go to Celery workers. Without one, they run after commit in
# a few threads of the process that queued them (articles/dispatch.py). The broker
# does not default to REDIS_URL: a site with a Redis cache but no worker would
# queue tasks that nothing runs.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue this site's tasks go to and its workers take them from: sites sharing
# one broker need one each.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "").strip() or "celery"
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Retries after an outside server failed: a random wait of up to
# TASK_RETRY_BACKOFF * 2**retry seconds, never more than TASK_RETRY_BACKOFF_MAX.
TASK_RETRY_BACKOFF = env_float("TASK_RETRY_BACKOFF", 30)
TASK_RETRY_BACKOFF_MAX = env_float("TASK_RETRY_BACKOFF_MAX", 3600)
# Beat runs check_source_links this often; each run checks only the links not
# checked for SOURCE_LINK_CHECK_INTERVAL_HOURS.
SOURCE_LINK_CHECK_EVERY_SECONDS = env_float("SOURCE_LINK_CHECK_EVERY_SECONDS", 3600)
# --- Read counts (articles/reads.py) -----------------------------------------
# Who counts an article view: "server" (the page cache and the article view count
# the pages this site serves), "beacon" (the page sends a beacon, for a CDN in
# front that answers without this site), or "off" (nothing is counted).
READS_COUNTED_BY_CHOICES = ("server", "beacon", "off")
READS_COUNTED_BY = os.environ.get("READS_COUNTED_BY", "").strip().lower() or "server"
if READS_COUNTED_BY not in READS_COUNTED_BY_CHOICES:
    raise ImproperlyConfigured(
        f"READS_COUNTED_BY must be one of {', '.join(READS_COUNTED_BY_CHOICES)}, "
        f"got {READS_COUNTED_BY!r}."
    )
# Each process writes the reads it counted this often, in one batch; 0 writes
# each read in its request.
READS_BUFFER_SECONDS = max(0.0, env_float("READS_BUFFER_SECONDS", 1))
# With Redis, reads are counted there and moved into the database this often.
READS_FLUSH_SECONDS = max(1.0, env_float("READS_FLUSH_SECONDS", 60))
# A "most read" list is computed once per period of this many seconds, and pages
# showing it end with the period.
MOST_READ_SECONDS = max(1, env_int("MOST_READ_SECONDS", 300))
# Articles in each list on /most-read/; the home page and articles show 5 of them.
MOST_READ_ITEMS = max(1, env_int("MOST_READ_ITEMS", 10))

CELERY_BEAT_SCHEDULE = {
    "check-source-links": {
        "task": "articles.check_source_links",
        "schedule": SOURCE_LINK_CHECK_EVERY_SECONDS,
    },
    "flush-reads": {
        "task": "articles.flush_reads",
        "schedule": READS_FLUSH_SECONDS,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}

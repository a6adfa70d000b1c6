"""Settings shared by every environment; safe on their own (no debug, no secrets)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.utils.csp import CSP

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# The public address: links built outside a request (emails, feeds, sitemap) use it, and the Wagtail Site is set to it.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

# The one copy of the practice phone outside the database: 500.html must render with the database down.
PRACTICE_PHONE_FALLBACK = env.str("PRACTICE_PHONE_FALLBACK", default="")

INSTALLED_APPS = [
    "practice",
    "blog",
    "newsletter",
    "scheduling",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # First: stores whole public pages on their way out (after every other middleware's headers).
    "practice.page_cache.PageCacheUpdateMiddleware",
    # Second: answers anonymous GETs before any other middleware works (stored pages carry every header).
    "practice.page_cache.PageCacheFetchMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "practice.preview.PreviewFramingMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "practice.two_factor.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "practice.urls"
WSGI_APPLICATION = "practice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "practice.page_cache.fragments",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Wagtail's database search backend uses PostgreSQL's full-text search.
    INSTALLED_APPS.append("django.contrib.postgres")

# Django's tasks and Wagtail's (through the django-tasks backport); production runs `manage.py db_worker`.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# `default`: rate limits, lockouts, sessions; `pages`: only public pages, so every publish clears it whole.
# In neighbouring Redis databases (clearing one flushes it), or without Redis in database tables.
REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache(url: str, *, database_offset: int = 0, backend: str = "practice.cache.ResilientRedisCache") -> dict:
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + database_offset
    return {
        "BACKEND": backend,
        "LOCATION": urlunsplit(parts._replace(path=f"/{database}")),
        # Fail fast when Redis is down: the site serves uncached and rate limits fail open.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def redis_caches(url: str) -> dict:
    return {
        "default": redis_cache(url),
        # Each process also keeps the pages it read, for as long as the cache's generation is unchanged.
        "pages": redis_cache(url, database_offset=1, backend="practice.cache.PageCache"),
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_default"},
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_pages"},
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Whole-page cache for anonymous readers (practice.page_cache); browsers and a CDN may keep a page as long.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
CACHE_MIDDLEWARE_KEY_PREFIX = "page"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = "America/Denver"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Files browsers ask for at the site root (favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = PROJECT_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Serve uploaded media from Django itself (dev, tests, a small single server).
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def mailer_from_url(url: str) -> dict:
    """Django 6.1's MAILERS entry for an EMAIL_URL such as smtp+tls://user:pass@host:587."""
    config = env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Public pages load nothing inline or from other hosts: no 'unsafe-inline', no nonces, whole pages cacheable.
# Only previews may be framed (PREVIEW_CSP, practice.preview); the admin's policy is set in practice/urls.py.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
ADMIN_CSP = {
    **SECURE_CSP,
    # Wagtail 8's date widgets and rich-text editor need inline scripts and styles, and data:/blob: images.
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    # The preview panel is an iframe of the admin's preview view, inside the admin.
    "frame-ancestors": [CSP.SELF],
}
PREVIEW_CSP = {**SECURE_CSP, "frame-ancestors": [CSP.SELF]}
# Django's defaults add the rest: X-Content-Type-Options: nosniff, Cross-Origin-Opener-Policy: same-origin.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = {
    "browsing-topics": [],
    "camera": [],
    "geolocation": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Reverse proxies appending to X-Forwarded-For (practice.client_ip); 0: use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# A username from one address, for 15 minutes: axes' defaults (the address alone, forever) would let typos on a
# shared office connection lock the whole practice out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "practice.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "practice/admin/lockout.html"
# Never record the attempted password or the raw request parameters.
AXES_SENSITIVE_PARAMETERS = ["password"]
# Usernames and addresses stay out of the logs (the attempts are in axes' database table).
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "practice.client_ip.axes_log_description"

# Admin second factor (practice.two_factor) for every staff account; when off, for those who set one up.
ADMIN_TWO_FACTOR_REQUIRED = env.bool("ADMIN_TWO_FACTOR_REQUIRED", default=False)

# A CDN in front of the site, purged whole on every publish; see docs/deploy.md for CloudFront.
if env.str("CLOUDFLARE_BEARER_TOKEN", default=""):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": env.str("CLOUDFLARE_BEARER_TOKEN"),
            "ZONEID": env.str("CLOUDFLARE_ZONEID"),
        },
    }

# Wagtail
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="Better Lives, Building Tribes")
# The name authenticator apps show next to the admin's sign-in codes.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# Both call other hosts from the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Page editors can have many fields; Django's default of 1000 is too low.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per task state change is noise; failures are still logged.
        "django.tasks": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Scheduling: requests are deleted this many days after their last change (`purge_appointment_requests`).
APPOINTMENT_RETENTION_DAYS = env.int("APPOINTMENT_RETENTION_DAYS", default=365)
APPOINTMENT_SPAM_RETENTION_DAYS = env.int("APPOINTMENT_SPAM_RETENTION_DAYS", default=30)
APPOINTMENT_RATE_LIMIT = env.int("APPOINTMENT_RATE_LIMIT", default=5)
APPOINTMENT_RATE_WINDOW_SECONDS = env.int("APPOINTMENT_RATE_WINDOW_SECONDS", default=3600)
# Faster than this from page load to submit is treated as a bot.
APPOINTMENT_MIN_SUBMIT_SECONDS = env.int("APPOINTMENT_MIN_SUBMIT_SECONDS", default=3)

# Newsletter
NEWSLETTER_SUBSCRIBE_RATE_LIMIT = env.int("NEWSLETTER_SUBSCRIBE_RATE_LIMIT", default=10)
NEWSLETTER_SUBSCRIBE_RATE_WINDOW = env.int("NEWSLETTER_SUBSCRIBE_RATE_WINDOW", default=3600)
# The /newsletter/ form treats a submission faster than this (seconds) as a bot's.
NEWSLETTER_MIN_SUBMIT_SECONDS = env.int("NEWSLETTER_MIN_SUBMIT_SECONDS", default=2)

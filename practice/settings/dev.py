"""Local development: debug on, throwaway key, console email, tasks run immediately."""

from .base import *  # noqa: F403
from .base import env, mailer_from_url

DEBUG = True
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
INTERNAL_IPS = ["127.0.0.1"]

MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="consolemail://"))}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
MEDIA_SERVE = True
# Static files come from the app folders (finders); nothing is collected here.
STATIC_ROOT = None

# In-process caches; the page cache is off unless a test or developer turns it on.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=False)

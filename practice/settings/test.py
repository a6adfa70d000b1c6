"""Tests: fast hashing, in-memory email, plain static storage, immediate tasks."""

from .base import *  # noqa: F403
from .dev import CACHES, STATIC_ROOT, STORAGES, TASKS  # noqa: F401 - the same in-process caches, static files, tasks

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
PRACTICE_PHONE_FALLBACK = "(303) 578-9317"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_SERVE = True
PAGE_CACHE_ENABLED = False

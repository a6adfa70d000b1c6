"""Services of the practice app: the Wagtail Site's address, the local admin, readiness, cache purges."""

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.db.utils import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images.models import AbstractImage
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.snippets.models import get_snippet_models

from practice.page_cache import page_cache_clear

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_address_from_url(*, site_url: str) -> tuple[str, int]:
    """Split SITE_URL into the hostname and port Wagtail's Site stores. Wagtail derives the scheme from the port,
    so https on another port than 443 is refused rather than giving wrong links."""
    parts = urlsplit(site_url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"SITE_URL must look like https://example.org, not {site_url!r}")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "https" and port != 443:
        raise ValueError("SITE_URL with https must use the default port 443.")
    return parts.hostname, port


def site_sync_with_site_url(*, using: str = "default") -> Site | None:
    """Point the default Wagtail Site at SITE_URL's hostname and port."""
    hostname, port = site_address_from_url(site_url=settings.SITE_URL)
    try:
        site = Site.objects.using(using).filter(is_default_site=True).first()
    except DatabaseError:
        # post_migrate can fire for a partial migration plan, before the table exists.
        return None
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(using=using, update_fields=["hostname", "port"])
    return site


@dataclass(frozen=True)
class LocalAdmin:
    username: str
    password: str


def local_admin_create(*, username: str = "admin") -> LocalAdmin | None:
    """Create a superuser with a random password when no user exists yet."""
    user_model = get_user_model()
    if user_model.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email="", password=password)
    return LocalAdmin(username=username, password=password)


@dataclass(frozen=True)
class Readiness:
    status: str  # "ok", "degraded" or "unavailable"
    checks: dict[str, str]
    oldest_waiting_task_seconds: int | None


TASK_BACKLOG_DEGRADED_SECONDS = 300


def readiness_check() -> Readiness:
    """Can this process serve traffic ("unavailable" without the database), and is the work around it flowing
    ("degraded" without the cache, or with a task waiting for minutes: no worker is running)?"""
    checks = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
        return Readiness(status="unavailable", checks=checks, oldest_waiting_task_seconds=None)

    try:
        probe = f"readyz:{secrets.token_hex(8)}"
        cache.set(probe, "1", timeout=5)
        checks["cache"] = "ok" if cache.get(probe) == "1" else "degraded"
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - any cache client error means the cache is down
        checks["cache"] = "degraded"

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waiting = max(0, int((timezone.now() - oldest).total_seconds())) if oldest else None
    checks["tasks"] = "degraded" if waiting is not None and waiting > TASK_BACKLOG_DEGRADED_SECONDS else "ok"

    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return Readiness(status=status, checks=checks, oldest_waiting_task_seconds=waiting)


def model_change_affects_pages(*, instance, deleted: bool) -> bool:
    """Whether saving or deleting this object can change what public pages show. A page *saved* is a draft or
    bookkeeping: publishing, unpublishing and moving have signals of their own."""
    if isinstance(instance, Page):
        return deleted
    if isinstance(instance, (BaseSiteSetting, AbstractImage, PageViewRestriction)):
        return True
    return type(instance) in get_snippet_models()


def site_caches_clear() -> None:
    """Forget every cached page here and, when a CDN is configured, purge the whole site there too."""
    page_cache_clear()
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        batch = PurgeBatch()
        batch.add_pages(Page.objects.live().public().specific())
        batch.add_url(f"{settings.SITE_URL}/sitemap.xml")
        batch.purge()

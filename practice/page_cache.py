"""Whole-page caching of public Wagtail pages for anonymous readers, on Django's cache middleware. The `pages`
alias holds only pages, fragments and the practice details, so any content change clears it whole."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.utils.cache import get_max_age, has_vary_header, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import split_directive_names
from wagtail.models import Site

logger = logging.getLogger(__name__)

PAGE_CACHE_ALIAS = "pages"
_UNCACHED_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL, "/admin/", "/documents/")


def page_cache_mark_cacheable(request) -> None:
    request._page_cacheable = True


def _request_may_use_cache(request) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # Files and the admin never come from the page cache: don't spend a cache lookup on them.
        and not request.path.startswith(_UNCACHED_PREFIXES)
    )


def _mark_shared_cacheable(response, state: str) -> None:
    # The same page for every anonymous reader: a CDN or proxy may keep it too (for max-age).
    patch_cache_control(response, public=True)
    response["X-Page-Cache"] = state


def _was_stored(response) -> bool:
    """Whether Django's UpdateCacheMiddleware kept this response (the same tests it applies)."""
    directives = set(split_directive_names(response.get("Cache-Control", "")))
    return (
        response.status_code == 200
        and not response.streaming
        and not directives & {"private", "no-cache", "no-store"}
        and not (response.cookies and has_vary_header(response, "Cookie"))
        and (get_max_age(response) or 0) > 0
    )


class PageCacheUpdateMiddleware(UpdateCacheMiddleware):
    """First in MIDDLEWARE: stores cacheable responses on their way out."""

    def _should_update_cache(self, request, response):
        return super()._should_update_cache(request, response) and getattr(request, "_page_cacheable", False)

    def process_response(self, request, response):
        if not self._should_update_cache(request, response):
            return response
        try:
            response = super().process_response(request, response)
        except Exception:  # noqa: BLE001 - any cache client error: serve uncached
            logger.warning("Page cache unavailable; served %s uncached.", request.path)
            return response
        if _was_stored(response):
            _mark_shared_cacheable(response, "miss")
        return response


class PageCacheFetchMiddleware(FetchFromCacheMiddleware):
    """Second in MIDDLEWARE (Django suggests last), so a hit costs one lookup: safe, as only requests without a
    session are served, stored pages carry every response header, and the key includes the scheme."""

    def process_request(self, request):
        if not _request_may_use_cache(request):
            request._cache_update_cache = False
            return None
        try:
            response = super().process_request(request)
        except Exception:  # noqa: BLE001 - any cache client error: serve uncached
            logger.warning("Page cache unavailable; serving %s uncached.", request.path)
            request._cache_update_cache = False
            return None
        if response is not None:
            _mark_shared_cacheable(response, "hit")
        return response


def page_cache_clear() -> None:
    """Forget every cached page (publishing changes menus, listings and feeds across the site)."""
    try:
        caches[PAGE_CACHE_ALIAS].clear()
    except Exception:  # noqa: BLE001 - a cache that is down holds nothing stale worth failing for
        logger.warning("Page cache unavailable; could not clear it.")


def fragments(request) -> dict:
    """Context for `{% cache fragment_seconds NAME ... fragment_scope using="pages" %}` around the parts of a page
    that show *other* content (menus, lists of articles), cleared with the cached pages. A preview neither reads
    nor stores them: its scope is its own and its timeout zero."""
    preview = bool(getattr(request, "is_preview", False))

    def scope() -> str:
        site = Site.find_for_request(request)
        return f"{site.pk if site else 0}-{'preview' if preview else 'live'}"

    return {
        "fragment_seconds": 0 if preview else settings.CACHE_MIDDLEWARE_SECONDS,
        "fragment_scope": SimpleLazyObject(scope),
    }

"""Per-client rate limits counted in Django's cache, shared by every form that needs one."""

import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from practice.client_ip import client_ip

logger = logging.getLogger(__name__)


def rate_limit_exceeded(*, request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt from this request's client in `scope`; True once over `limit` in the window.

    The counter is named by a keyed hash of the address, so the cache holds
    nothing that identifies a visitor. Counts are exact only with a cache that
    every process shares (Redis in production); with a per-process cache each
    process counts on its own. If the cache is unreachable the limit fails open:
    a visitor must never be turned away because Redis is down.
    """
    digest = salted_hmac(f"practice.rate_limit.{scope}", client_ip(request), algorithm="sha256").hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # Expired between add and incr.
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    except Exception:  # noqa: BLE001 - any cache client error: fail open, loudly
        logger.warning("Rate limit for %s not applied: the cache is unavailable.", scope)
        return False
    return count > limit

"""Per-client rate limits counted in Django's cache, shared by every form that needs one."""

import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from practice.client_ip import client_ip

logger = logging.getLogger(__name__)


def rate_limit_exceeded(*, request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt from this request's client in `scope`; True once over `limit` in the window. The key is
    a keyed hash of the address (the cache holds nothing identifying); an unreachable cache fails open."""
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

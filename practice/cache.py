"""Django's Redis cache, degraded to "no cache" while Redis is unreachable, and the page cache built on it."""

import logging
import time
import uuid
from time import monotonic

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
_WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _unavailable(operation: str) -> None:
    # One warning a minute per process is enough to raise the alarm without flooding the logs.
    global _last_warning
    now = monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Cache unavailable (Redis unreachable during %s): serving without it.", operation)


class ResilientRedisCache(RedisCache):
    # Wagtail reads routing data from the default cache on every page: a Redis outage must not become a site
    # outage. Reads miss and writes are dropped; `incr` and `clear` still raise (the rate limiter and the page
    # cache must know, and say so).
    def _or_else(self, outage_result, operation: str, *args):
        try:
            return getattr(super(), operation)(*args)
        except UNAVAILABLE:
            _unavailable(operation)
            return outage_result

    def get(self, key, default=None, version=None):
        return self._or_else(default, "get", key, default, version)

    def get_many(self, keys, version=None):
        return self._or_else({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._or_else(False, "has_key", key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_else(False, "add", key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_else(False, "set", key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_else(list(data), "set_many", data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_else(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._or_else(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        return self._or_else(None, "delete_many", keys, version)


GENERATION_KEY = "generation"


class PageCache(BaseCache):
    """Redis, shared by every process, plus a copy in each process (LocMemCache) of what it read.

    The copies last while the cache's *generation* (a random token in the same Redis database, so a clear
    flushes it) is unchanged; each process rereads it at most every `generation_check_seconds` (0.1 s), so
    another process's clear reaches it that late, well inside a page's max-age. An entry is stored with its
    expiry time, so a copy never outlives it. Only `clear()` reaches other processes' copies.
    """

    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        self.generation_check_seconds = float(options.pop("generation_check_seconds", 0.1))
        local_max_entries = int(options.pop("local_max_entries", 500))
        self.shared = ResilientRedisCache(server, {**params, "OPTIONS": options})
        self.local = LocMemCache(f"pages-{uuid.uuid4().hex}", {"OPTIONS": {"MAX_ENTRIES": local_max_entries}})
        self._generation: str | None = None
        self._generation_read_at = float("-inf")

    def generation(self) -> str | None:
        now = monotonic()
        if now - self._generation_read_at >= self.generation_check_seconds:
            current = self.shared.get(GENERATION_KEY)
            if current is None:
                candidate = uuid.uuid4().hex
                # Another process may set it first (or Redis is unreachable: None, and no local copies).
                added = self.shared.add(GENERATION_KEY, candidate, timeout=None)
                current = candidate if added else self.shared.get(GENERATION_KEY)
            if current != self._generation:
                self.local.clear()
            self._generation, self._generation_read_at = current, now
        return self._generation

    def get(self, key, default=None, version=None):
        if self.generation() is None:
            return default
        if (copy := self.local.get(key, version=version)) is not None:
            return copy
        if (stored := self.shared.get(key, version=version)) is None:
            return default
        expires_at, value = stored
        self.local.set(key, value, None if expires_at is None else expires_at - time.time(), version=version)
        return value

    def _stored(self, value, timeout):
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        return (None if seconds is None else time.time() + seconds), value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.local.delete(key, version=version)
        return self.shared.set(key, self._stored(value, timeout), timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.shared.add(key, self._stored(value, timeout), timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        # The stored expiry stays: a local copy may then end before the entry in Redis, never after.
        return self.shared.touch(key, timeout, version)

    def delete(self, key, version=None):
        self.local.delete(key, version=version)
        return self.shared.delete(key, version)

    def clear(self):
        self._generation_read_at = float("-inf")
        self.local.clear()
        return self.shared.clear()

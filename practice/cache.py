"""Django's Redis cache, degraded to "no cache" while Redis is unreachable.

Wagtail keeps routing data (the sites' root paths) in the default cache and
reads it on every page, so a cache that raises would turn a Redis outage into a
site-wide outage. Reads become misses and writes are dropped instead. `incr`
still raises: the rate limiter must know it counted nothing (it fails open and
says so), and clearing still raises so the page cache can log it.

`PageCache`, the `pages` alias, adds a copy in each process of what it read,
valid while the cache's generation is unchanged (see the class).
"""

import logging
import threading
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from time import monotonic

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` around the pool for every cache operation;
    with redis-py 8 that costs more than the round trip to Redis (the client
    rebuilds its table of response callbacks each time), which doubled the cost
    of serving a page from the page cache. A `redis.Redis` is safe to share: it
    takes a connection from the pool for each command.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            _unavailable("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            _unavailable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE:
            _unavailable("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE:
            _unavailable("add")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE:
            _unavailable("set")
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE:
            _unavailable("set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE:
            _unavailable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            _unavailable("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE:
            _unavailable("delete_many")
            return None


# The generation of the page cache that the current request read (None: read Redis directly).
_generation: ContextVar[str | None] = ContextVar("page_cache_generation", default=None)
GENERATION_KEY = "generation"


class LocalCopies:
    """Entries recently read from Redis, kept in this process for one generation of the cache.

    Bounded in bytes (least recently used go first) and by each entry's remaining
    time to live in Redis. Seeing another generation drops everything.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._generation = None
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, generation: str, key: str) -> bytes | None:
        with self._lock:
            if generation != self._generation or (entry := self._entries.get(key)) is None:
                return None
            expires_at, raw = entry
            if expires_at <= monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return raw

    def put(self, generation: str, key: str, raw: bytes, expires_at: float) -> None:
        if len(raw) > self.max_bytes:
            return
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
            self._drop(key)
            self._entries[key] = (expires_at, raw)
            self._bytes += len(raw)
            while self._bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= len(evicted)

    def _drop(self, key: str) -> None:
        if (entry := self._entries.pop(key, None)) is not None:
            self._bytes -= len(entry[1])

    @property
    def size_in_bytes(self) -> int:
        return self._bytes


class PageCacheClient(ReusedClientRedisCacheClient):
    """Reads inside `PageCache.local_reads()` are answered from this process's copies when it can."""

    def __init__(self, servers, *, local_max_bytes: int = 16 * 1024 * 1024, **options):
        super().__init__(servers, **options)
        self.local = LocalCopies(local_max_bytes)

    def get(self, key, default):
        generation = _generation.get()
        if generation is None:
            return super().get(key, default)
        raw = self.local.get(generation, key)
        if raw is None:
            # The value and its remaining lifetime in one round trip: a local copy never outlives Redis's.
            pipeline = self.get_client(key).pipeline(transaction=False)
            raw, ttl_ms = pipeline.get(key).pttl(key).execute()
            if raw is None:
                return default
            if ttl_ms > 0 or ttl_ms == -1:
                expires_at = monotonic() + ttl_ms / 1000 if ttl_ms > 0 else float("inf")
                self.local.put(generation, key, raw, expires_at)
        return self._serializer.loads(raw)


class PageCache(ResilientRedisCache):
    """The whole-page cache: Redis, shared by every process, plus a copy of what each process read.

    Without the copies, a hit costs two round trips to Redis (the page's list
    of Vary headers, then the page) and the transfer of the page. With them,
    a process answers from memory for as long as the cache's *generation* is
    unchanged: a random token stored in the same Redis database, so clearing
    the cache (every publish) flushes it, and the next reader sets a new one.

    Each process reads the generation at most every `generation_check_seconds`
    (OPTIONS; 0.1 s by default), so after a clear in another process, on this
    host or another, the previous pages may be served for at most that long;
    the process that clears sees it at once. Browsers and a CDN keep a page for
    `max-age` anyway (300 s): a tenth of a second is not a difference a reader
    can see, and it spares a round trip to Redis on nearly every hit. Redis
    being unreachable turns the copies off with the rest of the cache.

    Only `clear()` reaches other processes' copies: deleting or overwriting one
    key in Redis does not (nothing here does that; Django's cache middleware
    only adds pages, and they expire together with their copies).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PageCacheClient
        self._options = dict(self._options)
        self.generation_check_seconds = float(self._options.pop("generation_check_seconds", 0.1))
        self._generation_value: str | None = None
        self._generation_read_at = float("-inf")

    def generation(self) -> str | None:
        now = monotonic()
        if now - self._generation_read_at >= self.generation_check_seconds:
            self._generation_value = self._read_generation()
            self._generation_read_at = now
        return self._generation_value

    def _read_generation(self) -> str | None:
        if (current := self.get(GENERATION_KEY)) is not None:
            return current
        candidate = uuid.uuid4().hex
        if self.add(GENERATION_KEY, candidate, timeout=None):
            return candidate
        # Another process set it first (or Redis is unreachable: None, no local copies).
        return self.get(GENERATION_KEY)

    def clear(self):
        self._generation_read_at = float("-inf")
        return super().clear()

    @contextmanager
    def local_reads(self):
        token = _generation.set(self.generation())
        try:
            yield
        finally:
            _generation.reset(token)

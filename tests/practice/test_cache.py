import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from practice.cache import ResilientRedisCache
from practice.settings.base import redis_cache


@pytest.fixture
def unreachable():
    config = redis_cache("redis://127.0.0.1:1/0")
    return ResilientRedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})


def test_an_unreachable_redis_reads_as_empty_and_drops_writes(unreachable):
    assert unreachable.get("key", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.set("key", "value") is False
    assert unreachable.add("key", "value") is False
    assert unreachable.delete("key") is False
    assert unreachable.has_key("key") is False


def test_an_unreachable_redis_still_fails_counting(unreachable):
    # The rate limiter must know it counted nothing, so it can fail open and say so.
    with pytest.raises(RedisConnectionError):
        unreachable.incr("key")


def test_production_caches_use_the_resilient_backend():
    assert redis_cache("redis://127.0.0.1:6379/0")["BACKEND"] == "practice.cache.ResilientRedisCache"
    assert redis_cache("redis://127.0.0.1:6379/2", database_offset=1)["LOCATION"] == "redis://127.0.0.1:6379/3"

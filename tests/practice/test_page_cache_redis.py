"""The page cache on a real Redis: each process keeps what it read, never past a clear or an expiry."""

import pytest
import redis
from django.core.cache import caches

from deploy.localsite import RedisServer
from practice import cache as practice_cache
from practice.cache import GENERATION_KEY, LocalCopies, PageCache
from practice.settings.base import redis_caches
from tests.practice.factories import StandardPageFactory


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pages_db(redis_server, settings):
    """Production's caches on a private Redis; a raw client on the pages database, as another process."""
    settings.CACHES = redis_caches(redis_server.url)
    settings.PAGE_CACHE_ENABLED = True
    raw = redis.Redis.from_url(settings.CACHES["pages"]["LOCATION"])
    raw.flushdb()
    yield raw
    raw.flushdb()
    raw.close()


@pytest.fixture
def about(home_page, practice_details):
    page = StandardPageFactory(parent=home_page, slug="about", title="About")
    page.save_revision().publish()
    return page


def gets(raw: redis.Redis) -> int:
    return raw.info("commandstats").get("cmdstat_get", {}).get("calls", 0)


pytestmark = pytest.mark.django_db


class Clock:
    """practice.cache's monotonic clock, moved forward by hand."""

    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr(practice_cache, "monotonic", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_a_clear_by_another_process_is_seen_within_the_check_interval(client, home_page, about, pages_db, clock):
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    # Another process (or host) publishes: it flushes the shared database, and with it the generation.
    page = StandardPageFactory(parent=home_page, slug="services", title="Services")
    page.save_revision().publish()
    pages_db.flushdb()

    clock.advance(caches["pages"].generation_check_seconds)
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert ">Services</a>" in response.content.decode()
    assert client.get("/about/")["X-Page-Cache"] == "hit"


def test_the_generation_is_read_at_most_once_per_interval(client, about, pages_db, clock):
    client.get("/about/")
    client.get("/about/")
    before = gets(pages_db)
    for _ in range(5):
        assert client.get("/about/")["X-Page-Cache"] == "hit"
    assert gets(pages_db) == before  # nothing crossed the network

    clock.advance(caches["pages"].generation_check_seconds)
    assert client.get("/about/")["X-Page-Cache"] == "hit"
    assert gets(pages_db) - before == 1  # the generation, once


def test_publishing_here_clears_this_process_copies_too(client, home_page, about, pages_db):
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    StandardPageFactory(parent=home_page, slug="fees", title="Fees").save_revision().publish()

    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert ">Fees</a>" in response.content.decode()


def test_a_local_copy_never_outlives_the_entry_in_redis(pages_db, clock):
    pages = caches["pages"]
    pages.set("entry", "stored", 60)
    with pages.local_reads():
        assert pages.get("entry") == "stored"
    pages_db.delete(pages.make_key("entry"))  # Redis no longer has it...
    with pages.local_reads():
        assert pages.get("entry") == "stored"  # ...but the local copy is within the entry's lifetime.

    clock.advance(61)
    with pages.local_reads():
        assert pages.get("entry") is None


def test_the_generation_is_shared_and_changes_only_when_cleared(pages_db, redis_server, clock):
    here = caches["pages"]
    other = PageCache(redis_caches(redis_server.url)["pages"]["LOCATION"], {})
    generation = here.generation()
    assert generation
    assert other.generation() == generation
    clock.advance(here.generation_check_seconds)
    assert here.generation() == generation

    other.clear()
    assert pages_db.get(here.make_key(GENERATION_KEY)) is None
    assert other.generation() not in (None, generation)  # the process that cleared sees it at once
    clock.advance(here.generation_check_seconds)
    assert here.generation() == other.generation()


def test_reads_outside_a_page_lookup_go_to_redis(pages_db):
    pages = caches["pages"]
    pages.set("entry", "stored", 60)
    assert pages.get("entry") == "stored"
    pages_db.delete(pages.make_key("entry"))
    assert pages.get("entry") is None


def test_with_redis_unreachable_there_is_no_generation_and_nothing_local():
    pages = PageCache(redis_caches("redis://127.0.0.1:1/0")["pages"]["LOCATION"], {"OPTIONS": {"socket_timeout": 0.5}})
    assert pages.generation() is None
    with pages.local_reads():
        assert pages.get("entry", "fallback") == "fallback"


def test_local_copies_are_bounded_in_bytes_and_drop_the_least_recently_used():
    copies = LocalCopies(max_bytes=10)
    forever = float("inf")
    copies.put("g1", "a", b"aaaa", forever)
    copies.put("g1", "b", b"bbbb", forever)
    assert copies.get("g1", "a") == b"aaaa"  # now "b" is the least recently used
    copies.put("g1", "c", b"cccc", forever)
    assert copies.get("g1", "b") is None
    assert copies.get("g1", "a") == b"aaaa"
    assert copies.get("g1", "c") == b"cccc"
    assert copies.size_in_bytes == 8

    copies.put("g1", "huge", b"x" * 11, forever)  # larger than the whole budget: never kept
    assert copies.get("g1", "huge") is None
    assert copies.size_in_bytes == 8


def test_local_copies_of_another_generation_are_never_served_and_are_dropped():
    copies = LocalCopies(max_bytes=100)
    copies.put("g1", "a", b"old", float("inf"))
    assert copies.get("g2", "a") is None
    copies.put("g2", "b", b"new", float("inf"))
    assert copies.get("g1", "a") is None
    assert copies.size_in_bytes == 3

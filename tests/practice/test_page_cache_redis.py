"""The page cache on a real Redis: each process keeps what it read, never past a clear or an expiry."""

import time

import pytest
import redis
from django.core.cache import caches

from deploy.localsite import RedisServer
from practice import cache as practice_cache
from practice.cache import GENERATION_KEY, PageCache
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


def test_a_local_copy_never_outlives_the_entry_in_redis(pages_db, monkeypatch):
    pages = caches["pages"]
    pages.set("entry", "stored", 60)
    assert pages.get("entry") == "stored"
    pages_db.delete(pages.make_key("entry"))  # Redis no longer has it...
    assert pages.get("entry") == "stored"  # ...but the local copy is within the entry's lifetime.

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert pages.get("entry") is None


def test_writing_an_entry_here_replaces_this_process_copy(pages_db):
    pages = caches["pages"]
    pages.set("entry", "first", 60)
    assert pages.get("entry") == "first"
    pages.set("entry", "second", 60)
    assert pages.get("entry") == "second"
    pages.delete("entry")
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


def test_with_redis_unreachable_there_is_no_generation_and_nothing_local():
    pages = PageCache(redis_caches("redis://127.0.0.1:1/0")["pages"]["LOCATION"], {"OPTIONS": {"socket_timeout": 0.5}})
    assert pages.generation() is None
    assert pages.get("entry", "fallback") == "fallback"
    assert pages.set("entry", "value") is False


def test_local_copies_are_bounded_in_number(pages_db, redis_server):
    pages = PageCache(redis_caches(redis_server.url)["pages"]["LOCATION"], {"OPTIONS": {"local_max_entries": 10}})
    for number in range(30):
        pages.set(f"entry-{number}", number, 60)
        assert pages.get(f"entry-{number}") == number
    pages_db.flushdb()  # what is still answered now comes from this process's copies
    pages._generation_read_at = time.monotonic()  # within the check interval: the copies are current
    assert 0 < sum(pages.get(f"entry-{number}") is not None for number in range(30)) <= 10


def test_local_copies_of_another_generation_are_never_served(pages_db, clock):
    pages = caches["pages"]
    pages.set("entry", "old", 60)
    assert pages.get("entry") == "old"
    pages_db.flushdb()  # another process clears
    assert pages.get("entry") == "old"  # within the check interval, the copy is still served
    clock.advance(pages.generation_check_seconds)
    assert pages.get("entry") is None
    assert pages.generation() is not None

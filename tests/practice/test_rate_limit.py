from unittest import mock

from django.test import RequestFactory

from practice.rate_limit import rate_limit_exceeded


def request_from(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_rate_limit_counts_per_address_and_scope():
    def hit(address, scope="form"):
        return rate_limit_exceeded(request=request_from(address), scope=scope, limit=2, window_seconds=60)

    assert not hit("203.0.113.5")
    assert not hit("203.0.113.5")
    assert hit("203.0.113.5")
    assert not hit("198.51.100.7")
    assert not hit("203.0.113.5", scope="other-form")


def test_rate_limit_fails_open_when_the_cache_is_down(caplog):
    with mock.patch("practice.rate_limit.cache.add", side_effect=ConnectionError("redis down")):
        exceeded = rate_limit_exceeded(request=request_from("203.0.113.5"), scope="form", limit=0, window_seconds=60)
    assert exceeded is False
    assert "cache is unavailable" in caplog.text
    assert "203.0.113.5" not in caplog.text


def test_rate_limit_keys_never_contain_the_address():
    with mock.patch("practice.rate_limit.cache") as cache:
        cache.incr.return_value = 1
        rate_limit_exceeded(request=request_from("203.0.113.5"), scope="form", limit=5, window_seconds=60)
    key = cache.add.call_args.args[0]
    assert "203.0.113.5" not in key

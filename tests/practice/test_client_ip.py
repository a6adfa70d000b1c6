import pytest
from django.test import RequestFactory

from practice.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is the client's word only
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry was claimed by the client
        (2, "198.51.100.1, 203.0.113.9, 192.0.2.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: did not come through them all
        (1, "not-an-ip", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected

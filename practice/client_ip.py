"""The one place that decides a request's client IP address (rate limits, login lockouts)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT=N proxies the Nth X-Forwarded-For entry from the right.

    Each proxy appends the address it received the request from, so only the
    rightmost N entries were written by proxies we trust; anything left of them
    is whatever the client claimed. A header shorter than N (the request did not
    come through every proxy) or an entry that is not an IP address falls back
    to REMOTE_ADDR rather than trusting the client.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def axes_log_description(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines: the path, never the username or the address.

    Even with AXES_VERBOSE off, axes writes the lockout parameters (here the
    username and the IP address) into every warning about a failed sign-in or
    a lockout. Who tried, and from where, stays in its database table, which
    only administrators see (and `axes_list_attempts` prints).
    """
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return f'{{path_info: "{path_info}"}}'

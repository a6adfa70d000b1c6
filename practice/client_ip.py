"""The one place that decides a request's client IP address (rate limits, login lockouts)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT=N proxies the Nth X-Forwarded-For entry from the right (only
    those were written by proxies we trust); a shorter header or a non-address falls back to REMOTE_ADDR."""
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
    """How django-axes names a client in its log lines: the path, never the username or the address (axes
    logs those even with AXES_VERBOSE off; they stay in its database table)."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return f'{{path_info: "{path_info}"}}'

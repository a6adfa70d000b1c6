"""Gunicorn's access log without personal data: no query strings, token path segments masked.

Tokens in newsletter confirm/unsubscribe links and admin password-reset links are credentials:
whoever reads them in a log could unsubscribe someone or reset a password. Query strings can hold
search terms and email addresses. Client addresses, user agents and cookies are left out entirely.
"""

from urllib.parse import urlsplit

from gunicorn.glogging import Logger

from practice.log_filters import mask_tokens

# The token patterns are shared with the application's log filter.
# Atoms that would copy personal or secret data into the log whatever the format asks for.
DROPPED_ATOMS = {"h", "u", "a", "f"}
DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "forwarded", "x-real-ip", "referer", "user-agent"}


def mask_path(path: str | None) -> str:
    """The URL path with any token segments replaced by a mask."""
    if not path:
        return "-"
    return mask_tokens(path)


def mask_url(url: str | None) -> str:
    """A full or relative URL reduced to its masked path (no query string or fragment)."""
    if not url or url == "-":
        return "-"
    if url.startswith("/"):
        # A request target. Not urlsplit: it would read "//host/…" as a network location.
        return mask_path(url.split("?", 1)[0].split("#", 1)[0])
    return mask_path(urlsplit(url).path)


class MaskingLogger(Logger):
    """gunicorn's Logger with URL-derived atoms masked and identifying atoms dropped."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_url(environ.get("RAW_URI") or environ.get("PATH_INFO"))
        atoms["U"] = path
        atoms["q"] = "-"
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        for name in DROPPED_ATOMS:
            atoms[name] = "-"
        # Request headers ({name}i) and the WSGI environ ({name}e) repeat the URL, cookies and addresses.
        for key in list(atoms):
            if key.endswith("}e") or (key.endswith("}i") and key[1:-2] in DROPPED_HEADERS):
                del atoms[key]
        return atoms

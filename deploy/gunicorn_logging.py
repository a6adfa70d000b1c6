"""Gunicorn's access log without personal data: token path segments masked (whoever reads a confirm, unsubscribe
or password-reset token could use it), no query strings (search terms, emails), no addresses, agents or cookies."""

from urllib.parse import urlsplit

from gunicorn.glogging import Logger

from practice.log_filters import mask_tokens

# Atoms that would copy personal or secret data into the log whatever the format asks for.
DROPPED_ATOMS = {"h", "u", "a", "f"}
DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "forwarded", "x-real-ip", "referer", "user-agent"}


def mask_url(url: str | None) -> str:
    """A full or relative URL reduced to its path (no query string or fragment), token segments masked."""
    if not url or url == "-":
        return "-"
    # A request target is not urlsplit: it would read "//host/…" as a network location.
    path = url.split("?", 1)[0].split("#", 1)[0] if url.startswith("/") else urlsplit(url).path
    return mask_tokens(path) or "-"


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
